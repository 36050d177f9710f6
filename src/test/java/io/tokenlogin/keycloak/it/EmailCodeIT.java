package io.tokenlogin.keycloak.it;

import jakarta.mail.internet.MimeMessage;
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

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #13: the magic-link mail also carries a one-time code, typed on the waiting page when the mail is read on another
 * device. Valid as long as the link, single use, only in the login attempt that asked, 5 wrong tries end the attempt,
 * and using the code or the link ends the other. An unknown address gets the same page and no code matches.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class EmailCodeIT {

    private static final Pattern CODE = Pattern.compile("sign-in page:\\s*([0-9]{6,10})");

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    @InjectMailServer
    MailServer mail;

    @TestSetup
    public void limits() {
        MagicRealm.configure(realm, "magic-link", "maxEmailsPerIpPerHour", "10000");
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "0");
    }

    private String codeFromMail(int count, String to) throws Exception {
        assertTrue(mail.waitForIncomingEmail(15000, count), "mail " + count);
        MimeMessage message = mail.getReceivedMessages()[count - 1];
        assertEquals(to, message.getAllRecipients()[0].toString());
        Matcher m = CODE.matcher(MagicLinkSteps.text(message));
        assertTrue(m.find(), "the mail carries the code");
        return m.group(1);
    }

    private static HttpResponse<String> typeCode(MagicLinkSteps steps, String code) {
        return steps.submit(Map.of("emailCode", code));
    }

    @Test
    public void theCodeTypedOnTheWaitingPageSignsInAndEndsTheLink() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "code", true);
        MagicLinkSteps waiting = MagicLinkSteps.requested(oauth, user.getEmail());
        assertTrue(waiting.lastPage.contains("id=\"emailCode\""), "the waiting page has a field for the code");
        assertTrue(waiting.lastPage.contains("autocomplete=\"one-time-code\""));
        String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        String code = codeFromMail(1, user.getEmail());
        assertEquals(6, code.length(), "six digits by default");

        HttpResponse<String> signedIn = typeCode(waiting, code.substring(0, 3) + " " + code.substring(3));
        assertEquals(user.getId(), waiting.finish(signedIn).getSubject(), "the code signs the waiting browser in");
        assertTrue(realm.admin().users().get(user.getId()).toRepresentation().isEmailVerified(), "the code proves the address");

        HttpResponse<String> page = new Browserless().get(link);
        assertTrue(page.body().contains("ml-reason-used"), "the link is used up by the code: " + page.body());
    }

    @Test
    public void fiveWrongCodesEndTheAttemptAndNeitherCodeNorLinkWorksAfterwards() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "wrong", true);
        MagicLinkSteps waiting = MagicLinkSteps.requested(oauth, user.getEmail());
        String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        String code = codeFromMail(1, user.getEmail());
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 1; i <= 4; i++) {
            HttpResponse<String> r = typeCode(waiting, wrong);
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("id=\"ml-code-wrong\""), "wrong code " + i + " says so");
        }
        HttpResponse<String> fifth = typeCode(waiting, wrong);
        assertTrue(fifth.body().contains("id=\"ml-code-locked\""), "the fifth wrong code ends the attempt");
        HttpResponse<String> right = typeCode(waiting, code);
        assertEquals(200, right.statusCode(), "the right code no longer signs in");
        assertTrue(right.body().contains("id=\"ml-code-locked\""));
        HttpResponse<String> page = new Browserless().get(link);
        assertFalse(page.body().contains("id=\"ml-confirm\""), "and the link is dead too");
        assertTrue(realm.admin().users().get(user.getId()).getUserSessions().isEmpty(), "nobody signed in");
        // a new mail brings a new code that works
        waiting.submit(Map.of("resend", "true"));
        String fresh = codeFromMail(2, user.getEmail());
        assertNotEquals(code, fresh);
        assertEquals(user.getId(), waiting.finish(typeCode(waiting, fresh)).getSubject());
    }

    @Test
    public void theCodeAfterTheLinkWasUsedSignsNobodyIn() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "linkfirst", true);
        MagicLinkSteps waiting = MagicLinkSteps.requested(oauth, user.getEmail());
        String waitingPage = waiting.lastPage;
        String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        String code = codeFromMail(1, user.getEmail());
        assertEquals(user.getId(), waiting.clickAndFinish(link).getSubject(), "the link signs in");
        int sessions = realm.admin().users().get(user.getId()).getUserSessions().size();
        waiting.lastPage = waitingPage;
        HttpResponse<String> late = typeCode(waiting, code);
        assertFalse(late.body().contains("id=\"ml-code-form\""), "the finished attempt takes no code");
        assertEquals(sessions, realm.admin().users().get(user.getId()).getUserSessions().size(), "the code opened no session");
        // and in a browser without the first one's cookies, the same form and code sign nobody in
        MagicLinkSteps stranger = new MagicLinkSteps(oauth);
        stranger.lastPage = waitingPage;
        HttpResponse<String> replayed = typeCode(stranger, code);
        assertNotEquals(302, replayed.statusCode(), replayed.body());
        assertEquals(sessions, realm.admin().users().get(user.getId()).getUserSessions().size());
    }

    @Test
    public void aCodeWorksOnlyInTheLoginAttemptThatAskedForIt() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "other", true);
        MagicLinkSteps asking = MagicLinkSteps.requested(oauth, user.getEmail());
        String code = codeFromMail(1, user.getEmail());
        MagicLinkSteps attacker = MagicLinkSteps.requested(oauth, "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
        HttpResponse<String> stolen = typeCode(attacker, code);
        assertTrue(stolen.body().contains("id=\"ml-code-wrong\""), "another attempt's code is just a wrong code");
        assertEquals(user.getId(), asking.finish(typeCode(asking, code)).getSubject(), "still good where it was asked for");
    }

    @Test
    public void anUnknownAddressGetsTheSamePageAndNoCodeMatches() throws Exception {
        String nobody = "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        MagicLinkSteps unknown = MagicLinkSteps.requested(oauth, nobody);
        assertTrue(unknown.lastPage.contains("id=\"emailCode\""), "the same code field");
        assertFalse(mail.waitForIncomingEmail(1500, 1), "no mail");
        for (String guess : new String[]{"000000", "123456"}) {
            assertTrue(typeCode(unknown, guess).body().contains("id=\"ml-code-wrong\""), "nothing matches");
        }
    }

    @Test
    public void theCodeCanBeInTheSubject() throws Exception {
        MagicRealm.configure(realm, "magic-link", "codeInSubject", "true");
        try {
            UserRepresentation user = MagicRealm.newUser(realm, "subject", true);
            MagicLinkSteps waiting = MagicLinkSteps.requested(oauth, user.getEmail());
            String code = codeFromMail(1, user.getEmail());
            String subject = mail.getReceivedMessages()[0].getSubject();
            assertTrue(subject.startsWith(code + " "), "the subject starts with the code: " + subject);
        } finally {
            MagicRealm.configure(realm, "magic-link", "codeInSubject", "false");
        }
    }
}
