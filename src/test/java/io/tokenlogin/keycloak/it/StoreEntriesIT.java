package io.tokenlogin.keycloak.it;

import io.tokenlogin.keycloak.store.TokenLoginStore;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * D11 over a real Keycloak: this extension's entries in Keycloak's real single-use store (read on the server,
 * {@link StoreCensus}) are counted before, during and after a burst of unauthenticated and partner requests; only
 * what a sent mail needs is stored, every entry has a finite lifespan within its kind's bound, and once Keycloak's
 * clock (and Infinispan's) has moved past the longest of them, none is left.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class StoreEntriesIT {

    /** Longer than any kind's bound (the longest: a used partner token, about 7 days). */
    private static final int PAST_EVERY_LIFESPAN = (int) java.util.Arrays.stream(TokenLoginStore.Kind.values())
            .mapToLong(TokenLoginStore.Kind::maxSeconds).max().orElseThrow() + 3600;

    private static final Pattern CONFIRMATION = Pattern.compile("confirmation=([A-Za-z0-9_-]+)");

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    @InjectMailServer
    MailServer mail;

    @InjectRunOnServer(permittedPackages = "io.tokenlogin.keycloak")
    RunOnServerClient server;

    @InjectTimeOffSet(enableForCaches = true)
    TimeOffSet clock;

    private Map<String, long[]> census() {
        String answer = server.fetchString(new StoreCensus());
        if (answer.startsWith("\"")) {
            answer = answer.substring(1, answer.length() - 1);
        }
        return StoreCensus.parse(answer);
    }

    private static long count(Map<String, long[]> census, TokenLoginStore.Kind kind) {
        long[] k = census.get(kind.prefix());
        return k == null ? 0 : k[0];
    }

    /** What the burst added of one kind. */
    private long added(Map<String, long[]> during, TokenLoginStore.Kind kind) {
        return count(during, kind) - count(before, kind);
    }

    private Map<String, long[]> before;

    private static String describe(Map<String, long[]> census) {
        StringBuilder out = new StringBuilder();
        census.forEach((kind, k) -> out.append(String.format("%s: %d entries, lifespan %d..%d s; ", kind, k[0], k[1] / 1000, k[2] / 1000)));
        return out.length() == 0 ? "none" : out.toString();
    }

    @Test
    public void D11_aBurstStoresOnlyWhatItsMailsNeedAndEveryEntryExpires() throws Exception {
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "0");
        // earlier test classes may have used this realm: first let everything they stored expire
        clock.set(PAST_EVERY_LIFESPAN);
        before = census();
        System.out.println("store entries before the burst: " + describe(before));
        assertTrue(before.isEmpty(), "nothing of ours is left once the clock is past every lifespan: " + describe(before));

        // 1. one login attempt of a known user: a link, then 30 times "send a new link" (the address allows 5 an hour)
        UserRepresentation user = MagicRealm.newUser(realm, "burst", true);
        MagicLinkSteps attempt = MagicLinkSteps.requested(oauth, user.getEmail());
        for (int i = 0; i < 30; i++) {
            assertEquals(200, attempt.submit(Map.of("resend", "true")).statusCode());
        }
        // 2. twenty strangers' attempts for unknown addresses (no mail, the same page)
        for (int i = 0; i < 20; i++) {
            MagicLinkSteps stranger = new MagicLinkSteps(oauth);
            stranger.authorize();
            HttpResponse<String> page = stranger.requestLink("nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
            assertEquals(200, page.statusCode());
        }
        // 3. a partner backend asks five email confirmations and one is verified
        String bearer = ApiClient.clientCredentialsToken(realm.getBaseUrl(), "partner-backend", PartnerApiIT.PARTNER_SECRET);
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> created = ApiClient.post(realm.getBaseUrl() + "/token-login/email-confirmations", bearer,
                    "{\"email\":\"confirm-" + i + "-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com\","
                            + "\"landingUrl\":\"http://localhost:3000/landing\"}");
            assertEquals(201, created.statusCode(), created.body());
        }
        assertTrue(mail.waitForIncomingEmail(15000, 10), "5 magic links and 5 confirmation mails");
        Thread.sleep(1500);
        assertEquals(10, mail.getReceivedMessages().length, "nothing more went out");
        Matcher secret = CONFIRMATION.matcher(MagicLinkSteps.text(mail.getReceivedMessages()[9]));
        assertTrue(secret.find());
        HttpResponse<String> verified = ApiClient.post(realm.getBaseUrl() + "/token-login/email-confirmations/verify", null,
                "{\"confirmationSecret\":\"" + secret.group(1) + "\"}");
        assertEquals(200, verified.statusCode(), verified.body());

        Map<String, long[]> during = census();
        System.out.println("store entries after the burst (51 login requests, 5 confirmations, 1 verified; before it: " + describe(before) + "): " + describe(during));
        assertEquals(5, added(during, TokenLoginStore.Kind.LINK), "a link entry for each mail that went out, none for refusals or unknown addresses");
        assertEquals(5, added(during, TokenLoginStore.Kind.LINK_SEEN));
        assertEquals(25, added(during, TokenLoginStore.Kind.LINK_POLL), "one polling handle per issued attempt (5 links + 20 unknown)");
        assertEquals(4, added(during, TokenLoginStore.Kind.CONFIRMATION), "the verified confirmation is gone");
        assertEquals(5, added(during, TokenLoginStore.Kind.CONFIRMATION_SEEN));
        assertEquals(5, added(during, TokenLoginStore.Kind.CONFIRMATION_STATUS));
        // limits, one slot per mail the limits allowed plus one round-robin hint per subject: 20 unknown addresses
        // × (1 slot + hint), the known address (5 slots + hint), the one loopback network (25 slots + hint);
        // the 26 refused resends took none; the partner's 5 confirmation mails: 5 addresses × (1 slot + hint) and the
        // caller's own budget (5 slots + hint)
        assertEquals(20 * 2 + 6 + 26 + 5 * 2 + 6, added(during, TokenLoginStore.Kind.SEND_LIMIT), "send-limit entries");
        for (Map.Entry<String, long[]> e : during.entrySet()) {
            TokenLoginStore.Kind kind = java.util.Arrays.stream(TokenLoginStore.Kind.values())
                    .filter(k -> k.prefix().equals(e.getKey())).findFirst().orElseThrow(() -> new AssertionError("unknown kind " + e.getKey()));
            assertTrue(e.getValue()[1] > 0, kind + ": every entry has a lifespan (none immortal): " + describe(during));
            assertTrue(e.getValue()[2] <= kind.maxSeconds() * 1000, kind + ": within its bound: " + describe(during));
        }

        clock.set(2 * PAST_EVERY_LIFESPAN);
        Map<String, long[]> after = census();
        System.out.println("store entries once the clock is past every lifespan again: " + describe(after));
        assertTrue(after.isEmpty(), "every entry expired: " + describe(after));
    }
}
