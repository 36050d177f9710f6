package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testsuite.util.oauth.PkceGenerator;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Table D4: login CSRF with a forced logout. A cross-site image or frame never consumes a token or ends a session;
 * a link for another person asks before switching, and a cross-site form cannot answer for the victim; a junk token
 * cookie on another path never breaks the browser flow and is expired in every variant the response can reach.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class LoginCsrfIT {

    private static final Pattern NONCE = Pattern.compile("name=\"switch\" value=\"([A-Za-z0-9_-]+)\"");
    private static final Pattern ACTION = Pattern.compile("id=\"tl-switch-form\"[^>]*action=\"([^\"]+)\"");

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    private String link(String token) {
        return realm.getBaseUrl() + "/token-login/login/" + token;
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Browserless signedInAs(String externalId) {
        Browserless browser = new Browserless();
        assertEquals(303, browser.get(link(Demo.flat().generateSignInToken(externalId, 120))).statusCode());
        return browser;
    }

    private String subject(Browserless browser) {
        return OidcClient.silentLogin(oauth, browser).getSubject();
    }

    @Test
    public void D4_aCrossSiteImageNeitherConsumesTheTokenNorEndsTheVictimsSession() {
        Browserless victim = signedInAs(id("victim"));
        String before = subject(victim);
        String attackers = Demo.flat().generateSignInToken(id("attacker"), 120);
        HttpResponse<String> image = victim.get(link(attackers), "Sec-Fetch-Mode", "no-cors", "Sec-Fetch-Dest", "image", "Sec-Fetch-Site", "cross-site");
        assertEquals(400, image.statusCode());
        HttpResponse<String> frame = victim.get(link(attackers), "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "iframe", "Sec-Fetch-Site", "cross-site");
        assertEquals(400, frame.statusCode());
        assertEquals(before, subject(victim), "still signed in as themselves");
        assertEquals(303, new Browserless().get(link(attackers)).statusCode(), "the token was not consumed");
    }

    @Test
    public void D4_aLinkForAnotherPersonAsksFirstAndACrossSiteFormCannotAnswer() {
        Browserless victim = signedInAs(id("alice"));
        String alice = subject(victim);
        HttpResponse<String> asked = victim.get(link(Demo.flat().generateSignInToken(id("mallory"), 120)),
                "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document");
        assertEquals(303, asked.statusCode(), "sent to the question, nothing consumed");
        assertFalse(Browserless.location(asked).contains("eyJ"), "the question's address holds no token");
        HttpResponse<String> page = victim.get(Browserless.location(asked));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("id=\"tl-switch-form\""), page.body());
        assertFalse(page.body().contains("eyJ"), "the token is not in the page");
        assertEquals(alice, subject(victim), "nothing changed yet");
        Matcher nonce = NONCE.matcher(page.body());
        Matcher action = ACTION.matcher(page.body());
        assertTrue(nonce.find() && action.find());
        String url = action.group(1).replace("&amp;", "&");

        // an attacker's page cannot send the victim's SameSite=Strict cookie: the answer is refused
        assertEquals(400, new Browserless().postForm(url, Map.of("switch", nonce.group(1))).statusCode());
        assertEquals(400, victim.postForm(url, Map.of("switch", "guessed-" + nonce.group(1))).statusCode());
        assertEquals(alice, subject(victim));
    }

    @Test
    public void D4_aPersonSwitchesAccountsOnPurposeThroughTheConfirmationPage() {
        Browserless browser = signedInAs(id("first"));
        String first = subject(browser);
        String second = id("second");
        HttpResponse<String> page = browser.get(Browserless.location(browser.get(link(Demo.flat().generateSignInToken(second, 120)))));
        Matcher nonce = NONCE.matcher(page.body());
        Matcher action = ACTION.matcher(page.body());
        assertTrue(nonce.find() && action.find(), page.body());
        HttpResponse<String> switched = browser.postForm(action.group(1).replace("&amp;", "&"), Map.of("switch", nonce.group(1)));
        assertEquals(303, switched.statusCode(), switched.body());
        String now = subject(browser);
        assertFalse(first.equals(now));
        assertEquals("ruby-backend." + second, realm.admin().users().get(now).toRepresentation().getUsername());
        // and the answer works once
        assertEquals(400, browser.postForm(action.group(1).replace("&amp;", "&"), Map.of("switch", nonce.group(1))).statusCode());
    }

    @Test
    public void D4_theSamePersonAgainIsNoQuestion() {
        String me = id("again");
        Browserless browser = signedInAs(me);
        String sub = subject(browser);
        assertEquals(303, browser.get(link(Demo.flat().generateSignInToken(me, 121))).statusCode());
        assertEquals(sub, subject(browser));
    }

    @Test
    public void D4_aJunkTokenCookieNeverBreaksTheBrowserFlowAndIsExpiredOnEveryPath() {
        Browserless browser = new Browserless();
        browser.addCookie(realm.getBaseUrl(), "external-auth-token", "junk.planted.value");
        HttpResponse<String> login = browser.get(oauth.loginForm().codeChallenge(PkceGenerator.s256()).build());
        assertEquals(200, login.statusCode(), "the flow stepped aside: " + login.body());
        assertTrue(login.body().contains("id=\"kc-form-login\""), "the normal login form");
        List<String> expired = login.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("external-auth-token=;") && c.contains("Max-Age=0")).toList();
        assertTrue(expired.stream().anyMatch(c -> c.contains("Path=/;")), expired.toString());
        assertTrue(expired.stream().anyMatch(c -> c.contains("Path=/realms/" + realm.getName() + ";")), expired.toString());
        assertTrue(expired.stream().anyMatch(c -> c.contains("Path=/realms/" + realm.getName() + "/protocol/openid-connect;")), expired.toString());
        assertTrue(expired.size() >= 10, "every path variant: " + expired.size());
    }
}
