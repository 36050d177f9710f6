package io.tokenlogin.keycloak.partner;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of a partner's string configuration. A null or blank value means "absent". Non-secret values are
 * trimmed; secrets are used byte-for-byte. Error messages name the key and never quote the value.
 */
final class PartnerConfigValues {

    /** HS256 needs a key of at least the hash size (RFC 7518 §3.2). */
    static final int MIN_SECRET_BYTES = 32;

    private final Map<String, String> config;

    PartnerConfigValues(Map<String, String> config) {
        this.config = config == null ? Map.of() : config;
    }

    /** The trimmed value, or null when absent or blank. */
    String optionalString(String key) {
        String raw = config.get(key);
        // trim() also strips control characters that isBlank() keeps (found by fuzzing): check what is left
        String trimmed = raw == null ? null : raw.trim();
        return trimmed == null || trimmed.isBlank() ? null : trimmed;
    }

    /** The trimmed value; throws when absent or blank. */
    String requiredString(String key) throws InvalidPartnerConfigException {
        String value = optionalString(key);
        if (value == null) {
            throw new InvalidPartnerConfigException(key, "is required");
        }
        return value;
    }

    /** "true" or "false" in any case; the default when absent. */
    boolean bool(String key, boolean defaultValue) throws InvalidPartnerConfigException {
        String value = optionalString(key);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidPartnerConfigException(key, "must be true or false");
        };
    }

    /** A non-negative decimal integer within [min, max]; the default when absent. */
    long number(String key, long defaultValue, long min, long max) throws InvalidPartnerConfigException {
        String value = optionalString(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidPartnerConfigException(key, "must be a non-negative integer");
        }
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidPartnerConfigException(key, "is too large");
        }
        if (parsed < min || parsed > max) {
            throw new InvalidPartnerConfigException(key, "must be between " + min + " and " + max);
        }
        return parsed;
    }

    /** A claim path; the default path when absent. */
    ClaimPath claimPath(String key, String defaultPath) throws InvalidPartnerConfigException {
        String value = optionalString(key);
        try {
            return ClaimPath.parse(value == null ? defaultPath : value);
        } catch (IllegalArgumentException e) {
            throw new InvalidPartnerConfigException(key, "is not a valid claim path");
        }
    }

    /** The UTF-8 bytes of a secret (not trimmed), or null when absent; throws when shorter than 32 bytes. */
    byte[] secret(String key) throws InvalidPartnerConfigException {
        String raw = config.get(key);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new InvalidPartnerConfigException(key, "must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        return bytes;
    }
}
