package io.tokenlogin.keycloak.bench;

import io.tokenlogin.keycloak.webhook.WebhookKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.keycloak.crypto.KeyWrapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * ES256 webhook signature: {@link WebhookKeys#sign} (JDK SHA256withECDSA, P-256, DER, base64) over a body shaped like
 * the email-confirmation webhook, plus the receiver's verification of it for reference.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WebhookSignatureBench {

    KeyWrapper key;
    KeyPair pair;
    byte[] body;
    byte[] signature;

    @Setup
    public void setUp() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        pair = generator.generateKeyPair();
        key = new KeyWrapper();
        key.setKid("bench-es256");
        key.setAlgorithm(WebhookKeys.ALGORITHM);
        key.setPrivateKey(pair.getPrivate());
        key.setPublicKey(pair.getPublic());
        body = ("{\"confirmationId\":\"0f8e6c1a-5d2b-4c3e-9a7f-1b2c3d4e5f60\",\"email\":\"reader@example.com\","
                + "\"validationStatus\":\"valid\",\"metadata\":{\"orderId\":\"A-10023\",\"source\":\"checkout\"},"
                + "\"timestamp\":\"2027-01-15T08:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
        signature = Base64.getDecoder().decode(WebhookKeys.sign(key, body).signature());
        if (!es256Verify()) {
            throw new IllegalStateException("ES256 fixture does not verify");
        }
    }

    @Benchmark
    public WebhookKeys.Signed es256Sign() {
        return WebhookKeys.sign(key, body);
    }

    @Benchmark
    public boolean es256Verify() throws Exception {
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(pair.getPublic());
        verifier.update(body);
        return verifier.verify(signature);
    }
}
