package io.tokenlogin.keycloak.magiclink;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.store.TokenLoginStore;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.util.ResolveRelative;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.HashMap;
import java.util.Map;

/**
 * Issues a link for one login attempt: the same work for every address (limits, store entry, auth notes) so the
 * answer looks and takes the same; the mail goes out, off the request, only when the address may sign in and no
 * limit is hit. The new link replaces the attempt's previous one.
 */
final class LinkIssuer {

    private LinkIssuer() {
    }

    /** Links one login attempt may ask for; past it, nothing more is stored or sent for that attempt. */
    static final int MAX_LINKS_PER_ATTEMPT = 10;

    /**
     * Issues a new link for the attempt, or returns false when the limits refuse one while the attempt still has a
     * pending link: that mailed link keeps working and nothing is stored (the page says no new link was sent — the
     * same for known and unknown addresses, since the limits count every address).
     */
    static boolean issue(AuthenticationFlowContext context, MagicLinkSettings settings, String email, UserModel identified) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        ClientModel client = authSession.getClient();
        TokenLoginStore store = TokenLoginStore.of(session, realm);
        String ip = context.getConnection().getRemoteHost();
        String browser = MagicLinkCodes.describeBrowser(context.getHttpRequest().getHttpHeaders().getHeaderString("User-Agent"));

        int issuedBefore = parseInt(authSession.getAuthNote(WaitingLogin.ISSUED));
        boolean allowed = !email.isEmpty() && issuedBefore < MAX_LINKS_PER_ATTEMPT
                && SendLimits.tryAcquire(store, settings, realm.getId(), email, ip);
        if (!allowed && WaitingLogin.PENDING.equals(WaitingLogin.state(authSession, System.currentTimeMillis() / 1000))) {
            context.getEvent().clone().event(EventType.SEND_VERIFY_EMAIL)
                    .detail(Details.AUTH_METHOD, EmailMagicLinkAuthenticatorFactory.PROVIDER_ID)
                    .detail(Details.EMAIL, email).error("rate_limited");
            TokenLoginMetrics.mail(realm.getName(), "magic_link", "refused");
            return false; // the pending link stays the attempt's newest link
        }
        authSession.setAuthNote(WaitingLogin.ISSUED, Integer.toString(issuedBefore + 1));
        UserModel user = identified != null ? identified : email.isEmpty() ? null : session.users().getUserByEmail(realm, email);
        String refusal = !allowed ? "rate_limited"
                : !io.tokenlogin.keycloak.partner.flow.PartnerOrganizations.allowsAddress(session, settings.organizationDomains(), email)
                        ? "outside_organization"
                : user == null ? (settings.createUsers() ? null : "user_not_found")
                : !user.isEnabled() ? "user_disabled" : null;

        String secret = MagicLinkCodes.newSecret();
        String linkHash = MagicLinkCodes.hash(secret);
        String pollSecret = MagicLinkCodes.newSecret();
        String code = MagicLinkCodes.newCode();
        // the email code: made for every attempt (unknown addresses too: it is never mailed, so nothing matches it)
        String emailCode = settings.emailCode() ? MagicLinkCodes.newEmailCode(settings.emailCodeLength()) : null;
        long now = System.currentTimeMillis() / 1000;
        long expires = now + settings.linkLifetimeSeconds();

        Map<String, String> notes = new HashMap<>();
        notes.put(MagicLinkStore.REALM, realm.getId());
        notes.put(MagicLinkStore.ROOT_SESSION, authSession.getParentSession().getId());
        notes.put(MagicLinkStore.TAB, authSession.getTabId());
        notes.put(MagicLinkStore.CLIENT, client.getId());
        notes.put(MagicLinkStore.EMAIL, email);
        if (user != null) {
            notes.put(MagicLinkStore.USER, user.getId());
        }
        notes.put(MagicLinkStore.CODE, code);
        // the same choices on every rendering: redrawn choices would give the right code away (the one always present)
        notes.put(MagicLinkStore.CHOICES, String.join(",", MagicLinkCodes.choices(code)));
        notes.put(MagicLinkStore.IP, ip == null ? "" : ip);
        notes.put(MagicLinkStore.BROWSER, browser);
        notes.put(MagicLinkStore.CREATED, Long.toString(now));
        notes.put(MagicLinkStore.EXPIRES, Long.toString(expires));
        notes.put(MagicLinkStore.CROSS_DEVICE, Boolean.toString(settings.allowCrossDevice()));
        notes.put(MagicLinkStore.CREATE_USERS, Boolean.toString(settings.createUsers()));
        notes.put(MagicLinkStore.RESUME_URL, context.getRefreshExecutionUrl().toString());
        String restart = ResolveRelative.resolveRelativeUri(session, client.getRootUrl(), client.getBaseUrl());
        if (restart != null && !restart.isBlank()) {
            notes.put(MagicLinkStore.RESTART_URL, restart);
        }
        if (refusal == null) {
            MagicLinkStore.save(store, linkHash, notes, settings.linkLifetimeSeconds()); // a refused send stores no link
        }
        // the waiting tab's handle lives no longer than its login attempt can (and never longer than the link)
        MagicLinkStore.savePoll(store, pollSecret, notes, Math.min(settings.linkLifetimeSeconds(),
                Math.max(realm.getAccessCodeLifespanLogin(), realm.getAccessCodeLifespanUserAction())) + 60);

        authSession.setAuthNote(WaitingLogin.LINK, linkHash);
        authSession.setAuthNote(WaitingLogin.EMAIL, email);
        authSession.setAuthNote(WaitingLogin.CODE, code);
        authSession.setAuthNote(WaitingLogin.POLL, pollSecret);
        authSession.setAuthNote(WaitingLogin.STATE, WaitingLogin.PENDING);
        authSession.setAuthNote(WaitingLogin.EXPIRES, Long.toString(expires));
        authSession.removeAuthNote(WaitingLogin.USER);
        if (emailCode != null) {
            authSession.setAuthNote(WaitingLogin.OTP, MagicLinkCodes.emailCodeHash(linkHash, emailCode));
            authSession.setAuthNote(WaitingLogin.OTP_TRIES, "0");
        } else {
            authSession.removeAuthNote(WaitingLogin.OTP);
            authSession.removeAuthNote(WaitingLogin.OTP_TRIES);
        }

        if (refusal != null) {
            context.getEvent().clone().event(EventType.SEND_VERIFY_EMAIL)
                    .detail(Details.AUTH_METHOD, EmailMagicLinkAuthenticatorFactory.PROVIDER_ID)
                    .detail(Details.EMAIL, email).error(refusal);
            TokenLoginMetrics.mail(realm.getName(), "magic_link", "refused");
            return true;
        }
        String link = MagicLinkResource.linkUrl(session, realm, secret);
        MagicLinkMailer.sendLater(session, new MagicLinkMailer.Mail(realm.getId(), user == null ? null : user.getId(), email, link,
                settings.linkLifetimeSeconds(), ip, browser, authSession.getParentSession().getId(), authSession.getTabId(),
                client.getId(), client.getClientId(), linkHash, emailCode, settings.codeInSubject()));
        return true;
    }

    private static int parseInt(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
