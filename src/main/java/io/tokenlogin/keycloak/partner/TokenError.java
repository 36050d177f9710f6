package io.tokenlogin.keycloak.partner;

import java.util.Optional;

/** Why a partner token was rejected: a stable wire code plus the HTTP status to answer with. */
public enum TokenError {
    INVALID_TOKEN("invalid_token", 400),
    INVALID_SIGNATURE("invalid_signature", 401),
    TOKEN_EXPIRED("token_expired", 401),
    TOKEN_NOT_YET_VALID("token_not_yet_valid", 401),
    TOKEN_LIFETIME_EXCEEDED("token_lifetime_exceeded", 401),
    UNKNOWN_ISSUER("unknown_issuer", 401),
    INVALID_AUDIENCE("invalid_audience", 401),
    TOKEN_REPLAYED("token_replayed", 401),
    MISSING_CLAIM("missing_claim", 400),
    USER_NOT_FOUND("user_not_found", 403),
    USER_DISABLED("user_disabled", 403),
    INVALID_REDIRECT("invalid_redirect", 400);

    private final String code;
    private final int httpStatus;

    TokenError(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The snake_case code shown to clients and written to events. */
    public String code() {
        return code;
    }

    /** The HTTP status that goes with this error. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Looks an error up by its exact (case-sensitive) code; empty for null or unknown codes. */
    public static Optional<TokenError> fromCode(String code) {
        if (code == null) {
            return Optional.empty();
        }
        for (TokenError error : values()) {
            if (error.code.equals(code)) {
                return Optional.of(error);
            }
        }
        return Optional.empty();
    }
}
