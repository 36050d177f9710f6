package io.tokenlogin.keycloak.it;

import io.tokenlogin.keycloak.signer.PartnerTokenSigner;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both seed token shapes through both link forms and every transport, on the demo realm from realm-examples/. */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class PartnerLinkIT {

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    private String loginUrl() {
        return realm.getBaseUrl() + "/token-login/login";
    }

    private String accountConsole() {
        return realm.getBaseUrl() + "/account/";
    }

    @Test
    public void flatShapeViaPathLinkLandsOnAccountConsoleAndAppSignsInSilently() {
        String id = String.valueOf(100000 + new java.util.Random().nextInt(800000));
        Browserless browser = new Browserless();
        HttpResponse<String> response = browser.get(loginUrl() + "/" + Demo.flat().generateSignInToken(Long.parseLong(id), 3600));

        assertEquals(303, response.statusCode(), response.body());
        assertEquals(accountConsole(), Browserless.location(response), "lands on the landing client's base URL");
        assertTrue(browser.hasCookie("KEYCLOAK_IDENTITY"), "an SSO session was opened");
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""));

        IDToken first = OidcClient.silentLogin(oauth, browser);
        assertEquals("ruby-backend." + id, first.getPreferredUsername());

        // a second sign-in with the same external id, in a fresh browser: same Keycloak user
        Browserless other = new Browserless();
        assertEquals(303, other.get(loginUrl() + "/" + Demo.flat().generateSignInToken(Long.parseLong(id), 60)).statusCode());
        assertEquals(first.getSubject(), OidcClient.silentLogin(oauth, other).getSubject());
    }

    @Test
    public void nestedShapeViaQueryLinkLandsOnIntendedUrlAndKeepsTheUserAcrossEmailChanges() {
        String uuid = UUID.randomUUID().toString();
        String intended = accountConsole() + "#/personal-info";
        String token = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid(uuid)
                .email("Reader." + uuid.substring(0, 8) + "@Example.COM").pictureUrl("https://img.example/p.jpg")
                .acceptTermsAndPolicies(true).intendedUrl(intended).ttlSeconds(60).sign();
        Browserless browser = new Browserless();
        HttpResponse<String> response = browser.get(loginUrl() + "?external-auth-token=" + token);

        assertEquals(303, response.statusCode(), response.body());
        assertEquals(intended, Browserless.location(response));
        IDToken first = OidcClient.silentLogin(oauth, browser);
        assertEquals("reader." + uuid.substring(0, 8) + "@example.com", first.getEmail(), "email normalised to lower case");
        assertEquals(Boolean.TRUE, first.getEmailVerified(), "the demo nested partner trusts emails");

        UserRepresentation user = realm.admin().users().get(first.getSubject()).toRepresentation();
        var links = realm.admin().users().get(first.getSubject()).getFederatedIdentity();
        assertEquals(1, links.size(), "one identity provider link, visible to admins on the user");
        assertEquals("publicala", links.get(0).getIdentityProvider());
        assertEquals(uuid, links.get(0).getUserId());
        assertEquals(List.of("https://img.example/p.jpg"), user.getAttributes().get("picture"));
        assertFalse(user.getRequiredActions().contains("TERMS_AND_CONDITIONS"));

        // the partner changes the user's email: still the same Keycloak user, now with the new email
        String changed = "changed." + uuid.substring(0, 8) + "@example.com";
        Browserless other = new Browserless();
        String second = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid(uuid).email(changed).sign();
        assertEquals(303, other.get(loginUrl() + "?external-auth-token=" + second).statusCode());
        IDToken again = OidcClient.silentLogin(oauth, other);
        assertEquals(first.getSubject(), again.getSubject());
        assertEquals(changed, again.getEmail());
    }

    @Test
    public void formPostHeaderAndCookieTransportsSignIn() {
        PartnerTokenSigner signer = Demo.flat();

        Browserless form = new Browserless();
        HttpResponse<String> posted = form.postForm(loginUrl(), Map.of("external-auth-token", signer.generateSignInToken("form-user", 60)));
        assertEquals(303, posted.statusCode(), posted.body());
        assertEquals("ruby-backend.form-user", OidcClient.silentLogin(oauth, form).getPreferredUsername());

        Browserless header = new Browserless();
        HttpResponse<String> viaHeader = header.get(loginUrl(), "External-Auth-Token", signer.generateSignInToken("header-user", 60));
        assertEquals(303, viaHeader.statusCode(), viaHeader.body());
        assertEquals("ruby-backend.header-user", OidcClient.silentLogin(oauth, header).getPreferredUsername());

        Browserless cookie = new Browserless();
        cookie.addCookie(loginUrl(), "external-auth-token", signer.generateSignInToken("cookie-user", 60));
        HttpResponse<String> viaCookie = cookie.get(loginUrl());
        assertEquals(303, viaCookie.statusCode(), viaCookie.body());
        assertTrue(viaCookie.headers().allValues("Set-Cookie").stream()
                .anyMatch(c -> c.startsWith("external-auth-token=;") && c.contains("Max-Age=0")), "the used cookie is expired");
        assertEquals("ruby-backend.cookie-user", OidcClient.silentLogin(oauth, cookie).getPreferredUsername());
    }

    @Test
    public void B5_twoDifferentTokensInTwoTransportsAreRefused() {
        PartnerTokenSigner signer = Demo.flat();
        Browserless browser = new Browserless();
        HttpResponse<String> response = browser.get(loginUrl() + "?external-auth-token=" + signer.generateSignInToken("a-user", 60),
                "External-Auth-Token", signer.generateSignInToken("b-user", 60));
        assertEquals(400, response.statusCode());
        assertFalse(browser.hasCookie("KEYCLOAK_IDENTITY"));
    }

    @Test
    public void B11_signingInAsAnotherUserAsksThenEndsTheFirstUsersSessionInThatBrowser() {
        Browserless browser = new Browserless();
        assertEquals(303, browser.get(loginUrl() + "/" + Demo.flat().generateSignInToken("first-of-two", 60)).statusCode());
        String firstSub = OidcClient.silentLogin(oauth, browser).getSubject();
        // D4: the browser is asked first (no silent switch); confirming ends the first user's session
        HttpResponse<String> asked = browser.get(loginUrl() + "/" + Demo.flat().generateSignInToken("second-of-two", 60));
        assertEquals(303, asked.statusCode());
        HttpResponse<String> page = browser.get(Browserless.location(asked));
        java.util.regex.Matcher nonce = java.util.regex.Pattern.compile("name=\"switch\" value=\"([A-Za-z0-9_-]+)\"").matcher(page.body());
        assertTrue(nonce.find(), page.body());
        assertEquals(303, browser.postForm(Browserless.location(asked), java.util.Map.of("switch", nonce.group(1))).statusCode());
        IDToken second = OidcClient.silentLogin(oauth, browser);
        assertNotEquals(firstSub, second.getSubject());
        assertEquals("ruby-backend.second-of-two", second.getPreferredUsername());
        assertTrue(realm.admin().users().get(firstSub).getUserSessions().isEmpty(), "first user's session ended");
    }
}
