package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.annotations.TestSetup;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code email-magic-link} step on the magic-link example realm, with real mail (GreenMail) and plain HTTP user
 * agents: same-browser sign-in, scanners, single use, newest-only, races, enumeration, limits, flow composition and
 * SMTP failure. Cross-device with two browsers is in {@link MagicLinkBrowserIT}.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class MagicLinkIT {

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    @InjectMailServer
    MailServer mail;

    @TestSetup
    public void roomForManyTests() {
        // every test comes from 127.0.0.1: lift the per-IP limit here; the per-address limit is what is tested
        MagicRealm.configure(realm, "magic-link", "maxEmailsPerIpPerHour", "10000");
        MagicRealm.configure(realm, "magic-link-after-username", "maxEmailsPerIpPerHour", "10000");
    }

    @Test
    public void C5_sameBrowserRequestMailClickConfirmAndTheAppGetsTokens() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "same", true);
        MagicLinkSteps steps = new MagicLinkSteps(oauth);
        assertEquals(200, steps.authorize().statusCode());
        assertTrue(steps.lastPage.contains("name=\"email\""), "asks for the email");
        long asked = System.nanoTime();
        HttpResponse<String> sent = steps.requestLink("  " + user.getEmail().toUpperCase() + " ");
        assertEquals(200, sent.statusCode());
        String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        System.out.printf("magic-link mail arrived %d ms after the request%n", (System.nanoTime() - asked) / 1_000_000);
        IDToken id = steps.clickAndFinish(link);
        assertEquals(user.getId(), id.getSubject());
        assertTrue(realm.admin().users().get(user.getId()).toRepresentation().isEmailVerified(), "email verified on success");
        String mailText = MagicLinkSteps.text(mail.getReceivedMessages()[0])
                .replaceAll("https?://\\S+", "").replaceAll("[0-9]+(\\.[0-9]+){3}", "");
        assertFalse(mailText.matches("(?s).*\\b" + steps.code() + "\\b.*"), "the mail never holds the waiting code");
    }

    /**
     * D3 (pre-registration takeover): an attacker registered the victim's address, never verified, with a password of
     * their own. The victim's magic link proves the address: the attacker's password stops working, the attacker's
     * session ends, the email is verified, and a REMOVE_CREDENTIAL event says why.
     */
    @Test
    public void D3_aMagicLinkToAnUnverifiedAccountRemovesTheCredentialsWhoeverSetThem() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "preregistered", true);
        setPassword(user.getId(), "attackers-own-password-1");
        assertEquals(1, realm.admin().users().get(user.getId()).credentials().size());
        assertFalse(realm.admin().users().get(user.getId()).toRepresentation().isEmailVerified());

        MagicLinkSteps steps = MagicLinkSteps.requested(oauth, user.getEmail());
        IDToken id = steps.clickAndFinish(MagicLinkSteps.linkFromMail(mail, 1, user.getEmail()));
        assertEquals(user.getId(), id.getSubject(), "the address's owner is signed in");
        assertTrue(realm.admin().users().get(user.getId()).credentials().isEmpty(), "the password someone else set is gone");
        assertTrue(realm.admin().users().get(user.getId()).toRepresentation().isEmailVerified());
        var events = realm.admin().getEvents(List.of("REMOVE_CREDENTIAL"), null, user.getId(), null, null, null, 0, 5);
        assertEquals("unverified_email_proven_by_link", events.get(0).getDetails().get("reason"));
        assertEquals("1", events.get(0).getDetails().get("credentials_removed"));
    }

    private void setPassword(String userId, String value) {
        org.keycloak.representations.idm.CredentialRepresentation password = new org.keycloak.representations.idm.CredentialRepresentation();
        password.setType("password");
        password.setValue(value);
        password.setTemporary(false);
        realm.admin().users().get(userId).resetPassword(password);
    }

    /** The legitimate case: an account whose email is verified keeps its password when its owner uses a magic link. */
    @Test
    public void aVerifiedAccountKeepsItsPasswordAfterAMagicLink() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "verified-keeps", true);
        UserRepresentation rep = realm.admin().users().get(user.getId()).toRepresentation();
        rep.setEmailVerified(true);
        realm.admin().users().get(user.getId()).update(rep);
        setPassword(user.getId(), "owners-own-password-1");
        MagicLinkSteps steps = MagicLinkSteps.requested(oauth, user.getEmail());
        assertEquals(user.getId(), steps.clickAndFinish(MagicLinkSteps.linkFromMail(mail, 1, user.getEmail())).getSubject());
        assertEquals(1, realm.admin().users().get(user.getId()).credentials().size());
    }

    @Test
    public void C4_scannersFetchingTheLinkWithGetAndHeadConsumeNothing() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "scan", true);
        MagicLinkSteps steps = MagicLinkSteps.requested(oauth, user.getEmail());
        String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        HttpClient scanner = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        for (String method : List.of("GET", "HEAD", "GET")) {
            HttpResponse<String> r = scanner.send(HttpRequest.newBuilder(URI.create(link)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), method);
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
        }
        assertEquals(user.getId(), steps.clickAndFinish(link).getSubject(), "the user's click still works");
    }

    @Test
    public void C6_aUsedLinkSaysAlreadyUsed() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "used", true);
        MagicLinkSteps steps = MagicLinkSteps.requested(oauth, user.getEmail());
        String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        steps.clickAndFinish(link);
        HttpResponse<String> again = steps.agent.get(link);
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("ml-reason-used"), again.body());
        HttpResponse<String> post = steps.agent.postForm(link.substring(0, link.indexOf('?')), Map.of("key", MagicLinkSteps.key(link)));
        assertEquals(200, post.statusCode());
        assertTrue(post.body().contains("ml-reason-used"), "posting it again consumes nothing and says so");
    }

    /**
     * D16: "Send a new link" refused by the cooldown keeps the mailed link working, and the page says no new link was
     * sent (the same for an unknown address: the limits count every address).
     */
    @Test
    public void D16_aRefusedResendKeepsTheMailedLinkAndSaysSo() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "kept", true);
        MagicLinkSteps steps = MagicLinkSteps.requested(oauth, user.getEmail());
        String mailed = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        HttpResponse<String> refused = steps.submit(Map.of("resend", "true"));
        assertEquals(200, refused.statusCode());
        assertTrue(refused.body().contains("id=\"ml-resend-refused\">"), "the page tells the truth: no new link");
        assertTrue(refused.body().contains("id=\"ml-resent\" hidden"), "and does not claim one was sent");
        assertFalse(mail.waitForIncomingEmail(1500, 2), "no second mail");
        assertEquals(user.getId(), steps.clickAndFinish(mailed).getSubject(), "the mailed link still works");

        MagicLinkSteps unknown = MagicLinkSteps.requested(oauth, "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
        HttpResponse<String> same = unknown.submit(Map.of("resend", "true"));
        assertTrue(same.body().contains("id=\"ml-resend-refused\">"), "an unknown address gets the same answer");
    }

    @Test
    public void C10_aNewerLinkMakesTheOlderOneFail() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "newer", true);
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "0");
        try {
            MagicLinkSteps steps = MagicLinkSteps.requested(oauth, user.getEmail());
            String older = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
            steps.submit(Map.of("resend", "true"));
            String newer = MagicLinkSteps.linkFromMail(mail, 2, user.getEmail());
            assertNotEquals(older, newer);
            HttpResponse<String> page = steps.agent.get(older);
            HttpResponse<String> post = steps.agent.postForm(MagicLinkSteps.formAction(page.body()), Map.of("key", MagicLinkSteps.key(older)));
            assertTrue(post.body().contains("ml-reason-superseded"), post.body());
            assertEquals(user.getId(), steps.clickAndFinish(newer).getSubject());
        } finally {
            MagicRealm.configure(realm, "magic-link", "resendCooldown", "60");
        }
    }

    @Test
    public void C8_anExpiredLinkShowsTheExpiredPageWithAWayToStartAgain() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "expired", true);
        MagicRealm.configure(realm, "magic-link", "linkLifetime", "30");
        try {
            MagicLinkSteps steps = MagicLinkSteps.requested(oauth, user.getEmail());
            String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
            Thread.sleep(32_000);
            HttpResponse<String> page = steps.agent.get(link);
            assertTrue(page.body().contains("ml-reason-expired"), page.body());
            assertTrue(page.body().contains("id=\"ml-restart-link\""), "a way to request a new link");
        } finally {
            MagicRealm.configure(realm, "magic-link", "linkLifetime", "300");
        }
    }

    @Test
    public void C7_twoPostsOfOneLinkAtOnceMakeExactlyOneSession() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "race", true);
        MagicLinkSteps steps = MagicLinkSteps.requested(oauth, user.getEmail());
        String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        String action = MagicLinkSteps.formAction(steps.agent.get(link).body());
        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            posts.add(pool.submit(() -> {
                go.await();
                return steps.agent.postForm(action, Map.of("key", MagicLinkSteps.key(link)));
            }));
        }
        go.countDown();
        int approvals = 0;
        HttpResponse<String> winner = null;
        for (Future<HttpResponse<String>> f : posts) {
            HttpResponse<String> r = f.get();
            assertTrue(r.statusCode() < 500, "no 5xx");
            if (r.statusCode() == 303) {
                approvals++;
                winner = r;
            }
        }
        pool.shutdown();
        assertEquals(1, approvals, "exactly one POST consumed the link");
        steps.finish(steps.agent.get(Browserless.location(winner)));
        assertEquals(1, realm.admin().users().get(user.getId()).getUserSessions().size(), "exactly one session");
    }

    @Test
    public void C1_C2_unknownEmailGetsTheSamePageAndStatusButNoMail() throws Exception {
        UserRepresentation known = MagicRealm.newUser(realm, "known", true);
        MagicLinkSteps a = new MagicLinkSteps(oauth);
        a.authorize();
        HttpResponse<String> knownPage = a.requestLink(known.getEmail());
        MagicLinkSteps b = new MagicLinkSteps(oauth);
        b.authorize();
        String unknown = "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> unknownPage = b.requestLink(unknown);
        assertEquals(knownPage.statusCode(), unknownPage.statusCode());
        assertEquals(normalise(knownPage.body(), known.getEmail()), normalise(unknownPage.body(), unknown), "identical pages");
        assertTrue(mail.waitForIncomingEmail(10000, 1));
        Thread.sleep(2000);
        assertEquals(1, mail.getReceivedMessages().length, "only the known address got a mail");
        assertEquals(known.getEmail(), mail.getReceivedMessages()[0].getAllRecipients()[0].toString());
    }

    @Test
    public void withCreateUsersAnUnknownAddressBecomesAUserOnlyOnTheClick() throws Exception {
        MagicRealm.configure(realm, "magic-link", "createUsers", "true");
        try {
            String email = "newcomer-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            MagicLinkSteps steps = MagicLinkSteps.requested(oauth, email);
            String link = MagicLinkSteps.linkFromMail(mail, 1, email);
            assertTrue(realm.admin().users().searchByEmail(email, true).isEmpty(), "not created by the request");
            steps.agent.get(link);
            assertTrue(realm.admin().users().searchByEmail(email, true).isEmpty(), "not created by opening the link");
            IDToken id = steps.clickAndFinish(link);
            UserRepresentation created = realm.admin().users().searchByEmail(email, true).get(0);
            assertEquals(created.getId(), id.getSubject());
            assertTrue(created.isEmailVerified());
        } finally {
            MagicRealm.configure(realm, "magic-link", "createUsers", "false");
        }
    }

    @Test
    public void C3_theSixthRequestWithinTheHourSendsNoMailAndLooksIdentical() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "limit", true);
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "0");
        try {
            List<String> pages = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                MagicLinkSteps steps = new MagicLinkSteps(oauth);
                steps.authorize();
                HttpResponse<String> r = steps.requestLink(user.getEmail());
                assertEquals(200, r.statusCode());
                pages.add(normalise(r.body(), user.getEmail()));
                if (i <= 5) {
                    assertTrue(mail.waitForIncomingEmail(10000, i), "mail " + i);
                }
            }
            Thread.sleep(2000);
            assertEquals(5, mail.getReceivedMessages().length, "no sixth mail");
            assertEquals(pages.get(0), pages.get(5), "the sixth answer looks like the first");
            List<EventRepresentation> events = realm.admin().getEvents(List.of("SEND_VERIFY_EMAIL_ERROR"), null, null, null, null, null, 0, 50);
            assertTrue(events.stream().anyMatch(e -> "rate_limited".equals(e.getError())), "an admin can see why");
        } finally {
            MagicRealm.configure(realm, "magic-link", "resendCooldown", "60");
        }
    }

    @Test
    public void afterAUsernameStepTheLoginNeverSucceedsWithoutTheClick() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "composed", true);
        MagicRealm.browserFlow(realm, "username-then-magic-link");
        try {
            MagicLinkSteps steps = new MagicLinkSteps(oauth);
            steps.authorize();
            assertTrue(steps.lastPage.contains("name=\"username\""), "the username step comes first");
            HttpResponse<String> waiting = steps.submit(Map.of("username", user.getUsername()));
            assertEquals(200, waiting.statusCode());
            assertTrue(waiting.body().contains("id=\"ml-code\""), "identified, not authenticated: waiting for the click");
            assertFalse(waiting.body().contains(user.getEmail()), "the address of an identified user is masked");
            // refreshing or re-posting never signs in
            HttpResponse<String> again = steps.agent.postForm(MagicLinkSteps.formAction(waiting.body()), Map.of());
            assertEquals(200, again.statusCode());
            assertTrue(realm.admin().users().get(user.getId()).getUserSessions().isEmpty(), "no session without the click");
            String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
            assertEquals(user.getId(), steps.clickAndFinish(link).getSubject());
        } finally {
            MagicRealm.browserFlow(realm, "magic-browser");
        }
    }

    @Test
    public void aDisabledUserNeverSignsIn() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "disabled", false);
        MagicLinkSteps steps = new MagicLinkSteps(oauth);
        steps.authorize();
        HttpResponse<String> r = steps.requestLink(user.getEmail());
        assertEquals(200, r.statusCode());
        Thread.sleep(2000);
        assertEquals(0, mail.getReceivedMessages().length, "no mail to a disabled user");
        assertTrue(realm.admin().users().get(user.getId()).getUserSessions().isEmpty());
    }

    @Test
    public void D17_smtpUnreachableLooksTheSameForKnownAndUnknownAddressesAndTheAdminSeesIt() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "smtp", true);
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "0");
        MagicRealm.smtpPort(realm, "1");
        MagicLinkSteps known = new MagicLinkSteps(oauth);
        MagicLinkSteps unknown = new MagicLinkSteps(oauth);
        try {
            known.authorize();
            assertEquals(200, known.requestLink(user.getEmail()).statusCode());
            unknown.authorize();
            assertEquals(200, unknown.requestLink("nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com").statusCode());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<EventRepresentation> failures = List.of();
            while (failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                failures = realm.admin().getEvents(List.of("SEND_VERIFY_EMAIL_ERROR"), null, user.getId(), null, null, null, 0, 10).stream()
                        .filter(e -> "email_send_failed".equals(e.getError())).toList();
            }
            assertFalse(failures.isEmpty(), "the admin sees the failed send (event)");
            assertEquals(status(known), status(unknown), "D17: the waiting page says the same for both addresses");
            assertEquals("pending", status(known));
        } finally {
            MagicRealm.smtpPort(realm, "3025");
        }
        // SMTP is back: "send a new link" works
        HttpResponse<String> resent = known.submit(Map.of("resend", "true"));
        assertEquals(200, resent.statusCode());
        String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        assertEquals(user.getId(), known.clickAndFinish(link).getSubject());
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "60");
    }

    /**
     * #12: Keycloak has no save-time check of a step's settings; an invalid value stops the step (never a silent
     * default): a themed "misconfigured" page, an error event naming the setting, no mail.
     */
    @Test
    public void anInvalidSettingStopsTheStepWithAThemedPageAndAnEventNamingIt() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "misconf", true);
        Map<String, List<String>> bad = new java.util.LinkedHashMap<>();
        bad.put("linkLifetime", List.of("abc", "-5", "10", "100000", "1.5"));
        bad.put("allowCrossDevice", List.of("yes"));
        bad.put("maxEmailsPerIpPerHour", List.of("0"));
        int mailsBefore = mail.getReceivedMessages().length;
        for (Map.Entry<String, List<String>> setting : bad.entrySet()) {
            String original = MagicRealm.setting(realm, "magic-link", setting.getKey());
            for (String value : setting.getValue()) {
                MagicRealm.configure(realm, "magic-link", setting.getKey(), value);
                try {
                    MagicLinkSteps steps = new MagicLinkSteps(oauth);
                    HttpResponse<String> page = steps.authorize();
                    assertEquals(503, page.statusCode(), setting.getKey() + "=" + value + ": " + page.body());
                    assertTrue(page.body().contains("id=\"ml-misconfigured\""), "the themed page: " + page.body());
                    assertFalse(page.body().contains(value + "'"), "the person is not shown the admin's value");
                    List<EventRepresentation> events = realm.admin().getEvents(List.of("LOGIN_ERROR"), null, null, null, null, null, 0, 50)
                            .stream().filter(e -> "misconfigured".equals(e.getError()) && e.getDetails() != null
                                    && setting.getKey().equals(e.getDetails().get("setting"))
                                    && e.getDetails().getOrDefault("reason", "").contains(value)).toList();
                    assertFalse(events.isEmpty(), "an error event names the setting and the value: " + setting.getKey() + "=" + value);
                } finally {
                    MagicRealm.configure(realm, "magic-link", setting.getKey(), original == null ? "" : original);
                }
            }
        }
        assertEquals(mailsBefore, mail.getReceivedMessages().length, "no mail went out");
        // valid again: the step runs
        MagicLinkSteps steps = new MagicLinkSteps(oauth);
        steps.authorize();
        assertEquals(200, steps.requestLink(user.getEmail()).statusCode());
        assertTrue(steps.lastPage.contains("ml-code"));
        // wait for its mail, so it cannot land in the next test's mailbox
        MagicLinkSteps.linkFromMail(mail, mailsBefore + 1, user.getEmail());
    }

    private String status(MagicLinkSteps steps) {
        HttpResponse<String> r = steps.agent.get(realm.getBaseUrl() + "/token-login/magic-link/status?poll=" + steps.pollSecret());
        assertEquals(200, r.statusCode());
        return r.body().replaceAll(".*\"status\"\\s*:\\s*\"([a-z_]+)\".*", "$1").trim();
    }


    /** The page with what legitimately differs (the typed address, per-request secrets, codes, URLs) blanked out. */
    static String normalise(String html, String email) {
        return html.replace(email, "EMAIL")
                .replaceAll("poll=[A-Za-z0-9_-]+", "poll=X")
                .replaceAll("(session_code|execution|tab_id|client_data)=[^&\"']+", "$1=X")
                .replaceAll("id=\"ml-code\"([^>]*)>\\s*[0-9]{2}", "id=\"ml-code\"$1>NN")
                .replaceAll("/resources/[^/]+/", "/resources/V/");
    }
}
