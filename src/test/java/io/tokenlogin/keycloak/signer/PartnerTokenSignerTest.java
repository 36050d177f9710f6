package io.tokenlogin.keycloak.signer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PartnerTokenSignerTest {

    static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    static final long NOW = 1_700_000_000L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

    private final PartnerTokenSigner signer = new PartnerTokenSigner("Ruby Backend", SECRET).withClock(CLOCK);

    /** Verifies the HS256 signature and header; returns the parsed JWT. */
    static SignedJWT verify(String token, String secret) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        assertTrue(jwt.verify(new MACVerifier(secret.getBytes(StandardCharsets.UTF_8))), "signature");
        assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
        return jwt;
    }

    static String rawPayload(SignedJWT jwt) {
        return jwt.getPayload().toString();
    }

    @Test
    void flatTokenWithIntegerIdEmitsJsonNumber() throws Exception {
        SignedJWT jwt = verify(signer.generateSignInToken(1234, 300), SECRET);
        // JSON member order is nimbus's (not significant); the id must be a bare JSON number.
        assertTrue(rawPayload(jwt).contains("\"sub\":1234,") || rawPayload(jwt).contains("\"sub\":1234}"),
                rawPayload(jwt));
        assertEquals(Map.of("sub", 1234L, "iss", "Ruby Backend", "exp", NOW + 300, "iat", NOW),
                jwt.getPayload().toJSONObject());
        assertNull(jwt.getJWTClaimsSet().getJWTID());
    }

    @Test
    void flatTokenWithLongAndBigIntegerIds() throws Exception {
        assertTrue(rawPayload(verify(signer.generateSignInToken(9_007_199_254_740_993L, 60), SECRET))
                .contains("\"sub\":9007199254740993"));
        assertTrue(rawPayload(verify(signer.generateSignInToken(BigInteger.valueOf(42), 60), SECRET))
                .contains("\"sub\":42"));
    }

    @Test
    void flatTokenWithStringId() throws Exception {
        SignedJWT jwt = verify(signer.generateSignInToken("cust_1234", 300), SECRET);
        assertTrue(rawPayload(jwt).contains("\"sub\":\"cust_1234\""));
        assertEquals("cust_1234", jwt.getJWTClaimsSet().getSubject());
        assertEquals("Ruby Backend", jwt.getJWTClaimsSet().getIssuer());
    }

    @Test
    void expIsNowPlusTtl() throws Exception {
        SignedJWT jwt = verify(signer.generateSignInToken("u", 600), SECRET);
        assertEquals(Instant.ofEpochSecond(NOW + 600), jwt.getJWTClaimsSet().getExpirationTime().toInstant());
        assertEquals(Instant.ofEpochSecond(NOW), jwt.getJWTClaimsSet().getIssueTime().toInstant());
    }

    @Test
    void byteArraySecretIsEquivalent() throws Exception {
        PartnerTokenSigner bytes = new PartnerTokenSigner("Ruby Backend", SECRET.getBytes(StandardCharsets.UTF_8))
                .withClock(CLOCK);
        assertEquals(signer.generateSignInToken(7, 60), bytes.generateSignInToken(7, 60));
    }

    @Test
    void wrongSecretDoesNotVerify() throws Exception {
        SignedJWT jwt = SignedJWT.parse(signer.generateSignInToken(1, 60));
        assertFalse(jwt.verify(new MACVerifier("another-secret-another-secret-another-secret")));
    }

    @Test
    void invalidUserIdsRejected() {
        assertThrows(IllegalArgumentException.class, () -> signer.generateSignInToken(null, 60));
        assertThrows(IllegalArgumentException.class, () -> signer.generateSignInToken(" ", 60));
        assertThrows(IllegalArgumentException.class, () -> signer.generateSignInToken(1.5, 60));
        assertThrows(IllegalArgumentException.class, () -> signer.generateSignInToken(List.of(1), 60));
    }

    @Test
    void ttlBounds() throws Exception {
        verify(signer.generateSignInToken(1, 1), SECRET);
        verify(signer.generateSignInToken(1, 86_400), SECRET);
        assertThrows(IllegalArgumentException.class, () -> signer.generateSignInToken(1, 0));
        assertThrows(IllegalArgumentException.class, () -> signer.generateSignInToken(1, -5));
        assertThrows(IllegalArgumentException.class, () -> signer.generateSignInToken(1, 86_401));
        assertThrows(IllegalArgumentException.class, () -> signer.nested().ttlSeconds(0));
        assertThrows(IllegalArgumentException.class, () -> signer.nested().ttlSeconds(86_401));
    }

    @Test
    void shortSecretAndBlankIssuerRejected() {
        String shortSecret = "x".repeat(31);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PartnerTokenSigner("iss", shortSecret));
        assertFalse(e.getMessage().contains(shortSecret));
        assertThrows(IllegalArgumentException.class, () -> new PartnerTokenSigner("iss", new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> new PartnerTokenSigner("iss", (String) null));
        assertThrows(IllegalArgumentException.class, () -> new PartnerTokenSigner(" ", SECRET));
        assertThrows(IllegalArgumentException.class, () -> new PartnerTokenSigner(null, SECRET));
        // 32 UTF-8 bytes from 16 two-byte characters is enough.
        new PartnerTokenSigner("iss", "é".repeat(16));
        assertFalse(signer.toString().contains(SECRET));
    }

    @Test
    void nestedTokenHasExactSeedShape() throws Exception {
        PartnerTokenSigner publica = new PartnerTokenSigner("publicala", SECRET).withClock(CLOCK);
        String token = publica.nested()
                .jti("jti-1")
                .audience("farfalla")
                .intendedUrl("https://example.com/reader?id=1&x=y")
                .userUuid("8d7a-uuid")
                .email("reader@example.com")
                .pictureUrl("https://example.com/p.png")
                .acceptTermsAndPolicies(true)
                .sign();
        SignedJWT jwt = verify(token, SECRET);
        assertEquals(Map.of(
                        "iss", "publicala",
                        "jti", "jti-1",
                        "exp", NOW + 60,
                        "aud", "farfalla",
                        "sub", "user",
                        "intended_url", "https://example.com/reader?id=1&x=y",
                        "user", Map.of(
                                "uuid", "8d7a-uuid",
                                "email", "reader@example.com",
                                "picture_url", "https://example.com/p.png",
                                "accept_terms_and_policies", true)),
                jwt.getPayload().toJSONObject());
        // aud is a plain string (not a one-element array) and the URL is not HTML-escaped.
        assertTrue(rawPayload(jwt).contains("\"aud\":\"farfalla\""), rawPayload(jwt));
        assertTrue(rawPayload(jwt).contains("\"intended_url\":\"https://example.com/reader?id=1&x=y\""));
    }

    @Test
    void nestedUserOmitsUnsetFieldsAndOptionalClaims() throws Exception {
        SignedJWT jwt = verify(signer.nested().userUuid("u-1").ttlSeconds(120).sign(), SECRET);
        Map<String, Object> claims = jwt.getJWTClaimsSet().getClaims();
        assertEquals(Map.of("uuid", "u-1"), jwt.getJWTClaimsSet().getJSONObjectClaim("user"));
        assertEquals(Set.of("iss", "jti", "exp", "sub", "user"), jwt.getPayload().toJSONObject().keySet());
        assertEquals("user", claims.get("sub"));
        assertEquals(Instant.ofEpochSecond(NOW + 120), jwt.getJWTClaimsSet().getExpirationTime().toInstant());
    }

    @Test
    void nestedExtraClaimsAndSubject() throws Exception {
        SignedJWT jwt = verify(signer.nested().userUuid("u").subject("reader").claim("tenant", "acme").sign(), SECRET);
        assertEquals("reader", jwt.getJWTClaimsSet().getSubject());
        assertEquals("acme", jwt.getJWTClaimsSet().getStringClaim("tenant"));
        assertThrows(IllegalArgumentException.class, () -> signer.nested().claim("exp", 1));
        assertThrows(IllegalArgumentException.class, () -> signer.nested().sign());
    }

    @Test
    void nestedJtiIsUniquePerToken() throws Exception {
        PartnerTokenSigner.NestedTokenBuilder builder = signer.nested().userUuid("u");
        String a = verify(builder.sign(), SECRET).getJWTClaimsSet().getJWTID();
        String b = verify(signer.nested().userUuid("u").sign(), SECRET).getJWTClaimsSet().getJWTID();
        String c = verify(builder.sign(), SECRET).getJWTClaimsSet().getJWTID();
        assertNotEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void loginLinks() {
        assertEquals("https://kc.example.com/realms/demo/token-login/login/a.b.c",
                PartnerTokenSigner.loginLink("https://kc.example.com/", "demo", "a.b.c"));
        assertEquals("https://kc.example.com/auth/realms/demo/token-login/login/a.b.c",
                PartnerTokenSigner.loginLink("https://kc.example.com/auth", "demo", "a.b.c"));
        assertEquals("https://kc.example.com/realms/my%20realm%2Fx%C3%A9/token-login/login/a.b.c",
                PartnerTokenSigner.loginLink("https://kc.example.com", "my realm/xé", "a.b.c"));
        assertEquals("http://localhost:8080/realms/demo/token-login/login?external-auth-token=a-b_c.d",
                PartnerTokenSigner.loginLinkWithQuery("http://localhost:8080//", "demo", "a-b_c.d"));
        assertThrows(IllegalArgumentException.class, () -> PartnerTokenSigner.loginLink("", "demo", "t"));
        assertThrows(IllegalArgumentException.class, () -> PartnerTokenSigner.loginLink("http://x", " ", "t"));
    }

    @Test
    void realTokenSurvivesLinkUnchanged() throws Exception {
        String token = signer.generateSignInToken(1234, 60);
        String link = PartnerTokenSigner.loginLink("http://localhost:8080", "demo", token);
        assertTrue(link.endsWith("/login/" + token));
    }
}
