package io.tokenlogin.keycloak.partner;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Derives the single-use key of a token: hex SHA-256 of the partner alias and the jti (or the whole token). */
final class ReplayKeys {

    private ReplayKeys() {
    }

    /** {@code sha256hex(alias + "\n" + ("jti:" + jti | "token:" + token))}. */
    static String of(String alias, String jti, String token) {
        String material = alias + "\n" + (jti != null ? "jti:" + jti : "token:" + token);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
