package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.PartnerPolicy;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/** Registers {@code external-token} ("Partner token (HS256)"): one execution per partner, configured in the admin console. */
public class ExternalTokenAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "external-token";

    private static final ExternalTokenAuthenticator SINGLETON = new ExternalTokenAuthenticator();

    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENT_CHOICES = {
            AuthenticationExecutionModel.Requirement.ALTERNATIVE,
            AuthenticationExecutionModel.Requirement.REQUIRED,
            AuthenticationExecutionModel.Requirement.DISABLED};

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(PartnerPolicy.ISSUER).label("Issuer").type(ProviderConfigProperty.STRING_TYPE).required(true)
            .helpText("Exact 'iss' this partner signs with (case-sensitive). The link endpoint picks the partner by it.").add()
            .property().name(PartnerPolicy.SECRET).label("Shared secret").type(ProviderConfigProperty.PASSWORD).secret(true).required(true)
            .helpText("HS256 key, at least 32 bytes. Write ${vault.NAME} to read it from Keycloak's vault.").add()
            .property().name(PartnerPolicy.PREVIOUS_SECRET).label("Previous secret").type(ProviderConfigProperty.PASSWORD).secret(true)
            .helpText("Also accepted while the partner rotates to the new secret. ${vault.NAME} works too.").add()
            .property().name(PartnerPolicy.AUDIENCE).label("Audience").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("When set, the token's 'aud' must contain exactly this value.").add()
            .property().name(PartnerPolicy.MAX_TOKEN_LIFETIME).label("Max token lifetime (s)").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("300")
            .helpText("Refuse tokens whose 'exp' lies further in the future than this plus the clock skew.").add()
            .property().name(PartnerPolicy.CLOCK_SKEW).label("Clock skew (s)").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("30")
            .helpText("Leeway for 'exp', 'nbf' and 'iat' (0 to 600).").add()
            .property().name(PartnerPolicy.SINGLE_USE).label("Single use").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true")
            .helpText("A token works once, cluster-wide: keyed by 'jti', else by a hash of the token, until it expires.").add()
            .property().name(PartnerPolicy.REQUIRE_JTI).label("Require jti").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
            .helpText("Refuse tokens without a 'jti' claim.").add()
            .property().name(PartnerPolicy.USER_ID_CLAIM).label("User id claim").type(ProviderConfigProperty.STRING_TYPE).defaultValue("sub")
            .helpText("Claim path (dots for nesting, e.g. user.uuid) of the partner's user id: a string or an integer.").add()
            .property().name(PartnerPolicy.EMAIL_CLAIM).label("Email claim").type(ProviderConfigProperty.STRING_TYPE).defaultValue("email")
            .helpText("Claim path of the user's email.").add()
            .property().name(PartnerPolicy.FIRST_NAME_CLAIM).label("First name claim").type(ProviderConfigProperty.STRING_TYPE).defaultValue("given_name")
            .helpText("Claim path of the first name.").add()
            .property().name(PartnerPolicy.LAST_NAME_CLAIM).label("Last name claim").type(ProviderConfigProperty.STRING_TYPE).defaultValue("family_name")
            .helpText("Claim path of the last name.").add()
            .property().name(PartnerPolicy.PICTURE_CLAIM).label("Picture claim").type(ProviderConfigProperty.STRING_TYPE).defaultValue("picture")
            .helpText("Claim path of the picture URL, stored in the user attribute 'picture'.").add()
            .property().name(PartnerPolicy.TERMS_CLAIM).label("Terms claim").type(ProviderConfigProperty.STRING_TYPE).defaultValue("accept_terms_and_policies")
            .helpText("Claim path of a boolean; true records terms acceptance and clears the Terms and Conditions required action.").add()
            .property().name(PartnerPolicy.INTENDED_URL_CLAIM).label("Intended URL claim").type(ProviderConfigProperty.STRING_TYPE).defaultValue("intended_url")
            .helpText("Claim path of the landing URL for links; it must match the landing client's valid redirect URIs.").add()
            .property().name(PartnerPolicy.CREATE_USERS).label("Create users").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true")
            .helpText("Create unknown users just in time.").add()
            .property().name(PartnerPolicy.TRUST_EMAIL).label("Trust email").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
            .helpText("Mark the partner's email as verified.").add()
            .property().name(PartnerPolicy.LINK_BY_EMAIL).label("Link by email").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
            .helpText("Attach an unknown partner user to an existing account with the same email. Only with 'Trust email' on.").add()
            .property().name(PartnerPolicy.CLIENT_ID).label("Landing client").type(ProviderConfigProperty.CLIENT_LIST_TYPE)
            .helpText("Client whose valid redirect URIs the landing URL must match. Required for sign-in links.").add()
            .property().name(PartnerPolicy.DEFAULT_REDIRECT).label("Default redirect").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Landing URL when the token has none. Empty: the landing client's base URL.").add()
            .property().name(PartnerPolicy.ERROR_REDIRECT).label("Error redirect").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("On a failed link: 303 here with ?error=<code>. Empty: a themed error page.").add()
            .build();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Partner token (HS256)";
    }

    @Override
    public String getHelpText() {
        return "Signs the user in with a short-lived HS256 token signed by a partner; steps aside when the request has none.";
    }

    @Override
    public String getReferenceCategory() {
        return "partner-token";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENT_CHOICES;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return SINGLETON;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
