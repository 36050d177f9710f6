package io.tokenlogin.keycloak.partner;

import java.time.Instant;

/**
 * The claims of a partner token that passed every check. Optional fields are null when absent; {@code email} is
 * trimmed and lower-cased. {@code replayKey} is the hex SHA-256 used as single-use key.
 */
public record VerifiedPartnerToken(String issuer, String jti, Instant expiresAt, String userId, String email,
        String firstName, String lastName, String pictureUrl, Boolean termsAccepted, String intendedUrl,
        String replayKey) {
}
