package io.tokenlogin.keycloak.partner;

import static io.tokenlogin.keycloak.partner.PartnerFixtures.AUD;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.HEADER;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.ISS;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.KEY;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.NOW;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.OTHER_KEY;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.PREVIOUS_KEY;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.PREVIOUS_SECRET;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.T;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.accepted;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.payload;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.policy;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.policyWith;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.q;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.rejected;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The verification rules 1 to 11, in order, each asserting its exact {@link TokenError}. */
class PartnerTokenVerifierTest {

    private static String withHeader(String headerJson) {
        return TestTokens.hs256(headerJson, payload().json(), KEY);
    }

    private static String rawSegments(byte[] header, byte[] payload) {
        String signingInput = TestTokens.b64(header) + "." + TestTokens.b64(payload);
        return signingInput + "." + TestTokens.sign(signingInput, KEY);
    }

    /** A valid token of exactly {@code length} chars, built by padding a claim. */
    private static String validTokenOfLength(int length) {
        String base = signed(payload().set("pad", q("")));
        for (int pad = Math.max(0, (length - base.length()) * 3 / 4 - 3); pad < length; pad++) {
            String token = signed(payload().set("pad", q("p".repeat(pad))));
            if (token.length() == length) {
                return token;
            }
            if (token.length() > length) {
                break;
            }
        }
        throw new IllegalStateException("no padding gives exactly " + length + " chars");
    }

    @Nested
    class SeedShapes {

        @Test
        void flatRubyBackendTokenWithNumericSubIsAccepted() {
            Map<String, String> config = new HashMap<>();
            config.put(PartnerPolicy.ISSUER, "Ruby Backend");
            config.put(PartnerPolicy.SECRET, PartnerFixtures.SECRET);
            config.put(PartnerPolicy.MAX_TOKEN_LIFETIME, "86400");
            PartnerPolicy policy = policy(config);
            String token = TestTokens.hs256(HEADER,
                    "{\"sub\":1234,\"iss\":\"Ruby Backend\",\"exp\":" + (T + 86000) + "}", KEY);

            VerifiedPartnerToken verified = accepted(token, policy);

            assertEquals("1234", verified.userId());
            assertEquals("Ruby Backend", verified.issuer());
            assertEquals(Instant.ofEpochSecond(T + 86000), verified.expiresAt());
            assertNull(verified.jti());
            assertNull(verified.email());
            assertNull(verified.termsAccepted());
            assertNull(verified.intendedUrl());
        }

        @Test
        void nestedPublicaLaTokenIsAccepted() {
            Map<String, String> config = new HashMap<>();
            config.put(PartnerPolicy.ISSUER, "publicala");
            config.put(PartnerPolicy.SECRET, PartnerFixtures.SECRET);
            config.put(PartnerPolicy.AUDIENCE, "farfalla");
            config.put(PartnerPolicy.REQUIRE_JTI, "true");
            config.put(PartnerPolicy.USER_ID_CLAIM, "user.uuid");
            config.put(PartnerPolicy.EMAIL_CLAIM, "user.email");
            config.put(PartnerPolicy.PICTURE_CLAIM, "user.picture_url");
            config.put(PartnerPolicy.TERMS_CLAIM, "user.accept_terms_and_policies");
            PartnerPolicy policy = policy(config);
            String token = TestTokens.hs256(HEADER, "{\"iss\":\"publicala\",\"jti\":\"6f1c2a9e-jti\",\"exp\":"
                    + (T + 60) + ",\"aud\":\"farfalla\",\"sub\":\"user\","
                    + "\"intended_url\":\"https://app.example/library?x=1\",\"user\":{"
                    + "\"uuid\":\"44b8cc41-503c-4e76-9144-7193af85384e\",\"email\":\"Gonzalez@Test.Example\","
                    + "\"picture_url\":\"https://img.example/p.jpg\",\"accept_terms_and_policies\":true}}", KEY);

            VerifiedPartnerToken verified = accepted(token, policy);

            assertEquals("44b8cc41-503c-4e76-9144-7193af85384e", verified.userId());
            assertEquals("gonzalez@test.example", verified.email());
            assertEquals("https://img.example/p.jpg", verified.pictureUrl());
            assertEquals(Boolean.TRUE, verified.termsAccepted());
            assertEquals("https://app.example/library?x=1", verified.intendedUrl());
            assertEquals("6f1c2a9e-jti", verified.jti());
            assertEquals("publicala", verified.issuer());
            assertEquals(Instant.ofEpochSecond(T + 60), verified.expiresAt());
            assertNull(verified.firstName());
            assertNull(verified.lastName());
        }
    }

    @Nested
    class Rule1Structure {

        @Test
        void nullOrBlankIsInvalidToken() {
            rejected(TokenError.INVALID_TOKEN, null, policy());
            rejected(TokenError.INVALID_TOKEN, "", policy());
            rejected(TokenError.INVALID_TOKEN, "   \t", policy());
        }

        @Test
        void tokenOfExactly8192CharsIsAcceptedAnd8193IsRejected() {
            accepted(validTokenOfLength(PartnerTokenVerifier.MAX_TOKEN_LENGTH), policy());
            rejected(TokenError.INVALID_TOKEN, validTokenOfLength(PartnerTokenVerifier.MAX_TOKEN_LENGTH + 1),
                    policy());
        }

        @Test
        void nineThousandCharTokenIsRejected() {
            String token = validTokenOfLength(9000);
            assertEquals(9000, token.length());
            rejected(TokenError.INVALID_TOKEN, token, policy());
        }

        @Test
        void overlongInputIsRejectedWithoutParsing() {
            // Not even the shape is looked at: 9000 chars of garbage still gives invalid_token, not a parse error.
            rejected(TokenError.INVALID_TOKEN, "{".repeat(9000), policy());
        }

        @Test
        void threeThousandCharValidTokenIsAccepted() {
            String token = validTokenOfLength(3000);
            assertEquals(3000, token.length());
            assertEquals("user-1", accepted(token, policy()).userId());
        }

        @ParameterizedTest
        @ValueSource(strings = {"a.b", "a.b.c.d", "a..c", ".b.c", "a.b.", "a b.c.d", "a.b.c=", "a+b.c.d", "a/b.c.d",
                "a.b.c\t", "\u00e9.b.c", "a.b.c\u0000"})
        void nonCompactShapesAreInvalidToken(String token) {
            rejected(TokenError.INVALID_TOKEN, token, policy());
        }

        @Test
        void paddedSegmentsAreRejected() {
            String[] parts = signed(payload()).split("\\.");
            rejected(TokenError.INVALID_TOKEN, parts[0] + "==." + parts[1] + "." + parts[2], policy());
        }

        @Test
        void segmentThatIsNotBase64UrlDecodableIsRejected() {
            String[] parts = signed(payload()).split("\\.");
            rejected(TokenError.INVALID_TOKEN, "A." + parts[1] + "." + parts[2], policy());
        }
    }

    @Nested
    class Rule2Header {

        @Test
        void headerThatIsNotJsonIsRejected() {
            rejected(TokenError.INVALID_TOKEN, withHeader("alg=HS256"), policy());
            rejected(TokenError.INVALID_TOKEN, withHeader("[\"HS256\"]"), policy());
            rejected(TokenError.INVALID_TOKEN, withHeader("\"HS256\""), policy());
        }

        @Test
        void headerWithInvalidUtf8IsRejected() {
            byte[] header = {'{', '"', 'a', 'l', 'g', '"', ':', '"', 'H', 'S', '2', '5', '6', '"', ',', '"', 'x', '"',
                    ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            rejected(TokenError.INVALID_TOKEN, rawSegments(header, payload().json().getBytes(StandardCharsets.UTF_8)),
                    policy());
        }

        @Test
        void utf16HeaderIsRejected() {
            rejected(TokenError.INVALID_TOKEN, rawSegments(HEADER.getBytes(StandardCharsets.UTF_16LE),
                    payload().json().getBytes(StandardCharsets.UTF_8)), policy());
        }

        @Test
        void headerWithTrailingContentIsRejected() {
            rejected(TokenError.INVALID_TOKEN, withHeader(HEADER + "x"), policy());
            rejected(TokenError.INVALID_TOKEN, withHeader(HEADER + "{}"), policy());
        }

        @ParameterizedTest
        @ValueSource(strings = {"hs256", "Hs256", "HS256 ", "none", "HS384", "HS512", "RS256", "ES256", "PS256", "dir",
                ""})
        void algOtherThanHs256IsRejected(String alg) {
            rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":" + q(alg) + "}"), policy());
        }

        @Test
        void algMissingOrNotAStringIsRejected() {
            rejected(TokenError.INVALID_TOKEN, withHeader("{\"typ\":\"JWT\"}"), policy());
            rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":[\"HS256\"]}"), policy());
            rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":null}"), policy());
        }

        @ParameterizedTest
        @ValueSource(strings = {"JWT", "jwt", "Jwt"})
        void typJwtInAnyCaseIsAccepted(String typ) {
            accepted(withHeader("{\"alg\":\"HS256\",\"typ\":" + q(typ) + "}"), policy());
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"JOSE\"", "\"at+jwt\"", "\"partner-login+jwt\"", "null", "1", "[\"JWT\"]"})
        void typOtherThanJwtIsRejected(String typ) {
            rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"HS256\",\"typ\":" + typ + "}"), policy());
        }

        @ParameterizedTest
        @ValueSource(strings = {"crit", "jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256", "cty", "enc", "zip", "b64",
                "p2s", "p2c"})
        void refusedHeaderParameterIsRejected(String param) {
            rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"HS256\"," + q(param) + ":\"x\"}"), policy());
        }

        @Test
        void kidIsIgnored() {
            accepted(withHeader("{\"alg\":\"HS256\",\"kid\":\"some-key-that-does-not-exist\"}"), policy());
        }

        @Test
        void duplicateHeaderKeyIsRejected() {
            rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"typ\":\"JWT\"}"),
                    policy());
        }

        @Test
        void headerThatNimbusCannotParseIsInvalidToken() {
            // Passes the strict checks but nimbus requires kid to be a string: a nimbus parse failure.
            rejected(TokenError.INVALID_TOKEN, withHeader("{\"alg\":\"HS256\",\"kid\":123}"), policy());
        }
    }

    @Nested
    class Rule3Payload {

        @Test
        void payloadThatIsNotAnObjectIsRejected() {
            rejected(TokenError.INVALID_TOKEN, TestTokens.hs256(HEADER, "[1,2]", KEY), policy());
            rejected(TokenError.INVALID_TOKEN, TestTokens.hs256(HEADER, "\"text\"", KEY), policy());
            rejected(TokenError.INVALID_TOKEN, TestTokens.hs256(HEADER, "not json", KEY), policy());
        }

        @Test
        void duplicateKeyAtDepthIsRejected() {
            rejected(TokenError.INVALID_TOKEN,
                    signed(payload().set("a", "{\"b\":{\"c\":[{\"d\":1,\"d\":2}]}}")), policy());
        }

        @Test
        void nestingDeeperThan16IsRejectedAnd16IsAccepted() {
            // The payload object itself is level 1: 15 more levels make 16.
            accepted(signed(payload().set("deep", "[".repeat(15) + "]".repeat(15))), policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("deep", "[".repeat(16) + "]".repeat(16))),
                    policy());
        }

        @Test
        void trailingContentAfterPayloadIsRejected() {
            rejected(TokenError.INVALID_TOKEN, TestTokens.hs256(HEADER, payload().json() + "]", KEY), policy());
            rejected(TokenError.INVALID_TOKEN, TestTokens.hs256(HEADER, payload().json() + "{}", KEY), policy());
        }

        @Test
        void byteOrderMarkIsRejected() {
            byte[] json = payload().json().getBytes(StandardCharsets.UTF_8);
            byte[] withBom = new byte[json.length + 3];
            withBom[0] = (byte) 0xEF;
            withBom[1] = (byte) 0xBB;
            withBom[2] = (byte) 0xBF;
            System.arraycopy(json, 0, withBom, 3, json.length);
            rejected(TokenError.INVALID_TOKEN, rawSegments(HEADER.getBytes(StandardCharsets.UTF_8), withBom),
                    policy());
        }

        @Test
        void lenientJsonExtensionsAreRejected() {
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("x", "NaN")), policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("x", "'single'")), policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("x", "1 /* c */")), policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("x", "[1,]")), policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("x", "01")), policy());
        }
    }

    @Nested
    class Rule4Issuer {

        @Test
        void issuerMismatchIsUnknownIssuerEvenBeforeTheSignature() {
            rejected(TokenError.UNKNOWN_ISSUER,
                    TestTokens.hs256(HEADER, payload().set("iss", q("https://evil.example")).json(), OTHER_KEY),
                    policy());
        }

        @Test
        void missingOrNonStringIssuerIsUnknownIssuer() {
            rejected(TokenError.UNKNOWN_ISSUER, signed(payload().remove("iss")), policy());
            rejected(TokenError.UNKNOWN_ISSUER, signed(payload().set("iss", "1")), policy());
            rejected(TokenError.UNKNOWN_ISSUER, signed(payload().set("iss", "[" + q(ISS) + "]")), policy());
            rejected(TokenError.UNKNOWN_ISSUER, signed(payload().set("iss", "null")), policy());
        }

        @Test
        void peekIssuerReadsIssWithoutCheckingTheSignature() throws TokenRejectedException {
            String token = TestTokens.hs256(HEADER, payload().json(), OTHER_KEY);
            assertEquals(ISS, PartnerTokenVerifier.peekIssuer(token));
        }

        @Test
        void peekIssuerRejectsMalformedTokensAndMissingIssuer() {
            TokenRejectedException malformed = assertThrows(TokenRejectedException.class,
                    () -> PartnerTokenVerifier.peekIssuer(withHeader("{\"alg\":\"none\"}")));
            assertEquals(TokenError.INVALID_TOKEN, malformed.error());
            TokenRejectedException missing = assertThrows(TokenRejectedException.class,
                    () -> PartnerTokenVerifier.peekIssuer(signed(payload().remove("iss"))));
            assertEquals(TokenError.UNKNOWN_ISSUER, missing.error());
            TokenRejectedException notString = assertThrows(TokenRejectedException.class,
                    () -> PartnerTokenVerifier.peekIssuer(signed(payload().set("iss", "true"))));
            assertEquals(TokenError.UNKNOWN_ISSUER, notString.error());
            TokenRejectedException tooLong = assertThrows(TokenRejectedException.class,
                    () -> PartnerTokenVerifier.peekIssuer("a".repeat(9000)));
            assertEquals(TokenError.INVALID_TOKEN, tooLong.error());
        }
    }

    @Nested
    class Rule5Signature {

        @Test
        void tokenSignedWithPreviousSecretIsAcceptedDuringRotation() {
            PartnerPolicy rotating = policyWith(PartnerPolicy.PREVIOUS_SECRET, PREVIOUS_SECRET);
            accepted(TestTokens.hs256(HEADER, payload().json(), PREVIOUS_KEY), rotating);
            accepted(signed(payload()), rotating);
        }

        @Test
        void tokenSignedWithPreviousSecretIsRejectedOnceRotationEnds() {
            rejected(TokenError.INVALID_SIGNATURE, TestTokens.hs256(HEADER, payload().json(), PREVIOUS_KEY),
                    policy());
        }

        @Test
        void tokenSignedWithUnrelatedKeyIsRejected() {
            PartnerPolicy rotating = policyWith(PartnerPolicy.PREVIOUS_SECRET, PREVIOUS_SECRET);
            rejected(TokenError.INVALID_SIGNATURE, TestTokens.hs256(HEADER, payload().json(), OTHER_KEY), rotating);
        }

        @Test
        void nonCanonicalSignatureEncodingIsRejected() {
            // The last of 43 chars carries 2 unused bits; a variant with them set decodes to the same MAC.
            String token = signed(payload());
            char last = token.charAt(token.length() - 1);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            char variant = alphabet.charAt(alphabet.indexOf(last) | 1);
            String malleated = token.substring(0, token.length() - 1) + variant;
            assertNotEquals(token, malleated);
            rejected(TokenError.INVALID_SIGNATURE, malleated, policy());
        }

        @Test
        void signatureOfWrongLengthIsRejected() {
            String token = signed(payload());
            rejected(TokenError.INVALID_SIGNATURE, token + "AAAA", policy());
        }

        @Test
        void claimsAreNotTrustedBeforeTheSignature() {
            // Expired and missing sub, but the signature failure is reported first.
            rejected(TokenError.INVALID_SIGNATURE, TestTokens.hs256(HEADER,
                    payload().set("exp", "" + (T - 1000)).remove("sub").json(), OTHER_KEY), policy());
        }
    }

    @Nested
    class Rule6Time {

        @Test
        void missingExpIsMissingClaim() {
            rejected(TokenError.MISSING_CLAIM, signed(payload().remove("exp")), policy());
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"1800000100\"", "1800000100.0", "1.8000001E9", "true", "null", "{}", "[1800000100]"})
        void nonIntegralExpIsInvalidToken(String exp) {
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("exp", exp)), policy());
        }

        @Test
        void expiryBoundaryHonoursTheSkew() {
            accepted(signed(payload().set("iat", "" + (T - 100)).set("exp", "" + (T - 30))), policy());
            rejected(TokenError.TOKEN_EXPIRED, signed(payload().set("iat", "" + (T - 100)).set("exp", "" + (T - 31))),
                    policy());
        }

        @Test
        void zeroSkewRejectsOneSecondAfterExpiry() {
            PartnerPolicy strict = policyWith(PartnerPolicy.CLOCK_SKEW, "0");
            accepted(signed(payload().set("iat", "" + (T - 10)).set("exp", "" + T)), strict);
            rejected(TokenError.TOKEN_EXPIRED, signed(payload().set("iat", "" + (T - 10)).set("exp", "" + (T - 1))),
                    strict);
        }

        @Test
        void nbfBoundaryHonoursTheSkew() {
            accepted(signed(payload().set("nbf", "" + (T + 30))), policy());
            rejected(TokenError.TOKEN_NOT_YET_VALID, signed(payload().set("nbf", "" + (T + 31))), policy());
        }

        @Test
        void nonIntegralNbfIsInvalidToken() {
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("nbf", "1.5")), policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("nbf", q("" + T))), policy());
        }

        @Test
        void iatInTheFutureBeyondSkewIsNotYetValid() {
            accepted(signed(payload().set("iat", "" + (T + 30))), policy());
            rejected(TokenError.TOKEN_NOT_YET_VALID, signed(payload().set("iat", "" + (T + 31))), policy());
        }

        @Test
        void nonIntegralIatIsInvalidToken() {
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("iat", q("now"))), policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("iat", "false")), policy());
        }

        @Test
        void lifetimeBoundaryIsMaxLifetimePlusSkew() {
            accepted(signed(payload().set("exp", "" + (T + 330))), policy());
            rejected(TokenError.TOKEN_LIFETIME_EXCEEDED, signed(payload().set("exp", "" + (T + 331))), policy());
        }

        @Test
        void hugeIntegralExpValuesAreClassifiedWithoutOverflow() {
            rejected(TokenError.TOKEN_LIFETIME_EXCEEDED, signed(payload().set("exp", "1" + "0".repeat(40))),
                    policy());
            rejected(TokenError.TOKEN_LIFETIME_EXCEEDED, signed(payload().set("exp", "" + Long.MAX_VALUE)), policy());
            rejected(TokenError.TOKEN_EXPIRED, signed(payload().set("exp", "-1" + "0".repeat(40))), policy());
            rejected(TokenError.TOKEN_EXPIRED, signed(payload().set("exp", "" + Long.MIN_VALUE)), policy());
        }

        @Test
        void hugeLifetimeConfigDoesNotOverflow() {
            PartnerPolicy lax = policyWith(PartnerPolicy.MAX_TOKEN_LIFETIME, "" + Long.MAX_VALUE);
            VerifiedPartnerToken token = accepted(signed(payload().set("exp", "" + Long.MAX_VALUE)), lax);
            assertEquals(Instant.MAX.getEpochSecond(), token.expiresAt().getEpochSecond());
        }

        @Test
        void expiredIsReportedBeforeNotYetValid() {
            rejected(TokenError.TOKEN_EXPIRED,
                    signed(payload().set("exp", "" + (T - 100)).set("nbf", "" + (T + 100))), policy());
        }

        @Test
        void notYetValidIsReportedBeforeLifetime() {
            rejected(TokenError.TOKEN_NOT_YET_VALID,
                    signed(payload().set("exp", "" + (T + 5000)).set("nbf", "" + (T + 100))), policy());
        }

        @Test
        void expiresAtIsTheExpClaim() {
            assertEquals(Instant.ofEpochSecond(T + 120), accepted(signed(payload()), policy()).expiresAt());
        }
    }

    @Nested
    class Rule7Audience {

        @Test
        void audienceIsIgnoredWhenNotConfigured() {
            PartnerPolicy noAudience = policyWith(PartnerPolicy.AUDIENCE, null);
            accepted(signed(payload().remove("aud")), noAudience);
            accepted(signed(payload().set("aud", "42")), noAudience);
            accepted(signed(payload().set("aud", q("anything"))), noAudience);
        }

        @Test
        void blankAudienceConfigMeansNotConfigured() {
            accepted(signed(payload().remove("aud")), policyWith(PartnerPolicy.AUDIENCE, "  "));
        }

        @Test
        void matchingStringOrArrayIsAccepted() {
            accepted(signed(payload().set("aud", q(AUD))), policy());
            accepted(signed(payload().set("aud", "[" + q(AUD) + "]")), policy());
            accepted(signed(payload().set("aud", "[\"a\",\"b\"," + q(AUD) + "]")), policy());
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"HTTPS://KC.EXAMPLE/REALMS/R\"", "\"\"", "42", "true", "null", "{}", "[]",
                "[\"other\"]", "[\"https://kc.example/realms/r\",1]", "[[\"https://kc.example/realms/r\"]]"})
        void mismatchedAudienceIsRejected(String aud) {
            rejected(TokenError.INVALID_AUDIENCE, signed(payload().set("aud", aud)), policy());
        }

        @Test
        void missingAudienceIsRejected() {
            rejected(TokenError.INVALID_AUDIENCE, signed(payload().remove("aud")), policy());
        }
    }

    @Nested
    class Rule8Jti {

        @Test
        void absentJtiIsAllowedUnlessRequired() {
            assertNull(accepted(signed(payload().remove("jti")), policy()).jti());
            rejected(TokenError.MISSING_CLAIM, signed(payload().remove("jti")),
                    policyWith(PartnerPolicy.REQUIRE_JTI, "true"));
        }

        @Test
        void jtiOf255CharsIsAccepted() {
            String jti = "j".repeat(255);
            assertEquals(jti, accepted(signed(payload().set("jti", q(jti))), policy()).jti());
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"\"", "42", "true", "null", "{}", "[\"a\"]"})
        void malformedJtiIsInvalidToken(String jti) {
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("jti", jti)), policy());
        }

        @Test
        void jtiLongerThan255IsInvalidToken() {
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("jti", q("j".repeat(256)))), policy());
        }
    }

    @Nested
    class Rule9UserId {

        @ParameterizedTest
        @ValueSource(strings = {"null", "true", "1.5", "{}", "[]", "[\"u\"]", "\"\"", "\"   \"", "\"a\\u0001b\"",
                "\"line\\nbreak\""})
        void unusableUserIdIsMissingClaim(String sub) {
            rejected(TokenError.MISSING_CLAIM, signed(payload().set("sub", sub)), policy());
        }

        @Test
        void absentOrTooLongUserIdIsMissingClaim() {
            rejected(TokenError.MISSING_CLAIM, signed(payload().remove("sub")), policy());
            rejected(TokenError.MISSING_CLAIM, signed(payload().set("sub", q("u".repeat(256)))), policy());
            rejected(TokenError.MISSING_CLAIM, signed(payload().set("sub", "1" + "0".repeat(255))), policy());
        }

        @Test
        void integralUserIdsUsePlainDecimal() {
            assertEquals("-7", accepted(signed(payload().set("sub", "-7")), policy()).userId());
            assertEquals("0", accepted(signed(payload().set("sub", "0")), policy()).userId());
            assertEquals("123456789012345678901234567890",
                    accepted(signed(payload().set("sub", "123456789012345678901234567890")), policy()).userId());
        }

        @Test
        void stringUserIdOf255CharsIsAccepted() {
            String id = "u".repeat(255);
            assertEquals(id, accepted(signed(payload().set("sub", q(id))), policy()).userId());
        }

        @Test
        void nestedUserIdPathIsFollowed() {
            PartnerPolicy nested = policyWith(PartnerPolicy.USER_ID_CLAIM, "user.uuid");
            assertEquals("u-9", accepted(signed(payload().set("user", "{\"uuid\":\"u-9\"}")), nested).userId());
            rejected(TokenError.MISSING_CLAIM, signed(payload().set("user", "\"u-9\"")), nested);
        }
    }

    @Nested
    class Rule10OptionalClaims {

        @Test
        void absentOrNullOptionalClaimsAreNull() {
            VerifiedPartnerToken token = accepted(signed(payload().set("email", "null").set("given_name", "null")
                    .set("picture", "null").set("accept_terms_and_policies", "null").set("intended_url", "null")),
                    policy());
            assertNull(token.email());
            assertNull(token.firstName());
            assertNull(token.lastName());
            assertNull(token.pictureUrl());
            assertNull(token.termsAccepted());
            assertNull(token.intendedUrl());
        }

        @Test
        void allOptionalClaimsAreExtracted() {
            VerifiedPartnerToken token = accepted(signed(payload().set("email", q("Ana@Example.COM"))
                    .set("given_name", q("Ana")).set("family_name", q("Gómez"))
                    .set("picture", q("http://img.example/a.png")).set("accept_terms_and_policies", "false")
                    .set("intended_url", q("/shelf"))), policy());
            assertEquals("ana@example.com", token.email());
            assertEquals("Ana", token.firstName());
            assertEquals("Gómez", token.lastName());
            assertEquals("http://img.example/a.png", token.pictureUrl());
            assertEquals(Boolean.FALSE, token.termsAccepted());
            assertEquals("/shelf", token.intendedUrl());
        }

        @Test
        void emailIsTrimmedAndLowerCased() {
            assertEquals("foo@bar.example",
                    accepted(signed(payload().set("email", q("  Foo@BAR.Example "))), policy()).email());
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"no-at-sign\"", "\"a@b@c.example\"", "\"@b.example\"", "\"a@\"", "\"a b@c.example\"",
                "\"a@c\\u0000.example\"", "\"a\\tb@c.example\"", "\"\"", "42", "true", "[\"a@b.example\"]",
                "{\"v\":\"a@b.example\"}"})
        void malformedEmailIsInvalidToken(String email) {
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("email", email)), policy());
        }

        @Test
        void emailLongerThan254IsInvalidToken() {
            String email = "a".repeat(64) + "@" + "d".repeat(186) + ".com"; // 255 chars
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("email", q(email))), policy());
            String ok = "a".repeat(64) + "@" + "d".repeat(185) + ".com"; // 254 chars
            assertEquals(ok, accepted(signed(payload().set("email", q(ok))), policy()).email());
        }

        @Test
        void malformedNamesAreInvalidToken() {
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("given_name", "1")), policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("family_name", "[\"x\"]")), policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("given_name", q("n".repeat(256)))), policy());
            assertEquals("n".repeat(255),
                    accepted(signed(payload().set("family_name", q("n".repeat(255)))), policy()).lastName());
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"ftp://img.example/a.png\"", "\"/relative/a.png\"", "\"javascript:alert(1)\"",
                "\"data:image/png;base64,AAAA\"", "\"https://\"", "\"https:///path\"", "\"http://a b.example/\"",
                "\"img.example/a.png\"", "1", "true", "{}"})
        void malformedPictureIsInvalidToken(String picture) {
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("picture", picture)), policy());
        }

        @Test
        void pictureLongerThan2048IsInvalidToken() {
            String base = "https://img.example/";
            rejected(TokenError.INVALID_TOKEN,
                    signed(payload().set("picture", q(base + "p".repeat(2049 - base.length())))), policy());
            String ok = base + "p".repeat(2048 - base.length());
            assertEquals(ok, accepted(signed(payload().set("picture", q(ok))), policy()).pictureUrl());
        }

        @Test
        void termsMustBeABoolean() {
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("accept_terms_and_policies", q("true"))),
                    policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("accept_terms_and_policies", "1")), policy());
            assertEquals(Boolean.TRUE,
                    accepted(signed(payload().set("accept_terms_and_policies", "true")), policy()).termsAccepted());
        }

        @Test
        void intendedUrlIsLengthCheckedButNotValidatedAsARedirect() {
            assertEquals("javascript:alert(1)",
                    accepted(signed(payload().set("intended_url", q("javascript:alert(1)"))), policy()).intendedUrl());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("intended_url", q("u".repeat(2049)))), policy());
            rejected(TokenError.INVALID_TOKEN, signed(payload().set("intended_url", "{}")), policy());
        }
    }

    @Nested
    class Rule11ReplayKey {

        private String sha256Hex(String text) throws Exception {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }

        @Test
        void replayKeyUsesAliasAndJti() throws Exception {
            assertEquals(sha256Hex("acme\njti:jti-1"), accepted(signed(payload()), policy()).replayKey());
        }

        @Test
        void replayKeyFallsBackToTheWholeToken() throws Exception {
            String token = signed(payload().remove("jti"));
            String key = accepted(token, policy()).replayKey();
            assertEquals(sha256Hex("acme\ntoken:" + token), key);
            assertTrue(key.matches("[0-9a-f]{64}"));
        }

        @Test
        void sameJtiFromDifferentPartnersGivesDifferentKeys() throws Exception {
            Map<String, String> config = PartnerFixtures.baseConfig();
            PartnerPolicy other = assertDoesNotThrowPolicy("globex", config);
            String token = signed(payload());
            assertNotEquals(accepted(token, policy()).replayKey(), accepted(token, other).replayKey());
        }

        private PartnerPolicy assertDoesNotThrowPolicy(String alias, Map<String, String> config) throws Exception {
            return PartnerPolicy.fromConfig(alias, config);
        }
    }

    @Test
    void nowIsTakenFromTheCaller() {
        String token = signed(payload());
        accepted(token, policy());
        TokenRejectedException later = assertThrows(TokenRejectedException.class,
                () -> PartnerTokenVerifier.verify(token, policy(), NOW.plusSeconds(1000)));
        assertEquals(TokenError.TOKEN_EXPIRED, later.error());
    }
}
