package io.tokenlogin.keycloak.partner;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON object parsing for JOSE headers and JWT claims: strict UTF-8 (no BOM), duplicate keys rejected at any
 * depth, nesting limited to {@value #MAX_NESTING_DEPTH}, no trailing content, and no lenient JSON extensions.
 */
public final class StrictJson {

    /** Maximum depth of nested objects/arrays, the top-level object counting as 1. */
    public static final int MAX_NESTING_DEPTH = 16;

    private static final ObjectMapper MAPPER = createMapper();

    private StrictJson() {
    }

    /** Malformed or non-strict JSON. The message is generic and never quotes the input. */
    public static final class MalformedJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String safeDescription) {
            super(safeDescription);
        }
    }

    /**
     * Parses UTF-8 bytes holding exactly one JSON object into an unmodifiable map: nested objects become
     * {@code Map<String,Object>}, arrays {@code List<Object>}, integers {@code Long} or {@code BigInteger}, decimals
     * {@code Double} or {@code BigDecimal}, plus {@code Boolean}, {@code String} and null.
     */
    public static Map<String, Object> parseStrictJsonObject(byte[] utf8) throws MalformedJsonException {
        String text = decodeStrictUtf8(utf8);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            throw new MalformedJsonException("JSON must not start with a byte order mark");
        }
        JsonNode root;
        try (JsonParser parser = MAPPER.createParser(text)) {
            root = MAPPER.readTree(parser);
            if (root == null || !root.isObject()) {
                throw new MalformedJsonException("JSON is not an object");
            }
            if (parser.nextToken() != null) {
                throw new MalformedJsonException("JSON has trailing content");
            }
        } catch (IOException | RuntimeException e) {
            // Jackson messages may quote input: do not chain or copy them.
            throw new MalformedJsonException("JSON is malformed or not strict");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) toJava(root);
        return result;
    }

    private static String decodeStrictUtf8(byte[] bytes) throws MalformedJsonException {
        if (bytes == null) {
            throw new MalformedJsonException("JSON input is missing");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedJsonException("JSON is not valid UTF-8");
        }
    }

    private static Object toJava(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                map.put(field.getKey(), toJava(field.getValue()));
            }
            return Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                list.add(toJava(element));
            }
            return Collections.unmodifiableList(list);
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isBigDecimal()) {
            return node.decimalValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return null; // JSON null
    }

    private static ObjectMapper createMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        return mapper;
    }
}
