package io.tokenlogin.keycloak.link;

import io.tokenlogin.keycloak.store.TokenLoginStore;
import io.tokenlogin.keycloak.magiclink.MagicLinkCodes;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * No silent session swap: a partner link for another person than the one signed in in this browser first asks
 * ("You are signed in as A — continue with this link?"). The token waits server-side (single-use store, at most
 * five minutes, never in the page); the answer must carry a nonce that is both in the form and in a
 * {@code SameSite=Lax} cookie of this path (never sent with a cross-site POST), from the same SSO session the question
 * was asked in, so a cross-site form cannot answer for the victim.
 */
final class SessionSwitch {

    static final String COOKIE = "TOKEN_LOGIN_SWITCH";
    static final String FIELD = "switch";
    private static final String TOKEN = "token";
    private static final String CURRENT = "current";
    private static final String NEXT = "next";
    private static final String STAY = "stay";
    private static final String SESSION = "session";
    private static final long MAX_WAIT = 300;

    private SessionSwitch() {
    }

    /**
     * Stores the question (the token waits here, never in a page) under a fresh nonce held by a {@code SameSite=Strict}
     * cookie, and sends the browser to the question's own URL, so that neither the token nor the nonce is in the
     * address or the page of what the person sees.
     */
    static Response ask(KeycloakSession session, RealmModel realm, UserModel current, String currentSessionId, String token,
                        long tokenExpiresEpoch, String email, String landing) {
        String nonce = MagicLinkCodes.newSecret();
        long wait = Math.max(1, Math.min(MAX_WAIT, tokenExpiresEpoch - System.currentTimeMillis() / 1000));
        Map<String, String> question = new HashMap<>();
        question.put(TOKEN, token);
        question.put(CURRENT, current.getEmail() != null ? current.getEmail() : current.getUsername());
        if (email != null) {
            question.put(NEXT, email);
        }
        question.put(STAY, landing);
        question.put(SESSION, currentSessionId);
        TokenLoginStore.of(session, realm).put(TokenLoginStore.Kind.SWITCH, MagicLinkCodes.hash(nonce), wait, question);
        session.getContext().getHttpResponse().setCookieIfAbsent(new NewCookie.Builder(COOKIE).value(nonce).path(path(session, realm))
                .maxAge((int) wait).httpOnly(true).secure("https".equalsIgnoreCase(session.getContext().getUri().getRequestUri().getScheme()))
                .sameSite(NewCookie.SameSite.LAX).build()); // Lax: sent on the redirect of a cross-site navigation, never on a cross-site POST
        noStore(session);
        return Response.seeOther(actionUrl(session, realm)).build();
    }

    /** The question page ({@code GET login/switch}) of this browser's pending question, or empty when there is none. */
    static Optional<Response> page(KeycloakSession session, RealmModel realm) {
        Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(COOKIE);
        Map<String, String> question = cookie == null || cookie.getValue().isBlank() ? null
                : TokenLoginStore.of(session, realm).get(TokenLoginStore.Kind.SWITCH, MagicLinkCodes.hash(cookie.getValue()));
        if (question == null) {
            return Optional.empty();
        }
        Map<String, Object> model = new HashMap<>();
        model.put("current", question.get(CURRENT));
        if (question.get(NEXT) != null) {
            model.put("next", question.get(NEXT));
        }
        model.put("actionUrl", actionUrl(session, realm).toString());
        model.put("nonce", cookie.getValue());
        model.put("stayUrl", question.get(STAY));
        noStore(session);
        return Optional.of(session.getProvider(LoginFormsProvider.class).setAttribute("tokenLoginSwitch", model)
                .createForm("token-login-switch.ftl"));
    }

    /** The waiting token when the form's nonce equals this browser's cookie; consumed (one answer per question). */
    static Optional<String> answer(KeycloakSession session, RealmModel realm, String formNonce) {
        Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(COOKIE);
        if (formNonce == null || cookie == null || !MagicLinkCodes.same(formNonce, cookie.getValue())) {
            return Optional.empty();
        }
        session.getContext().getHttpResponse().setCookieIfAbsent(new NewCookie.Builder(COOKIE).value("").path(path(session, realm)).maxAge(0).build());
        Map<String, String> waiting = TokenLoginStore.of(session, realm).remove(TokenLoginStore.Kind.SWITCH, MagicLinkCodes.hash(formNonce));
        if (waiting == null) {
            return Optional.empty();
        }
        // the question belongs to the session it was asked in: a nonce cookie tossed in from elsewhere does not fit
        org.keycloak.services.managers.AuthenticationManager.AuthResult now =
                org.keycloak.services.managers.AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (now == null || !now.session().getId().equals(waiting.get(SESSION))) {
            return Optional.empty();
        }
        return Optional.ofNullable(waiting.get(TOKEN));
    }

    private static java.net.URI actionUrl(KeycloakSession session, RealmModel realm) {
        return Urls.realmBase(session.getContext().getUri().getBaseUri()).path(realm.getName())
                .path("token-login").path("login").path("switch").build();
    }

    private static void noStore(KeycloakSession session) {
        session.getContext().getHttpResponse().setHeader("Cache-Control", "no-store");
        session.getContext().getHttpResponse().setHeader("Referrer-Policy", "no-referrer");
    }

    private static String path(KeycloakSession session, RealmModel realm) {
        String base = session.getContext().getUri().getBaseUri().getPath();
        return (base.endsWith("/") ? base : base + "/") + "realms/" + realm.getName() + "/token-login/login";
    }
}
