package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.TokenError;

/** Message-bundle keys of the user-facing texts for each SPEC error code ({@code theme-resources/messages}). */
public final class ErrorMessages {

    private ErrorMessages() {
    }

    public static String key(TokenError error) {
        return "tokenLogin.error." + error.code();
    }
}
