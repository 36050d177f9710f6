package io.tokenlogin.keycloak.session;

import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.UserSessionManager;

/**
 * Opens a Keycloak SSO session for a user from a realm resource (the pattern of Keycloak's own impersonation):
 * user session + identity cookies, so the app's next standard authorization request completes without a prompt and
 * Keycloak runs any pending required actions there. Shared by every path that signs a person in outside a flow (partner links, API magic links); the only class of theirs on Keycloak internals.
 */
public final class SsoSessions {

    private SsoSessions() {
    }

    public static UserSessionModel open(KeycloakSession session, RealmModel realm, UserModel user, String authMethod) {
        ClientConnection connection = session.getContext().getConnection();
        AuthenticationManager.AuthResult existing = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (existing != null) {
            if (existing.user().getId().equals(user.getId())) {
                return existing.session(); // already signed in as this user in this browser
            }
            // never mix two users in one browser: the other user's session ends
            AuthenticationManager.backchannelLogout(session, existing.session(), true);
        }
        UserSessionModel userSession = new UserSessionManager(session).createUserSession(
                realm, user, user.getUsername(), connection.getRemoteHost(), authMethod, false, null, null);
        userSession.setState(UserSessionModel.State.LOGGED_IN);
        userSession.setNote(AuthenticationManager.AUTH_TIME, String.valueOf(Time.currentTime()));
        AuthenticationManager.createLoginCookie(session, realm, user, userSession, session.getContext().getUri(), connection);
        return userSession;
    }
}
