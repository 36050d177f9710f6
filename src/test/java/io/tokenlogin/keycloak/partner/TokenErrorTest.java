package io.tokenlogin.keycloak.partner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@link TokenError} codes and statuses, and {@link TokenRejectedException}. */
class TokenErrorTest {

    @ParameterizedTest
    @CsvSource({"INVALID_TOKEN,invalid_token,400", "INVALID_SIGNATURE,invalid_signature,401",
            "TOKEN_EXPIRED,token_expired,401", "TOKEN_NOT_YET_VALID,token_not_yet_valid,401",
            "TOKEN_LIFETIME_EXCEEDED,token_lifetime_exceeded,401", "UNKNOWN_ISSUER,unknown_issuer,401",
            "INVALID_AUDIENCE,invalid_audience,401", "TOKEN_REPLAYED,token_replayed,401",
            "MISSING_CLAIM,missing_claim,400", "USER_NOT_FOUND,user_not_found,403",
            "USER_DISABLED,user_disabled,403", "INVALID_REDIRECT,invalid_redirect,400"})
    void codeAndStatusMatchTheSpec(TokenError error, String code, int status) {
        assertEquals(code, error.code());
        assertEquals(status, error.httpStatus());
        assertEquals(Optional.of(error), TokenError.fromCode(code));
    }

    @Test
    void allTwelveErrorsExist() {
        assertEquals(12, TokenError.values().length);
    }

    @Test
    void unknownCodesAreEmpty() {
        assertEquals(Optional.empty(), TokenError.fromCode(null));
        assertEquals(Optional.empty(), TokenError.fromCode(""));
        assertEquals(Optional.empty(), TokenError.fromCode("INVALID_TOKEN"));
        assertEquals(Optional.empty(), TokenError.fromCode("Invalid_Token"));
    }

    @Test
    void exceptionCarriesErrorAndSafeDescription() {
        TokenRejectedException e = new TokenRejectedException(TokenError.TOKEN_REPLAYED, "Token was already used");
        assertSame(TokenError.TOKEN_REPLAYED, e.error());
        assertEquals("Token was already used", e.getMessage());
        assertThrows(NullPointerException.class, () -> new TokenRejectedException(null, "x"));
    }
}
