package io.tokenlogin.keycloak.partner.idp;

import io.tokenlogin.keycloak.partner.ClaimPath;
import io.tokenlogin.keycloak.partner.InvalidPartnerConfigException;
import io.tokenlogin.keycloak.partner.PartnerPolicy;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The partner identity provider's settings: presets, generic fields, and the messages an admin reads on save. */
class PartnerSettingsTest {

    private static final String SECRET = "a-partner-secret-of-more-than-32-bytes-0123";

    private static Map<String, String> base() {
        Map<String, String> config = new HashMap<>();
        config.put(PartnerSettings.ISSUER, "the-issuer");
        config.put(PartnerSettings.SECRET, SECRET);
        config.put(PartnerSettings.LANDING_CLIENT, "account-console");
        return config;
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> config = base();
        config.put(key, value);
        return config;
    }

    private static String refusal(Map<String, String> config) {
        return assertThrows(IllegalArgumentException.class, () -> PartnerSettings.check("alias", config, false)).getMessage();
    }

    @Test
    void genericFieldsMeanIssuerSecretAndLandingClient() throws InvalidPartnerConfigException {
        PartnerPolicy policy = PartnerPolicy.fromConfig("alias", PartnerSettings.policyConfig(base(), true, UnaryOperator.identity()));
        assertEquals("the-issuer", policy.issuer());
        assertEquals("account-console", policy.clientId());
        assertTrue(policy.trustEmail());
        assertEquals(SECRET, new String(policy.secrets().get(0)));
    }

    @Test
    void theFlatPresetIsTheDefault() {
        PartnerPolicy policy = PartnerSettings.check("alias", base(), false);
        assertEquals(ClaimPath.parse("sub"), policy.userIdClaim());
        assertEquals(ClaimPath.parse("email"), policy.emailClaim());
        assertEquals(ClaimPath.parse("picture"), policy.pictureClaim());
    }

    @Test
    void thePublicalaPresetReadsTheNestedUser() {
        PartnerPolicy policy = PartnerSettings.check("alias", with(TokenShape.KEY, "publicala"), false);
        assertEquals(ClaimPath.parse("user.uuid"), policy.userIdClaim());
        assertEquals(ClaimPath.parse("user.email"), policy.emailClaim());
        assertEquals(ClaimPath.parse("user.picture_url"), policy.pictureClaim());
        assertEquals(ClaimPath.parse("user.accept_terms_and_policies"), policy.termsClaim());
        assertEquals(ClaimPath.parse("intended_url"), policy.intendedUrlClaim());
    }

    @Test
    void aClaimFieldTheAdminFillsWinsOverThePreset() {
        Map<String, String> config = with(TokenShape.KEY, "publicala");
        config.put(PartnerPolicy.EMAIL_CLAIM, "user.contact.email");
        assertEquals(ClaimPath.parse("user.contact.email"), PartnerSettings.check("alias", config, false).emailClaim());
    }

    @Test
    void theCustomShapeNeedsAUserIdClaim() {
        assertEquals("User id claim is required with the custom token shape", refusal(with(TokenShape.KEY, "custom")));
        Map<String, String> config = with(TokenShape.KEY, "custom");
        config.put(PartnerPolicy.USER_ID_CLAIM, "account.id");
        assertEquals(ClaimPath.parse("account.id"), PartnerSettings.check("alias", config, false).userIdClaim());
    }

    @Test
    void theMaskAndVaultReferencesAreNotMeasured() {
        PartnerSettings.check("alias", with(PartnerSettings.SECRET, PartnerSettings.MASK), false);
        PartnerSettings.check("alias", with(PartnerSettings.SECRET, "${vault.partner_secret}"), false);
        assertTrue(refusal(with(PartnerSettings.SECRET, "${vault.}x")).contains("at least 32 bytes"));
    }

    @Test
    void messagesNameTheFieldAsTheConsoleLabelsItAndNeverQuoteASecret() {
        String shortSecret = "short-secret-value";
        String message = refusal(with(PartnerSettings.SECRET, shortSecret));
        assertEquals("Client Secret (the partner's HS256 secret) must be at least 32 bytes", message);
        assertTrue(!message.contains(shortSecret));
        assertEquals("Client Secret (the partner's HS256 secret) is required", refusal(with(PartnerSettings.SECRET, " ")));
        assertEquals("Client ID (the issuer 'iss' the partner signs with) is required", refusal(with(PartnerSettings.ISSUER, "")));
        Map<String, String> noClient = base();
        noClient.remove(PartnerSettings.LANDING_CLIENT);
        assertTrue(refusal(noClient).startsWith("Landing client is required"));
        assertTrue(refusal(with(PartnerPolicy.PREVIOUS_SECRET, SECRET)).contains("must be a vault reference"));
        assertEquals("Max token lifetime must be between 1 and 604800 seconds (7 days)", refusal(with(PartnerPolicy.MAX_TOKEN_LIFETIME, "604801")));
        assertEquals("Max token lifetime must be between 1 and 604800 seconds (7 days)", refusal(with(PartnerPolicy.MAX_TOKEN_LIFETIME, "0")));
        assertEquals("Clock skew must be between 0 and 600", refusal(with(PartnerPolicy.CLOCK_SKEW, "601")));
        assertEquals("Single use must be true or false", refusal(with(PartnerPolicy.SINGLE_USE, "yes")));
        assertEquals("Token shape must be flat, publicala or custom", refusal(with(TokenShape.KEY, "round")));
    }

    @Test
    void linkByEmailNeedsTrustEmail() {
        assertEquals("Link by email needs 'Trust Email' on", refusal(with(PartnerPolicy.LINK_BY_EMAIL, "true")));
        assertTrue(PartnerSettings.check("alias", with(PartnerPolicy.LINK_BY_EMAIL, "true"), true).mayLinkByEmail());
    }

    @Test
    void redirectSettingsMustBeAbsoluteHttpUrls() {
        for (String bad : new String[]{"javascript:alert(1)", "/relative", "https://user:pw@partner.example/x",
                "https://partner.example/x#frag", "ftp://partner.example/", "https://", "http://[::1"}) {
            String message = refusal(with(PartnerPolicy.ERROR_REDIRECT, bad));
            assertTrue(message.startsWith("Error redirect "), bad + " -> " + message);
            assertTrue(!message.contains(bad), "the value is not quoted");
        }
        PartnerSettings.check("alias", with(PartnerPolicy.ERROR_REDIRECT, "https://partner.example/signin-failed?from=kc"), false);
    }
}
