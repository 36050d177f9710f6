package io.tokenlogin.keycloak.magiclink;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/** Registers {@code email-magic-link} ("Email magic link"). */
public class EmailMagicLinkAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "email-magic-link";

    private static final EmailMagicLinkAuthenticator SINGLETON = new EmailMagicLinkAuthenticator();

    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENT_CHOICES = {
            AuthenticationExecutionModel.Requirement.REQUIRED,
            AuthenticationExecutionModel.Requirement.ALTERNATIVE,
            AuthenticationExecutionModel.Requirement.DISABLED};

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(MagicLinkSettings.LINK_LIFETIME).label("Link lifetime (s)").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue("300").helpText("How long a link works: 30 to 86400 seconds (default 300). Each link works once. An invalid value stops this step with an error in the log.").add()
            .property().name(MagicLinkSettings.ALLOW_CROSS_DEVICE).label("Allow other devices").type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue("true").helpText("A link opened on another device asks the user to pick the code the waiting browser shows.").add()
            .property().name(MagicLinkSettings.CREATE_USERS).label("Create users").type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue("false").helpText("Unknown addresses get a link too; the user is created when the link is confirmed.").add()
            .property().name(MagicLinkSettings.RESEND_COOLDOWN).label("Resend cooldown (s)").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue("60").helpText("Minimum time between two mails to one address: 0 to 3600 seconds (default 60).").add()
            .property().name(MagicLinkSettings.MAX_PER_ADDRESS).label("Max mails per address per hour").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue("5").helpText("1 to 1000 (default 5). Over the limit the page looks the same and no mail goes out.").add()
            .property().name(MagicLinkSettings.EMAIL_CODE).label("Email code").type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue("true").helpText("The mail also carries a one-time code to type on the waiting page (the mail is read on "
                    + "another device). Valid as long as the link, single use, this login attempt only, 5 wrong tries end the attempt; "
                    + "using the code or the link ends the other.").add()
            .property().name(MagicLinkSettings.EMAIL_CODE_LENGTH).label("Email code length").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue("6").helpText("Digits of the email code: 6 to 10 (default 6).").add()
            .property().name(MagicLinkSettings.CODE_IN_SUBJECT).label("Code in the subject").type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue("false").helpText("Put the email code in the mail's subject too (readable on a lock screen; also by anyone "
                    + "who sees the notification).").add()
            .property().name(MagicLinkSettings.ORGANIZATION_DOMAINS).label("Organization domains only").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Optional: * sends links only to addresses in a domain of one of the realm's organizations; an organization's "
                    + "alias, only to that organization's domains. Other addresses get the same page and no mail. Empty: every address.").add()
            .property().name(MagicLinkSettings.MAX_PER_IP).label("Max mails per IP per hour").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue("30").helpText("1 to 100000 (default 30), counted per IPv4 address or IPv6 /64. Over the limit the page looks the same and no mail goes out.").add()
            .build();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Email magic link";
    }

    @Override
    public String getHelpText() {
        return "Mails a single-use sign-in link; the user is signed in when the link is confirmed.";
    }

    @Override
    public String getReferenceCategory() {
        return "magic-link";
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
