package io.tokenlogin.keycloak.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.util.JsonSerialization;

import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * EcmaJson against what Node 20 prints for {@code JSON.stringify(JSON.parse(text))}: the vectors in
 * {@code ecma-json-vectors.json} come from {@code src/test/node/seed002/make-vectors.js} (run it again to regenerate).
 */
class EcmaJsonTest {

    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static JsonNode file;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = EcmaJsonTest.class.getResourceAsStream("/ecma-json-vectors.json")) {
            file = PLAIN.readTree(in);
        }
        assertTrue(file.get("vectors").size() > 100 && file.get("numbers").size() > 1000, "vectors loaded");
    }

    @Test
    void everyVectorIsWhatNodePrints() throws Exception {
        List<String> failures = new ArrayList<>();
        for (JsonNode v : file.get("vectors")) {
            String input = v.get("input").asText();
            String expected = v.get("expected").asText();
            byte[] written = EcmaJson.write(EcmaJson.parse(input));
            if (!Arrays.equals(expected.getBytes(StandardCharsets.UTF_8), written)) {
                failures.add(v.get("name").asText() + ": " + input + " -> " + new String(written, StandardCharsets.UTF_8)
                        + " but Node prints " + expected);
            }
        }
        assertEquals(List.of(), failures);
    }

    /** The webhook's path: the partner's text read exactly, stored as text, read back, written for JS. */
    @Test
    void everyVectorSurvivesTheStoredMetadataPath() throws Exception {
        List<String> failures = new ArrayList<>();
        for (JsonNode v : file.get("vectors")) {
            String request = "{\"email\":\"a@example.com\",\"metadata\":{\"v\":" + v.get("input").asText() + "}}";
            String stored = EcmaJson.storable(EcmaJson.parse(request).get("metadata"));
            if (!stored.chars().allMatch(c -> c < 0x80)) {
                failures.add(v.get("name").asText() + ": stored text is not ASCII: " + stored);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("metadata", EcmaJson.parse(stored));
            String written = new String(EcmaJson.write(body), StandardCharsets.UTF_8);
            String expected = "{\"metadata\":{\"v\":" + v.get("expected").asText() + "}}";
            if (!expected.equals(written)) {
                failures.add(v.get("name").asText() + ": " + written + " but Node prints " + expected);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void numbersFormatAndParseAsInNode() throws Exception {
        List<String> failures = new ArrayList<>();
        for (JsonNode n : file.get("numbers")) {
            double x = Double.longBitsToDouble(Long.parseUnsignedLong(n.get(0).asText(), 16));
            if (!n.get(1).asText().equals(EcmaJson.number(x))) {
                failures.add("bits " + n.get(0).asText() + ": " + EcmaJson.number(x) + " but Node prints " + n.get(1).asText());
            }
            String parsed = EcmaJson.toString(EcmaJson.parse(n.get(2).asText()));
            if (!n.get(3).asText().equals(parsed)) {
                failures.add("text " + n.get(2).asText() + ": " + parsed + " but Node prints " + n.get(3).asText());
            }
        }
        assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())), failures.size() + " failures");
    }

    /** Java 17's Double.toString is not always the shortest: these are cases where it differs from JS. */
    @Test
    void shortestDigitsWhereJava17DoubleToStringIsLonger() {
        assertEquals("5e-324", EcmaJson.number(Double.MIN_VALUE)); // Java: 4.9E-324
        assertEquals("1e+23", EcmaJson.number(1e23)); // Java 17: 9.999999999999999E22
        assertEquals("0.002", EcmaJson.number(2e-3));
        assertEquals("1e+21", EcmaJson.number(1e21));
        assertEquals("100000000000000000000", EcmaJson.number(1e20));
        assertEquals("1e-7", EcmaJson.number(1e-7));
        assertEquals("0.000001", EcmaJson.number(1e-6));
        assertEquals("0.30000000000000004", EcmaJson.number(0.1 + 0.2));
        assertEquals("0", EcmaJson.number(-0.0));
        assertEquals("null", EcmaJson.number(Double.NaN));
        assertEquals("null", EcmaJson.number(Double.POSITIVE_INFINITY));
        assertEquals("null", EcmaJson.number(Double.NEGATIVE_INFINITY));
        assertEquals("-1.5e+300", EcmaJson.number(-1.5e300));
    }

    @Test
    void javaNumbersConvertOnceAsJsWould() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("long", 9007199254740993L);
        body.put("bigInteger", new BigInteger("123456789012345678901234567890"));
        body.put("bigDecimal", new BigDecimal("2.0"));
        body.put("exact", new BigDecimal("1.00000000000000011102230246251565404236316680908203125000001"));
        body.put("overflow", new BigDecimal("1e400"));
        body.put("double", 2.0d);
        body.put("float", 0.1f);
        body.put("int", -7);
        body.put("nan", Double.NaN);
        assertEquals("{\"long\":9007199254740992,\"bigInteger\":1.2345678901234568e+29,\"bigDecimal\":2,"
                        + "\"exact\":1.0000000000000002,\"overflow\":null,\"double\":2,\"float\":0.10000000149011612,\"int\":-7,\"nan\":null}",
                new String(EcmaJson.write(body), StandardCharsets.UTF_8));
    }

    /** The webhook body: the fixed members in order, integer-like keys sorted as JS does, at every level. */
    @Test
    void webhookBodyMap() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("confirmationId", "c-1");
        body.put("email", "ü@example.com");
        body.put("validationStatus", "valid");
        body.put("metadata", EcmaJson.parse("{\"x\":1,\"10\":\"a\",\"2\":{\"b\":2.0,\"1\":[1e21,\"\\u2028\"]},\"whole\":2.0}"));
        body.put("timestamp", "2026-01-01T00:00:00Z");
        body.put("3", true);
        body.put("none", null);
        body.put("list", List.of(1, "a", Map.of("k", false)));
        assertEquals("{\"3\":true,\"confirmationId\":\"c-1\",\"email\":\"ü@example.com\",\"validationStatus\":\"valid\","
                        + "\"metadata\":{\"2\":{\"1\":[1e+21,\"\u2028\"],\"b\":2},\"10\":\"a\",\"x\":1,\"whole\":2},"
                        + "\"timestamp\":\"2026-01-01T00:00:00Z\",\"none\":null,\"list\":[1,\"a\",{\"k\":false}]}",
                new String(EcmaJson.write(body), StandardCharsets.UTF_8));
    }

    @Test
    void stringEscapes() {
        StringBuilder out = new StringBuilder();
        EcmaJson.quote("\"\\/\b\f\n\r\t\u0000\u001f\u007f\u2028é\ud83d\ude00\ud800\udc00\ude00\ud83d", out);
        assertEquals("\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u2028é\ud83d\ude00\ud800\udc00\\ude00\\ud83d\"", out.toString());
        assertArrayEquals("\"\\udbff\"".getBytes(StandardCharsets.UTF_8), EcmaJson.write(PLAIN.getNodeFactory().textNode("\udbff")));
    }

    @Test
    void arrayIndexKeys() {
        assertEquals(0, EcmaJson.arrayIndex("0"));
        assertEquals(4294967294L, EcmaJson.arrayIndex("4294967294"));
        for (String notIndex : new String[]{"", "01", "00", "-1", "-0", "+1", "1.5", "1e3", " 1", "1 ", "4294967295",
                "4294967296", "99999999999", "١", "0x1"}) {
            assertEquals(-1, EcmaJson.arrayIndex(notIndex), notIndex);
        }
        assertEquals(List.of("1", "2", "10", "x", "01", "4294967295"), EcmaJson.jsOrder(List.of("x", "10", "01", "2", "4294967295", "1")));
    }

    /** Duplicate keys: Jackson's tree (Keycloak's mapper and EcmaJson's) keeps the first position, the last value, as JSON.parse. */
    @Test
    void duplicateKeysResolveAsInJs() throws Exception {
        String text = "{\"a\":1,\"b\":2,\"a\":{\"c\":3}}";
        assertEquals("{\"a\":{\"c\":3},\"b\":2}", EcmaJson.toString(EcmaJson.parse(text)));
        assertEquals("{\"a\":{\"c\":3},\"b\":2}", EcmaJson.toString(JsonSerialization.mapper.readTree(text)));
    }

    /** The bug this fixes: Jackson's bytes of the same body are not what JSON.stringify(JSON.parse(body)) gives. */
    @Test
    void jacksonBytesDifferFromWhatJsReproduces() throws Exception {
        int differing = 0;
        for (JsonNode v : file.get("vectors")) {
            String jackson = JsonSerialization.mapper.writeValueAsString(JsonSerialization.mapper.readTree(v.get("input").asText()));
            if (!jackson.equals(v.get("expected").asText())) {
                differing++;
            }
        }
        assertTrue(differing > 50, differing + " of " + file.get("vectors").size() + " vectors differ under Jackson");
        assertEquals("{\"whole\":2.0}", JsonSerialization.mapper.writeValueAsString(JsonSerialization.mapper.readTree("{\"whole\":2.0}")));
        assertEquals("{\"whole\":2}", EcmaJson.toString(EcmaJson.parse("{\"whole\":2.0}")));
    }

    /**
     * Not an assertion of EcmaJson itself: writes {@code target/seed002-signed-webhooks.json}, webhook bodies as the
     * extension now writes them (EcmaJson) and as it used to (Jackson), each signed by {@link WebhookKeys#sign} with a
     * fresh P-256 key, for {@code src/test/node/seed002/check-standalone.js} to post to the seed-002 middleware.
     */
    @Test
    void writesSignedBodiesForTheNodeHarness() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        KeyWrapper key = new KeyWrapper();
        key.setPrivateKey(pair.getPrivate());
        key.setPublicKey(pair.getPublic());
        key.setKid("harness");
        ObjectNode out = PLAIN.createObjectNode();
        out.put("pem", "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        var bodies = out.putArray("webhooks");
        List<String> metadata = new ArrayList<>(List.of("{\"whole\":2.0}", "{\"x\":1,\"10\":\"a\",\"2\":\"b\"}",
                "{\"orderId\":42,\"note\":\"ünïcode ✓\",\"nested\":{\"a\":[1,2]}}"));
        for (JsonNode v : file.get("vectors")) { // every vector, as the metadata or as a member of it
            String input = v.get("input").asText();
            metadata.add(input.trim().startsWith("{") ? input : "{\"v\":" + input + "}");
        }
        for (String text : metadata) {
            for (boolean ecma : new boolean[]{true, false}) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("confirmationId", "9b2c1f4e-0000-4000-8000-000000000001");
                answer.put("email", "user@example.com");
                answer.put("validationStatus", "valid");
                byte[] bytes;
                if (ecma) { // EmailVerifyResource now: exact request parse, storable text, EcmaJson
                    answer.put("metadata", EcmaJson.parse(EcmaJson.storable(EcmaJson.parse(text))));
                    answer.put("timestamp", "2026-01-01T00:00:00.123456Z");
                    bytes = EcmaJson.write(answer);
                } else { // before: Keycloak's mapper all the way
                    String stored = JsonSerialization.mapper.writeValueAsString(JsonSerialization.mapper.readTree(text));
                    answer.put("metadata", JsonSerialization.mapper.readTree(stored));
                    answer.put("timestamp", "2026-01-01T00:00:00.123456Z");
                    bytes = JsonSerialization.mapper.writeValueAsBytes(answer);
                }
                ObjectNode hook = bodies.addObject();
                hook.put("metadata", text);
                hook.put("writer", ecma ? "EcmaJson" : "Jackson");
                hook.put("body", Base64.getEncoder().encodeToString(bytes));
                hook.put("signature", WebhookKeys.sign(key, bytes).signature());
            }
        }
        Path target = Path.of("target", "seed002-signed-webhooks.json");
        Files.createDirectories(target.getParent());
        Files.writeString(target, PLAIN.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        if (bodies.size() != metadata.size() * 2) {
            fail("not every body written");
        }
    }
}
