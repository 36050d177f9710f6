package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.InvalidPartnerConfigException;
import io.tokenlogin.keycloak.partner.PartnerPolicy;
import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.vault.VaultStringSecret;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The realm's partners: one per {@code external-token} execution, described by that execution's authenticator
 * config. Secrets written as {@code ${vault.NAME}} are read from Keycloak's vault here, and only here.
 */
public final class PartnerDirectory {

    private static final Logger LOG = Logger.getLogger(PartnerDirectory.class);

    private PartnerDirectory() {
    }

    /** The partner whose configured issuer equals {@code issuer}, among every {@code external-token} execution of the realm. */
    public static Optional<PartnerPolicy> byIssuer(KeycloakSession session, RealmModel realm, String issuer) {
        return find(session, realm, partnerExecutions(realm), issuer);
    }

    /** The same, restricted to the executions that sit in the given flow (siblings of one step). */
    public static Optional<PartnerPolicy> byIssuerInFlow(KeycloakSession session, RealmModel realm, String flowId, String issuer) {
        return find(session, realm, realm.getAuthenticationExecutionsStream(flowId).filter(PartnerDirectory::isPartnerStep), issuer);
    }

    /** The policy described by one authenticator config, or empty (with a warning naming the bad key) when it is unusable. */
    public static Optional<PartnerPolicy> policyOf(KeycloakSession session, AuthenticatorConfigModel config) {
        if (config == null || config.getConfig() == null) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>(config.getConfig());
        values.put(PartnerPolicy.SECRET, resolveVault(session, values.get(PartnerPolicy.SECRET)));
        values.put(PartnerPolicy.PREVIOUS_SECRET, resolveVault(session, values.get(PartnerPolicy.PREVIOUS_SECRET)));
        try {
            return Optional.of(PartnerPolicy.fromConfig(config.getAlias(), values));
        } catch (InvalidPartnerConfigException e) {
            LOG.warnf("Partner config '%s' is unusable and is ignored: %s", config.getAlias(), e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<PartnerPolicy> find(KeycloakSession session, RealmModel realm,
                                                Stream<AuthenticationExecutionModel> executions, String issuer) {
        List<PartnerPolicy> matches = executions
                .map(e -> e.getAuthenticatorConfig() == null ? null : realm.getAuthenticatorConfigById(e.getAuthenticatorConfig()))
                .filter(c -> c != null && c.getConfig() != null && issuer.equals(c.getConfig().get(PartnerPolicy.ISSUER)))
                .map(c -> policyOf(session, c))
                .flatMap(Optional::stream)
                .toList();
        if (matches.size() > 1) {
            LOG.warnf("%d partner configs share one issuer in realm %s; using '%s'", matches.size(), realm.getName(), matches.get(0).alias());
        }
        return matches.stream().findFirst();
    }

    private static Stream<AuthenticationExecutionModel> partnerExecutions(RealmModel realm) {
        return realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .filter(PartnerDirectory::isPartnerStep);
    }

    private static boolean isPartnerStep(AuthenticationExecutionModel execution) {
        return ExternalTokenAuthenticatorFactory.PROVIDER_ID.equals(execution.getAuthenticator());
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
