package io.tokenlogin.keycloak.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testsuite.util.oauth.PkceGenerator;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #12: every page of the extension a person can reach renders in each of the 12 locales of the example realms,
 * with the page's language set and no unresolved message key (Keycloak prints a missing key as the key itself).
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class LocalesIT {

    /** Our message keys, as Keycloak would print them when a bundle lacks one. */
    private static final Pattern RAW_KEY = Pattern.compile("(magicLink|tokenLogin|emailConfirmation|magicLinkBody)\\.[A-Za-z_.]+|email-magic-link-(display-name|help-text)");

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    private static void assertRendered(String page, String tag, String what) {
        assertTrue(page.contains("lang=\"" + tag + "\""), what + " in " + tag + ": the page's language is set");
        Matcher raw = RAW_KEY.matcher(page.replaceAll("<!--.*?-->", ""));
        assertFalse(raw.find(), what + " in " + tag + ": unresolved key " + (raw.find(0) ? raw.group() : ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "de", "es", "fr", "it", "nl", "pt-BR", "pl", "sv", "ja", "zh-CN", "tr"})
    public void everyPageRendersWithoutAnUnresolvedKey(String tag) {
        MagicLinkSteps steps = new MagicLinkSteps(oauth);
        HttpResponse<String> form = steps.agent.get(oauth.loginForm().codeChallenge(PkceGenerator.s256()).build() + "&ui_locales=" + tag);
        assertEquals(200, form.statusCode());
        assertRendered(form.body(), tag, "the email page");
        steps.lastPage = form.body();
        HttpResponse<String> sent = steps.requestLink("nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
        assertEquals(200, sent.statusCode());
        assertRendered(sent.body(), tag, "the check-your-inbox page");
        HttpResponse<String> resent = steps.submit(Map.of("resend", "true"));
        assertRendered(resent.body(), tag, "the page after 'send a new link'");

        HttpResponse<String> expired = steps.agent.get(realm.getBaseUrl() + "/token-login/magic-link?key=" + UUID.randomUUID(),
                "Accept-Language", tag);
        assertRendered(expired.body(), tag, "the link-expired page");
        HttpResponse<String> badLink = steps.agent.get(realm.getBaseUrl() + "/token-login/login/not-a-token", "Accept-Language", tag);
        assertEquals(400, badLink.statusCode());
        assertRendered(badLink.body(), tag, "the partner-link error page");
    }
}
