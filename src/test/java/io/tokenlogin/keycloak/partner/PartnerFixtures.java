package io.tokenlogin.keycloak.partner;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Shared keys, clock, policies and a raw-JSON payload builder for the partner token tests. */
final class PartnerFixtures {

    static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    static final long T = NOW.getEpochSecond();

    static final String SECRET = "current-secret-0123456789abcdef-0123456789";
    static final String PREVIOUS_SECRET = "previous-secret-0123456789abcdef-012345678";
    static final byte[] KEY = SECRET.getBytes(StandardCharsets.UTF_8);
    static final byte[] PREVIOUS_KEY = PREVIOUS_SECRET.getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER_KEY = "unrelated-secret-0123456789abcdef-01234567".getBytes(StandardCharsets.UTF_8);

    static final String ISS = "https://partner.example";
    static final String AUD = "https://kc.example/realms/r";
    static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private PartnerFixtures() {
    }

    /** issuer, secret, audience; skew 30 s, max lifetime 300 s; other values default. */
    static Map<String, String> baseConfig() {
        Map<String, String> config = new HashMap<>();
        config.put(PartnerPolicy.ISSUER, ISS);
        config.put(PartnerPolicy.SECRET, SECRET);
        config.put(PartnerPolicy.AUDIENCE, AUD);
        config.put(PartnerPolicy.CLOCK_SKEW, "30");
        config.put(PartnerPolicy.MAX_TOKEN_LIFETIME, "300");
        return config;
    }

    static PartnerPolicy policy() {
        return policy(baseConfig());
    }

    /** baseConfig with the given key/value pairs added (a null value removes the key). */
    static PartnerPolicy policyWith(String... keyValues) {
        Map<String, String> config = baseConfig();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                config.remove(keyValues[i]);
            } else {
                config.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return policy(config);
    }

    static PartnerPolicy policy(Map<String, String> config) {
        return assertDoesNotThrow(() -> PartnerPolicy.fromConfig("acme", config));
    }

    /** A JSON string literal (no escaping needed for the test values used). */
    static String q(String text) {
        return "\"" + text + "\"";
    }

    /** Payload with iss, aud, sub, jti, iat = now and exp = now + 120. */
    static Payload payload() {
        return new Payload()
                .set("iss", q(ISS))
                .set("aud", q(AUD))
                .set("sub", q("user-1"))
                .set("jti", q("jti-1"))
                .set("iat", Long.toString(T))
                .set("exp", Long.toString(T + 120));
    }

    static String signed(Payload payload) {
        return TestTokens.hs256(HEADER, payload.json(), KEY);
    }

    static VerifiedPartnerToken accepted(String token, PartnerPolicy policy) {
        return assertDoesNotThrow(() -> PartnerTokenVerifier.verify(token, policy, NOW));
    }

    /** Asserts the exact error, and that the message leaks neither the token nor a secret. */
    static TokenRejectedException rejected(TokenError expected, String token, PartnerPolicy policy) {
        TokenRejectedException e = assertThrows(TokenRejectedException.class,
                () -> PartnerTokenVerifier.verify(token, policy, NOW));
        assertEquals(expected, e.error(), () -> "message: " + e.getMessage());
        assertSafeMessage(e.getMessage(), token);
        return e;
    }

    static void assertSafeMessage(String message, String token) {
        assertFalse(message == null || message.isBlank(), "message must describe the failure");
        assertFalse(message.contains(SECRET) || message.contains(PREVIOUS_SECRET), "message leaks a secret");
        if (token != null && token.length() > 8) {
            for (String part : token.split("\\.")) {
                if (part.length() > 8) {
                    assertFalse(message.contains(part), "message leaks token content");
                }
            }
        }
    }

    /** Ordered raw-JSON object builder: values are inserted verbatim, so any JSON (or non-JSON) can be produced. */
    static final class Payload {
        private final Map<String, String> members = new LinkedHashMap<>();

        Payload set(String name, String rawJson) {
            members.put(name, rawJson);
            return this;
        }

        Payload remove(String name) {
            members.remove(name);
            return this;
        }

        String json() {
            StringJoiner joiner = new StringJoiner(",", "{", "}");
            members.forEach((name, value) -> joiner.add(q(name) + ":" + value));
            return joiner.toString();
        }
    }
}
