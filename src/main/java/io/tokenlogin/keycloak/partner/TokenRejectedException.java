package io.tokenlogin.keycloak.partner;

import java.util.Objects;

/**
 * A partner token failed a check. The message is a fixed, safe description: it never contains the token, a claim
 * value, or a secret, and no underlying cause is chained (parser messages may quote input).
 */
public class TokenRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final TokenError error;

    /** @param safeDescription a constant description that must not include token or secret content */
    public TokenRejectedException(TokenError error, String safeDescription) {
        super(safeDescription);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** The error code that classifies this rejection. */
    public TokenError error() {
        return error;
    }
}
