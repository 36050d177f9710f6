package io.tokenlogin.keycloak.partner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link StrictJson}: strict UTF-8, duplicate keys, nesting depth, trailing content and value types. */
class StrictJsonTest {

    private static Map<String, Object> parse(String json) throws StrictJson.MalformedJsonException {
        return StrictJson.parseStrictJsonObject(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertMalformed(byte[] bytes) {
        StrictJson.MalformedJsonException e = assertThrows(StrictJson.MalformedJsonException.class,
                () -> StrictJson.parseStrictJsonObject(bytes));
        assertFalse(e.getMessage().contains("secret-value"), "message must not quote the input");
        assertNull(e.getCause());
    }

    private static void assertMalformed(String json) {
        assertMalformed(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void valuesAreConvertedToPlainJavaTypes() throws Exception {
        Map<String, Object> map = parse("{\"s\":\"x\",\"i\":42,\"neg\":-1,\"big\":123456789012345678901234567890,"
                + "\"d\":1.5,\"t\":true,\"f\":false,\"n\":null,\"a\":[1,\"two\",{\"k\":\"v\"}],\"o\":{\"p\":{\"q\":1}}}");
        assertEquals("x", map.get("s"));
        assertEquals(42L, map.get("i"));
        assertEquals(-1L, map.get("neg"));
        assertEquals(new BigInteger("123456789012345678901234567890"), map.get("big"));
        assertEquals(1.5, map.get("d"));
        assertEquals(Boolean.TRUE, map.get("t"));
        assertEquals(Boolean.FALSE, map.get("f"));
        assertTrue(map.containsKey("n"));
        assertNull(map.get("n"));
        assertEquals(List.of(1L, "two", Map.of("k", "v")), map.get("a"));
        assertEquals(Map.of("p", Map.of("q", 1L)), map.get("o"));
    }

    @Test
    void resultIsUnmodifiable() throws Exception {
        Map<String, Object> map = parse("{\"a\":{\"b\":1},\"l\":[1]}");
        assertThrows(UnsupportedOperationException.class, () -> map.put("x", 1));
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) map.get("a");
        assertThrows(UnsupportedOperationException.class, () -> nested.put("x", 1));
    }

    @Test
    void surroundingWhitespaceIsAllowed() throws Exception {
        assertEquals(Map.of("a", 1L), parse(" \n{\"a\":1}\r\n\t "));
    }

    @Test
    void nonAsciiUtf8IsDecoded() throws Exception {
        assertEquals("Gómez ✓ 😀", parse("{\"n\":\"Gómez ✓ 😀\"}").get("n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":[{\"b\":1,\"b\":2}]}",
            "{\"x\":{\"y\":{\"z\":{\"w\":1,\"w\":null}}}}"})
    void duplicateKeysAtAnyDepthAreRejected(String json) {
        assertMalformed(json);
    }

    @Test
    void depthSixteenIsAcceptedAndSeventeenIsRejected() throws Exception {
        // The outer object is level 1.
        parse("{\"a\":" + "[".repeat(15) + "]".repeat(15) + "}");
        parse("{\"a\":" + "{\"b\":".repeat(15) + "1" + "}".repeat(15) + "}");
        assertMalformed("{\"a\":" + "[".repeat(16) + "]".repeat(16) + "}");
        assertMalformed("{\"a\":" + "{\"b\":".repeat(16) + "1" + "}".repeat(16) + "}");
        assertMalformed("{\"a\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}x", "{\"a\":1}{}", "{\"a\":1},", "{\"a\":1}]", "{\"a\":1} 2"})
    void trailingContentIsRejected(String json) {
        assertMalformed(json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "[]", "\"s\"", "1", "null", "true", "{", "{\"a\"}", "{a:1}", "{'a':1}",
            "{\"a\":NaN}", "{\"a\":01}", "{\"a\":[1,]}", "{\"a\":1,}", "{/*c*/\"a\":1}", "{\"a\":\"tab\there\"}",
            "{\"a\":\"\u0000\"}", "\u0000{\"a\":1}"})
    void nonStrictOrNonObjectJsonIsRejected(String json) {
        assertMalformed(json);
    }

    @Test
    void invalidUtf8IsRejected() {
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        // Overlong encoding of '/'.
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'});
        // UTF-8 encoded surrogate (CESU-8 style).
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'});
        // Truncated multi-byte sequence.
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'});
    }

    @Test
    void utf16AndUtf32AreRejected() {
        String json = "{\"a\":\"secret-value\"}";
        assertMalformed(json.getBytes(StandardCharsets.UTF_16));
        assertMalformed(json.getBytes(StandardCharsets.UTF_16BE));
        assertMalformed(json.getBytes(StandardCharsets.UTF_16LE));
        assertMalformed(json.getBytes(java.nio.charset.Charset.forName("UTF-32")));
    }

    @Test
    void utf8ByteOrderMarkIsRejected() {
        byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);
        assertMalformed(withBom);
    }

    @Test
    void nullInputIsRejected() {
        assertMalformed((byte[]) null);
    }

    @Test
    void messageDoesNotQuoteTheInput() {
        StrictJson.MalformedJsonException e = assertThrows(StrictJson.MalformedJsonException.class,
                () -> parse("{\"secret-value\":1,\"secret-value\":2}"));
        assertFalse(e.getMessage().contains("secret-value"));
    }
}
