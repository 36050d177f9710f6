package io.tokenlogin.keycloak.partner.idp;

import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderQuery;
import org.keycloak.models.KeycloakSession;

import java.util.stream.Stream;

/** The realm's partner identity providers (type {@code token-login-partner}), read through Keycloak's cached IdP store. */
public final class PartnerProviders {

    private PartnerProviders() {
    }

    /** Every partner identity provider of the session's realm, enabled or not. */
    public static Stream<IdentityProviderModel> all(KeycloakSession session) {
        return session.identityProviders().getAllStream(IdentityProviderQuery.any())
                .filter(PartnerProviders::isPartner);
    }

    public static boolean isPartner(IdentityProviderModel model) {
        return model != null && PartnerIdentityProviderFactory.PROVIDER_ID.equals(model.getProviderId());
    }
}
