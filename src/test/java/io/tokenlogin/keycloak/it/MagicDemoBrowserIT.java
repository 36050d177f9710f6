package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * #12: the magic-link demo exactly as the README tells a person: open the magic realm's account console, enter
 * {@code bob@example.com}, open the mailed link in the same browser, confirm — and the account console shows Bob,
 * signed in (no "Something went wrong").
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class MagicDemoBrowserIT {

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    @InjectWebDriver
    ManagedWebDriver browser;

    @BeforeAll
    public static void chromiumIsInstalled() {
        BrowserRequirements.assertChromium();
    }

    @Test
    public void bobSignsInToTheAccountConsoleWithTheMailedLink() throws Exception {
        WebDriver d = browser.driver();
        d.navigate().to(realm.getBaseUrl() + "/protocol/openid-connect/certs");
        d.manage().deleteAllCookies();
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "0");
        MagicRealm.configure(realm, "magic-link", "maxEmailsPerIpPerHour", "10000"); // other classes share this address
        int before = mail.getReceivedMessages().length;
        d.navigate().to(realm.getBaseUrl() + "/account/");
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(40));
        wait.until(x -> x.findElement(By.id("email"))).sendKeys("bob@example.com");
        d.findElement(By.id("kc-send")).click();
        wait.until(x -> !x.findElements(By.id("ml-code")).isEmpty());
        String link = MagicLinkSteps.linkFromMail(mail, before + 1, "bob@example.com");
        d.navigate().to(link);
        wait.until(x -> x.findElement(By.id("ml-confirm"))).click();
        wait.until(x -> x.getCurrentUrl().startsWith(realm.getBaseUrl() + "/account")
                && (x.findElements(By.id("email")).stream().anyMatch(e -> "bob@example.com".equals(e.getAttribute("value")))
                    || x.getPageSource().contains("Something went wrong")));
        assertFalse(d.getPageSource().contains("Something went wrong"), "the account console works");
        assertEquals("bob@example.com", d.findElement(By.id("email")).getAttribute("value"));
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "60");
    }
}
