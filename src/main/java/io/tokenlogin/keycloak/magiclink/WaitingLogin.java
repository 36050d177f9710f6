package io.tokenlogin.keycloak.magiclink;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

/**
 * The login attempt waiting for its link, as auth-session notes (cluster-wide, like every Keycloak auth session):
 * which link is the newest, the code it shows, the hash of its polling secret, and the outcome of the click.
 */
final class WaitingLogin {

    static final String LINK = "tl-ml.link";
    /** How many links this login attempt was issued (capped). */
    static final String ISSUED = "tl-ml.issued";
    static final String EMAIL = "tl-ml.email";
    static final String CODE = "tl-ml.code";
    static final String POLL = "tl-ml.poll";
    static final String STATE = "tl-ml.state";
    static final String USER = "tl-ml.user";
    static final String EXPIRES = "tl-ml.expires";
    /** The hash of the email code (bound to the newest link), and the wrong tries so far. */
    static final String OTP = "tl-ml.otp";
    static final String OTP_TRIES = "tl-ml.otp-tries";

    static final String PENDING = "pending";
    static final String APPROVED = "approved";
    static final String REFUSED = "refused";
    static final String EXPIRED = "expired";

    private WaitingLogin() {
    }

    /** The auth session of a link, or null when it is gone (finished, expired, or another node lost it). */
    static AuthenticationSessionModel find(KeycloakSession session, RealmModel realm, String rootId, String tabId, String clientUuid) {
        if (rootId == null || tabId == null || clientUuid == null) {
            return null;
        }
        RootAuthenticationSessionModel root = session.authenticationSessions().getRootAuthenticationSession(realm, rootId);
        ClientModel client = realm.getClientById(clientUuid);
        return root == null || client == null ? null : root.getAuthenticationSession(client, tabId);
    }

    /** What the waiting tab should do now. */
    static String state(AuthenticationSessionModel authSession, long nowSeconds) {
        if (authSession == null) {
            return EXPIRED;
        }
        String state = authSession.getAuthNote(STATE);
        if (state == null) {
            return EXPIRED;
        }
        String expires = authSession.getAuthNote(EXPIRES);
        if (PENDING.equals(state) && expires != null && nowSeconds > Long.parseLong(expires)) {
            return EXPIRED;
        }
        return state;
    }

    static void clear(AuthenticationSessionModel authSession) {
        for (String note : new String[]{LINK, EMAIL, CODE, POLL, STATE, USER, EXPIRES, OTP, OTP_TRIES}) {
            authSession.removeAuthNote(note);
        }
    }
}
