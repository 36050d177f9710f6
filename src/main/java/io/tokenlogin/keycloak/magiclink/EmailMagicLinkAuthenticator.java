package io.tokenlogin.keycloak.magiclink;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.delivery.DeliveryPools;
import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Flow step {@code email-magic-link}: asks for an email (unless an earlier step identified the user), mails a
 * single-use link and waits; the user is authenticated only once the link was confirmed with a click (same browser)
 * or with the matching code (another device). An identified user is never an authenticated one.
 */
public class EmailMagicLinkAuthenticator implements Authenticator {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(EmailMagicLinkAuthenticator.class);

    static final String FORM_EMAIL = "email";
    static final String FORM_RESEND = "resend";
    static final String FORM_RESTART = "restart";
    static final String FORM_CODE = "emailCode";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        MagicLinkSettings settings = validSettings(context);
        if (settings != null) {
            authenticate(context, settings);
        }
    }

    private void authenticate(AuthenticationFlowContext context, MagicLinkSettings settings) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        if (WaitingLogin.APPROVED.equals(authSession.getAuthNote(WaitingLogin.STATE))) {
            finish(context);
            return;
        }
        if (authSession.getAuthNote(WaitingLogin.LINK) != null) {
            context.challenge(MagicLinkPages.sent(context, settings, MagicLinkPages.Resend.NONE));
            return;
        }
        UserModel identified = context.getUser();
        if (identified != null) {
            if (mailQueueFull(context, null, false)) {
                return;
            }
            LinkIssuer.issue(context, settings, normalisedEmailOf(identified), identified);
            context.challenge(MagicLinkPages.sent(context, settings, MagicLinkPages.Resend.NONE));
            return;
        }
        context.challenge(MagicLinkPages.askEmail(context, null, null));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MagicLinkSettings settings = validSettings(context);
        if (settings == null) {
            return;
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        if (form.containsKey(FORM_RESTART) && context.getUser() == null) {
            WaitingLogin.clear(authSession);
            context.challenge(MagicLinkPages.askEmail(context, null, null));
        } else if (form.containsKey(FORM_CODE) && authSession.getAuthNote(WaitingLogin.EMAIL) != null) {
            typedCode(context, settings, form.getFirst(FORM_CODE));
        } else if (form.containsKey(FORM_RESEND) && authSession.getAuthNote(WaitingLogin.EMAIL) != null) {
            if (mailQueueFull(context, null, true)) {
                return;
            }
            boolean issued = LinkIssuer.issue(context, settings, authSession.getAuthNote(WaitingLogin.EMAIL), context.getUser());
            context.challenge(MagicLinkPages.sent(context, settings, issued ? MagicLinkPages.Resend.SENT : MagicLinkPages.Resend.KEPT));
        } else if (form.containsKey(FORM_EMAIL) && context.getUser() == null) {
            String email = MagicLinkCodes.normaliseEmail(form.getFirst(FORM_EMAIL));
            if (email == null) {
                context.getEvent().event(EventType.SEND_VERIFY_EMAIL).error("invalid_email");
                context.challenge(MagicLinkPages.askEmail(context, form.getFirst(FORM_EMAIL),
                        new FormMessage(FORM_EMAIL, "magicLink.invalidEmail")));
                return;
            }
            if (mailQueueFull(context, email, false)) {
                return;
            }
            LinkIssuer.issue(context, settings, email, null);
            context.challenge(MagicLinkPages.sent(context, settings, MagicLinkPages.Resend.NONE));
        } else {
            authenticate(context, settings);
        }
    }

    /**
     * Before anything is issued: when this node's mail queue is full, nothing is stored or sent and the person gets
     * a "try again" page — checked before the address is looked at, so it looks the same for every address.
     */
    private static boolean mailQueueFull(AuthenticationFlowContext context, String typed, boolean resend) {
        if (DeliveryPools.mailRoom()) {
            return false;
        }
        long now = System.currentTimeMillis();
        long last = lastBusyLog.get();
        if (now - last > 60_000 && lastBusyLog.compareAndSet(last, now)) {
            LOG.warnf("Magic-link mails refused: this node's mail queue is full (raise --spi-realm-restapi-extension--token-login--mail-threads"
                    + " or --mail-queue, or check the SMTP server's latency); logged at most once a minute");
        }
        context.getEvent().clone().event(EventType.SEND_VERIFY_EMAIL)
                .detail(Details.AUTH_METHOD, EmailMagicLinkAuthenticatorFactory.PROVIDER_ID).error("mail_queue_full");
        context.challenge(MagicLinkPages.busy(context, typed, resend));
        return true;
    }

    /** When the "queue full" warning was last logged (a rate limit of the log line, not state). */
    private static final java.util.concurrent.atomic.AtomicLong lastBusyLog = new java.util.concurrent.atomic.AtomicLong();

    /**
     * The email code typed on the waiting page: valid as long as the newest link, single use, only in this login
     * attempt (its hash is in this auth session, bound to the link), at most {@link MagicLinkSettings#MAX_CODE_TRIES}
     * wrong tries (then the attempt's link and code end). The right code consumes the link (one atomic remove, as a
     * click does), so either one used ends the other. An unknown address has a code nobody was sent: nothing matches.
     */
    private void typedCode(AuthenticationFlowContext context, MagicLinkSettings settings, String typed) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        long now = System.currentTimeMillis() / 1000;
        String linkHash = authSession.getAuthNote(WaitingLogin.LINK);
        String expected = authSession.getAuthNote(WaitingLogin.OTP);
        if (WaitingLogin.APPROVED.equals(authSession.getAuthNote(WaitingLogin.STATE))) {
            finish(context); // the link was confirmed meanwhile (another device): that sign-in goes on
            return;
        }
        org.keycloak.events.EventBuilder event = context.getEvent().clone().event(EventType.VERIFY_EMAIL)
                .detail(Details.AUTH_METHOD, EmailMagicLinkAuthenticatorFactory.PROVIDER_ID + "-code");
        if (expected == null || linkHash == null || !WaitingLogin.PENDING.equals(WaitingLogin.state(authSession, now))) {
            event.error("expired_code");
            context.challenge(MagicLinkPages.sent(context, settings, MagicLinkPages.Resend.NONE, MagicLinkPages.CodeResult.LOCKED));
            return;
        }
        String digits = typed == null ? "" : typed.replaceAll("[\\s-]", "");
        boolean right = digits.matches("[0-9]{6,10}") && MagicLinkCodes.same(MagicLinkCodes.emailCodeHash(linkHash, digits), expected);
        java.util.Map<String, String> link = right
                ? MagicLinkStore.consume(io.tokenlogin.keycloak.store.TokenLoginStore.of(context.getSession(), context.getRealm()), linkHash).orElse(null)
                : null;
        if (link == null) {
            int tries = 1 + parse(authSession.getAuthNote(WaitingLogin.OTP_TRIES));
            authSession.setAuthNote(WaitingLogin.OTP_TRIES, Integer.toString(tries));
            if (tries >= MagicLinkSettings.MAX_CODE_TRIES) {
                // the attempt is over: neither this link nor its code works any more; a new mail is needed
                MagicLinkStore.consume(io.tokenlogin.keycloak.store.TokenLoginStore.of(context.getSession(), context.getRealm()), linkHash);
                authSession.removeAuthNote(WaitingLogin.OTP);
                authSession.setAuthNote(WaitingLogin.STATE, WaitingLogin.REFUSED);
                event.detail(Details.EMAIL, authSession.getAuthNote(WaitingLogin.EMAIL)).error("magic_link_code_attempts_exceeded");
                TokenLoginMetrics.signIn(context.getRealm().getName(),
                        TokenLoginMetrics.Path.MAGIC_LINK, "none", "code_attempts_exceeded");
                context.challenge(MagicLinkPages.sent(context, settings, MagicLinkPages.Resend.NONE, MagicLinkPages.CodeResult.LOCKED));
                return;
            }
            event.detail(Details.EMAIL, authSession.getAuthNote(WaitingLogin.EMAIL)).error("magic_link_wrong_code");
            context.challenge(MagicLinkPages.sent(context, settings, MagicLinkPages.Resend.NONE, MagicLinkPages.CodeResult.WRONG));
            return;
        }
        UserModel user = MagicLinkUsers.of(context.getSession(), context.getRealm(), link);
        if (user == null || !user.isEnabled()) {
            event.error(user == null ? "user_not_found" : "user_disabled");
            authSession.setAuthNote(WaitingLogin.STATE, WaitingLogin.REFUSED);
            context.challenge(MagicLinkPages.sent(context, settings, MagicLinkPages.Resend.NONE, MagicLinkPages.CodeResult.LOCKED));
            return;
        }
        io.tokenlogin.keycloak.users.AccountTrust.emailProven(context.getSession(), context.getRealm(), user, link.get(MagicLinkStore.EMAIL), event);
        event.user(user).success();
        authSession.setAuthNote(WaitingLogin.USER, user.getId());
        authSession.setAuthNote(WaitingLogin.STATE, WaitingLogin.APPROVED);
        finish(context);
    }

    private static int parse(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return MagicLinkSettings.MAX_CODE_TRIES;
        }
    }

    /** The click approved this login: the approved user signs in (and must be the identified one, if any). */
    private void finish(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String userId = authSession.getAuthNote(WaitingLogin.USER);
        WaitingLogin.clear(authSession);
        UserModel user = userId == null ? null : context.getSession().users().getUserById(context.getRealm(), userId);
        UserModel identified = context.getUser();
        if (user == null || !user.isEnabled() || (identified != null && !identified.getId().equals(user.getId()))) {
            context.getEvent().error("user_not_found");
            TokenLoginMetrics.signIn(context.getRealm().getName(), TokenLoginMetrics.Path.MAGIC_LINK, "none", "user_not_found");
            context.challenge(MagicLinkPages.askEmail(context, null, new FormMessage(null, "magicLink.reason.denied")));
            return;
        }
        context.getEvent().user(user).detail(Details.AUTH_METHOD, EmailMagicLinkAuthenticatorFactory.PROVIDER_ID)
                .detail(Details.USERNAME, user.getUsername());
        context.setUser(user);
        context.success();
        TokenLoginMetrics.signIn(context.getRealm().getName(), TokenLoginMetrics.Path.MAGIC_LINK, "none", "success");
    }

    private static java.util.Map<String, String> config(AuthenticationFlowContext context) {
        return context.getAuthenticatorConfig() == null ? null : context.getAuthenticatorConfig().getConfig();
    }

    /**
     * Keycloak has no save-time check for a step's settings: an invalid value (e.g. {@code linkLifetime=abc}) stops
     * the step here — never a silent default — with a log line and an error event naming the setting, and a themed
     * "this sign-in method is misconfigured" page (other ways to sign in stay offered). Read once per request; null
     * when the step does not run.
     */
    private static MagicLinkSettings validSettings(AuthenticationFlowContext context) {
        try {
            MagicLinkSettings settings = MagicLinkSettings.from(config(context));
            String organization = settings.organizationDomains();
            if (!organization.isEmpty()) {
                if (!context.getRealm().isOrganizationsEnabled()) {
                    throw new MagicLinkSettings.InvalidSettingException(MagicLinkSettings.ORGANIZATION_DOMAINS,
                            MagicLinkSettings.ORGANIZATION_DOMAINS + " is set but the realm has Organizations turned off");
                }
                if (!MagicLinkSettings.ANY_ORGANIZATION.equals(organization)
                        && io.tokenlogin.keycloak.partner.flow.PartnerOrganizations.find(context.getSession(), organization) == null) {
                    throw new MagicLinkSettings.InvalidSettingException(MagicLinkSettings.ORGANIZATION_DOMAINS,
                            MagicLinkSettings.ORGANIZATION_DOMAINS + " names no organization of this realm: '" + organization + "'");
                }
            }
            return settings;
        } catch (MagicLinkSettings.InvalidSettingException e) {
            String alias = context.getAuthenticatorConfig() == null ? "" : context.getAuthenticatorConfig().getAlias();
            LOG.errorf("The email-magic-link step (config '%s') of realm '%s' is misconfigured and does not run: %s",
                    alias, context.getRealm().getName(), e.getMessage());
            context.getEvent().detail(Details.AUTH_METHOD, EmailMagicLinkAuthenticatorFactory.PROVIDER_ID)
                    .detail("authenticator_config", alias).detail("setting", e.setting()).detail(Details.REASON, e.getMessage())
                    .error("misconfigured");
            TokenLoginMetrics.signIn(context.getRealm().getName(), TokenLoginMetrics.Path.MAGIC_LINK, "none", "misconfigured");
            context.failureChallenge(org.keycloak.authentication.AuthenticationFlowError.INTERNAL_ERROR,
                    MagicLinkPages.misconfigured(context));
            return null;
        }
    }

    private static String normalisedEmailOf(UserModel user) {
        String email = MagicLinkCodes.normaliseEmail(user.getEmail());
        return email != null ? email : "";
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
