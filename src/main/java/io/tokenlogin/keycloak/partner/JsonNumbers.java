package io.tokenlogin.keycloak.partner;

import java.math.BigInteger;

/** Helpers for integral JSON numbers as produced by {@link StrictJson} ({@code Long} or {@code BigInteger}). */
final class JsonNumbers {

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private JsonNumbers() {
    }

    /** True for a JSON integer (not a decimal, string or boolean). */
    static boolean isIntegral(Object value) {
        return value instanceof Long || value instanceof BigInteger;
    }

    /** The integer clamped to the {@code long} range; only call when {@link #isIntegral} holds. */
    static long clampedLong(Object value) {
        if (value instanceof Long l) {
            return l;
        }
        BigInteger big = (BigInteger) value;
        return big.max(LONG_MIN).min(LONG_MAX).longValue();
    }

    /** Plain decimal text of the integer, e.g. {@code 1234}. */
    static String decimal(Object value) {
        return value instanceof Long l ? Long.toString(l) : ((BigInteger) value).toString();
    }

    /** {@code a + b} saturated at the {@code long} limits. */
    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }
}
