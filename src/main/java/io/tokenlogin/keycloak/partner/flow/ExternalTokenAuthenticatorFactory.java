package io.tokenlogin.keycloak.partner.flow;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/** Registers {@code external-token} ("Partner token (HS256)"): signs in the realm's partners (identity providers) inside a browser flow. */
public class ExternalTokenAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "external-token";

    private static final ExternalTokenAuthenticator SINGLETON = new ExternalTokenAuthenticator();

    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENT_CHOICES = {
            AuthenticationExecutionModel.Requirement.ALTERNATIVE,
            AuthenticationExecutionModel.Requirement.REQUIRED,
            AuthenticationExecutionModel.Requirement.DISABLED};

    /** Step config: the aliases of the partner identity providers this step accepts; empty: every partner of the realm. */
    public static final String PARTNERS = "partners";

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(PARTNERS).label("Partners").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Aliases of the partner identity providers (type 'Partner token (HS256)') this step accepts. "
                    + "Empty: every enabled partner of the realm. Partners are configured under Identity providers.").add()
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
        return true; // optional: without a config the step accepts every partner
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
