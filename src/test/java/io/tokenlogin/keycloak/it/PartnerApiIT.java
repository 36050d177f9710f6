package io.tokenlogin.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.annotations.TestSetup;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.realm.RealmBuilder;
import org.keycloak.testframework.realm.RealmConfig;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §5 end to end: caller authentication, API-minted magic links, email confirmations with GreenMail, and signed
 * webhooks received by a real HTTP receiver, verified with the published PEM and JWKS.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class PartnerApiIT {

    static final String PARTNER_SECRET = "demo-only-partner-backend-secret";
    static final WebhookReceiver RECEIVER = new WebhookReceiver();

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectRealm(ref = "elsewhere", config = OtherRealm.class)
    ManagedRealm elsewhere;

    @InjectOAuthClient
    OAuthClient oauth;

    @InjectMailServer
    MailServer mail;

    public static class OtherRealm implements RealmConfig {
        @Override
        public RealmBuilder configure(RealmBuilder r) {
            return r.name("elsewhere");
        }
    }

    @TestSetup
    public void setUp() {
        ClientRepresentation backend = realm.admin().clients().findByClientId("partner-backend").get(0);
        backend.getRedirectUris().add(RECEIVER.url());
        realm.admin().clients().get(backend.getId()).update(backend);
        allowPrivateTargets(true);
        serviceAccountClient(realm, "no-role-backend");
        serviceAccountClient(elsewhere, "partner-backend");
    }

    @AfterAll
    public static void stopReceiver() {
        RECEIVER.close();
    }

    private void allowPrivateTargets(boolean allow) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.getAttributes().put("token-login.webhook.allow-private-targets", Boolean.toString(allow));
        realm.admin().update(rep);
    }

    private static void serviceAccountClient(ManagedRealm in, String clientId) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setSecret(PARTNER_SECRET);
        client.setServiceAccountsEnabled(true);
        client.setPublicClient(false);
        client.setStandardFlowEnabled(false);
        client.setRedirectUris(List.of("http://localhost:3000/*"));
        try (Response r = in.admin().clients().create(client)) {
            assertEquals(201, r.getStatus());
        }
    }

    private String api(String path) {
        return realm.getBaseUrl() + "/token-login/" + path;
    }

    private String token() {
        return ApiClient.clientCredentialsToken(realm.getBaseUrl(), "partner-backend", PARTNER_SECRET);
    }

    private static void assertJsonError(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = ApiClient.json(r.body());
        assertEquals(error, body.get("error").asText());
        assertNotNull(body.get("error_description"));
    }

    @Test
    public void everyEndpointRefusesMissingBadForeignAndRolelessTokens() {
        String noRole = ApiClient.clientCredentialsToken(realm.getBaseUrl(), "no-role-backend", PARTNER_SECRET);
        String foreign = ApiClient.clientCredentialsToken(elsewhere.getBaseUrl(), "partner-backend", PARTNER_SECRET);
        String linkBody = "{\"email\":\"bob@example.com\",\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/\"}";
        String confirmBody = "{\"email\":\"bob@example.com\",\"landingUrl\":\"http://localhost:3000/landing\"}";
        for (String bearer : new String[]{null, "not-a-token", foreign}) {
            assertJsonError(ApiClient.post(api("magic-links"), bearer, linkBody), 401, "invalid_token");
            assertJsonError(ApiClient.post(api("email-confirmations"), bearer, confirmBody), 401, "invalid_token");
            assertJsonError(ApiClient.get(api("email-confirmations/" + UUID.randomUUID()), bearer), 401, "invalid_token");
        }
        assertJsonError(ApiClient.post(api("magic-links"), noRole, linkBody), 403, "insufficient_scope");
        assertJsonError(ApiClient.post(api("email-confirmations"), noRole, confirmBody), 403, "insufficient_scope");
        assertJsonError(ApiClient.get(api("email-confirmations/" + UUID.randomUUID()), noRole), 403, "insufficient_scope");
        assertJsonError(ApiClient.post(api("magic-links"), token(), "{not json"), 400, "invalid_request");
    }

    private JsonNode mintLink(String body) {
        HttpResponse<String> r = ApiClient.post(api("magic-links"), token(), body);
        assertEquals(201, r.statusCode(), r.body());
        return ApiClient.json(r.body());
    }

    /** Opens an API link in a browser: GET shows a button, its POST lands on the redirect URI with a session. */
    private Browserless clickApiLink(String link, String expectedRedirect) {
        Browserless browser = new Browserless();
        HttpResponse<String> page = browser.get(link);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("id=\"ml-confirm\""), "a confirm button, nothing consumed by GET");
        Matcher nonce = Pattern.compile("name=\"nonce\" value=\"([A-Za-z0-9_-]+)\"").matcher(page.body());
        assertTrue(nonce.find(), "the page carries this browser's nonce");
        HttpResponse<String> landed = browser.postForm(MagicLinkSteps.formAction(page.body()),
                Map.of("key", MagicLinkSteps.key(link), "nonce", nonce.group(1)));
        assertEquals(303, landed.statusCode(), landed.body());
        assertEquals(expectedRedirect, Browserless.location(landed));
        return browser;
    }

    /** L6: the realm's SMTP cannot be turned against an address through the partner APIs: 429 past the hourly limit. */
    @Test
    public void L6_confirmationMailsToOneAddressAreLimited() throws Exception {
        org.keycloak.representations.idm.RealmRepresentation rep = realm.admin().toRepresentation();
        rep.getAttributes().put("token-login.api.mails-per-address-per-hour", "2");
        realm.admin().update(rep);
        try {
            String email = "bombed-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String body = "{\"email\":\"" + email + "\",\"landingUrl\":\"http://localhost:3000/landing\"}";
            assertEquals(201, ApiClient.post(api("email-confirmations"), token(), body).statusCode());
            assertEquals(201, ApiClient.post(api("email-confirmations"), token(), body).statusCode());
            assertJsonError(ApiClient.post(api("email-confirmations"), token(), body), 429, "rate_limited");
            assertTrue(mail.waitForIncomingEmail(10000, 2));
            Thread.sleep(1000);
            assertEquals(2, java.util.Arrays.stream(mail.getReceivedMessages()).filter(m -> {
                try {
                    return email.equals(m.getAllRecipients()[0].toString());
                } catch (Exception e) {
                    return false;
                }
            }).count(), "no third mail");
        } finally {
            rep.getAttributes().put("token-login.api.mails-per-address-per-hour", ""); // blank: the default (10)
            realm.admin().update(rep);
        }
    }

    /** #13: a minted link has an id; its caller revokes it before use and the link's page says it was withdrawn. */
    @Test
    public void aMintedLinkCanBeRevokedByItsCallerOnly() {
        UserRepresentation user = MagicRealm.newUser(realm, "api-revoke", true);
        String body = "{\"email\":\"" + user.getEmail() + "\",\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/welcome\"}";
        JsonNode revoked = mintLink(body);
        String linkId = revoked.get("linkId").asText();
        assertTrue(linkId.matches("[0-9a-f-]{36}"), linkId);

        // another issuer of the realm cannot revoke it (and learns nothing: the same 404 as an unknown id)
        serviceAccountClientWithRole("second-backend", "token-login-issuer");
        String second = ApiClient.clientCredentialsToken(realm.getBaseUrl(), "second-backend", PARTNER_SECRET);
        assertJsonError(ApiClient.delete(api("magic-links/" + linkId), second), 404, "not_found");
        assertJsonError(ApiClient.delete(api("magic-links/" + UUID.randomUUID()), second), 404, "not_found");
        assertJsonError(ApiClient.delete(api("magic-links/" + linkId), null), 401, "invalid_token");

        assertEquals(204, ApiClient.delete(api("magic-links/" + linkId), token()).statusCode(), "its caller revokes it");
        assertJsonError(ApiClient.delete(api("magic-links/" + linkId), token()), 404, "not_found");
        HttpResponse<String> page = new Browserless().get(revoked.get("link").asText());
        assertTrue(page.body().contains("ml-reason-revoked"), "the link says it was withdrawn: " + page.body());
        assertFalse(page.body().contains("id=\"ml-confirm\""), "and offers no sign-in");

        // a link the other issuer tried to revoke still works
        JsonNode kept = mintLink(body);
        assertEquals(404, ApiClient.delete(api("magic-links/" + kept.get("linkId").asText()), second).statusCode());
        clickApiLink(kept.get("link").asText(), "http://localhost:3000/welcome");
        // a used link cannot be revoked any more
        assertJsonError(ApiClient.delete(api("magic-links/" + kept.get("linkId").asText()), token()), 404, "not_found");
    }

    /** #13: replaceExisting revokes the caller's earlier unused links for the same user and client. */
    @Test
    public void replaceExistingRevokesTheEarlierLinksAndTheNewestWorks() {
        UserRepresentation user = MagicRealm.newUser(realm, "api-replace", true);
        String body = "{\"email\":\"" + user.getEmail() + "\",\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/welcome\"";
        JsonNode first = mintLink(body + "}");
        JsonNode second = mintLink(body + "}");
        JsonNode newest = mintLink(body + ",\"replaceExisting\":true}");
        for (JsonNode older : List.of(first, second)) {
            HttpResponse<String> page = new Browserless().get(older.get("link").asText());
            assertTrue(page.body().contains("ml-reason-revoked"), "an older link is withdrawn: " + page.body());
        }
        Browserless browser = clickApiLink(newest.get("link").asText(), "http://localhost:3000/welcome");
        assertEquals(user.getId(), OidcClient.silentLogin(oauth, browser).getSubject());
    }

    private void serviceAccountClientWithRole(String clientId, String role) {
        if (realm.admin().clients().findByClientId(clientId).isEmpty()) {
            serviceAccountClient(realm, clientId);
            String id = realm.admin().clients().findByClientId(clientId).get(0).getId();
            UserRepresentation sa = realm.admin().clients().get(id).getServiceAccountUser();
            realm.admin().users().get(sa.getId()).roles().realmLevel().add(List.of(realm.admin().roles().get(role).toRepresentation()));
        }
    }

    @Test
    public void magicLinkForAnExistingUserLandsWithASessionAndWorksOnce() {
        UserRepresentation user = MagicRealm.newUser(realm, "api-existing", true);
        JsonNode minted = mintLink("{\"email\":\"" + user.getEmail() + "\",\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/welcome\"}");
        assertEquals(user.getId(), minted.get("userId").asText());
        assertFalse(minted.get("sent").asBoolean());
        assertTrue(minted.get("expiresAt").asText().endsWith("Z"));
        Browserless browser = clickApiLink(minted.get("link").asText(), "http://localhost:3000/welcome");
        assertEquals(user.getId(), OidcClient.silentLogin(oauth, browser).getSubject(), "the browser holds an SSO session");
        assertFalse(realm.admin().users().get(user.getId()).toRepresentation().isEmailVerified(), "not verified: the API did not mail it");
        HttpResponse<String> again = new Browserless().postForm(minted.get("link").asText().replaceAll("\\?.*", ""),
                Map.of("key", MagicLinkSteps.key(minted.get("link").asText())));
        assertTrue(again.body().contains("ml-reason-used"), "second use refused");
    }

    @Test
    public void magicLinkWithCreateUserMakesTheUser() {
        String email = "api-new-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode minted = mintLink("{\"email\":\"" + email + "\",\"createUser\":true,\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/\"}");
        UserRepresentation created = realm.admin().users().searchByEmail(email, true).get(0);
        assertEquals(created.getId(), minted.get("userId").asText());
        clickApiLink(minted.get("link").asText(), "http://localhost:3000/");
    }

    @Test
    public void invalidRedirectUriIsA400() {
        HttpResponse<String> r = ApiClient.post(api("magic-links"), token(),
                "{\"email\":\"bob@example.com\",\"clientId\":\"demo-app\",\"redirectUri\":\"https://evil.example/\"}");
        assertJsonError(r, 400, "invalid_redirect_uri");
        assertJsonError(ApiClient.post(api("magic-links"), token(),
                "{\"email\":\"bob@example.com\",\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/\",\"lifetime\":90000}"), 400, "invalid_request");
    }

    @Test
    public void sendEmailDeliversTheLinkAndTheClickVerifiesTheAddress() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "api-mail", true);
        JsonNode minted = mintLink("{\"userId\":\"" + user.getId() + "\",\"sendEmail\":true,\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/\"}");
        assertTrue(minted.get("sent").asBoolean());
        // D3: a link that proves the address on click is never handed to the caller (it could click it itself)
        assertTrue(minted.get("link") == null || minted.get("link").isNull(), "no link in the answer when the API mailed it: " + minted);
        String mailed = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        clickApiLink(mailed, "http://localhost:3000/");
        assertTrue(realm.admin().users().get(user.getId()).toRepresentation().isEmailVerified());
    }

    private static final Pattern CONFIRMATION = Pattern.compile("http://localhost:3000/landing\\?confirmation=([A-Za-z0-9_-]+)");

    private String confirmationSecretFromMail(int count, String to) throws Exception {
        assertTrue(mail.waitForIncomingEmail(15000, count));
        String text = MagicLinkSteps.text(mail.getReceivedMessages()[count - 1]);
        assertEquals(to, mail.getReceivedMessages()[count - 1].getAllRecipients()[0].toString());
        Matcher m = CONFIRMATION.matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }

    private JsonNode createConfirmation(String email, boolean callback) {
        String body = "{\"email\":\"" + email + "\",\"landingUrl\":\"http://localhost:3000/landing\","
                + (callback ? "\"callbackUrl\":\"" + RECEIVER.url() + "\"," : "")
                + "\"metadata\":{\"orderId\":42,\"note\":\"ünïcode ✓\",\"nested\":{\"a\":[1,2]}}}";
        HttpResponse<String> r = ApiClient.post(api("email-confirmations"), token(), body);
        assertEquals(201, r.statusCode(), r.body());
        return ApiClient.json(r.body());
    }

    private String status(String id) {
        HttpResponse<String> r = ApiClient.get(api("email-confirmations/" + id), token());
        assertEquals(200, r.statusCode(), r.body());
        return ApiClient.json(r.body()).get("status").asText();
    }

    @Test
    public void C18_confirmationMailVerifyWebhookSignedAndPolling() throws Exception {
        String email = "confirm-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        int before = RECEIVER.received().size();
        JsonNode created = createConfirmation(email, true);
        String id = created.get("confirmationId").asText();
        assertEquals(email, created.get("email").asText());
        assertEquals(42, created.get("metadata").get("orderId").asInt());
        assertEquals("pending", status(id));
        String secret = confirmationSecretFromMail(1, email);
        assertTrue(secret.length() >= 22, "at least 128 bits");

        long verifyAt = System.nanoTime();
        HttpResponse<String> verified = ApiClient.post(api("email-confirmations/verify"), null, "{\"confirmationSecret\":\"" + secret + "\"}");
        assertEquals(200, verified.statusCode(), verified.body());
        JsonNode body = ApiClient.json(verified.body());
        assertEquals(id, body.get("confirmationId").asText());
        assertEquals("valid", body.get("validationStatus").asText());
        assertEquals(created.get("metadata"), body.get("metadata"), "metadata round-tripped");
        assertEquals("valid", status(id));

        assertTrue(RECEIVER.await(before + 1, 10, TimeUnit.SECONDS), "webhook received");
        WebhookReceiver.Received hook = RECEIVER.received().get(before);
        System.out.printf("webhook delivered %d ms after verify%n", (hook.receivedAtNanos() - verifyAt) / 1_000_000);
        JsonNode hookBody = ApiClient.json(new String(hook.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(id, hookBody.get("confirmationId").asText());
        assertEquals("valid", hookBody.get("validationStatus").asText());
        assertEquals(created.get("metadata"), hookBody.get("metadata"));
        assertNotNull(hook.header("x-webhook-id"));
        assertTrue(verifiesWithPem(hook), "signature verifies with the published PEM");
        assertTrue(verifiesWithJwks(hook), "signature verifies with the published JWKS");

        HttpResponse<String> again = ApiClient.post(api("email-confirmations/verify"), null, "{\"confirmationSecret\":\"" + secret + "\"}");
        assertJsonError(again, 404, "not_found");
    }

    /**
     * D13: eight receivers that answer one byte per second (each on a host of its own) do not delay another partner's
     * healthy webhook: its own pool thread, a deadline per attempt, retries on a timer, a cap per target.
     */
    @Test
    public void D13_eightTricklingReceiversNeverDelayAHealthyWebhook() throws Exception {
        List<TricklingReceiver> slow = new java.util.ArrayList<>();
        ClientRepresentation backend = realm.admin().clients().findByClientId("partner-backend").get(0);
        try {
            for (int i = 0; i < 8; i++) {
                TricklingReceiver r = new TricklingReceiver("127.0.0." + (2 + i));
                slow.add(r);
                backend.getRedirectUris().add(r.url());
            }
            realm.admin().clients().get(backend.getId()).update(backend);
            int mails = 0;
            for (TricklingReceiver r : slow) {
                String email = "slow-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                HttpResponse<String> created = ApiClient.post(api("email-confirmations"), token(),
                        "{\"email\":\"" + email + "\",\"landingUrl\":\"http://localhost:3000/landing\",\"callbackUrl\":\"" + r.url() + "\"}");
                assertEquals(201, created.statusCode(), created.body());
                String secret = confirmationSecretFromMail(++mails, email);
                assertEquals(200, ApiClient.post(api("email-confirmations/verify"), null, "{\"confirmationSecret\":\"" + secret + "\"}").statusCode());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (slow.stream().mapToInt(r -> r.connections.get()).sum() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(8, slow.stream().mapToInt(r -> r.connections.get()).sum(), "all eight slow deliveries are in progress");

            String email = "healthy-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            createConfirmation(email, true);
            String secret = confirmationSecretFromMail(mails + 1, email);
            int before = RECEIVER.received().size();
            long start = System.nanoTime();
            assertEquals(200, ApiClient.post(api("email-confirmations/verify"), null, "{\"confirmationSecret\":\"" + secret + "\"}").statusCode());
            assertTrue(RECEIVER.await(before + 1, 3, TimeUnit.SECONDS), "the healthy webhook arrived within 3 s");
            System.out.printf("D13: healthy webhook arrived %d ms after verify, with 8 trickling receivers busy%n",
                    (RECEIVER.received().get(before).receivedAtNanos() - start) / 1_000_000);
        } finally {
            for (TricklingReceiver r : slow) {
                r.close();
                backend.getRedirectUris().remove(r.url());
            }
            realm.admin().clients().get(backend.getId()).update(backend);
        }
    }

    /** D4: a cross-site form that posts an API link for the victim consumes nothing and signs nobody in. */
    @Test
    public void D4_aCrossSitePostOfAnApiLinkConsumesNothing() {
        UserRepresentation user = MagicRealm.newUser(realm, "api-csrf", true);
        String link = mintLink("{\"userId\":\"" + user.getId() + "\",\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/\"}")
                .get("link").asText();
        Browserless victim = new Browserless();
        HttpResponse<String> forged = victim.postForm(link.replaceAll("\\?.*", ""), Map.of("key", MagicLinkSteps.key(link)),
                "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document");
        assertEquals(200, forged.statusCode());
        assertTrue(forged.body().contains("ml-reason-denied"), forged.body());
        assertFalse(victim.hasCookie("KEYCLOAK_IDENTITY"), "nobody signed in");
        clickApiLink(link, "http://localhost:3000/"); // the link still works for its owner's own click
    }

    /** D2: a confirmation secret of this realm verifies nowhere else, and a try elsewhere does not burn it. */
    @Test
    public void D2_aConfirmationVerifiesOnlyInItsOwnRealm() throws Exception {
        String email = "realm-bound-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String id = createConfirmation(email, false).get("confirmationId").asText();
        String body = "{\"confirmationSecret\":\"" + confirmationSecretFromMail(1, email) + "\"}";
        assertJsonError(ApiClient.post(elsewhere.getBaseUrl() + "/token-login/email-confirmations/verify", null, body), 404, "not_found");
        assertEquals("pending", status(id), "not burned by the other realm");
        HttpResponse<String> own = ApiClient.post(api("email-confirmations/verify"), null, body);
        assertEquals(200, own.statusCode(), own.body());
        assertEquals("valid", status(id));
    }

    @Test
    public void verifyAfterExpiryIs410AndPollingShowsExpired() throws Exception {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.getAttributes().put("token-login.email-confirmation.lifetime", "10");
        realm.admin().update(rep);
        try {
            String email = "late-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String id = createConfirmation(email, false).get("confirmationId").asText();
            String secret = confirmationSecretFromMail(1, email);
            Thread.sleep(11_500);
            assertJsonError(ApiClient.post(api("email-confirmations/verify"), null, "{\"confirmationSecret\":\"" + secret + "\"}"), 410, "expired");
            assertEquals("expired", status(id));
        } finally {
            rep.getAttributes().remove("token-login.email-confirmation.lifetime");
            rep.getAttributes().put("token-login.email-confirmation.lifetime", "300");
            realm.admin().update(rep);
        }
    }

    @Test
    public void landingAndCallbackUrlsMustBeAllowedForTheCaller() {
        assertJsonError(ApiClient.post(api("email-confirmations"), token(),
                "{\"email\":\"x@example.com\",\"landingUrl\":\"https://evil.example/landing\"}"), 400, "invalid_landing_url");
        assertJsonError(ApiClient.post(api("email-confirmations"), token(),
                "{\"email\":\"x@example.com\",\"landingUrl\":\"http://localhost:3000/l\",\"callbackUrl\":\"https://evil.example/hook\"}"), 400, "invalid_callback_url");
        assertJsonError(ApiClient.post(api("email-confirmations"), token(),
                "{\"email\":\"x@example.com\",\"landingUrl\":\"http://localhost:3000/l\",\"metadata\":[1]}"), 400, "invalid_request");
    }

    @Test
    public void C17_loopbackCallbackIsRefusedUnlessTheRealmAllowsIt() {
        allowPrivateTargets(false);
        try {
            assertJsonError(ApiClient.post(api("email-confirmations"), token(),
                    "{\"email\":\"x@example.com\",\"landingUrl\":\"http://localhost:3000/l\",\"callbackUrl\":\"" + RECEIVER.url() + "\"}"),
                    400, "invalid_callback_url");
        } finally {
            allowPrivateTargets(true);
        }
    }

    @Test
    public void C19_receiverFailingTwiceGetsTheWebhookOnceMoreWithTheSameId() throws Exception {
        String email = "retry-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        createConfirmation(email, true);
        String secret = confirmationSecretFromMail(1, email);
        int before = RECEIVER.received().size();
        RECEIVER.answer(500, 500);
        assertEquals(200, ApiClient.post(api("email-confirmations/verify"), null, "{\"confirmationSecret\":\"" + secret + "\"}").statusCode());
        assertTrue(RECEIVER.await(before + 3, 20, TimeUnit.SECONDS), "two failures, then the delivery");
        Thread.sleep(9000); // the next retry would have come after 4 s more
        List<WebhookReceiver.Received> attempts = RECEIVER.received().subList(before, RECEIVER.received().size());
        assertEquals(3, attempts.size(), "delivered exactly once more after the failures");
        assertEquals(1, attempts.stream().map(a -> a.header("x-webhook-id")).distinct().count(), "same x-webhook-id");
    }

    /** D19: a given-up delivery is listed for its caller (and no one else) and delivered again on request, same id. */
    @Test
    public void D19_aGivenUpWebhookIsListedAndRedeliveredWithTheSameId() throws Exception {
        String email = "refused-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        createConfirmation(email, true);
        String secret = confirmationSecretFromMail(1, email);
        int before = RECEIVER.received().size();
        RECEIVER.answer(410); // the receiver refuses it for good: no retry
        assertEquals(200, ApiClient.post(api("email-confirmations/verify"), null, "{\"confirmationSecret\":\"" + secret + "\"}").statusCode());
        assertTrue(RECEIVER.await(before + 1, 10, TimeUnit.SECONDS));
        String id = RECEIVER.received().get(before).header("x-webhook-id");
        JsonNode listed = null;
        for (int i = 0; i < 50 && (listed == null || !listed.toString().contains(id)); i++) {
            Thread.sleep(100);
            listed = ApiClient.json(ApiClient.get(api("webhooks?status=failed"), token()).body());
        }
        assertTrue(listed.toString().contains(id), "listed as failed: " + listed);
        HttpResponse<String> other = ApiClient.post(api("webhooks/" + id + "/redeliver"),
                ApiClient.clientCredentialsToken(realm.getBaseUrl(), "no-role-backend", PARTNER_SECRET), "");
        assertEquals(403, other.statusCode(), "another client cannot touch it");
        HttpResponse<String> again = ApiClient.post(api("webhooks/" + id + "/redeliver"), token(), "");
        assertEquals(202, again.statusCode(), again.body());
        assertTrue(RECEIVER.await(before + 2, 10, TimeUnit.SECONDS), "delivered again");
        assertEquals(id, RECEIVER.received().get(before + 1).header("x-webhook-id"));
        assertFalse(ApiClient.json(ApiClient.get(api("webhooks?status=failed"), token()).body()).toString().contains(id));
    }

    @Test
    public void C19_aHangingReceiverDoesNotDelayVerify() throws Exception {
        String email = "hang-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        createConfirmation(email, true);
        String secret = confirmationSecretFromMail(1, email);
        RECEIVER.hang(8000);
        try {
            long start = System.nanoTime();
            HttpResponse<String> r = ApiClient.post(api("email-confirmations/verify"), null, "{\"confirmationSecret\":\"" + secret + "\"}");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, r.statusCode());
            assertTrue(ms < 1000, "verify answered in " + ms + " ms");
        } finally {
            RECEIVER.hang(0);
        }
    }

    private String addKey(String name, boolean active, int priority) {
        ComponentRepresentation key = new ComponentRepresentation();
        key.setName(name);
        key.setProviderId("ecdsa-generated");
        key.setProviderType("org.keycloak.keys.KeyProvider");
        key.setParentId(realm.getId());
        key.setConfig(new org.keycloak.common.util.MultivaluedHashMap<>());
        key.getConfig().putSingle("priority", Integer.toString(priority));
        key.getConfig().putSingle("ecdsaEllipticCurveKey", "P-256");
        key.getConfig().putSingle("active", Boolean.toString(active));
        try (Response r = realm.admin().components().add(key)) {
            assertEquals(201, r.getStatus());
            String id = r.getLocation().getPath().replaceAll(".*/", "");
            return realm.admin().keys().getKeyMetadata().getKeys().stream()
                    .filter(k -> id.equals(k.getProviderId())).findFirst().orElseThrow().getKid();
        }
    }

    private WebhookReceiver.Received webhook() throws Exception {
        String email = "hook-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        int mails = mail.getReceivedMessages().length;
        createConfirmation(email, true);
        String secret = confirmationSecretFromMail(mails + 1, email);
        int before = RECEIVER.received().size();
        assertEquals(200, ApiClient.post(api("email-confirmations/verify"), null, "{\"confirmationSecret\":\"" + secret + "\"}").statusCode());
        assertTrue(RECEIVER.await(before + 1, 10, TimeUnit.SECONDS));
        return RECEIVER.received().get(before);
    }

    /** Rotation: the admin adds a webhook key component with a higher priority; both keys stay in the JWKS. */
    @Test
    public void afterKeyRotationWebhooksCarryTheNewKeyIdAndVerifyAgainstTheJwks() throws Exception {
        String oldKid = webhook().header("x-signature-key-id");
        String newKid = addKey("token-login-webhook-rotated", false, 500);
        WebhookReceiver.Received hook = webhook();
        assertEquals(newKid, hook.header("x-signature-key-id"));
        assertNotEquals(oldKid, newKid);
        assertTrue(verifiesWithJwks(hook));
        JsonNode keys = ApiClient.json(ApiClient.get(api("webhook-keys"), null).body()).get("keys");
        assertEquals(2, keys.size(), "both webhook keys published: " + keys);
    }

    @Test
    public void verifyAnswersCorsOnlyToLandingOrigins() {
        HttpResponse<String> allowed = ApiClient.options(api("email-confirmations/verify"),
                "Origin", "http://localhost:3000", "Access-Control-Request-Method", "POST");
        assertEquals("http://localhost:3000", allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        HttpResponse<String> refused = ApiClient.options(api("email-confirmations/verify"),
                "Origin", "https://evil.example", "Access-Control-Request-Method", "POST");
        assertNull(refused.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    /**
     * D7: the webhook key signs nothing else. With the realm signing its tokens with ES256 (an active P-256 key),
     * the webhook is still signed with the passive webhook key, and no token key is published as a webhook key.
     */
    @Test
    public void D7_theWebhookKeyIsNeverTheRealmsTokenSigningKey() throws Exception {
        String tokenKid = addKey("ecdsa-tokens", true, 1000);
        RealmRepresentation rep = realm.admin().toRepresentation();
        String previous = rep.getDefaultSignatureAlgorithm();
        rep.setDefaultSignatureAlgorithm("ES256");
        realm.admin().update(rep);
        try {
            String accessToken = token();
            String header = new String(java.util.Base64.getUrlDecoder().decode(accessToken.split("\\.")[0]), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(header.contains("\"ES256\"") && header.contains(tokenKid), "tokens are signed with the ES256 token key: " + header);
            WebhookReceiver.Received hook = webhook();
            assertNotEquals(tokenKid, hook.header("x-signature-key-id"));
            assertTrue(verifiesWithPem(hook) && verifiesWithJwks(hook));
            String jwks = ApiClient.get(api("webhook-keys"), null).body();
            assertFalse(jwks.contains(tokenKid), "the token key is not a webhook key");
        } finally {
            rep.setDefaultSignatureAlgorithm(previous);
            realm.admin().update(rep);
        }
    }

    private boolean verifiesWithPem(WebhookReceiver.Received hook) throws Exception {
        String pem = ApiClient.get(api("webhook-key"), null).body();
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        return verify(key, hook);
    }

    private boolean verifiesWithJwks(WebhookReceiver.Received hook) throws Exception {
        JsonNode keys = ApiClient.json(ApiClient.get(api("webhook-keys"), null).body()).get("keys");
        for (JsonNode jwk : keys) {
            if (jwk.get("kid").asText().equals(hook.header("x-signature-key-id"))) {
                assertEquals("ES256", jwk.get("alg").asText());
                java.security.AlgorithmParameters params = java.security.AlgorithmParameters.getInstance("EC");
                params.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
                ECPoint point = new ECPoint(new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("x").asText())),
                        new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("y").asText())));
                PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point,
                        params.getParameterSpec(java.security.spec.ECParameterSpec.class)));
                return verify(key, hook);
            }
        }
        return false;
    }

    private static boolean verify(PublicKey key, WebhookReceiver.Received hook) throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initVerify(key);
        signature.update(hook.body());
        return signature.verify(Base64.getDecoder().decode(hook.header("x-signature")));
    }
}
