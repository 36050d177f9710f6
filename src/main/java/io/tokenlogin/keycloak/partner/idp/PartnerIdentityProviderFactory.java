package io.tokenlogin.keycloak.partner.idp;

import io.tokenlogin.keycloak.partner.PartnerPolicy;
import org.keycloak.broker.provider.AbstractIdentityProviderFactory;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderSyncMode;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;
import java.util.Map;

/**
 * Registers the identity-provider type {@code token-login-partner} ("Partner token (HS256)"): one provider per
 * partner, added under <em>Identity providers → Add provider → User-defined</em>. The generic <em>Client ID</em>
 * is the partner's issuer, <em>Client Secret</em> its HS256 secret; the fields below come after them in the form.
 */
public class PartnerIdentityProviderFactory extends AbstractIdentityProviderFactory<PartnerIdentityProvider> {

    public static final String PROVIDER_ID = "token-login-partner";

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(TokenShape.KEY).label("Token shape").type(ProviderConfigProperty.LIST_TYPE)
            .options(TokenShape.FLAT.value(), TokenShape.PUBLICALA.value(), TokenShape.CUSTOM.value()).defaultValue(TokenShape.FLAT.value())
            .helpText("Where the partner's tokens carry the user. flat: sub, email, given_name, family_name, picture. "
                    + "publicala: user.uuid, user.email, user.picture_url, user.accept_terms_and_policies. "
                    + "custom: the claim fields below (User id claim required). A claim field you fill in wins over the shape.").add()
            .property().name(PartnerSettings.LANDING_CLIENT).label("Landing client").type(ProviderConfigProperty.CLIENT_LIST_TYPE).required(true)
            .helpText("Client whose valid redirect URIs a link's landing URL must match (required).").add()
            .property().name(PartnerSettings.API_CLIENT).label("API client").type(ProviderConfigProperty.CLIENT_LIST_TYPE)
            .helpText("Optional: the partner backend's confidential client (service account with the role token-login-issuer) "
                    + "that may mint sign-in links for this partner's users through the partner APIs.").add()
            .property().name(PartnerSettings.ORGANIZATION).label("Organization").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Optional: alias of an Organization of this realm (Organizations enabled). Every user this partner signs in "
                    + "becomes a member of it (membership is added, never removed). The organization must exist.").add()
            .property().name(PartnerPolicy.DEFAULT_REDIRECT).label("Default redirect").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Landing URL when the token has none; must match the landing client's valid redirect URIs. Empty: the client's base URL.").add()
            .property().name(PartnerPolicy.ERROR_REDIRECT).label("Error redirect").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Absolute http(s) URL: a failed link answers 303 here with ?error=<code>. Empty: a themed error page.").add()
            .property().name(PartnerPolicy.AUDIENCE).label("Audience").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("When set, the token's 'aud' must contain exactly this value.").add()
            .property().name(PartnerPolicy.MAX_TOKEN_LIFETIME).label("Max token lifetime (seconds)").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("300")
            .helpText("1 to 604800 (7 days). Refuse tokens whose 'exp' lies further in the future than this plus the clock skew.").add()
            .property().name(PartnerPolicy.CLOCK_SKEW).label("Clock skew (seconds)").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("30")
            .helpText("0 to 600. Leeway for 'exp', 'nbf' and 'iat'.").add()
            .property().name(PartnerPolicy.SINGLE_USE).label("Single use").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true")
            .helpText("A token works once, cluster-wide: keyed by 'jti', else by a hash of the token, until it expires.").add()
            .property().name(PartnerPolicy.REQUIRE_JTI).label("Require jti").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
            .helpText("Refuse tokens without a 'jti' claim.").add()
            .property().name(PartnerPolicy.CREATE_USERS).label("Create users").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true")
            .helpText("Create unknown users just in time, linked to this partner.").add()
            .property().name(PartnerPolicy.LINK_BY_EMAIL).label("Link by email").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
            .helpText("Link a new partner user to an existing account with the same, verified email. Needs 'Trust Email' on.").add()
            .property().name(PartnerPolicy.PREVIOUS_SECRET).label("Previous secret (vault reference)").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("During a secret rotation, also accept tokens signed with this secret. Only a vault reference ${vault.NAME}: Keycloak shows this field in clear.").add()
            .property().name(PartnerPolicy.USER_ID_CLAIM).label("User id claim").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Claim path (dots for nesting, e.g. user.uuid) of the partner's user id, a string or an integer. Empty: the token shape's.").add()
            .property().name(PartnerPolicy.EMAIL_CLAIM).label("Email claim").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Claim path of the email. Empty: the token shape's.").add()
            .property().name(PartnerPolicy.FIRST_NAME_CLAIM).label("First name claim").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Claim path of the first name. Empty: the token shape's.").add()
            .property().name(PartnerPolicy.LAST_NAME_CLAIM).label("Last name claim").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Claim path of the last name. Empty: the token shape's.").add()
            .property().name(PartnerPolicy.PICTURE_CLAIM).label("Picture claim").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Claim path of the picture URL (user attribute 'picture'). Empty: the token shape's.").add()
            .property().name(PartnerPolicy.TERMS_CLAIM).label("Terms claim").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Claim path of a boolean; true records terms acceptance. Empty: the token shape's.").add()
            .property().name(PartnerPolicy.INTENDED_URL_CLAIM).label("Intended URL claim").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Claim path of the landing URL. Empty: intended_url.").add()
            .build();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getName() {
        return "Partner token (HS256)";
    }

    @Override
    public String getHelpText() {
        return "A partner whose backend signs its users in with short-lived HS256 tokens (links or the external-token step).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public PartnerIdentityProvider create(KeycloakSession session, IdentityProviderModel model) {
        return new PartnerIdentityProvider(session, new PartnerIdpConfig(model));
    }

    @Override
    public Map<String, String> parseConfig(KeycloakSession session, String config) {
        return Map.of();
    }

    /** After Keycloak's own start-up migration: carry every realm of the first partner model over, once. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                LegacyPartnerMigration.migrateAll(factory);
            }
        });
    }

    @Override
    public PartnerIdpConfig createConfig() {
        PartnerIdpConfig config = new PartnerIdpConfig();
        config.setHideOnLogin(true);
        config.setSyncMode(IdentityProviderSyncMode.IMPORT);
        return config;
    }
}
