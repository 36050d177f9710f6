package io.tokenlogin.keycloak.it;

import io.tokenlogin.keycloak.signer.PartnerTokenSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.annotations.TestSetup;
import org.keycloak.testframework.realm.ManagedRealm;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per SPEC error code on the link endpoint, plus algorithm attacks and open-redirect variants. Every case
 * asserts the code (in the themed page's status and text, or in {@code errorRedirect?error=}), that no SSO session
 * was opened, and that the LOGIN_ERROR event carries the code but not the token.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class PartnerLinkErrorsIT {

    static final String STRICT_ISSUER = "strict-partner";
    static final String STRICT_SECRET = "strict-partner-secret-for-tests-0123456789abcdef";
    static final String ERROR_REDIRECT = "https://partner.example/signin-failed";

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    @TestSetup
    public void addStrictPartner() {
        TestPartners.add(realm, "strict", STRICT_ISSUER, STRICT_SECRET,
                Map.of("createUsers", "false", "errorRedirect", ERROR_REDIRECT));
    }

    private String loginUrl() {
        return realm.getBaseUrl() + "/token-login/login";
    }

    /** Sends the token as a path link and checks the themed error page, the status and the event. */
    private void assertRefusedWithPage(String token, String code, int status, String text) {
        Browserless browser = new Browserless();
        HttpResponse<String> response = browser.get(loginUrl() + "/" + token);
        assertEquals(status, response.statusCode(), "status for " + code);
        assertTrue(response.body().contains(text), "page explains " + code + ": " + response.body());
        assertFalse(response.body().contains(token), "the page never echoes the token");
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse("").split(",")[0].trim());
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""));
        assertNoSession(browser);
        assertErrorEvent(code, token);
    }

    private void assertRefusedWithRedirect(String token, String code) {
        Browserless browser = new Browserless();
        HttpResponse<String> response = browser.get(loginUrl() + "?external-auth-token=" + token);
        assertEquals(303, response.statusCode());
        assertEquals(ERROR_REDIRECT + "?error=" + code, Browserless.location(response));
        assertNoSession(browser);
        assertErrorEvent(code, token);
    }

    private static void assertNoSession(Browserless browser) {
        assertFalse(browser.hasCookie("KEYCLOAK_IDENTITY"), "no SSO session was opened");
        assertFalse(browser.hasCookie("KEYCLOAK_SESSION"), "no SSO session was opened");
    }

    private void assertErrorEvent(String code, String token) {
        List<EventRepresentation> events = realm.admin().getEvents(List.of("LOGIN_ERROR"), null, null, null, null, null, 0, 50);
        EventRepresentation event = events.stream().filter(e -> code.equals(e.getError())).findFirst().orElse(null);
        assertNotNull(event, "LOGIN_ERROR event with error " + code);
        String details = String.valueOf(event.getDetails());
        String signature = token.substring(token.lastIndexOf('.') + 1);
        assertFalse(details.contains(token) || (!signature.isEmpty() && details.contains(signature)), "no token in events");
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String mac(String alg, String header, String payload, String secret) {
        try {
            String input = b64(header) + "." + b64(payload);
            Mac mac = Mac.getInstance(alg);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), alg));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String flatPayload(String sub, long exp) {
        return "{\"sub\":\"" + sub + "\",\"iss\":\"Ruby Backend\",\"exp\":" + exp + "}";
    }

    @Test
    public void invalidToken() {
        assertRefusedWithPage("not-a-jwt", "invalid_token", 400, "not valid");
    }

    @Test
    public void invalidSignature() {
        String forged = new PartnerTokenSigner(Demo.FLAT_ISSUER, "an-attackers-guess-at-the-secret-0123456789").generateSignInToken("victim", 60);
        assertRefusedWithPage(forged, "invalid_signature", 401, "could not be verified");
    }

    @Test
    public void tokenExpired() {
        String token = mac("HmacSHA256", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", flatPayload("late", now() - 120), Demo.FLAT_SECRET);
        assertRefusedWithPage(token, "token_expired", 401, "has expired");
    }

    @Test
    public void tokenNotYetValid() {
        String payload = "{\"sub\":\"early\",\"iss\":\"Ruby Backend\",\"nbf\":" + (now() + 600) + ",\"exp\":" + (now() + 900) + "}";
        assertRefusedWithPage(mac("HmacSHA256", "{\"alg\":\"HS256\"}", payload, Demo.FLAT_SECRET), "token_not_yet_valid", 401, "not valid yet");
    }

    @Test
    public void tokenLifetimeExceeded() {
        String token = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid("u-long").ttlSeconds(7200).sign();
        assertRefusedWithPage(token, "token_lifetime_exceeded", 401, "too long");
    }

    @Test
    public void unknownIssuer() {
        String token = new PartnerTokenSigner("Someone Else", Demo.FLAT_SECRET).generateSignInToken("x", 60);
        assertRefusedWithPage(token, "unknown_issuer", 401, "unknown partner");
    }

    @Test
    public void invalidAudience() {
        String token = Demo.nested().nested().audience("another-service").userUuid("u-aud").sign();
        assertRefusedWithPage(token, "invalid_audience", 401, "another service");
    }

    @Test
    public void tokenReplayed() {
        String token = Demo.flat().generateSignInToken("replayer", 60);
        assertEquals(303, new Browserless().get(loginUrl() + "/" + token).statusCode(), "first use signs in");
        assertRefusedWithPage(token, "token_replayed", 401, "already been used");
    }

    @Test
    public void missingClaim() {
        // the nested partner reads user.uuid: a correctly signed token whose user object lacks it
        String payload = "{\"iss\":\"publicala\",\"jti\":\"" + java.util.UUID.randomUUID() + "\",\"exp\":" + (now() + 60)
                + ",\"aud\":\"farfalla\",\"sub\":\"user\",\"user\":{\"email\":\"no-id@example.com\"}}";
        assertRefusedWithPage(mac("HmacSHA256", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, Demo.NESTED_SECRET), "missing_claim", 400, "missing information");
    }

    @Test
    public void userNotFoundWhenCreationIsOffGoesToErrorRedirect() {
        String token = new PartnerTokenSigner(STRICT_ISSUER, STRICT_SECRET).generateSignInToken("nobody-here", 60);
        assertRefusedWithRedirect(token, "user_not_found");
        assertTrue(realm.admin().users().search("strict.nobody-here", true).isEmpty(), "nothing half-written");
    }

    @Test
    public void B10_userDisabled() {
        assertEquals(303, new Browserless().get(loginUrl() + "/" + Demo.flat().generateSignInToken("to-disable", 60)).statusCode());
        UserRepresentation user = realm.admin().users().search("ruby-backend.to-disable", true).get(0);
        user.setEnabled(false);
        realm.admin().users().get(user.getId()).update(user);
        // another TTL: a flat token has no jti, so the same user, TTL and second would give the very same (used) token
        assertRefusedWithPage(Demo.flat().generateSignInToken("to-disable", 61), "user_disabled", 403, "disabled");
        assertTrue(realm.admin().users().get(user.getId()).getUserSessions().size() <= 1, "no new session");
    }

    @Test
    public void invalidRedirect() {
        String token = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid("u-redirect").intendedUrl("https://evil.example/").sign();
        assertRefusedWithPage(token, "invalid_redirect", 400, "not allowed");
    }

    @Test
    public void algNoneIsRefused() {
        String token = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(flatPayload("none-user", now() + 60)) + ".";
        Browserless browser = new Browserless();
        HttpResponse<String> response = browser.get(loginUrl() + "?external-auth-token=" + token);
        assertEquals(400, response.statusCode());
        assertNoSession(browser);
    }

    @Test
    public void hs512IsRefused() {
        assertRefusedWithPage(mac("HmacSHA512", "{\"alg\":\"HS512\",\"typ\":\"JWT\"}", flatPayload("hs512", now() + 60), Demo.FLAT_SECRET),
                "invalid_token", 400, "not valid");
    }

    @Test
    public void rs256HmacedWithTheSecretIsRefused() {
        assertRefusedWithPage(mac("HmacSHA256", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", flatPayload("rs256", now() + 60), Demo.FLAT_SECRET),
                "invalid_token", 400, "not valid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example", "//evil.example", "/\\evil.example", "https://app@evil.example",
            "javascript:alert(1)", "%2F%2Fevil.example", "http://localhost:8080@evil.example/realms/demo/account/",
            "http://localhost:8080.evil.example/realms/demo/account/"})
    public void B7_openRedirectVariantsNeverLeaveTheAllowedUrls(String intended) {
        String token = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid("u-open-redirect").intendedUrl(intended).sign();
        Browserless browser = new Browserless();
        HttpResponse<String> response = browser.get(loginUrl() + "?external-auth-token=" + token);
        assertEquals(400, response.statusCode(), "refused: " + intended);
        assertFalse(response.headers().firstValue("Location").isPresent(), "no redirect anywhere");
        assertNoSession(browser);
    }

    /** #12: a malformed token (alg none, HS512) that names a known partner goes to that partner's errorRedirect too. */
    @Test
    public void aMalformedTokenOfAKnownPartnerGoesToItsErrorRedirect() {
        String payload = "{\"sub\":\"malformed\",\"iss\":\"" + STRICT_ISSUER + "\",\"exp\":" + (now() + 60) + "}";
        assertRefusedWithRedirect(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(payload) + ".", "invalid_token");
        assertRefusedWithRedirect(mac("HmacSHA512", "{\"alg\":\"HS512\",\"typ\":\"JWT\"}", payload, STRICT_SECRET), "invalid_token");
    }

    @Test
    public void errorRedirectCarriesTheCode() {
        String forged = new PartnerTokenSigner(STRICT_ISSUER, "not-the-strict-partners-secret-0123456789").generateSignInToken("x", 60);
        assertRefusedWithRedirect(forged, "invalid_signature");
    }
}
