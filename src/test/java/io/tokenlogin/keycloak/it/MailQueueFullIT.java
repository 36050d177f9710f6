package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * D12 on login: when this node's mail queue is full (here one thread held by an SMTP server that never answers, and
 * a queue of one), the next person gets a themed "try again" page (503, Retry-After) — the same page for a known and
 * an unknown address, nothing stored or sent — and "Try again" works once the queue has room.
 */
@KeycloakIntegrationTest(config = SmallMailQueueServerConfig.class)
public class MailQueueFullIT {

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    @InjectMailServer
    MailServer mail;

    /** Accepts SMTP connections and never says a word: a mail job on it waits for Keycloak's SMTP timeout. */
    private static final class SilentSmtp implements AutoCloseable {
        final ServerSocket server;
        final List<Socket> held = new CopyOnWriteArrayList<>();

        SilentSmtp() throws Exception {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        held.add(s);
                        InputStream in = s.getInputStream();
                        Thread reader = new Thread(() -> drain(in), "silent-smtp-reader");
                        reader.setDaemon(true);
                        reader.start();
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "silent-smtp");
            accept.setDaemon(true);
            accept.start();
        }

        private static void drain(InputStream in) {
            try {
                while (in.read() >= 0) {
                    // read and never answer
                }
            } catch (Exception ignored) {
                // closed
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private MagicLinkSteps askFor(String email) {
        MagicLinkSteps steps = MagicLinkSteps.requested(oauth, email);
        return steps;
    }

    @Test
    public void D12_aFullMailQueueShowsTryAgainForEveryAddressAndTryAgainWorksLater() throws Exception {
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "0");
        UserRepresentation first = MagicRealm.newUser(realm, "q1", true);
        UserRepresentation second = MagicRealm.newUser(realm, "q2", true);
        UserRepresentation third = MagicRealm.newUser(realm, "q3", true);
        MagicLinkSteps known = new MagicLinkSteps(oauth);
        try (SilentSmtp silent = new SilentSmtp()) {
            MagicRealm.smtpPort(realm, Integer.toString(silent.server.getLocalPort()));
            assertTrue(askFor(first.getEmail()).lastPage.contains("ml-code"), "the first mail takes the one mail thread");
            long deadline = System.currentTimeMillis() + 5000;
            while (silent.held.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(silent.held.isEmpty(), "the mail thread is connected to the silent SMTP server");
            assertTrue(askFor(second.getEmail()).lastPage.contains("ml-code"), "the second waits in the queue of one");

            known.authorize();
            HttpResponse<String> busyKnown = known.requestLink(third.getEmail());
            String nobody = "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            MagicLinkSteps unknown = new MagicLinkSteps(oauth);
            unknown.authorize();
            HttpResponse<String> busyUnknown = unknown.requestLink(nobody);
            for (HttpResponse<String> busy : List.of(busyKnown, busyUnknown)) {
                assertEquals(503, busy.statusCode(), busy.body());
                assertEquals("30", busy.headers().firstValue("Retry-After").orElse(null));
                assertTrue(busy.body().contains("id=\"ml-busy\""), "the themed page says why: " + busy.body());
                assertTrue(busy.body().contains("id=\"ml-try-again\""), "and offers to try again");
                assertFalse(busy.body().contains("ml-code"), "no waiting page: nothing was issued");
            }
            assertEquals(strip(busyKnown.body(), third.getEmail()), strip(busyUnknown.body(), nobody),
                    "known and unknown addresses see the same page");
            known.lastPage = busyKnown.body();

            MagicRealm.smtpPort(realm, "3025");
        }
        // the silent server is gone: the held jobs fail fast and the queue empties; "Try again" on the busy page
        long deadline = System.currentTimeMillis() + 30_000;
        HttpResponse<String> retried;
        do {
            Thread.sleep(1000);
            retried = known.agent.postForm(MagicLinkSteps.formAction(known.lastPage), Map.of("email", third.getEmail(), "retry", ""));
        } while (retried.statusCode() == 503 && System.currentTimeMillis() < deadline);
        assertEquals(200, retried.statusCode(), "the queue has room again: " + retried.body());
        assertTrue(retried.body().contains("ml-code"), "check your inbox");
        // one thread, first in first out: the queued second mail went out once the relay answered, then this one
        MagicLinkSteps.linkFromMail(mail, 1, second.getEmail());
        String link = MagicLinkSteps.linkFromMail(mail, 2, third.getEmail());
        assertEquals(third.getId(), known.clickAndFinish(link).getSubject());
    }

    /**
     * D12 on the API: with the one webhook thread held by a receiver that trickles and the queue of one taken, verify
     * answers 503 + Retry-After before consuming anything, and the same call succeeds once there is room.
     */
    @Test
    public void D12_aFullWebhookQueueAnswers503AndTheSameVerifyWorksLater() throws Exception {
        org.keycloak.representations.idm.RealmRepresentation rep = realm.admin().toRepresentation();
        rep.getAttributes().put("token-login.webhook.allow-private-targets", "true");
        realm.admin().update(rep);
        java.util.List<TricklingReceiver> slow = new java.util.ArrayList<>();
        org.keycloak.representations.idm.ClientRepresentation backend = realm.admin().clients().findByClientId("partner-backend").get(0);
        try {
            for (int i = 0; i < 6; i++) {
                TricklingReceiver r = new TricklingReceiver("127.0.0." + (20 + i));
                slow.add(r);
                backend.getRedirectUris().add(r.url());
            }
            realm.admin().clients().get(backend.getId()).update(backend);
            String bearer = ApiClient.clientCredentialsToken(realm.getBaseUrl(), "partner-backend", PartnerApiIT.PARTNER_SECRET);
            String refusedSecret = null;
            HttpResponse<String> refused = null;
            for (int i = 0; i < slow.size() && refused == null; i++) {
                String email = "hook-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                HttpResponse<String> created = ApiClient.post(realm.getBaseUrl() + "/token-login/email-confirmations", bearer,
                        "{\"email\":\"" + email + "\",\"landingUrl\":\"http://localhost:3000/landing\",\"callbackUrl\":\"" + slow.get(i).url() + "\"}");
                assertEquals(201, created.statusCode(), created.body());
                assertTrue(mail.waitForIncomingEmail(10000, i + 1));
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("confirmation=([A-Za-z0-9_-]+)")
                        .matcher(MagicLinkSteps.text(mail.getReceivedMessages()[i]));
                assertTrue(m.find());
                HttpResponse<String> verified = ApiClient.post(realm.getBaseUrl() + "/token-login/email-confirmations/verify", null,
                        "{\"confirmationSecret\":\"" + m.group(1) + "\"}");
                if (verified.statusCode() == 503) {
                    refused = verified;
                    refusedSecret = m.group(1);
                } else {
                    assertEquals(200, verified.statusCode(), verified.body());
                }
            }
            assertTrue(refused != null, "with one webhook thread held and the queue of one taken, a verify is refused");
            assertEquals("temporarily_unavailable", ApiClient.json(refused.body()).get("error").asText());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "with Retry-After");
            // nothing was consumed: the same call works once the receivers' 5 s deadlines have freed the thread
            long deadline = System.currentTimeMillis() + 40_000;
            HttpResponse<String> again;
            do {
                Thread.sleep(1000);
                again = ApiClient.post(realm.getBaseUrl() + "/token-login/email-confirmations/verify", null,
                        "{\"confirmationSecret\":\"" + refusedSecret + "\"}");
            } while (again.statusCode() == 503 && System.currentTimeMillis() < deadline);
            assertEquals(200, again.statusCode(), "the refused confirmation was not burned: " + again.body());
        } finally {
            for (TricklingReceiver r : slow) {
                r.close();
            }
        }
    }

    private static String strip(String page, String email) {
        return page.replace(email, "EMAIL").replaceAll("(session_code|execution|tab_id|client_data)=[^&\"]+", "$1=X");
    }
}
