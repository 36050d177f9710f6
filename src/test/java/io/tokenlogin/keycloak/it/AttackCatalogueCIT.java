package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.annotations.TestSetup;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Table C of the attack catalogue (magic links) — the cases not already named elsewhere.
 * Where to find the rest: C1–C8, C10 in {@link MagicLinkIT}; C11, C12 in {@link MagicLinkBrowserIT};
 * C17–C19 in {@link PartnerApiIT}; C16 in the unit test {@code MagicLinkStoreTest}; C7 across nodes in {@link ClusterIT}.
 * Differences from the table, SPEC wins: C3 — over a limit the page is identical (no 429 per IP), so nothing tells
 * an attacker a limit was hit; C11 — another device must pick the waiting code (SPEC §4) rather than see a masked
 * account; C18 — the signature covers the exact body bytes (SPEC §5, the seed's check), not "ts.body"; receivers
 * de-duplicate by {@code x-webhook-id} and may check the body's {@code timestamp}.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class AttackCatalogueCIT {

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    @InjectMailServer
    MailServer mail;

    @TestSetup
    public void limits() {
        MagicRealm.configure(realm, "magic-link", "maxEmailsPerIpPerHour", "10000");
    }

    private String requestLink(MagicLinkSteps steps, UserRepresentation user) throws Exception {
        steps.authorize();
        steps.requestLink(user.getEmail());
        return MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
    }

    @Test
    public void C9_aLinkWithOneCharacterChangedIsUnknownAndSignsNobodyIn() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "c9", true);
        MagicLinkSteps steps = new MagicLinkSteps(oauth);
        String link = requestLink(steps, user);
        char last = link.charAt(link.length() - 1);
        String changed = link.substring(0, link.length() - 1) + (last == 'A' ? 'B' : 'A');
        HttpResponse<String> page = steps.agent.get(changed);
        assertTrue(page.body().contains("ml-reason-expired"), "unknown link: nothing to confirm");
        HttpResponse<String> post = steps.agent.postForm(changed.replaceAll("\\?.*", ""), Map.of("key", MagicLinkSteps.key(changed)));
        assertTrue(post.body().contains("ml-reason-expired"));
        assertTrue(realm.admin().users().get(user.getId()).getUserSessions().isEmpty());
        assertEquals(user.getId(), steps.clickAndFinish(link).getSubject(), "the real link still works");
    }

    @Test
    public void C13_theMailedLinkUsesTheConfiguredFrontendUrlNotTheRequestsHostHeader() throws Exception {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.getAttributes().put("frontendUrl", "http://localhost:8080");
        realm.admin().update(rep);
        try {
            UserRepresentation user = MagicRealm.newUser(realm, "c13", true);
            MagicLinkSteps steps = new MagicLinkSteps(oauth);
            steps.authorize();
            // the email form is posted with a forged Host header (allowed by -Djdk.httpclient.allowRestrictedHeaders=host)
            HttpResponse<String> sent = steps.agent.postForm(MagicLinkSteps.formAction(steps.lastPage),
                    Map.of("email", user.getEmail()), "Host", "attacker.example:8080");
            assertTrue(sent.statusCode() < 500);
            String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
            assertTrue(link.startsWith("http://localhost:8080/realms/"), "link on the configured frontend URL: " + link);
        } finally {
            rep.getAttributes().remove("frontendUrl");
            rep.getAttributes().put("frontendUrl", "");
            realm.admin().update(rep);
        }
    }

    @Test
    public void C14_theLinkPageIsNotCachedLeaksNoReferrerAndCannotBeFramed() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "c14", true);
        MagicLinkSteps steps = new MagicLinkSteps(oauth);
        String link = requestLink(steps, user);
        HttpResponse<String> page = new Browserless().get(link);
        assertEquals(200, page.statusCode());
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""));
        String frameOptions = page.headers().firstValue("X-Frame-Options").orElse("");
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(frameOptions.equalsIgnoreCase("SAMEORIGIN") || frameOptions.equalsIgnoreCase("DENY") || csp.contains("frame-ancestors"),
                "not framable by other sites: XFO=" + frameOptions + " CSP=" + csp);
        assertFalse(page.body().matches("(?s).*(src|href)=\"https?://(?!localhost)[^\"]+\".*"), "no third-party resources");
    }

    @Test
    public void C15_aCrossSitePostWithoutTheWaitingBrowsersCookieAndCodeIsRefused() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "c15", true);
        MagicLinkSteps steps = new MagicLinkSteps(oauth);
        String link = requestLink(steps, user);
        // a forged form post from another site: no auth-session cookie, no code
        HttpResponse<String> forged = new Browserless().postForm(link.replaceAll("\\?.*", ""), Map.of("key", MagicLinkSteps.key(link)));
        assertEquals(200, forged.statusCode());
        assertTrue(forged.body().contains("ml-reason-refused"), forged.body());
        assertFalse(forged.headers().firstValue("Location").isPresent());
        assertTrue(realm.admin().users().get(user.getId()).getUserSessions().isEmpty(), "nobody signed in");
    }
}
