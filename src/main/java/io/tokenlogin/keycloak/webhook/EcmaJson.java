package io.tokenlogin.keycloak.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly as ECMAScript's {@code JSON.stringify(JSON.parse(text))} does (no indentation), so a receiver
 * that verifies the signature over {@code JSON.stringify(req.body)} after {@code express.json()} (the middleware of
 * seed 002) gets back the very bytes that were signed:
 * <ul>
 * <li>numbers become an IEEE double once, as {@code JSON.parse} does (integers beyond 2<sup>53</sup> and exact
 * decimals round to nearest, even), and print as ECMAScript's Number::toString: the fewest digits that read back as
 * the same double, the closest such digits, {@code 1e+21} / {@code 1e-7} exponent forms, {@code -0} as {@code 0};
 * non-finite values (only an overflowing literal like {@code 1e400} can give one) as {@code null};</li>
 * <li>object keys: the array-index keys ({@code "0"} … {@code "4294967294"}, canonical digits) first in ascending
 * numeric order, then the other keys in insertion order;</li>
 * <li>strings: {@code \"}, {@code \\}, {@code \b \f \n \r \t}, other code units below U+0020 and lone surrogates as
 * lowercase <code>&#92;u00xx</code> / <code>&#92;udxxx</code> (well-formed JSON.stringify, Node 12+), everything else literal UTF-8.</li>
 * </ul>
 * Duplicate keys: {@code JSON.parse} keeps a key's first position with its last value. A Jackson {@link JsonNode}
 * cannot hold duplicates, and Jackson's tree reader (without {@code FAIL_ON_READING_DUP_TREE_KEY}, as in Keycloak's
 * and {@link #parse}'s mappers) resolves them the same way (LinkedHashMap put: first position, last value), so the
 * input JSON text may have them and this writer never sees any.
 * <p>
 * For the numbers to become doubles only once, read the text with {@link #parse} (floats as exact
 * {@link BigDecimal}s, integers as long/BigInteger), not with a mapper that makes doubles first; {@link #storable}
 * writes such a tree back as text without losing anything.
 */
public final class EcmaJson {

    /** Reads JSON keeping every number exact (floats as BigDecimal, scale kept), so conversion to double happens here. */
    private static final ObjectMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    /** Text for storage: exact numbers, and ASCII only (lone surrogates survive any UTF-8 marshalling). */
    private static final ObjectWriter STORABLE = EXACT.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

    /** Array index keys are below 2^32 - 1. */
    private static final long MAX_ARRAY_INDEX = 4294967294L;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final double TWO_53 = 9007199254740992d;

    private EcmaJson() {
    }

    /** Parses JSON text with exact numbers (see the class comment): the input for {@link #write(JsonNode)}. */
    public static JsonNode parse(String json) throws IOException {
        return EXACT.readTree(json);
    }

    /** JSON text of a tree that {@link #parse} reads back identically: exact numbers, only ASCII characters. */
    public static String storable(JsonNode node) throws JsonProcessingException {
        return STORABLE.writeValueAsString(node);
    }

    /** {@code JSON.stringify} of the value JS would get from this tree, as UTF-8. */
    public static byte[] write(JsonNode node) {
        return toString(node).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code JSON.stringify} of an object with these members (String, JsonNode, Number, Boolean, null, and nested
     * Map / List of these), as UTF-8; keys in JS object order (array indices first).
     */
    public static byte[] write(Map<String, ?> object) {
        StringBuilder out = new StringBuilder(256);
        writeMap(object, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** As {@link #write(JsonNode)}, as a Java string (no lone surrogates left: they are escaped). */
    public static String toString(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        writeNode(node, out);
        return out.toString();
    }

    private static void writeNode(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<String> keys = new ArrayList<>(node.size());
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                keys.add(member.getKey());
            }
            out.append('{');
            boolean first = true;
            for (String key : jsOrder(keys)) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(key, out);
                out.append(':');
                writeNode(node.get(key), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeNode(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            quote(node.textValue(), out);
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isNumber()) {
            out.append(number(toDouble(node.numberValue())));
        } else {
            // binary and POJO nodes never come from parsing JSON text
            throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private static void writeMap(Map<String, ?> map, StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (String key : jsOrder(new ArrayList<>(map.keySet()))) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(key, out);
            out.append(':');
            writeValue(map.get(key), out);
        }
        out.append('}');
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof JsonNode node) {
            writeNode(node, out);
        } else if (value instanceof CharSequence text) {
            quote(text.toString(), out);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Number n) {
            out.append(number(toDouble(n)));
        } else if (value instanceof Map<?, ?> map) {
            writeMap((Map<String, ?>) map, out);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeValue(list.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    /** OrdinaryOwnPropertyKeys: array indices ascending, then the other keys in insertion order. */
    static List<String> jsOrder(List<String> keys) {
        List<String> indices = new ArrayList<>();
        List<String> others = new ArrayList<>(keys.size());
        for (String key : keys) {
            (arrayIndex(key) >= 0 ? indices : others).add(key);
        }
        if (indices.isEmpty()) {
            return keys;
        }
        indices.sort((a, b) -> Long.compare(arrayIndex(a), arrayIndex(b)));
        indices.addAll(others);
        return indices;
    }

    /** The array index a key names (canonical: ToString(ToUint32(key)) is the key, below 2^32 - 1), else -1. */
    static long arrayIndex(String key) {
        int length = key.length();
        if (length == 0 || length > 10 || (length > 1 && key.charAt(0) == '0')) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= MAX_ARRAY_INDEX ? value : -1;
    }

    /** The double JS's ToNumber gives for this exact value: round to nearest, ties to even (once). */
    static double toDouble(Number n) {
        if (n instanceof Double || n instanceof Float) {
            return n.doubleValue();
        }
        if (n instanceof BigDecimal d) {
            return d.doubleValue(); // correctly rounded
        }
        if (n instanceof BigInteger i) {
            return i.doubleValue(); // correctly rounded
        }
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || n instanceof java.util.concurrent.atomic.AtomicLong || n instanceof java.util.concurrent.atomic.AtomicInteger) {
            return (double) n.longValue(); // the long-to-double conversion rounds to nearest, even
        }
        return new BigDecimal(n.toString()).doubleValue();
    }

    /** ECMAScript Number::toString(x) for JSON: {@code null} for NaN and the infinities, as JSON.stringify does. */
    public static String number(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return "null";
        }
        if (x == 0) {
            return "0"; // and -0
        }
        if (x < 0) {
            return "-" + number(-x);
        }
        if (x < TWO_53 && x == Math.rint(x)) {
            return Long.toString((long) x); // an integer below 2^53 < 1e21: its digits are exact and shortest
        }
        BigDecimal shortest = shortest(x).stripTrailingZeros();
        String s = shortest.unscaledValue().toString(); // the digits, k of them
        int k = s.length();
        int n = k - shortest.scale(); // x = s * 10^(n - k)
        StringBuilder out = new StringBuilder(k + 8);
        if (k <= n && n <= 21) {
            out.append(s);
            out.append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(s, 0, n).append('.').append(s, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(s);
        } else {
            out.append(s.charAt(0));
            if (k > 1) {
                out.append('.').append(s, 1, k);
            }
            out.append('e').append(n - 1 >= 0 ? '+' : '-').append(Math.abs(n - 1));
        }
        return out.toString();
    }

    /**
     * The decimal with the fewest significant digits that reads back as x (x finite, positive); of those with that
     * many digits, the closest to x, and of two equally close the one with the even last digit.
     */
    private static BigDecimal shortest(double x) {
        BigDecimal exact = new BigDecimal(x);
        for (int p = 1; p <= 17; p++) {
            BigDecimal down = exact.round(new MathContext(p, RoundingMode.DOWN));
            BigDecimal up = exact.round(new MathContext(p, RoundingMode.UP));
            boolean downOk = down.doubleValue() == x;
            boolean upOk = up.doubleValue() == x;
            if (downOk && upOk) {
                int c = exact.subtract(down).compareTo(up.subtract(exact));
                if (c != 0) {
                    return c < 0 ? down : up;
                }
                return lastDigitEven(down) ? down : up;
            }
            if (downOk) {
                return down;
            }
            if (upOk) {
                return up;
            }
        }
        return exact.round(MathContext.DECIMAL64); // never reached: 17 digits always read back
    }

    private static boolean lastDigitEven(BigDecimal d) {
        return !d.unscaledValue().testBit(0);
    }

    /** JSON.stringify's QuoteJSONString (well-formed: lone surrogates escaped). */
    static void quote(String s, StringBuilder out) {
        out.append('"');
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(c, out);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i)); // a pair: the code point, literal
                        } else {
                            unicodeEscape(c, out);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        unicodeEscape(c, out); // a low surrogate without its high one before it
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(char c, StringBuilder out) {
        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }
}
