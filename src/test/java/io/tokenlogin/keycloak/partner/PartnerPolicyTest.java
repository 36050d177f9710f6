package io.tokenlogin.keycloak.partner;

import static io.tokenlogin.keycloak.partner.PartnerFixtures.PREVIOUS_SECRET;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.SECRET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link PartnerPolicy#fromConfig}: defaults, validation, and secret hygiene. */
class PartnerPolicyTest {

    private static Map<String, String> minimal() {
        Map<String, String> config = new HashMap<>();
        config.put(PartnerPolicy.ISSUER, "https://partner.example");
        config.put(PartnerPolicy.SECRET, SECRET);
        return config;
    }

    private static Map<String, String> minimalWith(String key, String value) {
        Map<String, String> config = minimal();
        config.put(key, value);
        return config;
    }

    private static InvalidPartnerConfigException invalid(Map<String, String> config) {
        return assertThrows(InvalidPartnerConfigException.class, () -> PartnerPolicy.fromConfig("acme", config));
    }

    @Test
    void configKeysAreTheContractStrings() {
        assertEquals(List.of("issuer", "secret", "previousSecret", "audience", "maxTokenLifetime", "clockSkew",
                "singleUse", "requireJti", "userIdClaim", "emailClaim", "firstNameClaim", "lastNameClaim",
                "pictureClaim", "termsClaim", "intendedUrlClaim", "createUsers", "trustEmail", "linkByEmail",
                "clientId", "defaultRedirect", "errorRedirect"),
                List.of(PartnerPolicy.ISSUER, PartnerPolicy.SECRET, PartnerPolicy.PREVIOUS_SECRET,
                        PartnerPolicy.AUDIENCE, PartnerPolicy.MAX_TOKEN_LIFETIME, PartnerPolicy.CLOCK_SKEW,
                        PartnerPolicy.SINGLE_USE, PartnerPolicy.REQUIRE_JTI, PartnerPolicy.USER_ID_CLAIM,
                        PartnerPolicy.EMAIL_CLAIM, PartnerPolicy.FIRST_NAME_CLAIM, PartnerPolicy.LAST_NAME_CLAIM,
                        PartnerPolicy.PICTURE_CLAIM, PartnerPolicy.TERMS_CLAIM, PartnerPolicy.INTENDED_URL_CLAIM,
                        PartnerPolicy.CREATE_USERS, PartnerPolicy.TRUST_EMAIL, PartnerPolicy.LINK_BY_EMAIL,
                        PartnerPolicy.CLIENT_ID, PartnerPolicy.DEFAULT_REDIRECT, PartnerPolicy.ERROR_REDIRECT));
    }

    @Test
    void defaultsApplyWhenOnlyIssuerAndSecretAreSet() throws Exception {
        PartnerPolicy policy = PartnerPolicy.fromConfig("acme", minimal());
        assertEquals("acme", policy.alias());
        assertEquals("https://partner.example", policy.issuer());
        assertEquals(1, policy.secrets().size());
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), policy.secrets().get(0));
        assertNull(policy.audience());
        assertEquals(300, policy.maxTokenLifetimeSeconds());
        assertEquals(30, policy.clockSkewSeconds());
        assertTrue(policy.singleUse());
        assertFalse(policy.requireJti());
        assertEquals("sub", policy.userIdClaim().toString());
        assertEquals("email", policy.emailClaim().toString());
        assertEquals("given_name", policy.firstNameClaim().toString());
        assertEquals("family_name", policy.lastNameClaim().toString());
        assertEquals("picture", policy.pictureClaim().toString());
        assertEquals("accept_terms_and_policies", policy.termsClaim().toString());
        assertEquals("intended_url", policy.intendedUrlClaim().toString());
        assertTrue(policy.createUsers());
        assertFalse(policy.trustEmail());
        assertFalse(policy.linkByEmail());
        assertFalse(policy.mayLinkByEmail());
        assertNull(policy.clientId());
        assertNull(policy.defaultRedirect());
        assertNull(policy.errorRedirect());
    }

    @Test
    void blankValuesMeanDefault() throws Exception {
        Map<String, String> config = minimal();
        for (String key : List.of(PartnerPolicy.PREVIOUS_SECRET, PartnerPolicy.AUDIENCE,
                PartnerPolicy.MAX_TOKEN_LIFETIME, PartnerPolicy.CLOCK_SKEW, PartnerPolicy.SINGLE_USE,
                PartnerPolicy.USER_ID_CLAIM, PartnerPolicy.CLIENT_ID, PartnerPolicy.DEFAULT_REDIRECT,
                PartnerPolicy.ERROR_REDIRECT, PartnerPolicy.TRUST_EMAIL)) {
            config.put(key, "  ");
        }
        assertEquals(PartnerPolicy.fromConfig("acme", minimal()), PartnerPolicy.fromConfig("acme", config));
    }

    @Test
    void everyValueIsRead() throws Exception {
        Map<String, String> config = minimal();
        config.put(PartnerPolicy.PREVIOUS_SECRET, PREVIOUS_SECRET);
        config.put(PartnerPolicy.AUDIENCE, "farfalla");
        config.put(PartnerPolicy.MAX_TOKEN_LIFETIME, "86400");
        config.put(PartnerPolicy.CLOCK_SKEW, "0");
        config.put(PartnerPolicy.SINGLE_USE, "FALSE");
        config.put(PartnerPolicy.REQUIRE_JTI, "True");
        config.put(PartnerPolicy.USER_ID_CLAIM, "user.uuid");
        config.put(PartnerPolicy.EMAIL_CLAIM, "user.email");
        config.put(PartnerPolicy.FIRST_NAME_CLAIM, "user.first");
        config.put(PartnerPolicy.LAST_NAME_CLAIM, "user.last");
        config.put(PartnerPolicy.PICTURE_CLAIM, "user.picture_url");
        config.put(PartnerPolicy.TERMS_CLAIM, "user.accept_terms_and_policies");
        config.put(PartnerPolicy.INTENDED_URL_CLAIM, "target");
        config.put(PartnerPolicy.CREATE_USERS, "false");
        config.put(PartnerPolicy.TRUST_EMAIL, "true");
        config.put(PartnerPolicy.LINK_BY_EMAIL, "true");
        config.put(PartnerPolicy.CLIENT_ID, "reader-app");
        config.put(PartnerPolicy.DEFAULT_REDIRECT, "https://app.example/");
        config.put(PartnerPolicy.ERROR_REDIRECT, "https://app.example/error");

        PartnerPolicy policy = PartnerPolicy.fromConfig("publicala", config);

        assertEquals(2, policy.secrets().size());
        assertArrayEquals(PREVIOUS_SECRET.getBytes(StandardCharsets.UTF_8), policy.secrets().get(1));
        assertEquals("farfalla", policy.audience());
        assertEquals(86400, policy.maxTokenLifetimeSeconds());
        assertEquals(0, policy.clockSkewSeconds());
        assertFalse(policy.singleUse());
        assertTrue(policy.requireJti());
        assertEquals(List.of("user", "uuid"), policy.userIdClaim().segments());
        assertEquals("user.email", policy.emailClaim().toString());
        assertEquals("user.first", policy.firstNameClaim().toString());
        assertEquals("user.last", policy.lastNameClaim().toString());
        assertEquals("user.picture_url", policy.pictureClaim().toString());
        assertEquals("user.accept_terms_and_policies", policy.termsClaim().toString());
        assertEquals("target", policy.intendedUrlClaim().toString());
        assertFalse(policy.createUsers());
        assertTrue(policy.trustEmail());
        assertTrue(policy.mayLinkByEmail());
        assertEquals("reader-app", policy.clientId());
        assertEquals("https://app.example/", policy.defaultRedirect());
        assertEquals("https://app.example/error", policy.errorRedirect());
    }

    @ParameterizedTest
    @CsvSource({"false,false,false", "true,false,false", "false,true,false", "true,true,true"})
    void linkByEmailOnlyTakesEffectWithTrustedEmail(boolean link, boolean trust, boolean expected) throws Exception {
        Map<String, String> config = minimal();
        config.put(PartnerPolicy.LINK_BY_EMAIL, Boolean.toString(link));
        config.put(PartnerPolicy.TRUST_EMAIL, Boolean.toString(trust));
        PartnerPolicy policy = PartnerPolicy.fromConfig("acme", config);
        assertEquals(link, policy.linkByEmail());
        assertEquals(expected, policy.mayLinkByEmail());
    }

    @Test
    void missingIssuerIsRejected() {
        Map<String, String> config = minimal();
        config.remove(PartnerPolicy.ISSUER);
        assertEquals(PartnerPolicy.ISSUER, invalid(config).key());
        assertEquals(PartnerPolicy.ISSUER, invalid(minimalWith(PartnerPolicy.ISSUER, " ")).key());
    }

    @Test
    void missingSecretIsRejected() {
        Map<String, String> config = minimal();
        config.remove(PartnerPolicy.SECRET);
        assertEquals(PartnerPolicy.SECRET, invalid(config).key());
        assertEquals(PartnerPolicy.SECRET, invalid(minimalWith(PartnerPolicy.SECRET, "")).key());
    }

    @Test
    void shortSecretIsRejectedWithoutEchoingIt() {
        String shortSecret = "s".repeat(31);
        InvalidPartnerConfigException e = invalid(minimalWith(PartnerPolicy.SECRET, shortSecret));
        assertEquals(PartnerPolicy.SECRET, e.key());
        assertTrue(e.getMessage().contains(PartnerPolicy.SECRET));
        assertFalse(e.getMessage().contains(shortSecret));
    }

    @Test
    void secretLengthCountsUtf8Bytes() throws Exception {
        // 16 two-byte characters = 32 UTF-8 bytes.
        PartnerPolicy policy = PartnerPolicy.fromConfig("acme", minimalWith(PartnerPolicy.SECRET, "é".repeat(16)));
        assertEquals(32, policy.secrets().get(0).length);
        assertEquals(PartnerPolicy.SECRET, invalid(minimalWith(PartnerPolicy.SECRET, "é".repeat(15) + "x")).key());
    }

    @Test
    void shortPreviousSecretIsRejected() {
        String shortSecret = "p".repeat(16);
        InvalidPartnerConfigException e = invalid(minimalWith(PartnerPolicy.PREVIOUS_SECRET, shortSecret));
        assertEquals(PartnerPolicy.PREVIOUS_SECRET, e.key());
        assertFalse(e.getMessage().contains(shortSecret));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "1", "0", "on", "tru", "true!"})
    void badBooleanIsRejected(String value) {
        for (String key : List.of(PartnerPolicy.SINGLE_USE, PartnerPolicy.REQUIRE_JTI, PartnerPolicy.CREATE_USERS,
                PartnerPolicy.TRUST_EMAIL, PartnerPolicy.LINK_BY_EMAIL)) {
            assertEquals(key, invalid(minimalWith(key, value)).key());
        }
    }

    @Test
    void booleansAreCaseInsensitiveAndTrimmed() throws Exception {
        assertFalse(PartnerPolicy.fromConfig("acme", minimalWith(PartnerPolicy.SINGLE_USE, " False ")).singleUse());
        assertTrue(PartnerPolicy.fromConfig("acme", minimalWith(PartnerPolicy.REQUIRE_JTI, "TRUE")).requireJti());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "0", "1.5", "abc", "1e3", "+5", "99999999999999999999"})
    void badMaxTokenLifetimeIsRejected(String value) {
        assertEquals(PartnerPolicy.MAX_TOKEN_LIFETIME,
                invalid(minimalWith(PartnerPolicy.MAX_TOKEN_LIFETIME, value)).key());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "601", "30s", "3.0"})
    void badClockSkewIsRejected(String value) {
        assertEquals(PartnerPolicy.CLOCK_SKEW, invalid(minimalWith(PartnerPolicy.CLOCK_SKEW, value)).key());
    }

    @Test
    void numberBoundsAreInclusive() throws Exception {
        assertEquals(1, PartnerPolicy.fromConfig("acme", minimalWith(PartnerPolicy.MAX_TOKEN_LIFETIME, "1"))
                .maxTokenLifetimeSeconds());
        assertEquals(600, PartnerPolicy.fromConfig("acme", minimalWith(PartnerPolicy.CLOCK_SKEW, "600"))
                .clockSkewSeconds());
        assertEquals(0, PartnerPolicy.fromConfig("acme", minimalWith(PartnerPolicy.CLOCK_SKEW, "0"))
                .clockSkewSeconds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a..b", ".a", "a.", "."})
    void badClaimPathIsRejected(String path) {
        assertEquals(PartnerPolicy.USER_ID_CLAIM, invalid(minimalWith(PartnerPolicy.USER_ID_CLAIM, path)).key());
        assertEquals(PartnerPolicy.EMAIL_CLAIM, invalid(minimalWith(PartnerPolicy.EMAIL_CLAIM, path)).key());
    }

    @Test
    void blankAliasIsRejected() {
        assertThrows(InvalidPartnerConfigException.class, () -> PartnerPolicy.fromConfig(" ", minimal()));
        assertThrows(InvalidPartnerConfigException.class, () -> PartnerPolicy.fromConfig(null, minimal()));
    }

    @Test
    void nullConfigIsMissingIssuer() {
        assertEquals(PartnerPolicy.ISSUER, invalid(null).key());
    }

    @Test
    void toStringHidesSecrets() throws Exception {
        PartnerPolicy policy =
                PartnerPolicy.fromConfig("acme", minimalWith(PartnerPolicy.PREVIOUS_SECRET, PREVIOUS_SECRET));
        String text = policy.toString();
        assertTrue(text.contains("secrets=[2 keys]"), text);
        assertTrue(text.contains("acme"));
        assertFalse(text.contains(SECRET));
        assertFalse(text.contains(PREVIOUS_SECRET));
        assertFalse(text.contains("[B@"), "no array identity hashes");
        for (byte[] secret : policy.secrets()) {
            assertFalse(text.contains(java.util.Arrays.toString(secret)));
        }
    }

    @Test
    void equalsAndHashCodeCompareSecretContent() throws Exception {
        PartnerPolicy a = PartnerPolicy.fromConfig("acme", minimal());
        PartnerPolicy b = PartnerPolicy.fromConfig("acme", minimal());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        PartnerPolicy other = PartnerPolicy.fromConfig("acme", minimalWith(PartnerPolicy.SECRET, PREVIOUS_SECRET));
        assertNotEquals(a, other);
        assertNotEquals(a, PartnerPolicy.fromConfig("acme", minimalWith(PartnerPolicy.AUDIENCE, "x")));
    }

    @Test
    void secretsAreDefensivelyCopied() throws Exception {
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        List<byte[]> secrets = new ArrayList<>(List.of(secret));
        PartnerPolicy policy = new PartnerPolicy("acme", "iss", secrets, null, 300, 30, true, false,
                ClaimPath.parse("sub"), null, null, null, null, null, null, true, false, false, null, null, null);
        secret[0] = 'X';
        secrets.clear();
        policy.secrets().get(0)[1] = 'Y';
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), policy.secrets().get(0));
    }

    @Test
    void canonicalConstructorValidates() {
        List<byte[]> ok = List.of(SECRET.getBytes(StandardCharsets.UTF_8));
        ClaimPath sub = ClaimPath.parse("sub");
        assertThrows(IllegalArgumentException.class, () -> new PartnerPolicy("acme", "iss", List.of(new byte[16]),
                null, 300, 30, true, false, sub, null, null, null, null, null, null, true, false, false, null, null,
                null));
        assertThrows(IllegalArgumentException.class, () -> new PartnerPolicy("acme", "iss", List.of(), null, 300,
                30, true, false, sub, null, null, null, null, null, null, true, false, false, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new PartnerPolicy("acme", "iss", ok, null, 0, 30, true,
                false, sub, null, null, null, null, null, null, true, false, false, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new PartnerPolicy("acme", "iss", ok, null, 300, 601,
                true, false, sub, null, null, null, null, null, null, true, false, false, null, null, null));
        assertThrows(NullPointerException.class, () -> new PartnerPolicy("acme", "iss", ok, null, 300, 30, true,
                false, null, null, null, null, null, null, null, true, false, false, null, null, null));
    }
}
