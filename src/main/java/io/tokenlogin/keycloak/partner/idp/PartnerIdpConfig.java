package io.tokenlogin.keycloak.partner.idp;

import io.tokenlogin.keycloak.partner.PartnerPolicy;
import org.keycloak.models.ClientModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderShowInAccountConsole;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.utils.RedirectUtils;
import org.keycloak.utils.KeycloakSessionUtil;
import org.keycloak.vault.VaultStringSecret;

import java.nio.charset.StandardCharsets;

/**
 * A partner identity provider's settings as Keycloak stores them. {@link #validate} runs on every create and update
 * (admin console and REST); its {@link IllegalArgumentException} message is what the admin reads
 * ("Could not create the identity provider: …", REST {@code 400 {"errorMessage": …}}).
 */
public class PartnerIdpConfig extends IdentityProviderModel {

    private static final long serialVersionUID = 1L;

    public PartnerIdpConfig() {
    }

    public PartnerIdpConfig(IdentityProviderModel model) {
        super(model);
    }

    @Override
    public void validate(RealmModel realm) {
        String issuer = getConfig().get(PartnerSettings.ISSUER);
        if (issuer != null && !issuer.equals(issuer.trim())) {
            throw new IllegalArgumentException(PartnerSettings.label(PartnerPolicy.ISSUER) + " must not start or end with spaces");
        }
        if (getInternalId() == null && PartnerSettings.MASK.equals(getConfig().get(PartnerSettings.SECRET))) {
            throw new IllegalArgumentException(PartnerSettings.label(PartnerPolicy.SECRET) + " is required");
        }
        PartnerPolicy policy = PartnerSettings.check(getAlias(), getConfig(), Boolean.TRUE.equals(isTrustEmail()));
        KeycloakSession session = KeycloakSessionUtil.getKeycloakSession();
        checkVault(session, PartnerSettings.SECRET, getConfig().get(PartnerSettings.SECRET), PartnerPolicy.SECRET);
        checkVault(session, PartnerPolicy.PREVIOUS_SECRET, getConfig().get(PartnerPolicy.PREVIOUS_SECRET), PartnerPolicy.PREVIOUS_SECRET);
        ClientModel client = realm.getClientByClientId(policy.clientId());
        // a realm import (full or partial) creates identity providers before clients: the landing and API clients of
        // the same file do not exist yet, so their checks wait for the first use (which refuses a missing one clearly)
        boolean importing = importing();
        if (client == null && !importing) {
            throw new IllegalArgumentException(PartnerSettings.label(PartnerPolicy.CLIENT_ID) + ": no client '"
                    + policy.clientId() + "' in this realm");
        }
        String apiClient = getConfig().get(PartnerSettings.API_CLIENT);
        if (apiClient != null && !apiClient.isBlank()) {
            ClientModel api = realm.getClientByClientId(apiClient.trim());
            if ((api == null && !importing) || (api != null && (api.isPublicClient() || !api.isServiceAccountsEnabled()))) {
                throw new IllegalArgumentException("API client must be a confidential client of this realm with service accounts enabled");
            }
        }
        String organization = getConfig().get(PartnerSettings.ORGANIZATION);
        if (organization != null && !organization.isBlank() && session != null && !importing) {
            if (!realm.isOrganizationsEnabled()) {
                throw new IllegalArgumentException("Organization: this realm has Organizations turned off (Realm settings → General)");
            }
            if (io.tokenlogin.keycloak.partner.flow.PartnerOrganizations.find(session, organization.trim()) == null) {
                throw new IllegalArgumentException("Organization: no organization with the alias '" + organization.trim() + "' in this realm");
            }
        }
        if (client != null && policy.defaultRedirect() != null && session != null
                && RedirectUtils.verifyRedirectUri(session, policy.defaultRedirect(), client) == null) {
            throw new IllegalArgumentException(PartnerSettings.label(PartnerPolicy.DEFAULT_REDIRECT)
                    + " must match a valid redirect URI of the landing client '" + client.getClientId() + "'");
        }
        if (session != null && session.getContext().getRealm() != null && realm.getId().equals(session.getContext().getRealm().getId())) {
            boolean taken = PartnerProviders.all(session)
                    .anyMatch(other -> !other.getAlias().equals(getAlias())
                            && policy.issuer().equals(other.getConfig().get(PartnerSettings.ISSUER)));
            if (taken) {
                throw new IllegalArgumentException(PartnerSettings.label(PartnerPolicy.ISSUER)
                        + " is already used by another partner of this realm: each partner needs its own issuer");
            }
        }
        // a partner signs people in from its own site: never a button on the login page, hidden in the account console
        setHideOnLogin(true);
        if (getInternalId() == null) {
            // a new partner is hidden in the account console (the console's form sends its own default otherwise)
            getConfig().put(SHOW_IN_ACCOUNT_CONSOLE, IdentityProviderShowInAccountConsole.NEVER.name());
        } else {
            getConfig().putIfAbsent(SHOW_IN_ACCOUNT_CONSOLE, IdentityProviderShowInAccountConsole.NEVER.name());
        }
        getConfig().putIfAbsent(TokenShape.KEY, TokenShape.FLAT.value());
    }

    /** True while Keycloak imports a realm representation (admin REST import, partial import, --import-realm). */
    private static boolean importing() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getClassName().endsWith("ExportImportManager")
                || f.getClassName().contains("PartialImport") || f.getClassName().endsWith("RealmManager") && "importRealm".equals(f.getMethodName())));
    }

    private static void checkVault(KeycloakSession session, String field, String value, String policyKey) {
        if (session == null || !PartnerSettings.isVaultReference(value)) {
            return;
        }
        try (VaultStringSecret secret = session.vault().getStringSecret(value.trim())) {
            String resolved = secret.get().orElse(null);
            if (resolved == null) {
                throw new IllegalArgumentException(PartnerSettings.label(policyKey) + ": the vault holds no secret of that name");
            }
            if (resolved.getBytes(StandardCharsets.UTF_8).length < 32) {
                throw new IllegalArgumentException(PartnerSettings.label(policyKey) + ": the vault's secret must be at least 32 bytes");
            }
        }
    }
}
