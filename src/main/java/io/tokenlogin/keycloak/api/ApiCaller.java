package io.tokenlogin.keycloak.api;

import io.tokenlogin.keycloak.partner.idp.PartnerProviders;
import io.tokenlogin.keycloak.partner.idp.PartnerSettings;
import org.keycloak.Config;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

import java.util.Arrays;
import java.util.Set;

/**
 * Who calls the partner APIs, and whom it may reach. Only a partner backend: the service-account token
 * (client-credentials grant) of a confidential client of this realm, whose service account holds the realm role
 * {@value #ROLE}; a person's token is refused with 403 whatever roles it carries, and so is a token addressed to
 * another resource server. A caller reaches only its own users (created by its API calls, or linked to a partner
 * identity provider whose <em>API client</em> it is), or, when its service account also holds {@value #ANY_USER_ROLE},
 * any user without an administrative role. Users with any {@code realm-management} role (directly, through a
 * group or a composite) and service accounts are never reachable.
 */
public record ApiCaller(UserModel user, ClientModel client) {

    public static final String ROLE = "token-login-issuer";
    /** Widens a caller's reach from its own users to every non-privileged user of the realm. */
    public static final String ANY_USER_ROLE = "token-login-any-user";
    /** User attribute holding the internal id of the API client that created the user (set only by this extension). */
    public static final String CREATED_BY = "token-login.created-by";
    /** Keycloak's own clients a client-credentials token may also be addressed to (default roles add {@code account}). */
    private static final Set<String> BUILT_IN_AUDIENCES = Set.of(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID, Constants.BROKER_SERVICE_CLIENT_ID);
    /** Clients a minted link never lands in. */
    private static final Set<String> ADMIN_CLIENTS = Set.of(Constants.ADMIN_CONSOLE_CLIENT_ID, Constants.ADMIN_CLI_CLIENT_ID,
            Constants.REALM_MANAGEMENT_CLIENT_ID, Constants.BROKER_SERVICE_CLIENT_ID);

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
        ClientModel client = auth.client();
        UserModel user = auth.user();
        if (client.isPublicClient() || client.isBearerOnly() || !client.isServiceAccountsEnabled()
                || !client.getId().equals(user.getServiceAccountClientLink())) {
            throw new ApiException(403, "service_account_required",
                    "the partner APIs accept only the service-account token of a confidential client (client credentials grant)");
        }
        if (!audienceFits(auth.token(), client)) {
            throw new ApiException(403, "invalid_audience", "the token is addressed to another client");
        }
        RoleModel role = realm.getRole(ROLE);
        if (role == null || !user.hasRole(role)) {
            throw new ApiException(403, "insufficient_scope", "the caller needs the realm role " + ROLE);
        }
        return new ApiCaller(user, client);
    }

    private static boolean audienceFits(AccessToken token, ClientModel client) {
        String[] audience = token.getAudience();
        return audience == null || Arrays.stream(audience)
                .allMatch(a -> a.equals(client.getClientId()) || BUILT_IN_AUDIENCES.contains(a));
    }

    /** True when this caller may mint links for {@code target}; never for privileged users or service accounts. */
    public boolean mayReach(KeycloakSession session, RealmModel realm, UserModel target) {
        if (target.getServiceAccountClientLink() != null || privileged(realm, target)) {
            return false;
        }
        RoleModel any = realm.getRole(ANY_USER_ROLE);
        if (any != null && user.hasRole(any)) {
            return true;
        }
        if (client.getId().equals(target.getFirstAttribute(CREATED_BY))) {
            return true;
        }
        return PartnerProviders.all(session)
                .filter(org.keycloak.models.IdentityProviderModel::isEnabled)
                .filter(p -> p.getConfig().get(PartnerSettings.API_CLIENT) != null
                        && client.getClientId().equals(p.getConfig().get(PartnerSettings.API_CLIENT).trim()))
                .anyMatch(p -> session.users().getFederatedIdentity(realm, target, p.getAlias()) != null);
    }

    /** Any role of the realm's {@code realm-management} client (and, in the master realm, of any realm's admin client). */
    public static boolean privileged(RealmModel realm, UserModel user) {
        ClientModel management = realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID);
        if (management != null && management.getRolesStream().anyMatch(user::hasRole)) {
            return true;
        }
        if (Config.getAdminRealm().equals(realm.getName())) {
            RoleModel admin = realm.getRole(org.keycloak.models.AdminRoles.ADMIN);
            if (admin != null && user.hasRole(admin)) {
                return true;
            }
            return realm.getClientsStream().filter(c -> c.getClientId().endsWith("-realm"))
                    .anyMatch(c -> c.getRolesStream().anyMatch(user::hasRole));
        }
        return false;
    }

    /** Links never land in Keycloak's admin clients. */
    public static boolean isAdminClient(ClientModel landing) {
        return ADMIN_CLIENTS.contains(landing.getClientId());
    }
}
