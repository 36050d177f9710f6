package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.InvalidPartnerConfigException;
import io.tokenlogin.keycloak.partner.PartnerPolicy;
import io.tokenlogin.keycloak.partner.idp.LegacyPartnerMigration;
import io.tokenlogin.keycloak.partner.idp.PartnerProviders;
import io.tokenlogin.keycloak.partner.idp.PartnerSettings;
import org.jboss.logging.Logger;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.vault.VaultStringSecret;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The realm's partners: its enabled identity providers of type {@code token-login-partner}. A disabled provider
 * serves nothing. Secrets written as {@code ${vault.NAME}} are read from Keycloak's vault here, and only here.
 */
public final class PartnerDirectory {

    private static final Logger LOG = Logger.getLogger(PartnerDirectory.class);

    /** A partner: its policy and the identity provider it is configured in. */
    public record Partner(PartnerPolicy policy, IdentityProviderModel provider) {
        public String alias() {
            return provider.getAlias();
        }
    }

    private PartnerDirectory() {
    }

    /** The enabled partner whose issuer (the provider's Client ID) equals {@code issuer}. */
    public static Optional<Partner> byIssuer(KeycloakSession session, RealmModel realm, String issuer) {
        return byIssuer(session, realm, issuer, null);
    }

    /** The same, restricted to the aliases in {@code accepted} (null or empty: every partner of the realm). */
    public static Optional<Partner> byIssuer(KeycloakSession session, RealmModel realm, String issuer, Collection<String> accepted) {
        LegacyPartnerMigration.ensure(session, realm);
        List<IdentityProviderModel> matches = PartnerProviders.all(session)
                .filter(IdentityProviderModel::isEnabled)
                .filter(p -> issuer != null && issuer.equals(p.getConfig().get(PartnerSettings.ISSUER)))
                .filter(p -> accepted == null || accepted.isEmpty() || accepted.contains(p.getAlias()))
                .toList();
        if (matches.size() > 1) {
            LOG.warnf("%d partners share one issuer in realm %s; using '%s'", matches.size(), realm.getName(), matches.get(0).getAlias());
        }
        return matches.stream().findFirst().flatMap(p -> policyOf(session, p).map(policy -> new Partner(policy, p)));
    }

    /** The policy described by one partner identity provider, or empty (with a warning naming the setting) when unusable. */
    public static Optional<PartnerPolicy> policyOf(KeycloakSession session, IdentityProviderModel provider) {
        try {
            return Optional.of(PartnerPolicy.fromConfig(provider.getAlias(),
                    PartnerSettings.policyConfig(provider.getConfig(), Boolean.TRUE.equals(provider.isTrustEmail()), v -> resolveVault(session, v))));
        } catch (InvalidPartnerConfigException e) {
            LOG.warnf("Partner '%s' is unusable and is ignored: %s", provider.getAlias(), PartnerSettings.label(e.key()));
            return Optional.empty();
        }
    }

    private static String resolveVault(KeycloakSession session, String value) {
        if (value == null || value.isBlank()) {
            return value;
        }
        try (VaultStringSecret secret = session.vault().getStringSecret(value)) {
            return secret.get().orElse(null);
        }
    }
}
