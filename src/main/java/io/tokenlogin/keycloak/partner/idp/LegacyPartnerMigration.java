package io.tokenlogin.keycloak.partner.idp;

import io.tokenlogin.keycloak.store.TokenLoginStore;
import io.tokenlogin.keycloak.partner.PartnerPolicy;
import io.tokenlogin.keycloak.partner.flow.ExternalTokenAuthenticatorFactory;
import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderShowInAccountConsole;
import org.keycloak.models.IdentityProviderSyncMode;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries a realm of the first partner model over to identity providers, once per realm, idempotently: every
 * {@code external-token} authenticator config that holds partner settings becomes a {@code token-login-partner}
 * identity provider of the same alias (its step then names that partner), and every user's
 * {@code token-login-id} value {@code <slug>:<id>} becomes a federated identity (alias, id); the attribute is
 * removed. A value that two accounts hold (one of them planted it) links neither and is logged for the admin.
 * Runs at start-up for every realm and lazily for a realm imported later; marks the realm when done.
 */
public final class LegacyPartnerMigration {

    public static final String MARKER = "token-login.partner-model";
    public static final String MODEL = "identity-providers-v1";
    public static final String LEGACY_ATTRIBUTE = "token-login-id";

    private static final Logger LOG = Logger.getLogger(LegacyPartnerMigration.class);
    private static final int PAGE = 500;

    private LegacyPartnerMigration() {
    }

    /** Migrates the realm unless it is marked done; cheap when done (a cached realm attribute). */
    public static void ensure(KeycloakSession session, RealmModel realm) {
        if (MODEL.equals(realm.getAttribute(MARKER))) {
            return;
        }
        // one try per realm and five minutes, cluster-wide: a migration that keeps failing is not re-run per request
        TokenLoginStore store = TokenLoginStore.of(session, realm);
        if (!store.putIfAbsent(TokenLoginStore.Kind.MIGRATION_LOCK, "lock", 300)) {
            return;
        }
        if (migrate(session.getKeycloakSessionFactory(), realm.getId())) {
            store.remove(TokenLoginStore.Kind.MIGRATION_LOCK, "lock");
        }
    }

    /** Every realm, at start-up. */
    public static void migrateAll(KeycloakSessionFactory factory) {
        List<String> realmIds = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                s -> s.realms().getRealmsStream().filter(r -> !MODEL.equals(r.getAttribute(MARKER))).map(RealmModel::getId).toList());
        realmIds.forEach(id -> migrate(factory, id));
    }

    private static boolean migrate(KeycloakSessionFactory factory, String realmId) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, s -> {
                RealmModel realm = s.realms().getRealm(realmId);
                if (realm == null || MODEL.equals(realm.getAttribute(MARKER))) {
                    return;
                }
                s.getContext().setRealm(realm);
                Map<String, List<String>> aliasesBySlug = migratePartners(s, realm);
                if (!aliasesBySlug.isEmpty()) {
                    migrateUsers(s, realm, aliasesBySlug);
                }
                realm.setAttribute(MARKER, MODEL);
            });
            return true;
        } catch (RuntimeException e) {
            // a concurrent migration on another node or request won (the realm is then marked), or it failed: logged
            LOG.warnf("Partner model migration of realm %s did not complete here (%s); it is tried again in 5 minutes or at start-up",
                    realmId, e.getClass().getSimpleName());
            return false;
        }
    }

    private static Map<String, List<String>> migratePartners(KeycloakSession s, RealmModel realm) {
        Map<String, List<String>> aliasesBySlug = new LinkedHashMap<>();
        List<AuthenticationExecutionModel> steps = realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .filter(e -> ExternalTokenAuthenticatorFactory.PROVIDER_ID.equals(e.getAuthenticator()) && e.getAuthenticatorConfig() != null)
                .toList();
        for (AuthenticationExecutionModel step : steps) {
            AuthenticatorConfigModel config = realm.getAuthenticatorConfigById(step.getAuthenticatorConfig());
            if (config == null || config.getConfig() == null || config.getConfig().get(PartnerPolicy.ISSUER) == null) {
                continue;
            }
            String alias = config.getAlias();
            IdentityProviderModel existing = s.identityProviders().getByAlias(alias);
            if (existing == null) {
                s.identityProviders().create(providerOf(alias, config.getConfig(), step.getRequirement()));
                String previous = config.getConfig().get(PartnerPolicy.PREVIOUS_SECRET);
                if (previous != null && !previous.isBlank() && !PartnerSettings.isVaultReference(previous)) {
                    LOG.warnf("Realm %s: partner '%s' carries its previous secret in clear; move it to the vault (${vault.NAME}) "
                            + "or clear it, the console refuses saving it otherwise", realm.getName(), alias);
                }
                LOG.infof("Realm %s: partner '%s' moved from an external-token step config to an identity provider", realm.getName(), alias);
            } else if (!PartnerProviders.isPartner(existing)) {
                LOG.warnf("Realm %s: partner '%s' not migrated, an identity provider of another type has that alias", realm.getName(), alias);
                continue;
            }
            aliasesBySlug.computeIfAbsent(PartnerLinks.slug(alias), k -> new ArrayList<>()).add(alias);
            Map<String, String> small = new HashMap<>();
            small.put(ExternalTokenAuthenticatorFactory.PARTNERS, alias);
            config.setConfig(small);
            realm.updateAuthenticatorConfig(config);
        }
        return aliasesBySlug;
    }

    static IdentityProviderModel providerOf(String alias, Map<String, String> legacy, AuthenticationExecutionModel.Requirement requirement) {
        IdentityProviderModel model = new IdentityProviderModel();
        model.setAlias(alias);
        model.setProviderId(PartnerIdentityProviderFactory.PROVIDER_ID);
        model.setEnabled(requirement != AuthenticationExecutionModel.Requirement.DISABLED);
        model.setHideOnLogin(true);
        model.setTrustEmail(Boolean.parseBoolean(legacy.get(PartnerPolicy.TRUST_EMAIL)));
        Map<String, String> config = new HashMap<>();
        legacy.forEach((key, value) -> {
            switch (key) {
                case PartnerPolicy.ISSUER -> config.put(PartnerSettings.ISSUER, value);
                case PartnerPolicy.SECRET -> config.put(PartnerSettings.SECRET, value);
                case PartnerPolicy.CLIENT_ID -> config.put(PartnerSettings.LANDING_CLIENT, value);
                case PartnerPolicy.TRUST_EMAIL -> { }
                default -> config.put(key, value);
            }
        });
        config.put(TokenShape.KEY, TokenShape.CUSTOM.value());
        config.putIfAbsent(PartnerPolicy.USER_ID_CLAIM, "sub"); // the first model's default
        config.put(IdentityProviderModel.SHOW_IN_ACCOUNT_CONSOLE, IdentityProviderShowInAccountConsole.NEVER.name());
        config.put(IdentityProviderModel.SYNC_MODE, IdentityProviderSyncMode.IMPORT.name());
        model.setConfig(config);
        return model;
    }

    private static void migrateUsers(KeycloakSession s, RealmModel realm, Map<String, List<String>> aliasesBySlug) {
        Map<String, List<String>> holders = new HashMap<>(); // legacy value -> user ids
        for (int first = 0; ; first += PAGE) {
            List<UserModel> page = s.users().searchForUserStream(realm, Map.of(UserModel.SEARCH, "*"), first, PAGE).toList();
            for (UserModel user : page) {
                user.getAttributeStream(LEGACY_ATTRIBUTE).forEach(v -> holders.computeIfAbsent(v, k -> new ArrayList<>()).add(user.getId()));
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        int linked = 0;
        for (Map.Entry<String, List<String>> entry : holders.entrySet()) {
            String value = entry.getKey();
            int colon = value.indexOf(':');
            List<String> aliases = colon < 1 ? null : aliasesBySlug.get(value.substring(0, colon));
            if (aliases == null) {
                continue; // a value of no migrated partner: left as it is, never read
            }
            if (entry.getValue().size() > 1) {
                LOG.warnf("Realm %s: %d accounts hold one partner id of '%s'; none is linked (review users %s)",
                        realm.getName(), entry.getValue().size(), aliases.get(0), entry.getValue());
            } else {
                UserModel user = s.users().getUserById(realm, entry.getValue().get(0));
                String externalId = value.substring(colon + 1);
                for (String alias : aliases) {
                    if (s.users().getFederatedIdentity(realm, user, alias) == null && PartnerLinks.find(s, realm, alias, externalId) == null) {
                        PartnerLinks.link(s, realm, user, alias, externalId, user.getEmail());
                        linked++;
                    }
                }
            }
            for (String userId : entry.getValue()) {
                UserModel user = s.users().getUserById(realm, userId);
                List<String> rest = user.getAttributeStream(LEGACY_ATTRIBUTE).filter(v -> !v.equals(value)).toList();
                if (rest.isEmpty()) {
                    user.removeAttribute(LEGACY_ATTRIBUTE);
                } else {
                    user.setAttribute(LEGACY_ATTRIBUTE, rest);
                }
            }
        }
        LOG.infof("Realm %s: %d partner users moved to federated identities", realm.getName(), linked);
    }
}
