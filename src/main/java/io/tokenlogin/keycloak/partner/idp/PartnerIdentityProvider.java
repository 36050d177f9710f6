package io.tokenlogin.keycloak.partner.idp;

import jakarta.ws.rs.core.Response;
import org.keycloak.broker.provider.AbstractIdentityProvider;
import org.keycloak.broker.provider.AuthenticationRequest;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * A partner as a Keycloak identity provider. It never redirects anywhere: the partner's backend signs its users in
 * with a token (link endpoint or the {@code external-token} step). A login started through Keycloak's broker
 * endpoint ({@code /broker/{alias}/login}) answers a themed page saying so.
 */
public class PartnerIdentityProvider extends AbstractIdentityProvider<PartnerIdpConfig> {

    static final String OWN_SITE_MESSAGE = "tokenLogin.partnerOwnSite";

    public PartnerIdentityProvider(KeycloakSession session, PartnerIdpConfig config) {
        super(session, config);
    }

    @Override
    public Response performLogin(AuthenticationRequest request) {
        return session.getProvider(LoginFormsProvider.class)
                .setError(OWN_SITE_MESSAGE, getConfig().getDisplayName() != null ? getConfig().getDisplayName() : getConfig().getAlias())
                .createErrorPage(Response.Status.BAD_REQUEST);
    }

    @Override
    public Response retrieveToken(KeycloakSession session, FederatedIdentityModel identity) {
        return Response.status(Response.Status.BAD_REQUEST).build(); // partners hand out no token to store or retrieve
    }

    @Override
    public Response retrieveToken(KeycloakSession session, FederatedIdentityModel identity, UserSessionModel userSession, UserModel user) {
        return retrieveToken(session, identity);
    }
}
