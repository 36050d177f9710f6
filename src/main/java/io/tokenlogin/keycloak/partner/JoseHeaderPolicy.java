package io.tokenlogin.keycloak.partner;

import java.util.Map;
import java.util.Set;

/**
 * The allow-list for partner JOSE headers: {@code alg} exactly {@code HS256}, {@code typ} absent or {@code JWT}, and
 * none of the parameters that change how a token is processed or where keys come from. {@code kid} is ignored.
 */
final class JoseHeaderPolicy {

    static final String REQUIRED_ALG = "HS256";

    /** Header parameters that are refused outright (extensions, key references, encryption, unencoded payload). */
    static final Set<String> FORBIDDEN_PARAMS = Set.of(
            "crit", "jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256", "cty", "enc", "zip", "b64", "p2s", "p2c");

    private JoseHeaderPolicy() {
    }

    /** Throws {@link TokenError#INVALID_TOKEN} unless the header meets the partner profile. */
    static void check(Map<String, Object> header) throws TokenRejectedException {
        if (!REQUIRED_ALG.equals(header.get("alg"))) {
            throw new TokenRejectedException(TokenError.INVALID_TOKEN, "Token algorithm is not HS256");
        }
        if (header.containsKey("typ")
                && !(header.get("typ") instanceof String typ && typ.equalsIgnoreCase("JWT"))) {
            throw new TokenRejectedException(TokenError.INVALID_TOKEN, "Token type is not JWT");
        }
        for (String param : FORBIDDEN_PARAMS) {
            if (header.containsKey(param)) {
                throw new TokenRejectedException(TokenError.INVALID_TOKEN, "Token header has a refused parameter");
            }
        }
    }
}
