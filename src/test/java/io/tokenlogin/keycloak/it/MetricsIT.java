package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #12: the extension's metrics, scraped from a real Keycloak's management endpoint ({@code --metrics-enabled=true},
 * {@code :9000/metrics}, Prometheus text): a partner sign-in and a forged link move their counters by exactly one,
 * the gauges are there, and no token, address or user id is in any label.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class MetricsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    static String scrape() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:9000/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "the management endpoint serves metrics");
        return r.body();
    }

    /** The value of one sample (all labels given, in any order), 0 when absent. */
    static double value(String scrape, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        double total = 0;
        while (m.find()) {
            String have = m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= have.contains(label);
            }
            if (all) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    @Test
    public void signInsAndFailuresAreCountedByPathPartnerAndOutcomeWithNothingPersonalInALabel() throws Exception {
        String[] success = {"realm=\"demo\"", "path=\"link\"", "partner=\"ruby-backend\"", "outcome=\"success\""};
        String[] forgedLabels = {"realm=\"demo\"", "path=\"link\"", "partner=\"ruby-backend\"", "outcome=\"invalid_signature\""};
        String before = scrape();
        String externalId = "metrics-" + System.nanoTime();
        String token = Demo.flat().generateSignInToken(externalId, 60);
        HttpResponse<String> signedIn = new Browserless().get(realm.getBaseUrl() + "/token-login/login/" + token);
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        String forged = new io.tokenlogin.keycloak.signer.PartnerTokenSigner("Ruby Backend", "not-the-ruby-secret-0123456789abcdef-xyz")
                .generateSignInToken("someone", 60);
        HttpResponse<String> refused = new Browserless().get(realm.getBaseUrl() + "/token-login/login/" + forged);
        assertEquals(401, refused.statusCode());

        String after = scrape();
        assertEquals(value(before, "token_login_sign_ins_total", success) + 1, value(after, "token_login_sign_ins_total", success),
                "one more successful link sign-in of ruby-backend");
        assertEquals(value(before, "token_login_sign_ins_total", forgedLabels) + 1, value(after, "token_login_sign_ins_total", forgedLabels),
                "one more forged link of ruby-backend");
        assertTrue(after.contains("token_login_queue_size{queue=\"mail\"}") || after.matches("(?s).*token_login_queue_size\\{[^}]*queue=\"mail\".*"),
                "the mail queue gauge");
        assertTrue(after.matches("(?s).*token_login_queue_size\\{[^}]*queue=\"webhook\".*"), "the webhook queue gauge");
        assertTrue(after.matches("(?s).*\\ntoken_login_webhooks_pending(\\{[^}]*\\})? [0-9.eE+-]+\\n.*"), "the pending webhooks gauge");

        String ours = String.join("\n", after.lines().filter(l -> l.startsWith("token_login_")).toList());
        System.out.println("token_login metrics after the test:\n" + ours);
        String userId = realm.admin().users().search("ruby-backend." + externalId, true).get(0).getId();
        for (String secret : new String[]{token, forged, externalId, userId, token.substring(token.lastIndexOf('.') + 1)}) {
            assertFalse(after.contains(secret), "no token, partner user id or Keycloak user id in the metrics");
        }
    }
}
