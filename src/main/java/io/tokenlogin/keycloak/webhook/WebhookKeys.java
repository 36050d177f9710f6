package io.tokenlogin.keycloak.webhook;

import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyStatus;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.jose.jwk.JWK;
import org.keycloak.jose.jwk.JWKBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Webhook signing with the realm's own ES256 key (Keycloak's key management, so rotation is Keycloak's): the
 * signature is base64 of the DER-encoded ECDSA P-256 / SHA-256 signature over the exact body bytes, which is what
 * Node's {@code crypto.createVerify('SHA256').verify(pem, sig, 'base64')} and Java's {@code SHA256withECDSA} check.
 */
public final class WebhookKeys {

    public static final String ALGORITHM = Algorithm.ES256;

    /** A signature and the id of the key that made it. */
    public record Signed(String signature, String keyId) {
    }

    private WebhookKeys() {
    }

    public static Optional<KeyWrapper> active(KeycloakSession session, RealmModel realm) {
        try {
            return Optional.ofNullable(session.keys().getActiveKey(realm, KeyUse.SIG, ALGORITHM));
        } catch (RuntimeException e) {
            return Optional.empty(); // Keycloak throws when the realm has no active key of this algorithm
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

    /** PEM (SubjectPublicKeyInfo) of the active key. */
    public static Optional<String> activePem(KeycloakSession session, RealmModel realm) {
        return active(session, realm).map(k -> "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
    }

    /** Every enabled ES256 key (active and passive), so receivers can verify across a rotation. */
    public static List<JWK> jwks(KeycloakSession session, RealmModel realm) {
        return session.keys().getKeysStream(realm, KeyUse.SIG, ALGORITHM)
                .filter(k -> k.getStatus() != null && k.getStatus().isEnabled() && k.getPublicKey() != null)
                .map(k -> JWKBuilder.create().kid(k.getKid()).algorithm(ALGORITHM).ec(k.getPublicKey(), KeyUse.SIG))
                .toList();
    }

    static boolean enabled(KeyStatus status) {
        return status != null && status.isEnabled();
    }
}
