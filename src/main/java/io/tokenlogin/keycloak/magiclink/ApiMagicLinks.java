package io.tokenlogin.keycloak.magiclink;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.store.TokenLoginStore;
import io.tokenlogin.keycloak.mail.Durations;
import io.tokenlogin.keycloak.session.SsoSessions;
import io.tokenlogin.keycloak.mail.ThemedMail;
import io.tokenlogin.keycloak.users.AccountTrust;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sign-in links minted by a partner backend ({@code POST …/token-login/magic-links}): the same single-use,
 * scanner-safe link as the flow step's (GET shows a page, the POST of that page signs in), bound to one user and
 * landing on the caller's validated redirect URI with an SSO session. No waiting browser, so no code matching.
 */
public final class ApiMagicLinks {

    static final String KIND = "kind";
    static final String KIND_API = "api";
    static final String REDIRECT_URI = "redirectUri";
    static final String VERIFY_EMAIL = "verifyEmail";
    private static final Logger LOG = Logger.getLogger(ApiMagicLinks.class);

    /** The minted link and its id (for revocation). */
    public record Issued(String linkId, String link, long expiresAt, boolean sent) {
    }

    /** How many of a caller's links for one user and client are remembered for {@code replaceExisting}. */
    static final int INDEX_MAX = 20;

    private ApiMagicLinks() {
    }

    public static Issued issue(KeycloakSession session, RealmModel realm, UserModel user, ClientModel client,
                               String redirectUri, int lifetimeSeconds, boolean sendEmail, ClientModel caller, boolean replaceExisting) {
        String secret = MagicLinkCodes.newSecret();
        long expires = System.currentTimeMillis() / 1000 + lifetimeSeconds;
        Map<String, String> notes = new HashMap<>();
        notes.put(KIND, KIND_API);
        notes.put(MagicLinkStore.REALM, realm.getId());
        notes.put(MagicLinkStore.USER, user.getId());
        notes.put(MagicLinkStore.CLIENT, client.getId());
        notes.put(MagicLinkStore.EMAIL, user.getEmail() == null ? "" : user.getEmail());
        notes.put(MagicLinkStore.EXPIRES, Long.toString(expires));
        notes.put(MagicLinkStore.CREATED, Long.toString(expires - lifetimeSeconds));
        notes.put(REDIRECT_URI, redirectUri);
        notes.put(MagicLinkStore.RESTART_URL, redirectUri);
        String link = MagicLinkResource.linkUrl(session, realm, secret);
        boolean sent = sendEmail && send(session, realm, user, client, link, lifetimeSeconds);
        // the address is proven only when this API mailed the link itself
        notes.put(VERIFY_EMAIL, Boolean.toString(sent));
        TokenLoginStore store = TokenLoginStore.of(session, realm);
        String hash = MagicLinkCodes.hash(secret);
        String linkId = java.util.UUID.randomUUID().toString();
        String indexId = caller.getId() + ":" + user.getId() + ":" + client.getId();
        Map<String, String> index = new java.util.LinkedHashMap<>(Optional.ofNullable(store.get(TokenLoginStore.Kind.LINK_INDEX, indexId)).orElse(Map.of()));
        if (replaceExisting) {
            // the caller's earlier unused links for this user and client stop working now
            index.keySet().forEach(earlier -> revoke(store, caller, earlier));
            index.clear();
        }
        long now = System.currentTimeMillis() / 1000;
        index.values().removeIf(until -> parseLong(until) < now);
        while (index.size() >= INDEX_MAX) {
            // forgotten means never replaceable: the oldest link is revoked as it leaves the index
            String oldest = index.keySet().iterator().next();
            revoke(store, caller, oldest);
            index.remove(oldest);
        }
        index.put(linkId, Long.toString(expires));
        MagicLinkStore.save(store, hash, notes, lifetimeSeconds);
        store.put(TokenLoginStore.Kind.LINK_ID, linkId, lifetimeSeconds, Map.of(HASH, hash, CALLER, caller.getId(), MagicLinkStore.EXPIRES, Long.toString(expires)));
        long longest = index.values().stream().mapToLong(ApiMagicLinks::parseLong).max().orElse(expires) - now;
        store.put(TokenLoginStore.Kind.LINK_INDEX, indexId, longest, index);
        return new Issued(linkId, link, expires, sent);
    }

    static final String HASH = "hash";
    static final String CALLER = "caller";

    /**
     * Revokes one of the caller's unused links: its page then says it was withdrawn. False when the id is unknown,
     * expired, already used, revoked, or another caller's (the same answer for all: nothing to learn about others').
     */
    public static boolean revoke(TokenLoginStore store, ClientModel caller, String linkId) {
        Map<String, String> id = linkId == null ? null : store.get(TokenLoginStore.Kind.LINK_ID, linkId);
        if (id == null || !caller.getId().equals(id.get(CALLER))) {
            return false;
        }
        store.remove(TokenLoginStore.Kind.LINK_ID, linkId);
        return MagicLinkStore.revoke(store, id.get(HASH));
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException | NullPointerException e) {
            return 0;
        }
    }

    private static boolean send(KeycloakSession session, RealmModel realm, UserModel user, ClientModel client, String link, int lifetime) {
        if (user.getEmail() == null) {
            return false;
        }
        String realmName = realm.getDisplayName() != null ? realm.getDisplayName() : realm.getName();
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("link", link);
        Durations.put(attributes, "linkExpiration", lifetime);
        attributes.put("realmName", realmName);
        attributes.put("sentBy", client.getName() != null && !client.getName().isBlank() ? client.getName() : client.getClientId());
        attributes.put("requestIp", "");
        attributes.put("requestBrowser", "");
        try {
            ThemedMail.send(session, realm, user, user.getEmail(), MagicLinkMailer.SUBJECT, List.of(realmName),
                    MagicLinkMailer.TEMPLATE, attributes);
            TokenLoginMetrics.mail(realm.getName(), "api_link", "sent");
            return true;
        } catch (EmailException e) {
            LOG.warnf("Could not mail an API magic link in realm %s: %s", realm.getName(), MagicLinkMailer.failure(e));
            TokenLoginMetrics.mail(realm.getName(), "api_link", "failed");
            return false;
        }
    }

    static final String NONCE_COOKIE = "TOKEN_LOGIN_ML";

    static void setNonceCookie(KeycloakSession session, RealmModel realm, String nonce) {
        String base = session.getContext().getUri().getBaseUri().getPath();
        session.getContext().getHttpResponse().setCookieIfAbsent(new jakarta.ws.rs.core.NewCookie.Builder(NONCE_COOKIE).value(nonce)
                .path((base.endsWith("/") ? base : base + "/") + "realms/" + realm.getName() + "/token-login/magic-link")
                .maxAge(3600).httpOnly(true).secure("https".equalsIgnoreCase(session.getContext().getUri().getRequestUri().getScheme()))
                .sameSite(jakarta.ws.rs.core.NewCookie.SameSite.LAX).build());
    }

    static boolean nonceMatches(KeycloakSession session, String nonce) {
        jakarta.ws.rs.core.Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(NONCE_COOKIE);
        return nonce != null && cookie != null && MagicLinkCodes.same(nonce, cookie.getValue());
    }

    /** Who else is signed in in this browser (to say so on the page), or null. */
    static String otherSignedIn(KeycloakSession session, RealmModel realm, Map<String, String> link) {
        org.keycloak.services.managers.AuthenticationManager.AuthResult current =
                org.keycloak.services.managers.AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (current == null || current.user().getId().equals(link.get(MagicLinkStore.USER))) {
            return null;
        }
        return current.user().getEmail() != null ? current.user().getEmail() : current.user().getUsername();
    }

    static boolean isApiLink(Map<String, String> link) {
        return KIND_API.equals(link.get(KIND));
    }

    /** The confirmed click of an API link: SSO session for its user, 303 to the redirect URI. */
    static Response land(KeycloakSession session, RealmModel realm, Map<String, String> link, EventBuilder event) {
        UserModel user = session.users().getUserById(realm, link.get(MagicLinkStore.USER));
        ClientModel client = realm.getClientById(link.get(MagicLinkStore.CLIENT));
        event.event(EventType.LOGIN).detail(Details.AUTH_METHOD, "token-login-api-link");
        if (client != null) {
            event.client(client);
        }
        if (user == null || !user.isEnabled() || client == null || !client.isEnabled()) {
            String error = user == null ? "user_not_found" : !user.isEnabled() ? "user_disabled" : "client_disabled";
            event.error(error);
            TokenLoginMetrics.signIn(realm.getName(), TokenLoginMetrics.Path.API_LINK, client == null ? null : client.getClientId(), error);
            return MagicLinkPages.expired(session, "denied", null);
        }
        if (io.tokenlogin.keycloak.api.ApiCaller.privileged(realm, user) || user.getServiceAccountClientLink() != null) {
            event.error("user_privileged"); // became an administrator after the link was minted
            TokenLoginMetrics.signIn(realm.getName(), TokenLoginMetrics.Path.API_LINK, client.getClientId(), "user_privileged");
            return MagicLinkPages.expired(session, "denied", null);
        }
        if (Boolean.parseBoolean(link.get(VERIFY_EMAIL))) {
            AccountTrust.emailProven(session, realm, user, link.get(MagicLinkStore.EMAIL), event);
        }
        UserSessionModel userSession = SsoSessions.open(session, realm, user, "token-login-api-link");
        event.user(user).session(userSession).detail(Details.REDIRECT_URI, link.get(REDIRECT_URI)).success();
        TokenLoginMetrics.signIn(realm.getName(), TokenLoginMetrics.Path.API_LINK, client.getClientId(), "success");
        MagicLinkPages.noStore(session);
        return Response.seeOther(URI.create(link.get(REDIRECT_URI))).build();
    }
}
