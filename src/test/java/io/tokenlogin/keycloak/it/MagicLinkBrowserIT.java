package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.BeforeAll;
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
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.keycloak.testsuite.util.oauth.PkceGenerator;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two independent headless Chromium browsers: the one that asked to sign in (waiting tab, polling) and another
 * device that opens the mailed link. Takes the README's screenshots of every page, and checks each page for labels,
 * accessible buttons and a phone-width layout.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class MagicLinkBrowserIT {

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    @InjectMailServer
    MailServer mail;

    @InjectWebDriver(ref = "asking")
    ManagedWebDriver asking;

    @InjectWebDriver(ref = "other-device")
    ManagedWebDriver other;

    @BeforeAll
    public static void chromiumIsInstalled() {
        BrowserRequirements.assertChromium();
    }

    @TestSetup
    public void limits() {
        MagicRealm.configure(realm, "magic-link", "maxEmailsPerIpPerHour", "10000");
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "0");
    }

    /** A browser with no Keycloak cookies (they live under the realm's path on Keycloak's origin). */
    private void forgetKeycloak(WebDriver browser) {
        browser.navigate().to(realm.getBaseUrl() + "/protocol/openid-connect/certs");
        browser.manage().deleteAllCookies();
    }

    private String requestLink(WebDriver browser, PkceGenerator pkce, String email, String screenshotPrefix) throws Exception {
        forgetKeycloak(browser);
        browser.navigate().to(oauth.loginForm().codeChallenge(pkce).build());
        WebElement field = new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("email")));
        if (screenshotPrefix != null) {
            checkPage(browser, "magic-link-1-enter-email");
        }
        field.sendKeys(email);
        browser.findElement(By.id("kc-send")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> !d.findElements(By.id("ml-code")).isEmpty());
        if (screenshotPrefix != null) {
            checkPage(browser, "magic-link-2-check-inbox");
        }
        return browser.findElement(By.id("ml-code")).getText().trim();
    }

    @Test
    public void C11_C12_crossDeviceWrongCodeRefusesAndRightCodeLetsTheWaitingTabContinue() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "cross", true);
        PkceGenerator pkce = PkceGenerator.s256();
        String code = requestLink(asking.driver(), pkce, user.getEmail(), "shots");
        String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());

        // the other device (think: the victim of an attacker who typed the victim's address) picks a wrong code
        forgetKeycloak(other.driver());
        other.open(link);
        new WebDriverWait(other.driver(), Duration.ofSeconds(20)).until(d -> !d.findElements(By.name("choice")).isEmpty());
        checkPage(other.driver(), "magic-link-4-other-device-pick-code");
        List<WebElement> choices = other.driver().findElements(By.cssSelector("button[name=choice]:not([value=none])"));
        assertEquals(6, choices.size(), "six codes to choose from");
        List<String> shown = choices.stream().map(b -> b.getAttribute("value")).toList();
        other.driver().navigate().refresh();
        new WebDriverWait(other.driver(), Duration.ofSeconds(20)).until(d -> !d.findElements(By.name("choice")).isEmpty());
        choices = other.driver().findElements(By.cssSelector("button[name=choice]:not([value=none])"));
        assertEquals(shown, choices.stream().map(b -> b.getAttribute("value")).toList(),
                "D5: the same six choices on every rendering (redrawn ones would give the code away)");
        assertTrue(choices.stream().anyMatch(b -> code.equals(b.getAttribute("value"))), "the right code is among them");
        choices.stream().filter(b -> !code.equals(b.getAttribute("value"))).findFirst().orElseThrow().click();
        new WebDriverWait(other.driver(), Duration.ofSeconds(20)).until(d -> !d.findElements(By.id("ml-reason-refused")).isEmpty());
        checkPage(other.driver(), "magic-link-6-refused");

        // the asking tab is told, and is not signed in
        new WebDriverWait(asking.driver(), Duration.ofSeconds(20)).until(d -> d.findElement(By.id("ml-refused")).isDisplayed());
        assertFalse(asking.driver().getCurrentUrl().startsWith(oauth.getRedirectUri()), "the wrong pick signed nobody in");
        assertTrue(realm.admin().users().get(user.getId()).getUserSessions().isEmpty());

        // a new link, the right code: the waiting tab continues on its own
        asking.driver().findElement(By.id("ml-resend")).click();
        // the waiting page reloads itself: read the code once it stands still
        String newCode = new WebDriverWait(asking.driver(), Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> {
                    String text = d.findElements(By.id("ml-code")).isEmpty() ? "" : d.findElement(By.id("ml-code")).getText().trim();
                    return text.matches("[0-9]{2}") ? text : null;
                });
        String newLink = MagicLinkSteps.linkFromMail(mail, 2, user.getEmail());
        other.open(newLink);
        new WebDriverWait(other.driver(), Duration.ofSeconds(20)).until(d -> !d.findElements(By.name("choice")).isEmpty());
        other.driver().findElement(By.cssSelector("button[name=choice][value='" + newCode + "']")).click();
        new WebDriverWait(other.driver(), Duration.ofSeconds(20)).until(d -> !d.findElements(By.id("ml-approved")).isEmpty());
        checkPage(other.driver(), "magic-link-5-approved-elsewhere");

        long approvedAt = System.nanoTime();
        new WebDriverWait(asking.driver(), Duration.ofSeconds(15)).until(d -> d.getCurrentUrl().startsWith(oauth.getRedirectUri()));
        System.out.printf("waiting tab continued %d ms after the approval%n", (System.nanoTime() - approvedAt) / 1_000_000);
        String authCode = OidcClient.query(asking.driver().getCurrentUrl(), "code");
        AccessTokenResponse tokens = oauth.accessTokenRequest(authCode).codeVerifier(pkce).send();
        assertEquals(200, tokens.getStatusCode());
        assertEquals(user.getId(), oauth.verifyIDToken(tokens.getIdToken()).getSubject());
    }

    @Test
    public void sameBrowserShowsAConfirmButtonThenContinuesAndAUsedLinkSaysSo() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "samebrowser", true);
        PkceGenerator pkce = PkceGenerator.s256();
        requestLink(asking.driver(), pkce, user.getEmail(), null);
        String link = MagicLinkSteps.linkFromMail(mail, 1, user.getEmail());
        asking.open(link);
        new WebDriverWait(asking.driver(), Duration.ofSeconds(20)).until(d -> !d.findElements(By.id("ml-confirm")).isEmpty());
        checkPage(asking.driver(), "magic-link-3-confirm");
        asking.driver().findElement(By.id("ml-confirm")).click();
        new WebDriverWait(asking.driver(), Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().startsWith(oauth.getRedirectUri()));
        assertTrue(OidcClient.query(asking.driver().getCurrentUrl(), "code") != null);

        asking.open(link);
        new WebDriverWait(asking.driver(), Duration.ofSeconds(20)).until(d -> !d.findElements(By.id("ml-reason-used")).isEmpty());
        checkPage(asking.driver(), "magic-link-7-used-or-expired");
    }

    /**
     * #13, a person at a real browser: the mail is read elsewhere, its code is typed into the waiting page (the
     * field's keyboard is numeric, autocomplete one-time-code) and that browser signs in.
     */
    @Test
    public void aPersonTypesTheCodeFromTheMailIntoTheWaitingPage() throws Exception {
        UserRepresentation user = MagicRealm.newUser(realm, "typed", true);
        PkceGenerator pkce = PkceGenerator.s256();
        requestLink(asking.driver(), pkce, user.getEmail(), null);
        assertTrue(mail.waitForIncomingEmail(15000, 1));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("sign-in page:\\s*([0-9]{6})")
                .matcher(MagicLinkSteps.text(mail.getReceivedMessages()[0]));
        assertTrue(m.find(), "the mail carries the code");
        WebElement field = asking.driver().findElement(By.id("emailCode"));
        assertEquals("numeric", field.getAttribute("inputmode"));
        field.sendKeys(m.group(1));
        asking.driver().findElement(By.id("ml-code-submit")).click();
        new WebDriverWait(asking.driver(), Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().startsWith(oauth.getRedirectUri()));
        String authCode = OidcClient.query(asking.driver().getCurrentUrl(), "code");
        AccessTokenResponse tokens = oauth.accessTokenRequest(authCode).codeVerifier(pkce).send();
        assertEquals(user.getId(), oauth.verifyIDToken(tokens.getIdToken()).getSubject());
    }

    /** Accessibility basics and a phone-width layout, then a screenshot for the README. */
    private void checkPage(WebDriver browser, String name) throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        Object unlabelled = js.executeScript(
                "return Array.from(document.querySelectorAll('input:not([type=hidden])'))"
                        + ".filter(i => !(i.labels && i.labels.length) && !i.getAttribute('aria-label')).length;");
        assertEquals(0L, unlabelled, name + ": every input has a label");
        Object nameless = js.executeScript(
                "return Array.from(document.querySelectorAll('button')).filter(b => !(b.innerText || '').trim() && !b.getAttribute('aria-label')).length;");
        assertEquals(0L, nameless, name + ": every button has an accessible name");
        Dimension original = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(390, 844));
        Object overflow = js.executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
        assertTrue(((Number) overflow).intValue() <= 0, name + ": fits a 390 px wide phone screen");
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(original);
    }
}
