package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.keycloak.testsuite.util.oauth.PkceGenerator;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code external-token} step in the demo realm's browser flow: a token on the app's own authorization request
 * signs the user in with no prompt (also when longer than 2,000 characters, which Keycloak drops from its stored
 * request parameters); without a token the normal login form appears; a bad token gets the error page and event.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class ExternalTokenFlowIT {

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    @InjectRunOnServer(permittedPackages = "io.tokenlogin.keycloak")
    RunOnServerClient server;

    private HttpResponse<String> authorize(Browserless browser, PkceGenerator pkce, String token) {
        return browser.get(oauth.loginForm().codeChallenge(pkce).param("external-auth-token", token).build());
    }

    private IDToken exchange(HttpResponse<String> response, PkceGenerator pkce) {
        assertEquals(302, response.statusCode(), "no prompt expected, got: " + response.body());
        String code = OidcClient.query(Browserless.location(response), "code");
        assertNotNull(code, Browserless.location(response));
        AccessTokenResponse tokens = oauth.accessTokenRequest(code).codeVerifier(pkce).send();
        assertEquals(200, tokens.getStatusCode());
        return oauth.verifyIDToken(tokens.getIdToken());
    }

    @Test
    public void B4_tokenLongerThan2000CharactersOnTheAuthorizationRequestReturnsACodeWithNoPrompt() {
        String uuid = UUID.randomUUID().toString();
        String token = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid(uuid)
                .email("long-" + uuid.substring(0, 8) + "@example.com").acceptTermsAndPolicies(true)
                .claim("padding", "p".repeat(2600)).sign();
        assertTrue(token.length() > 3000, "token length " + token.length());
        PkceGenerator pkce = PkceGenerator.s256();
        IDToken id = exchange(authorize(new Browserless(), pkce, token), pkce);
        assertEquals("long-" + uuid.substring(0, 8) + "@example.com", id.getEmail());
    }

    @Test
    public void flatTokenOfTheSecondPartnerInTheFlowSignsIn() {
        PkceGenerator pkce = PkceGenerator.s256();
        IDToken id = exchange(authorize(new Browserless(), pkce, Demo.flat().generateSignInToken(4242, 120)), pkce);
        assertEquals("ruby-backend.4242", id.getPreferredUsername());
    }

    @Test
    public void withoutATokenTheNormalLoginFormAppears() {
        HttpResponse<String> response = new Browserless().get(oauth.loginForm().codeChallenge(PkceGenerator.s256()).build());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("id=\"kc-form-login\""), "the username/password form");
        assertTrue(response.body().contains("name=\"password\""));
    }

    @Test
    public void aBadTokenFailsWithTheErrorPageAndAnEvent() {
        String expired = Demo.nested().nested().audience("somebody-else").userUuid("flow-bad").sign();
        Browserless browser = new Browserless();
        HttpResponse<String> response = authorize(browser, PkceGenerator.s256(), expired);
        assertEquals(401, response.statusCode());
        assertTrue(response.body().contains("issued for another service"), response.body());
        assertFalse(browser.hasCookie("KEYCLOAK_IDENTITY"));
        List<EventRepresentation> events = realm.admin().getEvents(List.of("LOGIN_ERROR"), null, null, null, null, null, 0, 20);
        EventRepresentation event = events.stream().filter(e -> "invalid_audience".equals(e.getError())).findFirst().orElseThrow();
        assertEquals("publicala", event.getDetails().get("partner"));
    }

    @Test
    public void B2_aReplayedTokenOnTheAuthorizationRequestIsRefused() {
        String token = Demo.flat().generateSignInToken("flow-replay", 90);
        PkceGenerator pkce = PkceGenerator.s256();
        exchange(authorize(new Browserless(), pkce, token), pkce);
        HttpResponse<String> again = authorize(new Browserless(), PkceGenerator.s256(), token);
        assertEquals(401, again.statusCode());
        assertTrue(again.body().contains("already been used"));
    }

    /**
     * D22: a first sign-in whose partner user is being made by another sign-in (the lock held) waits for it, then asks
     * to try again (503, the themed page, an event) and keeps its token: once the other is done, the same link works.
     */
    @Test
    public void D22_aFirstSignInWaitingTooLongForAConcurrentOneAsksToRetryAndKeepsItsToken() {
        String id = "flow-locked-" + UUID.randomUUID().toString().substring(0, 8);
        String token = Demo.flat().generateSignInToken(id, 120);
        server.run(new FirstSignInLockHolder("ruby-backend", id, true));
        try {
            long start = System.nanoTime();
            HttpResponse<String> busy = authorize(new Browserless(), PkceGenerator.s256(), token);
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, busy.statusCode(), busy.body());
            assertTrue(busy.body().contains("Please try the same link again in a moment"), busy.body());
            assertTrue(waitedMs >= 4000, "it waited for the other sign-in first (" + waitedMs + " ms)");
            assertTrue(realm.admin().users().search(null, null, null, null, null, "ruby-backend", id, 0, 5, null, true).isEmpty(),
                    "no account was made meanwhile");
            List<EventRepresentation> events = realm.admin().getEvents(List.of("LOGIN_ERROR"), null, null, null, null, null, 0, 50);
            assertTrue(events.stream().anyMatch(e -> "temporarily_unavailable".equals(e.getError())
                    && "ruby-backend".equals(e.getDetails().get("partner"))), "the admin sees why");
        } finally {
            server.run(new FirstSignInLockHolder("ruby-backend", id, false));
        }
        PkceGenerator pkce = PkceGenerator.s256();
        IDToken signedIn = exchange(authorize(new Browserless(), pkce, token), pkce);
        assertEquals(1, realm.admin().users().search(null, null, null, null, null, "ruby-backend", id, 0, 5, null, true).size());
        assertNotNull(signedIn.getSubject(), "the same token signs in once the lock is free");
    }
}
