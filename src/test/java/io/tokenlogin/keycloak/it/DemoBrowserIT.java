package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #12: the demo realm driven in a real browser exactly as the README's demo tells a person: each printed link (the
 * flat path link of "Ruby Backend" valid for a day, the nested Publica.la query link valid for an hour) and Alice's
 * password end signed in on the account console — not on "Something went wrong" — showing the user; the partner's
 * {@code picture_url} is the account console's avatar.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class DemoBrowserIT {

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    @InjectWebDriver
    ManagedWebDriver browser;

    @BeforeAll
    public static void chromiumIsInstalled() {
        BrowserRequirements.assertChromium();
    }

    private void forgetKeycloak() {
        browser.driver().navigate().to(realm.getBaseUrl() + "/protocol/openid-connect/certs");
        browser.driver().manage().deleteAllCookies();
    }

    /** The account console loaded its personal-info form for this email (the account API answered, no error page). */
    private void assertAccountConsoleShows(String email) {
        WebDriver d = browser.driver();
        new WebDriverWait(d, Duration.ofSeconds(40)).until(x -> x.getCurrentUrl().startsWith(realm.getBaseUrl() + "/account")
                && (x.findElements(By.id("email")).stream().anyMatch(e -> email.equals(e.getAttribute("value")))
                    || x.getPageSource().contains("Something went wrong")));
        assertFalse(d.getPageSource().contains("Something went wrong"), "the account console works: " + d.getCurrentUrl());
        assertEquals(email, d.findElement(By.id("email")).getAttribute("value"));
    }

    @Test
    public void theFlatPathLinkAsPrintedOpensTheAccountConsole() {
        forgetKeycloak();
        // as scripts/demo.sh prints it: sign --issuer "Ruby Backend" --user 1234 --numeric-user --ttl 86400
        String id = Integer.toString(1000 + new java.util.Random().nextInt(1_000_000));
        String link = realm.getBaseUrl() + "/token-login/login/" + Demo.flat().generateSignInToken(Long.valueOf(id), 86400);
        browser.driver().navigate().to(link);
        String username = "ruby-backend." + id;
        new WebDriverWait(browser.driver(), Duration.ofSeconds(40)).until(d -> d.getCurrentUrl().startsWith(realm.getBaseUrl() + "/account")
                && !d.findElements(By.id("username")).isEmpty() || d.getPageSource().contains("Something went wrong"));
        assertFalse(browser.driver().getPageSource().contains("Something went wrong"), "the account console works");
        assertEquals(username, browser.driver().findElement(By.id("username")).getAttribute("value"));
    }

    @Test
    public void theNestedQueryLinkAsPrintedOpensTheAccountConsoleWithThePartnersPicture() {
        forgetKeycloak();
        String uuid = UUID.randomUUID().toString();
        String email = "reader-" + uuid.substring(0, 8) + "@example.com";
        String picture = "https://cdn.publica.la/avatars/" + uuid.substring(0, 8) + ".png";
        // as scripts/demo.sh prints it: --nested --audience farfalla --accept-terms --ttl 3600 --query-form --intended-url …/account/
        String token = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid(uuid).email(email)
                .acceptTermsAndPolicies(true).pictureUrl(picture).intendedUrl(realm.getBaseUrl() + "/account/").ttlSeconds(3600).sign();
        browser.driver().navigate().to(realm.getBaseUrl() + "/token-login/login?external-auth-token=" + token);
        assertAccountConsoleShows(email);
        WebElement avatar = new WebDriverWait(browser.driver(), Duration.ofSeconds(20))
                .until(d -> d.findElements(By.cssSelector("img")).stream().filter(i -> picture.equals(i.getAttribute("src"))).findFirst().orElse(null));
        assertTrue(avatar.isDisplayed(), "the partner's picture is the account console's avatar");
    }

    @Test
    public void alicesPasswordOpensTheAccountConsole() {
        forgetKeycloak();
        browser.driver().navigate().to(realm.getBaseUrl() + "/account/");
        WebDriverWait wait = new WebDriverWait(browser.driver(), Duration.ofSeconds(40));
        wait.until(d -> d.findElement(By.id("username"))).sendKeys("alice");
        browser.driver().findElement(By.id("password")).sendKeys("alice");
        browser.driver().findElement(By.id("kc-login")).click();
        assertAccountConsoleShows("alice@example.com");
    }
}
