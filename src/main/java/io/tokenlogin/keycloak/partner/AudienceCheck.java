package io.tokenlogin.keycloak.partner;

import java.util.List;
import java.util.Map;

/** Checks {@code aud} against the configured audience: a string equal to it, or an array of strings containing it. */
final class AudienceCheck {

    private AudienceCheck() {
    }

    /** No-op when {@code expected} is null; otherwise throws {@link TokenError#INVALID_AUDIENCE} on any mismatch. */
    static void check(Map<String, Object> claims, String expected) throws TokenRejectedException {
        if (expected == null) {
            return;
        }
        Object aud = claims.get("aud");
        if (aud instanceof String single && single.equals(expected)) {
            return;
        }
        if (aud instanceof List<?> list && list.stream().allMatch(String.class::isInstance)
                && list.contains(expected)) {
            return;
        }
        throw new TokenRejectedException(TokenError.INVALID_AUDIENCE, "Token audience does not match");
    }
}
