package io.tokenlogin.keycloak.partner;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies a partner's HS256 token against its {@link PartnerPolicy}. Checks run in a fixed order and each failure
 * maps to one {@link TokenError}; no claim other than {@code iss} is read before the signature is verified.
 */
public final class PartnerTokenVerifier {

    /** Tokens longer than this are refused before any parsing. */
    public static final int MAX_TOKEN_LENGTH = 8192;

    private PartnerTokenVerifier() {
    }

    /**
     * Structural pre-checks, then reads {@code iss} WITHOUT trusting it (only to pick the partner). Throws
     * {@link TokenError#INVALID_TOKEN} on malformed input and {@link TokenError#UNKNOWN_ISSUER} when {@code iss} is
     * absent or not a string.
     */
    public static String peekIssuer(String token) throws TokenRejectedException {
        return issuerOf(CompactJws.parse(token));
    }

    /**
     * The {@code iss} of a token that failed before its issuer could be read properly (a refused header such as
     * {@code alg: none}, a bad signature segment): best effort and untrusted, only to choose whose error page (the
     * partner's {@code errorRedirect}) shows the failure. Empty when the payload is not a readable JSON object.
     */
    public static java.util.Optional<String> issuerHint(String token) {
        if (token == null || token.length() > 16_384) {
            return java.util.Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            Object iss = StrictJson.parseStrictJsonObject(java.util.Base64.getUrlDecoder().decode(parts[1])).get("iss");
            return iss instanceof String text && !text.isEmpty() ? java.util.Optional.of(text) : java.util.Optional.empty();
        } catch (IllegalArgumentException | StrictJson.MalformedJsonException e) {
            return java.util.Optional.empty();
        }
    }

    /** The single-use key a token with this {@code jti} of this partner gets (to revoke it before it is used). */
    public static String replayKeyOfJti(PartnerPolicy policy, String jti) {
        return ReplayKeys.of(policy.alias(), jti, null);
    }

    /** Runs every check and returns the extracted claims, or throws the first failure. */
    public static VerifiedPartnerToken verify(String token, PartnerPolicy policy, Instant now)
            throws TokenRejectedException {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(now, "now");
        CompactJws jws = CompactJws.parse(token);
        String issuer = issuerOf(jws);
        if (!issuer.equals(policy.issuer())) {
            throw new TokenRejectedException(TokenError.UNKNOWN_ISSUER, "Token issuer does not match the partner");
        }
        Hs256Signature.verify(jws, policy.secrets());

        Map<String, Object> claims = jws.claims();
        long exp = TimeClaims.check(claims, policy.maxTokenLifetimeSeconds(), policy.clockSkewSeconds(), now);
        AudienceCheck.check(claims, policy.audience());
        String jti = ClaimValues.jti(claims, policy.requireJti());
        String userId = ClaimValues.userId(claims, policy.userIdClaim());
        String email = ClaimValues.email(claims, policy.emailClaim());
        String firstName = ClaimValues.name(claims, policy.firstNameClaim());
        String lastName = ClaimValues.name(claims, policy.lastNameClaim());
        String pictureUrl = ClaimValues.pictureUrl(claims, policy.pictureClaim());
        Boolean termsAccepted = ClaimValues.bool(claims, policy.termsClaim());
        String intendedUrl = ClaimValues.intendedUrl(claims, policy.intendedUrlClaim());
        Instant expiresAt = Instant.ofEpochSecond(Math.min(exp, Instant.MAX.getEpochSecond()));
        return new VerifiedPartnerToken(issuer, jti, expiresAt, userId, email, firstName, lastName, pictureUrl,
                termsAccepted, intendedUrl, ReplayKeys.of(policy.alias(), jti, token));
    }

    private static String issuerOf(CompactJws jws) throws TokenRejectedException {
        if (jws.claims().get("iss") instanceof String issuer) {
            return issuer;
        }
        throw new TokenRejectedException(TokenError.UNKNOWN_ISSUER, "Token has no issuer");
    }
}
