package io.tokenlogin.keycloak.partner;

import java.time.Instant;
import java.util.Map;

/** Checks {@code exp}, {@code nbf}, {@code iat} and the maximum lifetime, in that order, with clock skew. */
final class TimeClaims {

    private TimeClaims() {
    }

    /** Returns {@code exp} in epoch seconds once all time checks pass. */
    static long check(Map<String, Object> claims, long maxLifetimeSeconds, long skewSeconds, Instant now)
            throws TokenRejectedException {
        long nowSeconds = now.getEpochSecond();
        if (!claims.containsKey("exp")) {
            throw new TokenRejectedException(TokenError.MISSING_CLAIM, "Token has no exp claim");
        }
        long exp = integral(claims.get("exp"), "exp");
        Long nbf = optionalIntegral(claims, "nbf");
        Long iat = optionalIntegral(claims, "iat");
        long latestAccepted = JsonNumbers.saturatedAdd(nowSeconds, skewSeconds);

        if (JsonNumbers.saturatedAdd(nowSeconds, -skewSeconds) > exp) {
            throw new TokenRejectedException(TokenError.TOKEN_EXPIRED, "Token has expired");
        }
        if (nbf != null && nbf > latestAccepted) {
            throw new TokenRejectedException(TokenError.TOKEN_NOT_YET_VALID, "Token is not valid yet");
        }
        if (iat != null && iat > latestAccepted) {
            throw new TokenRejectedException(TokenError.TOKEN_NOT_YET_VALID, "Token was issued in the future");
        }
        if (exp > JsonNumbers.saturatedAdd(latestAccepted, maxLifetimeSeconds)) {
            throw new TokenRejectedException(TokenError.TOKEN_LIFETIME_EXCEEDED, "Token lifetime is too long");
        }
        return exp;
    }

    private static Long optionalIntegral(Map<String, Object> claims, String name) throws TokenRejectedException {
        return claims.containsKey(name) ? integral(claims.get(name), name) : null;
    }

    private static long integral(Object value, String name) throws TokenRejectedException {
        if (!JsonNumbers.isIntegral(value)) {
            throw new TokenRejectedException(TokenError.INVALID_TOKEN, "Token claim " + name + " is not an integer");
        }
        return JsonNumbers.clampedLong(value);
    }
}
