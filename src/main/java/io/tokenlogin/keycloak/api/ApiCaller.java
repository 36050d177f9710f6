package io.tokenlogin.keycloak.api;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Who calls the partner APIs: a bearer access token of this realm (typically a confidential client's service
 * account, client-credentials grant) whose user holds the realm role {@value #ROLE}. No or bad token, or a token
 * of another realm: 401; without the role: 403.
 */
public record ApiCaller(UserModel user, ClientModel client) {

    public static final String ROLE = "token-login-issuer";

    public static ApiCaller authenticate(KeycloakSession session, RealmModel realm) throws ApiException {
        AuthenticationManager.AuthResult auth;
        try {
            auth = new AppAuthManager.BearerTokenAuthenticator(session).setRealm(realm).authenticate();
        } catch (RuntimeException e) {
            auth = null;
        }
        if (auth == null || auth.user() == null || auth.client() == null) {
            throw new ApiException(401, "invalid_token", "a valid bearer access token of this realm is required");
        }
        RoleModel role = realm.getRole(ROLE);
        if (role == null || !auth.user().hasRole(role)) {
            throw new ApiException(403, "insufficient_scope", "the caller needs the realm role " + ROLE);
        }
        return new ApiCaller(auth.user(), auth.client());
    }
}
