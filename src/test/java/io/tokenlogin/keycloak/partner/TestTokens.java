package io.tokenlogin.keycloak.partner;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds raw compact tokens by hand (exact JSON text, any alg label) for tests. */
public final class TestTokens {

    private TestTokens() {
    }

    /** base64url (no padding) of the UTF-8 bytes of {@code text}. */
    public static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    /** base64url (no padding) of raw bytes. */
    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code b64(header).b64(payload).HMAC-SHA256(signingInput, key)}, whatever the header says. */
    public static String hs256(String headerJson, String payloadJson, byte[] key) {
        String signingInput = b64(headerJson) + "." + b64(payloadJson);
        return signingInput + "." + sign(signingInput, key);
    }

    /** {@code b64(header).b64(payload).} with an empty signature segment (the alg:none shape). */
    public static String unsigned(String headerJson, String payloadJson) {
        return b64(headerJson) + "." + b64(payloadJson) + ".";
    }

    /** base64url HMAC-SHA256 of an arbitrary signing input. */
    public static String sign(String signingInput, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return b64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
