package io.tokenlogin.keycloak.it;

import org.keycloak.representations.IDToken;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.keycloak.testsuite.util.oauth.PkceGenerator;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an app does after a partner link: a standard authorization-code request with PKCE (S256) in the same
 * user agent, which must complete without any prompt, then the code exchange and ID-token validation
 * (signature against the realm's keys) by the framework's OAuth client.
 */
public final class OidcClient {

    private OidcClient() {
    }

    /** Runs the silent code + PKCE flow in {@code agent} and returns the validated ID token. */
    public static IDToken silentLogin(OAuthClient oauth, Browserless agent) {
        PkceGenerator pkce = PkceGenerator.s256();
        String authorize = oauth.loginForm().codeChallenge(pkce).state("st-" + System.nanoTime()).build();
        HttpResponse<String> response = agent.get(authorize);
        assertEquals(302, response.statusCode(), "authorize must redirect without a prompt, got page: " + response.body());
        String location = Browserless.location(response);
        assertTrue(location.startsWith(oauth.getRedirectUri()), "redirected back to the app: " + location);
        String code = query(location, "code");
        assertNotNull(code, "authorization response carries a code: " + location);
        AccessTokenResponse tokens = oauth.accessTokenRequest(code).codeVerifier(pkce).send();
        assertEquals(200, tokens.getStatusCode(), "code exchange: " + tokens.getError());
        IDToken idToken = oauth.verifyIDToken(tokens.getIdToken());
        assertNotNull(idToken.getSubject());
        return idToken;
    }

    public static String query(String url, String name) {
        String q = URI.create(url).getRawQuery();
        if (q == null) {
            return null;
        }
        return Arrays.stream(q.split("&"))
                .filter(p -> p.startsWith(name + "="))
                .map(p -> java.net.URLDecoder.decode(p.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8))
                .findFirst().orElse(null);
    }
}
