package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real browser (headless Chromium): the partner link signs the user in, the account console (the demo partners'
 * landing app, a real OIDC client) opens without a prompt and shows the user's name and email.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class AccountConsoleBrowserIT {

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    @InjectWebDriver
    ManagedWebDriver browser;

    @BeforeAll
    public static void chromiumIsInstalled() {
        BrowserRequirements.assertChromium();
    }

    @Test
    public void partnerLinkOpensTheAccountConsoleShowingTheUsersNameAndEmail() throws IOException {
        String uuid = UUID.randomUUID().toString();
        String email = "ada-" + uuid.substring(0, 8) + "@example.com";
        String intended = realm.getBaseUrl() + "/account/";
        String token = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid(uuid).email(email)
                .claim("given_name", "Ada").claim("family_name", "Lovelace").acceptTermsAndPolicies(true)
                .intendedUrl(intended).sign();

        browser.open(realm.getBaseUrl() + "/token-login/login/" + token);

        WebDriverWait wait = new WebDriverWait(browser.driver(), Duration.ofSeconds(30));
        wait.until(d -> d.getCurrentUrl().startsWith(intended) && d.findElements(By.id("email")).stream()
                .anyMatch(e -> email.equals(e.getAttribute("value"))));
        assertTrue(browser.driver().getCurrentUrl().startsWith(intended), browser.driver().getCurrentUrl());
        assertEquals(email, browser.findElement(By.id("email")).getAttribute("value"));
        assertEquals("Ada", browser.findElement(By.id("firstName")).getAttribute("value"));
        assertEquals("Lovelace", browser.findElement(By.id("lastName")).getAttribute("value"));
        assertTrue(browser.driver().findElements(By.id("password")).isEmpty(), "no login form on the way");
        screenshot("partner-link-account-console.png");
    }

    private void screenshot(String name) throws IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), ((TakesScreenshot) browser.driver()).getScreenshotAs(OutputType.BYTES));
    }
}
