package io.tokenlogin.keycloak.it;

import org.apache.http.HttpResponse;
import org.apache.http.NameValuePair;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.annotations.TestSetup;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testsuite.util.oauth.PkceGenerator;

import java.net.InetAddress;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * D15 from two real client addresses (loopback aliases, no network setup): an IP past its hourly budget that asks
 * five times for a victim's address takes none of the victim's budget; the victim, from another address, gets a link.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class SendLimitsLockoutIT {

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    @InjectMailServer
    MailServer mail;

    @TestSetup
    public void smallBudgets() {
        MagicRealm.configure(realm, "magic-link", "maxEmailsPerIpPerHour", "3");
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "0");
    }

    /** A browser on its own client address (its own cookies; loopback counts as secure, as browsers treat it). */
    private static final class Client implements AutoCloseable {
        final CloseableHttpClient http;
        final java.util.Map<String, String> cookies = new java.util.LinkedHashMap<>();

        Client(String address) throws Exception {
            http = HttpClients.custom().disableCookieManagement().disableRedirectHandling()
                    .setDefaultRequestConfig(RequestConfig.custom().setLocalAddress(InetAddress.getByName(address)).build()).build();
        }

        private HttpResponse send(org.apache.http.client.methods.HttpRequestBase request) throws Exception {
            if (!cookies.isEmpty()) {
                request.setHeader("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(java.util.stream.Collectors.joining("; ")));
            }
            HttpResponse r = http.execute(request);
            for (org.apache.http.Header header : r.getHeaders("Set-Cookie")) {
                String pair = header.getValue().split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                if (value.isEmpty() || header.getValue().toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return r;
        }

        String get(String url) throws Exception {
            HttpResponse r = send(new HttpGet(url));
            String body = EntityUtils.toString(r.getEntity());
            assertEquals(200, r.getStatusLine().getStatusCode(), body);
            return body;
        }

        String post(String url, List<NameValuePair> form) throws Exception {
            HttpPost post = new HttpPost(url);
            post.setEntity(new UrlEncodedFormEntity(form, java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse r = send(post);
            String body = EntityUtils.toString(r.getEntity());
            assertEquals(200, r.getStatusLine().getStatusCode(), body);
            return body;
        }

        @Override
        public void close() throws Exception {
            http.close();
        }
    }

    /** 127.0.0.1 for every URL, so the connection is IPv4 loopback whatever "localhost" resolves to. */
    private static String v4(String url) {
        return url.replace("://localhost:", "://127.0.0.1:");
    }

    private void askForALink(Client client, String email) throws Exception {
        String form = client.get(v4(oauth.loginForm().codeChallenge(PkceGenerator.s256()).build()));
        String sent = client.post(v4(MagicLinkSteps.formAction(form)), List.of(new BasicNameValuePair("email", email)));
        assertTrue(sent.contains("ml-code"), "the same \"check your inbox\" page either way");
    }

    @Test
    public void D15_anIpPastItsBudgetAskingForAVictimsAddressNeverLocksTheVictimOut() throws Exception {
        UserRepresentation victim = MagicRealm.newUser(realm, "victim", true);
        try (Client attacker = new Client("127.0.0.2"); Client owner = new Client("127.0.0.3")) {
            for (int i = 0; i < 3; i++) {
                askForALink(attacker, "spent-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
            }
            for (int i = 0; i < 5; i++) {
                askForALink(attacker, victim.getEmail()); // refused by the attacker's own IP budget
            }
            assertFalse(mail.waitForIncomingEmail(1500, 1), "the attacker got no mail out");
            askForALink(owner, victim.getEmail());
            String link = MagicLinkSteps.linkFromMail(mail, 1, victim.getEmail());
            assertTrue(link.contains("/token-login/magic-link?key="), "the victim, from another address, gets a link");
        }
    }
}
