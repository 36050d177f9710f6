package io.tokenlogin.keycloak.webhook;

import org.jboss.logging.Logger;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyStatus;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.jose.jwk.JWK;
import org.keycloak.jose.jwk.JWKBuilder;
import org.keycloak.keys.KeyProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Webhook signing with a key that signs nothing else: a P-256 key of its own, held by Keycloak's key management as a
 * realm key component named {@value #COMPONENT_NAME}… ({@code ecdsa-generated}) whose status is <em>passive</em>, so
 * Keycloak never picks it to sign tokens. Created on first use when the realm has none; an admin rotates it by
 * adding another such component with a higher priority. The signature is base64 of the DER-encoded ECDSA P-256 /
 * SHA-256 signature over the exact body bytes (Node's {@code crypto.createVerify('SHA256')}, Java's {@code SHA256withECDSA}).
 */
public final class WebhookKeys {

    public static final String ALGORITHM = Algorithm.ES256;
    /** Key components whose name starts with this sign webhooks. */
    public static final String COMPONENT_NAME = "token-login-webhook";
    private static final Logger LOG = Logger.getLogger(WebhookKeys.class);

    /** A signature and the id of the key that made it. */
    public record Signed(String signature, String keyId) {
    }

    private WebhookKeys() {
    }

    /** The webhook signing key, creating the realm's webhook key component on first use. */
    public static Optional<KeyWrapper> signingKey(KeycloakSession session, RealmModel realm) {
        Optional<KeyWrapper> key = candidates(session, realm).findFirst();
        if (key.isPresent()) {
            return key;
        }
        create(session, realm);
        return candidates(session, realm).findFirst();
    }

    /** Passive, enabled ES256 keys of the webhook components, highest priority first (then by kid: every node picks the same). */
    private static Stream<KeyWrapper> candidates(KeycloakSession session, RealmModel realm) {
        Set<String> components = webhookComponents(realm);
        return keys(session, realm, components)
                .filter(k -> k.getStatus() == KeyStatus.PASSIVE && k.getPrivateKey() != null)
                .sorted(Comparator.comparingLong(KeyWrapper::getProviderPriority).reversed().thenComparing(KeyWrapper::getKid));
    }

    private static Stream<KeyWrapper> keys(KeycloakSession session, RealmModel realm, Set<String> components) {
        return session.keys().getKeysStream(realm, KeyUse.SIG, ALGORITHM).filter(k -> components.contains(k.getProviderId()));
    }

    private static Set<String> webhookComponents(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), KeyProvider.class.getName())
                .filter(c -> c.getName() != null && c.getName().startsWith(COMPONENT_NAME))
                .map(ComponentModel::getId).collect(Collectors.toSet());
    }

    private static void create(KeycloakSession session, RealmModel realm) {
        String realmId = realm.getId();
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), tx -> {
                RealmModel r = tx.realms().getRealm(realmId);
                if (!webhookComponents(r).isEmpty()) {
                    return;
                }
                ComponentModel model = new ComponentModel();
                model.setName(COMPONENT_NAME);
                model.setParentId(r.getId());
                model.setProviderId("ecdsa-generated");
                model.setProviderType(KeyProvider.class.getName());
                MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
                config.putSingle("priority", "100");
                config.putSingle("enabled", "true");
                config.putSingle("active", "false"); // passive: Keycloak never signs a token with it
                config.putSingle("ecdsaEllipticCurveKey", "P-256");
                model.setConfig(config);
                r.addComponentModel(model);
                LOG.infof("Realm %s: created the webhook signing key component '%s' (ES256, passive)", r.getName(), COMPONENT_NAME);
            });
        } catch (RuntimeException e) {
            LOG.warnf("Realm %s: could not create the webhook signing key (%s)", realm.getName(), e.getClass().getSimpleName());
        }
    }

    public static Signed sign(KeyWrapper key, byte[] body) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign((PrivateKey) key.getPrivateKey());
            signature.update(body);
            return new Signed(Base64.getEncoder().encodeToString(signature.sign()), key.getKid());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("ES256 signing failed", e);
        }
    }

    /** PEM (SubjectPublicKeyInfo) of the signing key. */
    public static Optional<String> activePem(KeycloakSession session, RealmModel realm) {
        return signingKey(session, realm).map(k -> "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
    }

    /** Every enabled webhook key (the signing one and older ones), so receivers can verify across a rotation. */
    public static List<JWK> jwks(KeycloakSession session, RealmModel realm) {
        signingKey(session, realm);
        return keys(session, realm, webhookComponents(realm))
                .filter(k -> k.getStatus() != null && k.getStatus().isEnabled() && k.getPublicKey() != null)
                .map(k -> JWKBuilder.create().kid(k.getKid()).algorithm(ALGORITHM).ec(k.getPublicKey(), KeyUse.SIG))
                .toList();
    }
}
