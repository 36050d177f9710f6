package io.tokenlogin.keycloak.partner;

import static io.tokenlogin.keycloak.partner.PartnerFixtures.AUD;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.HEADER;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.ISS;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.KEY;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.OTHER_KEY;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.T;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.accepted;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.payload;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.q;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.rejected;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Table A of the security research (§1.6): the partner-JWT validator attack catalogue. Setup as in the table: HS256
 * key of 32+ bytes, fixed issuer and audience, skew 30 s, max lifetime 300 s, fixed clock, jti required.
 */
class AttackCatalogueATest {

    private final PartnerPolicy policy = PartnerFixtures.policyWith(PartnerPolicy.REQUIRE_JTI, "true");

    private final PartnerPolicy nestedPolicy = PartnerFixtures.policyWith(PartnerPolicy.REQUIRE_JTI, "true",
            PartnerPolicy.USER_ID_CLAIM, "user.uuid", PartnerPolicy.EMAIL_CLAIM, "user.email");

    private static String withHeader(String headerJson) {
        return TestTokens.hs256(headerJson, payload().json(), KEY);
    }

    private static String macWith(String algorithm, String headerJson, String payloadJson, byte[] key)
            throws Exception {
        String signingInput = TestTokens.b64(headerJson) + "." + TestTokens.b64(payloadJson);
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key, algorithm));
        return signingInput + "." + TestTokens.b64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void A1_validTokenIsAccepted() {
        VerifiedPartnerToken token = accepted(signed(payload()), policy);
        assertEquals("user-1", token.userId());
        assertEquals("jti-1", token.jti());
        assertEquals(ISS, token.issuer());
    }

    @Test
    void A2_validTokenWithoutTypIsAccepted() {
        accepted(withHeader("{\"alg\":\"HS256\"}"), policy);
    }

    @Test
    void A3_algNoneWithEmptySignatureIsRejected() {
        rejected(TokenError.INVALID_TOKEN, TestTokens.unsigned("{\"alg\":\"none\"}", payload().json()), policy);
    }

    @Test
    void A3_algNoneWithAMacSignatureIsRejected() {
        rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"none\"}"), policy);
    }

    @Test
    void A4_algNoneInMixedCaseIsRejected() {
        rejected(TokenError.INVALID_TOKEN, TestTokens.unsigned("{\"alg\":\"NoNe\"}", payload().json()), policy);
        rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"NoNe\"}"), policy);
    }

    @Test
    void A5_hs512SignedWithTheSameKeyIsRejected() throws Exception {
        rejected(TokenError.INVALID_TOKEN, macWith("HmacSHA512", "{\"alg\":\"HS512\"}", payload().json(), KEY),
                policy);
    }

    @Test
    void A6_hs384SignedWithTheSameKeyIsRejected() throws Exception {
        rejected(TokenError.INVALID_TOKEN, macWith("HmacSHA384", "{\"alg\":\"HS384\"}", payload().json(), KEY),
                policy);
    }

    @Test
    void A7_rs256LabelHmacedWithThePublicKeyIsRejected() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] publicKey = generator.generateKeyPair().getPublic().getEncoded();
        rejected(TokenError.INVALID_TOKEN, TestTokens.hs256("{\"alg\":\"RS256\"}", payload().json(), publicKey),
                policy);
    }

    @Test
    void A8_changedPayloadWithTheOldSignatureIsRejected() {
        String original = signed(payload());
        String forged = signed(payload().set("sub", q("admin")));
        String[] o = original.split("\\.");
        String[] f = forged.split("\\.");
        rejected(TokenError.INVALID_SIGNATURE, o[0] + "." + f[1] + "." + o[2], policy);
    }

    @Test
    void A9_strippedSignatureIsRejected() {
        String token = signed(payload());
        rejected(TokenError.INVALID_TOKEN, token.substring(0, token.lastIndexOf('.') + 1), policy);
        rejected(TokenError.INVALID_TOKEN, token.substring(0, token.lastIndexOf('.')), policy);
    }

    @Test
    void A10_tokenSignedWithAnotherKeyIsRejected() {
        rejected(TokenError.INVALID_SIGNATURE, TestTokens.hs256(HEADER, payload().json(), OTHER_KEY), policy);
    }

    @Test
    void A11_signatureTruncatedByOneCharIsRejected() {
        String token = signed(payload());
        rejected(TokenError.INVALID_SIGNATURE, token.substring(0, token.length() - 1), policy);
    }

    @Test
    void A12_embeddedJwkHeaderIsRejected() {
        byte[] attackerKey = "attacker-chosen-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        String jwk = "{\"kty\":\"oct\",\"k\":\"" + TestTokens.b64(attackerKey) + "\"}";
        rejected(TokenError.INVALID_TOKEN,
                TestTokens.hs256("{\"alg\":\"HS256\",\"jwk\":" + jwk + "}", payload().json(), attackerKey), policy);
    }

    @Test
    void A13_jkuHeaderIsRefused() {
        rejected(TokenError.INVALID_TOKEN,
                withHeader("{\"alg\":\"HS256\",\"jku\":\"https://attacker.example/jwks.json\"}"), policy);
    }

    @Test
    void A13_x5uHeaderIsRefused() {
        rejected(TokenError.INVALID_TOKEN,
                withHeader("{\"alg\":\"HS256\",\"x5u\":\"https://attacker.example/cert.pem\"}"), policy);
    }

    @Test
    void A14_kidInjectionIsAcceptedBecauseKidIsIgnored() {
        accepted(withHeader("{\"alg\":\"HS256\",\"kid\":\"../../dev/null' OR '1'='1\"}"), policy);
    }

    @Test
    void A15_critB64WithoutB64MemberIsRefused() {
        rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"HS256\",\"crit\":[\"b64\"]}"), policy);
    }

    @Test
    void A16_critB64WithB64FalseIsRejected() {
        rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}"),
                policy);
    }

    @Test
    void A17_critUnknownParameterIsRejected() {
        rejected(TokenError.INVALID_TOKEN,
                withHeader("{\"alg\":\"HS256\",\"crit\":[\"x-unknown\"],\"x-unknown\":1}"), policy);
    }

    @Test
    void A18_typAtJwtIsRejected() {
        rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}"), policy);
    }

    @Test
    void A19_ctyJwtNestedTokenIsRejected() {
        String inner = signed(payload());
        rejected(TokenError.INVALID_TOKEN,
                TestTokens.hs256("{\"alg\":\"HS256\",\"cty\":\"JWT\"}", q(inner), KEY), policy);
        rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"HS256\",\"cty\":\"JWT\"}"), policy);
    }

    @Test
    void A20_expired31SecondsAgoWithSkew30IsRejected() {
        rejected(TokenError.TOKEN_EXPIRED, signed(payload().set("iat", "" + (T - 100)).set("exp", "" + (T - 31))),
                policy);
    }

    @Test
    void A21_expired10SecondsAgoInsideSkewIsAccepted() {
        accepted(signed(payload().set("iat", "" + (T - 100)).set("exp", "" + (T - 10))), policy);
    }

    @Test
    void A22_missingExpIsRejected() {
        rejected(TokenError.MISSING_CLAIM, signed(payload().remove("exp")), policy);
    }

    @Test
    void A23_expAsStringIsRejected() {
        rejected(TokenError.INVALID_TOKEN, signed(payload().set("exp", q("" + (T + 60)))), policy);
    }

    @Test
    void A24_expTenYearsAheadExceedsTheLifetime() {
        rejected(TokenError.TOKEN_LIFETIME_EXCEEDED, signed(payload().set("exp", "" + (T + 10L * 365 * 86400))),
                policy);
    }

    @Test
    void A25_nbf120SecondsAheadIsRejected() {
        rejected(TokenError.TOKEN_NOT_YET_VALID, signed(payload().set("nbf", "" + (T + 120))), policy);
    }

    @Test
    void A26_iatOneHourAheadIsRejected() {
        // SPEC order is expired, not-yet-valid, lifetime: a future iat reports token_not_yet_valid.
        rejected(TokenError.TOKEN_NOT_YET_VALID,
                signed(payload().set("iat", "" + (T + 3600)).set("exp", "" + (T + 3640))), policy);
    }

    @Test
    void A27_wrongIssuerIsRejected() {
        // SPEC: an iss that does not match the partner is unknown_issuer (checked before the signature).
        rejected(TokenError.UNKNOWN_ISSUER, signed(payload().set("iss", q("https://other.example"))), policy);
    }

    @Test
    void A28_upperCasedIssuerIsRejected() {
        // SPEC: exact, case-sensitive iss match; a mismatch is unknown_issuer.
        rejected(TokenError.UNKNOWN_ISSUER, signed(payload().set("iss", q(ISS.toUpperCase()))), policy);
    }

    @Test
    void A29_missingAudienceIsRejected() {
        rejected(TokenError.INVALID_AUDIENCE, signed(payload().remove("aud")), policy);
    }

    @Test
    void A30_wrongAudienceIsRejected() {
        rejected(TokenError.INVALID_AUDIENCE, signed(payload().set("aud", q("https://other.example"))), policy);
    }

    @Test
    void A31_audienceArrayIsAcceptedAnyOf() {
        accepted(signed(payload().set("aud", "[\"other\"," + q(AUD) + "]")), policy);
    }

    @Test
    void A32_audienceWithTrailingSlashIsRejected() {
        rejected(TokenError.INVALID_AUDIENCE, signed(payload().set("aud", q(AUD + "/"))), policy);
    }

    @Test
    void A33_missingSubIsRejected() {
        rejected(TokenError.MISSING_CLAIM, signed(payload().remove("sub")), policy);
    }

    @Test
    void A34_missingJtiIsRejectedWhenRequired() {
        rejected(TokenError.MISSING_CLAIM, signed(payload().remove("jti")), policy);
    }

    @Test
    void A35_numericSubIsAcceptedAsDecimalText() {
        assertEquals("42", accepted(signed(payload().set("sub", "42")), policy).userId());
    }

    @Test
    void A36_missingUserUuidIsRejected() {
        rejected(TokenError.MISSING_CLAIM, signed(payload().set("user", "{\"email\":\"a@b.example\"}")),
                nestedPolicy);
    }

    @Test
    void A36_userEmailAsArrayIsRejected() {
        rejected(TokenError.INVALID_TOKEN,
                signed(payload().set("user", "{\"uuid\":\"u-1\",\"email\":[\"a@b.example\"]}")), nestedPolicy);
    }

    @Test
    void A37_duplicateTopLevelSubIsRejected() {
        String json = payload().json().replace("\"sub\":\"user-1\"", "\"sub\":\"user-1\",\"sub\":\"admin\"");
        rejected(TokenError.INVALID_TOKEN, TestTokens.hs256(HEADER, json, KEY), policy);
    }

    @Test
    void A38_duplicateHeaderAlgIsRejected() {
        rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"HS256\",\"alg\":\"none\"}"), policy);
    }

    @Test
    void A39_duplicateEmailInsideUserIsRejected() {
        rejected(TokenError.INVALID_TOKEN, signed(payload().set("user",
                "{\"uuid\":\"u-1\",\"email\":\"a@b.example\",\"email\":\"victim@b.example\"}")), nestedPolicy);
    }

    @Test
    void A40_utf16PayloadIsRejected() {
        for (java.nio.charset.Charset charset : new java.nio.charset.Charset[] {
                StandardCharsets.UTF_16, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE}) {
            String signingInput = TestTokens.b64(HEADER) + "." + TestTokens.b64(payload().json().getBytes(charset));
            rejected(TokenError.INVALID_TOKEN, signingInput + "." + TestTokens.sign(signingInput, KEY), policy);
        }
    }

    @Test
    void A41_jwsJsonSerializationIsRejected() {
        String[] parts = signed(payload()).split("\\.");
        String json = "{\"payload\":\"" + parts[1] + "\",\"protected\":\"" + parts[0] + "\",\"signature\":\""
                + parts[2] + "\"}";
        rejected(TokenError.INVALID_TOKEN, json, policy);
    }

    @Test
    void A42_fiveSegmentJweIsRejected() {
        String header = TestTokens.b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}");
        rejected(TokenError.INVALID_TOKEN, header + "..aXZpdml2aXZpdml2.Y2lwaGVydGV4dA.dGFndGFndGFndGFndGFn",
                policy);
        rejected(TokenError.INVALID_TOKEN, header + ".a2V5.aXZpdml2aXZpdml2.Y2lwaGVydGV4dA.dGFndGFndGFndGFndGFn",
                policy);
    }

    @Test
    void A43_fourthSegmentAppendedIsRejected() {
        rejected(TokenError.INVALID_TOKEN, signed(payload()) + ".AAAA", policy);
    }

    @Test
    void A44_trailingSpaceIsRejected() {
        rejected(TokenError.INVALID_TOKEN, signed(payload()) + " ", policy);
        rejected(TokenError.INVALID_TOKEN, " " + signed(payload()), policy);
        rejected(TokenError.INVALID_TOKEN, signed(payload()) + "\n", policy);
    }

    @Test
    void A45_twentyThousandNestedArraysAreRejected() {
        // Our 8 KiB cap stops this before parsing; the next test covers depth alone.
        String nested = "[".repeat(20_000) + "]".repeat(20_000);
        rejected(TokenError.INVALID_TOKEN, signed(payload().set("deep", nested)), policy);
    }

    @Test
    void A45_nestingDeeperThan16IsRejectedUnderTheSizeCap() {
        String nested = "[".repeat(100) + "]".repeat(100);
        String token = signed(payload().set("deep", nested));
        assertTrue(token.length() < PartnerTokenVerifier.MAX_TOKEN_LENGTH);
        rejected(TokenError.INVALID_TOKEN, token, policy);
    }

    @Test
    void A46_hundredKilobyteTokenIsRejected() {
        // SPEC cap is 8 KiB (the table's wrapper used 100 KB); anything longer is refused unparsed.
        rejected(TokenError.INVALID_TOKEN, signed(payload().set("pad", q("x".repeat(100_000)))), policy);
    }

    @Test
    void A47_headerOver20000CharsIsRejected() {
        // Stopped by the 8 KiB overall cap long before nimbus' 20 000-char header limit.
        rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"HS256\",\"x-pad\":" + q("y".repeat(20_001)) + "}"),
                policy);
    }

    @Test
    void A48_sixteenByteSecretIsRejectedByConfig() {
        Map<String, String> config = new HashMap<>(PartnerFixtures.baseConfig());
        String shortSecret = Base64.getEncoder().encodeToString(new byte[12]); // 16 ASCII chars = 16 bytes
        config.put(PartnerPolicy.SECRET, shortSecret);
        InvalidPartnerConfigException e = assertThrows(InvalidPartnerConfigException.class,
                () -> PartnerPolicy.fromConfig("acme", config));
        assertEquals(PartnerPolicy.SECRET, e.key());
        assertFalse(e.getMessage().contains(shortSecret));
    }
}
