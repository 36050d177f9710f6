package io.tokenlogin.keycloak.it;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.keycloak.representations.IDToken;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.keycloak.testsuite.util.oauth.PkceGenerator;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user of the magic-link step does, step by step, in one user agent (plain HTTP, real cookies). */
public final class MagicLinkSteps {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+/token-login/magic-link\\?key=[A-Za-z0-9_-]+");
    private static final Pattern CODE = Pattern.compile("id=\"ml-code\"[^>]*>\\s*([0-9]{2})\\s*<");
    private static final Pattern POLL = Pattern.compile("magic-link/status\\?poll=([A-Za-z0-9_-]+)");

    public final Browserless agent = new Browserless();
    public final PkceGenerator pkce = PkceGenerator.s256();
    private final OAuthClient oauth;
    public String lastPage;

    public MagicLinkSteps(OAuthClient oauth) {
        this.oauth = oauth;
    }

    /** A fresh browser that opened the app's sign-in (the email form) and asked for a link to {@code email}. */
    public static MagicLinkSteps requested(OAuthClient oauth, String email) {
        MagicLinkSteps steps = new MagicLinkSteps(oauth);
        steps.authorize();
        steps.requestLink(email);
        return steps;
    }

    /** The app's authorization request: the magic-link page (email form or, after a username step, another form). */
    public HttpResponse<String> authorize() {
        HttpResponse<String> r = agent.get(oauth.loginForm().codeChallenge(pkce).build());
        lastPage = r.body();
        return r;
    }

    /** Submits the current page's form with these fields. */
    public HttpResponse<String> submit(Map<String, String> fields) {
        HttpResponse<String> r = agent.postForm(formAction(lastPage), fields);
        if (r.statusCode() == 200) {
            lastPage = r.body();
        }
        return r;
    }

    public HttpResponse<String> requestLink(String email) {
        return submit(Map.of("email", email));
    }

    public String code() {
        Matcher m = CODE.matcher(lastPage);
        assertTrue(m.find(), "the waiting page shows a code: " + lastPage);
        return m.group(1);
    }

    public String pollSecret() {
        Matcher m = POLL.matcher(lastPage);
        assertTrue(m.find(), "the waiting page polls with its secret");
        return m.group(1);
    }

    /** Confirms a link in this agent: GET shows the button, its POST continues the login; returns the ID token. */
    public IDToken clickAndFinish(String link) {
        HttpResponse<String> page = agent.get(link);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("id=\"ml-confirm\""), "same browser: a confirm button: " + page.body());
        HttpResponse<String> posted = agent.postForm(formAction(page.body()), Map.of("key", key(link), "confirm", ""));
        assertEquals(303, posted.statusCode(), posted.body());
        HttpResponse<String> resumed = agent.get(Browserless.location(posted));
        return finish(resumed);
    }

    /** The authorization response must carry a code; exchanges it and validates the ID token. */
    public IDToken finish(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), "back to the app, got: " + response.body());
        String code = OidcClient.query(Browserless.location(response), "code");
        assertNotNull(code, Browserless.location(response));
        AccessTokenResponse tokens = oauth.accessTokenRequest(code).codeVerifier(pkce).send();
        assertEquals(200, tokens.getStatusCode());
        return oauth.verifyIDToken(tokens.getIdToken());
    }

    public static String formAction(String html) {
        Matcher m = FORM_ACTION.matcher(html);
        assertTrue(m.find(), "a form on the page: " + html);
        return m.group(1).replace("&amp;", "&");
    }

    public static String key(String link) {
        return link.substring(link.indexOf("key=") + 4);
    }

    /** Waits for the next mail to {@code to} and returns the link in its text part. */
    public static String linkFromMail(MailServer mail, int expectedCount, String to) throws Exception {
        assertTrue(mail.waitForIncomingEmail(15000, expectedCount), "mail number " + expectedCount + " arrived");
        MimeMessage message = mail.getReceivedMessages()[expectedCount - 1];
        assertEquals(to, message.getAllRecipients()[0].toString());
        String text = text(message);
        Matcher m = LINK.matcher(text);
        assertTrue(m.find(), "the mail holds a link: " + text);
        return m.group();
    }

    /** The text/plain content of a mail, through any multipart nesting. */
    public static String text(Part part) throws Exception {
        if (part.isMimeType("text/plain")) {
            return (String) part.getContent();
        }
        if (part.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) part.getContent();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart bp = mp.getBodyPart(i);
                sb.append(text(bp));
            }
            return sb.toString();
        }
        return "";
    }
}
