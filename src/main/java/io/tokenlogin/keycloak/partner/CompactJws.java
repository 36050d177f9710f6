package io.tokenlogin.keycloak.partner;

import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Structural parsing of a compact JWS (checks 1 to 3): size cap, exact three-segment shape, strict JSON header that
 * meets {@link JoseHeaderPolicy}, and strict JSON claims. Nothing here is trusted until the signature is checked.
 */
record CompactJws(String token, Map<String, Object> header, Map<String, Object> claims, String signatureSegment) {

    private static final Pattern COMPACT_JWS =
            Pattern.compile("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$");

    /** Parses and checks the token shape; every failure is {@link TokenError#INVALID_TOKEN}. */
    static CompactJws parse(String token) throws TokenRejectedException {
        if (token == null || token.isBlank()) {
            throw invalid("Token is missing");
        }
        if (token.length() > PartnerTokenVerifier.MAX_TOKEN_LENGTH) {
            throw invalid("Token is too long");
        }
        if (!COMPACT_JWS.matcher(token).matches()) {
            throw invalid("Token is not a compact JWS");
        }
        int firstDot = token.indexOf('.');
        int secondDot = token.indexOf('.', firstDot + 1);
        Map<String, Object> header = decodeJsonObject(token.substring(0, firstDot), "Token header is malformed");
        JoseHeaderPolicy.check(header);
        Map<String, Object> claims =
                decodeJsonObject(token.substring(firstDot + 1, secondDot), "Token payload is malformed");
        return new CompactJws(token, header, claims, token.substring(secondDot + 1));
    }

    private static Map<String, Object> decodeJsonObject(String segment, String safeDescription)
            throws TokenRejectedException {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            throw invalid(safeDescription);
        }
        try {
            return StrictJson.parseStrictJsonObject(bytes);
        } catch (StrictJson.MalformedJsonException e) {
            throw invalid(safeDescription);
        }
    }

    private static TokenRejectedException invalid(String safeDescription) {
        return new TokenRejectedException(TokenError.INVALID_TOKEN, safeDescription);
    }
}
