package io.tokenlogin.keycloak.magiclink;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.store.TokenLoginStore;
import io.tokenlogin.keycloak.users.AccountTrust;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /realms/{realm}/token-login/magic-link}: the link itself. GET (and HEAD) only shows a page, so mail scanners
 * and previews burn nothing; the POST of that page consumes the link in one atomic step. In the browser that asked,
 * the login continues; on another device the user must pick the code the waiting tab shows. {@code /status} is
 * what the waiting tab polls with its secret.
 */
public class MagicLinkResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final TokenLoginStore store;

    public MagicLinkResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.store = TokenLoginStore.of(session, realm);
    }

    static String linkUrl(KeycloakSession session, RealmModel realm, String secret) {
        return base(session, realm).queryParam("key", secret).build().toString();
    }

    static String statusUrl(KeycloakSession session, RealmModel realm, String pollSecret) {
        return base(session, realm).path("status").queryParam("poll", pollSecret).build().toString();
    }

    private static jakarta.ws.rs.core.UriBuilder base(KeycloakSession session, RealmModel realm) {
        return Urls.realmBase(session.getContext().getUri().getBaseUri()).path(realm.getName()).path("token-login").path("magic-link");
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response open(@QueryParam("key") String key) {
        if (key == null || key.isBlank()) {
            return MagicLinkPages.expired(session, "expired", null);
        }
        String hash = MagicLinkCodes.hash(key);
        Optional<Map<String, String>> link = MagicLinkStore.peek(store, hash);
        if (link.isEmpty()) {
            return gone(hash);
        }
        String actionUrl = base(session, realm).build().toString();
        if (ApiMagicLinks.isApiLink(link.get())) {
            // the click is the consent: a nonce in the form and in a SameSite=Lax cookie of this browser, so a
            // cross-site form cannot post the link for the victim; say who is signed in here now, if anyone else
            String nonce = MagicLinkCodes.newSecret();
            ApiMagicLinks.setNonceCookie(session, realm, nonce);
            return MagicLinkPages.confirmApi(session, actionUrl, key, nonce, ApiMagicLinks.otherSignedIn(session, realm, link.get()));
        }
        if (sameBrowser(link.get())) {
            return MagicLinkPages.confirm(session, actionUrl, key);
        }
        if (!Boolean.parseBoolean(link.get().get(MagicLinkStore.CROSS_DEVICE))) {
            return MagicLinkPages.expired(session, "denied", null);
        }
        List<String> choices = MagicLinkCodes.storedChoices(link.get().get(MagicLinkStore.CHOICES), link.get().get(MagicLinkStore.CODE));
        if (choices.isEmpty()) {
            return MagicLinkPages.expired(session, "denied", null); // a link without its choices cannot be approved
        }
        return MagicLinkPages.approve(session, actionUrl, key, link.get(), choices);
    }

    @POST
    @Produces(MediaType.TEXT_HTML)
    public Response confirm(@FormParam("key") String key, @FormParam("choice") String choice, @FormParam("nonce") String nonce) {
        if (key == null || key.isBlank()) {
            return MagicLinkPages.expired(session, "expired", null);
        }
        String hash = MagicLinkCodes.hash(key);
        Optional<Map<String, String>> peeked = MagicLinkStore.peek(store, hash);
        if (peeked.isPresent() && ApiMagicLinks.isApiLink(peeked.get())
                && (!io.tokenlogin.keycloak.partner.flow.TokenTransport.isTopLevelNavigation(session.getContext().getRequestHeaders())
                    || !ApiMagicLinks.nonceMatches(session, nonce))) {
            // not this browser's own click on the link's page: nothing consumed, no session touched
            return MagicLinkPages.expired(session, "denied", null);
        }
        Map<String, String> link = MagicLinkStore.consume(store, hash).orElse(null);
        if (link == null) {
            TokenLoginMetrics.signIn(realm.getName(),
                    TokenLoginMetrics.Path.MAGIC_LINK, "none", "link_used_or_expired");
            return gone(hash);
        }
        if (ApiMagicLinks.isApiLink(link)) {
            return ApiMagicLinks.land(session, realm, link, new EventBuilder(realm, session, session.getContext().getConnection()));
        }
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.VERIFY_EMAIL).detail(Details.AUTH_METHOD, EmailMagicLinkAuthenticatorFactory.PROVIDER_ID)
                .detail(Details.EMAIL, link.get(MagicLinkStore.EMAIL));
        AuthenticationSessionModel waiting = WaitingLogin.find(session, realm, link.get(MagicLinkStore.ROOT_SESSION),
                link.get(MagicLinkStore.TAB), link.get(MagicLinkStore.CLIENT));
        String restart = link.get(MagicLinkStore.RESTART_URL);
        if (waiting == null) {
            refused(event, "expired_code");
            return MagicLinkPages.expired(session, "expired", restart);
        }
        event.client(waiting.getClient());
        if (!hash.equals(waiting.getAuthNote(WaitingLogin.LINK))) {
            refused(event, "magic_link_superseded");
            return MagicLinkPages.expired(session, "superseded", restart);
        }
        boolean sameBrowser = sameBrowser(link);
        if (!sameBrowser) {
            if (!Boolean.parseBoolean(link.get(MagicLinkStore.CROSS_DEVICE))) {
                refused(event, "magic_link_other_device");
                waiting.setAuthNote(WaitingLogin.STATE, WaitingLogin.REFUSED);
                return MagicLinkPages.expired(session, "denied", null);
            }
            if (!MagicLinkCodes.same(choice, link.get(MagicLinkStore.CODE))) {
                refused(event, "magic_link_wrong_code");
                waiting.setAuthNote(WaitingLogin.STATE, WaitingLogin.REFUSED);
                return MagicLinkPages.expired(session, "refused", null);
            }
        }
        UserModel user = user(link);
        if (user == null || !user.isEnabled()) {
            refused(event, user == null ? "user_not_found" : "user_disabled");
            waiting.setAuthNote(WaitingLogin.STATE, WaitingLogin.REFUSED);
            return MagicLinkPages.expired(session, "denied", null);
        }
        AccountTrust.emailProven(session, realm, user, link.get(MagicLinkStore.EMAIL), event);
        waiting.setAuthNote(WaitingLogin.USER, user.getId());
        waiting.setAuthNote(WaitingLogin.STATE, WaitingLogin.APPROVED);
        event.user(user).detail("same_browser", Boolean.toString(sameBrowser)).success();
        if (sameBrowser) {
            MagicLinkPages.noStore(session);
            return Response.seeOther(URI.create(link.get(MagicLinkStore.RESUME_URL))).build();
        }
        return MagicLinkPages.approvedElsewhere(session);
    }

    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status(@QueryParam("poll") String pollSecret) {
        MagicLinkPages.noStore(session);
        String state = WaitingLogin.EXPIRED;
        if (pollSecret != null && !pollSecret.isBlank()) {
            Map<String, String> handle = MagicLinkStore.poll(store, pollSecret).orElse(null);
            if (handle != null && realm.getId().equals(handle.get(MagicLinkStore.REALM))) {
                AuthenticationSessionModel waiting = WaitingLogin.find(session, realm, handle.get(MagicLinkStore.ROOT_SESSION),
                        handle.get(MagicLinkStore.TAB), handle.get(MagicLinkStore.CLIENT));
                // only the tab holding the newest link's polling secret may ask
                if (waiting != null && MagicLinkCodes.same(pollSecret, waiting.getAuthNote(WaitingLogin.POLL))) {
                    state = WaitingLogin.state(waiting, System.currentTimeMillis() / 1000);
                }
            }
        }
        return Response.ok(Map.of("status", state), MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** A refused click: its error event and its sign-in metric, with the same code. */
    private void refused(EventBuilder event, String error) {
        event.error(error);
        TokenLoginMetrics.signIn(realm.getName(), TokenLoginMetrics.Path.MAGIC_LINK, "none", error);
    }

    /** The link is gone: used (remembered by its marker), or expired, or never existed. */
    private Response gone(String hash) {
        Map<String, String> marker = MagicLinkStore.marker(store, hash).orElse(null);
        if (marker == null) {
            return MagicLinkPages.expired(session, "expired", null);
        }
        // in the browser that asked, "request a new link" returns to its waiting page (with its resend button)
        String restart = sameBrowser(marker) ? marker.get(MagicLinkStore.RESUME_URL) : marker.get(MagicLinkStore.RESTART_URL);
        String reason = marker.containsKey(MagicLinkStore.REVOKED) ? "revoked" : marker.containsKey(MagicLinkStore.USED) ? "used" : "expired";
        return MagicLinkPages.expired(session, reason, restart);
    }

    /** The browser holding the waiting login (its auth-session cookie) is the one that clicked. */
    private boolean sameBrowser(Map<String, String> link) {
        RootAuthenticationSessionModel current = new AuthenticationSessionManager(session).getCurrentRootAuthenticationSession(realm);
        return current != null && current.getId().equals(link.get(MagicLinkStore.ROOT_SESSION));
    }

    /** The link's user; with createUsers, an unknown address becomes a user now, on the successful click only. */
    private UserModel user(Map<String, String> link) {
        return MagicLinkUsers.of(session, realm, link);
    }
}
