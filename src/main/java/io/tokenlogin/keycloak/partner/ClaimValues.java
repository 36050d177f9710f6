package io.tokenlogin.keycloak.partner;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * Type and format checks for the identity claims of a verified token. Messages name the claim, never its value.
 * Optional claims that are absent or JSON null read as null.
 */
final class ClaimValues {

    static final int MAX_ID_LENGTH = 255;
    static final int MAX_EMAIL_LENGTH = 254;
    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_URL_LENGTH = 2048;

    private ClaimValues() {
    }

    /** {@code jti}: null when absent, else a non-empty string of at most 255 chars. */
    static String jti(Map<String, Object> claims, boolean required) throws TokenRejectedException {
        if (!claims.containsKey("jti")) {
            if (required) {
                throw new TokenRejectedException(TokenError.MISSING_CLAIM, "Token has no jti claim");
            }
            return null;
        }
        if (claims.get("jti") instanceof String jti && !jti.isEmpty() && jti.length() <= MAX_ID_LENGTH) {
            return jti;
        }
        throw invalid("jti");
    }

    /** The user id: a non-blank string without control characters, or an integer in decimal form. */
    static String userId(Map<String, Object> claims, ClaimPath path) throws TokenRejectedException {
        Object value = path.resolve(claims).orElse(null);
        String id = null;
        if (value instanceof String text && !text.isBlank() && !hasControlChar(text)) {
            id = text;
        } else if (JsonNumbers.isIntegral(value)) {
            id = JsonNumbers.decimal(value);
        }
        if (id == null || id.length() > MAX_ID_LENGTH) {
            throw new TokenRejectedException(TokenError.MISSING_CLAIM, "Token has no usable user id claim " + path);
        }
        return id;
    }

    /** Email, trimmed and lower-cased: one '@' with non-empty sides, no whitespace or control characters. */
    static String email(Map<String, Object> claims, ClaimPath path) throws TokenRejectedException {
        String raw = optionalString(claims, path, MAX_EMAIL_LENGTH);
        if (raw == null) {
            return null;
        }
        String email = raw.trim();
        int at = email.indexOf('@');
        boolean valid = at > 0 && at == email.lastIndexOf('@') && at < email.length() - 1
                && email.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                        || Character.isISOControl(c));
        if (!valid) {
            throw invalid(path.toString());
        }
        return email.toLowerCase(Locale.ROOT);
    }

    /** A display name: a string of at most 255 chars. */
    static String name(Map<String, Object> claims, ClaimPath path) throws TokenRejectedException {
        return optionalString(claims, path, MAX_NAME_LENGTH);
    }

    /** A picture URL: an absolute http(s) URL with a host, at most 2048 chars. */
    static String pictureUrl(Map<String, Object> claims, ClaimPath path) throws TokenRejectedException {
        String url = optionalString(claims, path, MAX_URL_LENGTH);
        if (url != null && !isAbsoluteHttpUrl(url)) {
            throw invalid(path.toString());
        }
        return url;
    }

    /** A boolean flag. */
    static Boolean bool(Map<String, Object> claims, ClaimPath path) throws TokenRejectedException {
        Object value = resolve(claims, path);
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        throw invalid(path.toString());
    }

    /** A string of at most 2048 chars, not validated further (redirect checks happen elsewhere). */
    static String intendedUrl(Map<String, Object> claims, ClaimPath path) throws TokenRejectedException {
        return optionalString(claims, path, MAX_URL_LENGTH);
    }

    private static String optionalString(Map<String, Object> claims, ClaimPath path, int maxLength)
            throws TokenRejectedException {
        Object value = resolve(claims, path);
        if (value == null) {
            return null;
        }
        if (value instanceof String text && text.length() <= maxLength) {
            return text;
        }
        throw invalid(path.toString());
    }

    private static Object resolve(Map<String, Object> claims, ClaimPath path) {
        return path == null ? null : path.resolve(claims).orElse(null);
    }

    private static boolean isAbsoluteHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            return uri.isAbsolute() && !uri.isOpaque() && scheme != null
                    && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean hasControlChar(String text) {
        return text.codePoints().anyMatch(Character::isISOControl);
    }

    private static TokenRejectedException invalid(String claim) {
        return new TokenRejectedException(TokenError.INVALID_TOKEN, "Token claim " + claim + " is malformed");
    }
}
