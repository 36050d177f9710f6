package io.tokenlogin.keycloak.partner;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.MACVerifier;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;

/**
 * HS256 signature check with nimbus (constant-time MAC compare), trying each secret in order. The signature segment
 * must be the canonical base64url encoding of 32 bytes, so a token cannot be re-encoded into a second valid form.
 */
final class Hs256Signature {

    private static final int HS256_BYTES = 32;

    private Hs256Signature() {
    }

    /** Throws {@link TokenError#INVALID_SIGNATURE} unless one secret verifies the token. */
    static void verify(CompactJws jws, List<byte[]> secrets) throws TokenRejectedException {
        JWSObject parsed;
        try {
            parsed = JWSObject.parse(jws.token());
        } catch (ParseException | RuntimeException e) {
            throw new TokenRejectedException(TokenError.INVALID_TOKEN, "Token could not be parsed as a JWS");
        }
        if (!isCanonicalHs256Signature(jws.signatureSegment())) {
            throw new TokenRejectedException(TokenError.INVALID_SIGNATURE, "Token signature is invalid");
        }
        for (byte[] secret : secrets) {
            try {
                if (parsed.verify(new MACVerifier(secret))) {
                    return;
                }
            } catch (JOSEException | RuntimeException e) {
                // A key nimbus refuses cannot verify anything: try the next one.
            }
        }
        throw new TokenRejectedException(TokenError.INVALID_SIGNATURE, "Token signature is invalid");
    }

    private static boolean isCanonicalHs256Signature(String segment) {
        byte[] decoded;
        try {
            decoded = Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return decoded.length == HS256_BYTES
                && Base64.getUrlEncoder().withoutPadding().encodeToString(decoded).equals(segment);
    }
}
