package io.tokenlogin.keycloak.it;

import io.tokenlogin.keycloak.signer.PartnerTokenSigner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.config.Config;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an admin does in Keycloak's own admin console (headless Chromium): adds a partner of type
 * {@code token-login-partner}, is told that a short secret is refused, fixes it, sees the partner's first user
 * under the user's <em>Identity provider links</em>, disables the partner (its next link is refused) and finds the
 * secret masked when reopening the provider. Takes the screenshots under {@code docs/admin-console/}.
 *
 * <p>Selectors come from the admin console's source (js/apps/admin-ui and js/libs/ui-shared in keycloak/keycloak):
 * form controls are {@code id = data-testid = field name} ({@code alias}, {@code config.clientId},
 * {@code config.clientSecret}, {@code config.<key>} for the provider's own properties), the Add button is
 * {@code data-testid=createProvider}, alerts are PatternFly toasts, the confirm dialog's button is
 * {@code #modal-confirm}.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class PartnerAdminConsoleBrowserIT {

    private static final String PROVIDER_ID = "token-login-partner";
    private static final String ALIAS = "console-partner";
    private static final String ISSUER = "console-issuer";
    private static final String SHORT_SECRET = "too-short";
    private static final String SECRET = "console-partner-shared-secret-0123456789abcdef";
    private static final String LANDING_CLIENT = "account-console";
    /** What Keycloak's admin API (and so the console) shows in place of a stored secret. */
    private static final String MASK = "**********";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    @InjectKeycloakUrls
    KeycloakUrls keycloakUrls;

    @InjectWebDriver
    ManagedWebDriver browser;

    @BeforeAll
    public static void chromiumIsInstalled() {
        BrowserRequirements.assertChromium();
    }

    @Test
    public void adminAddsAPartnerInTheConsoleSeesItsUsersLinkDisablesItAndFindsTheSecretMasked() throws IOException {
        removeProviderAndItsUsers(realm.admin());
        realm.cleanup().add(PartnerAdminConsoleBrowserIT::removeProviderAndItsUsers);
        WebDriver driver = browser.driver();
        driver.manage().window().setSize(new Dimension(1400, 1000));

        // 1. the master realm's admin signs in to the admin console and opens "Add Partner token (HS256)"
        logIntoAdminConsole();
        openInConsole("/identity-providers/" + PROVIDER_ID + "/add");
        WebElement alias = waitFor(byId("alias"));
        waitFor(byId("config.clientId"));
        waitFor(byId("config.clientSecret"));
        waitFor(By.cssSelector("[id='config.landingClient'] input"));

        // 2. a secret shorter than 32 bytes is refused on save, in a red alert
        replaceText(alias, ALIAS);
        replaceText(waitFor(byId("config.clientId")), ISSUER);
        replaceText(waitFor(byId("config.clientSecret")), SHORT_SECRET);
        pickLandingClient(LANDING_CLIENT);
        clickAdd();
        WebElement refused = waitForAlert("at least 32 bytes");
        String refusal = refused.getText();
        assertTrue(String.valueOf(refused.getDomAttribute("class")).contains("danger"), "a danger (red) alert: " + refusal);
        screenshot("partner-2-short-secret-refused.png");
        assertTrue(realm.admin().identityProviders().findAll().stream().noneMatch(p -> ALIAS.equals(p.getAlias())),
                "nothing was created: " + refusal);

        // 3. a 32+ byte secret: the provider is created and the console moves on to its settings page
        replaceText(waitFor(byId("config.clientSecret")), SECRET);
        clickAdd();
        String settingsPath = "/identity-providers/" + PROVIDER_ID + "/" + ALIAS + "/settings";
        await().until(d -> d.getCurrentUrl().contains(settingsPath));
        waitFor(byId("config.clientSecret"));
        IdentityProviderRepresentation created = realm.admin().identityProviders().get(ALIAS).toRepresentation();
        assertEquals(PROVIDER_ID, created.getProviderId());
        assertTrue(created.isEnabled(), "a new provider is enabled");
        assertEquals(ISSUER, created.getConfig().get("clientId"));
        assertEquals(LANDING_CLIENT, created.getConfig().get("landingClient"), "the picker stores the client's clientId");
        assertEquals("flat", created.getConfig().get("tokenShape"), "the token shape's default");
        assertTrue(created.isHideOnLogin(), "never a button on the login page");
        assertEquals("NEVER", created.getConfig().get("showInAccountConsole"), "hidden in the account console by default");
        screenshot("partner-3-provider-created.png");

        // 4. the partner's link signs a new user in, linked to the provider; the console shows the link
        String externalId = Long.toString(100000 + new SecureRandom().nextInt(800000));
        PartnerTokenSigner partner = new PartnerTokenSigner(ISSUER, SECRET);
        Browserless linkBrowser = new Browserless();
        HttpResponse<String> signedIn = linkBrowser.get(link(partner.generateSignInToken(Long.parseLong(externalId), 60)));
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        assertTrue(linkBrowser.hasCookie("KEYCLOAK_IDENTITY"), "an SSO session was opened");

        List<UserRepresentation> linked = usersLinkedTo(realm.admin(), externalId);
        assertEquals(1, linked.size(), "one user linked to " + ALIAS + " as " + externalId);
        String userId = linked.get(0).getId();
        List<FederatedIdentityRepresentation> identities = realm.admin().users().get(userId).getFederatedIdentity();
        assertTrue(identities.stream().anyMatch(i -> ALIAS.equals(i.getIdentityProvider()) && externalId.equals(i.getUserId())),
                "federated identity " + ALIAS + "/" + externalId + " in " + describe(identities));

        openInConsole("/users/" + userId + "/identity-provider-links");
        String linksPanel = await().until(d -> {
            String text = linkedIdpsText(d);
            return text.contains(externalId) && text.toLowerCase(Locale.ROOT).contains(ALIAS) ? text : null;
        });
        assertTrue(linksPanel.toLowerCase(Locale.ROOT).contains(ALIAS), linksPanel);
        assertTrue(linksPanel.contains(externalId), linksPanel);
        screenshot("partner-4-user-identity-provider-links.png");

        // 5. the admin disables the provider in its header (and confirms): its next link is refused
        openInConsole(settingsPath);
        waitFor(byId("config.clientSecret"));
        WebElement enabled = headerSwitch();
        assertTrue(enabled.isSelected(), "the provider's header switch shows it enabled");
        toggle(enabled);
        clickWhenReady(By.id("modal-confirm"));
        await().until(d -> !realm.admin().identityProviders().get(ALIAS).toRepresentation().isEnabled());

        String otherExternalId = Long.toString(Long.parseLong(externalId) + 1);
        Browserless refusedBrowser = new Browserless();
        HttpResponse<String> disabled = refusedBrowser.get(link(partner.generateSignInToken(Long.parseLong(otherExternalId), 60)));
        assertNotEquals(303, disabled.statusCode(), "a disabled partner's link must not sign anyone in: " + disabled.body());
        assertFalse(refusedBrowser.hasCookie("KEYCLOAK_IDENTITY"), "no SSO session for a disabled partner");
        assertTrue(usersLinkedTo(realm.admin(), otherExternalId).isEmpty(), "no user created through a disabled partner");

        // 6. reopening the provider: the secret is masked, the header says disabled
        openInConsole("/identity-providers");
        await().until(d -> d.getCurrentUrl().endsWith("/identity-providers")
                && d.findElements(byId("config.clientSecret")).isEmpty());
        openInConsole(settingsPath);
        WebElement secret = await().until(d -> d.findElements(byId("config.clientSecret")).stream()
                .filter(e -> MASK.equals(e.getDomProperty("value"))).findFirst().orElse(null));
        assertEquals(MASK, secret.getDomProperty("value"), "the stored secret is never sent back to the console");
        assertEquals("password", secret.getDomAttribute("type"), "and the field stays a password field");
        assertFalse(headerSwitch().isSelected(), "the provider's header switch shows it disabled");
        scrollIntoView(secret);
        screenshot("partner-6-secret-masked.png");
    }

    // ---- admin console ------------------------------------------------------------------------------------------

    /** {@code http://localhost:8080/admin/master/console/} (the master realm's admin console). */
    private String consoleRoot() {
        return keycloakUrls.getAdmin() + "/master/console/";
    }

    /** A route of the console (a hash route) in the demo realm, e.g. {@code /identity-providers}. */
    private String console(String route) {
        return consoleRoot() + "#/" + realm.getName() + route;
    }

    private String link(String token) {
        return realm.getBaseUrl() + "/token-login/login/" + token;
    }

    /** Signs in as the test server's bootstrap admin (the framework starts Keycloak with it), unless already in. */
    private void logIntoAdminConsole() {
        browser.open(consoleRoot());
        WebDriver driver = browser.driver();
        // a Boolean result would make the wait go on until TRUE: answer with a word instead
        String page = await().until(d -> !d.findElements(By.id("username")).isEmpty() ? "login"
                : consoleLoaded(d) ? "console" : null);
        if (page.equals("login")) {
            driver.findElement(By.id("username")).sendKeys(Config.getAdminUsername());
            driver.findElement(By.id("password")).sendKeys(Config.getAdminPassword());
            driver.findElement(By.cssSelector("[type=submit]")).click();
            await().until(this::consoleLoaded);
        }
    }

    private boolean consoleLoaded(WebDriver d) {
        return d.getCurrentUrl().startsWith(consoleRoot()) && d.findElements(By.id("username")).isEmpty()
                && !d.findElements(By.cssSelector("[class*='c-masthead'], [class*='c-page__sidebar']")).isEmpty();
    }

    /** The "Client" typeahead that DynamicComponents renders for a ClientList property. */
    private void pickLandingClient(String clientId) {
        WebElement input = waitFor(By.cssSelector("[id='config.landingClient'] input"));
        scrollIntoView(input);
        input.click();
        input.sendKeys(clientId);
        clickWhenReady(By.xpath("//*[@role='option'][normalize-space(.)='" + clientId + "']"));
        await().until(d -> clientId.equals(
                d.findElement(By.cssSelector("[id='config.landingClient'] input")).getDomProperty("value")));
    }

    /** The form's Add button, enabled once the required fields (alias, client id, client secret) are filled. */
    /**
     * Opens a console route of the test realm. The console keeps the realm it started in across hash changes, so the
     * page is reloaded once the route is set (an admin following a bookmark gets the same).
     */
    private void openInConsole(String route) {
        browser.open(console(route));
        browser.driver().navigate().refresh();
    }

    private void clickAdd() {
        clickWhenReady(By.cssSelector("[data-testid='createProvider']"));
    }

    /** Clicks the first visible, enabled match once nothing (a fading-in dialog, a toast) is in the way. */
    private void clickWhenReady(By by) {
        await().ignoring(ElementClickInterceptedException.class).ignoring(ElementNotInteractableException.class)
                .until(d -> {
                    WebElement target = d.findElements(by).stream()
                            .filter(e -> e.isDisplayed() && e.isEnabled()).findFirst().orElse(null);
                    if (target == null) {
                        return null;
                    }
                    scrollIntoView(target);
                    target.click();
                    return Boolean.TRUE;
                });
    }

    /** The visible toast (PatternFly alert) whose text contains {@code text}. */
    private WebElement waitForAlert(String text) throws IOException {
        By alerts = By.xpath("//*[@data-testid='last-alert'] | //*[contains(@class, 'c-alert')"
                + " and not(contains(@class, 'c-alert__')) and not(contains(@class, 'c-alert-group'))]");
        try {
            return await().until(d -> d.findElements(alerts).stream()
                    .filter(e -> e.getText().contains(text)).findFirst().orElse(null));
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("failed-alert.png");
            ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("window.scrollTo(0,0); document.querySelectorAll('main, .pf-v5-c-page__main, [class*=c-page__main]').forEach(e => e.scrollTop = 0);");
            screenshot("failed-alert-top.png");
            List<String> errors = browser.driver().findElements(By.cssSelector("[class*='m-error'], [class*='helper-text']")).stream().map(WebElement::getText).filter(t -> !t.isBlank()).toList();
            System.out.println("FORM ERRORS: " + errors);
            List<String> shown = browser.driver().findElements(alerts).stream().map(WebElement::getText).toList();
            throw new AssertionError("no alert containing '" + text + "'; alerts shown: " + shown + " at " + browser.driver().getCurrentUrl(), e);
        }
    }

    /** The Enabled switch in the provider page's header (ViewHeader: a PatternFly switch next to the h1). */
    private WebElement headerSwitch() {
        return await().until(d -> {
            List<WebElement> inHeader = d.findElements(By.xpath("//*[@data-testid='view-header']"
                    + "/ancestor::section[1]//input[@type='checkbox']"));
            if (!inHeader.isEmpty()) {
                return inHeader.get(0);
            }
            List<WebElement> bySuffix = d.findElements(By.cssSelector("input[type=checkbox][id$='-switch']"));
            return bySuffix.isEmpty() ? null : bySuffix.get(0);
        });
    }

    /** PatternFly hides the checkbox itself: click its label, as a user does; failing that, the checkbox by script. */
    private void toggle(WebElement checkbox) {
        boolean before = checkbox.isSelected();
        List<WebElement> label = checkbox.findElements(By.xpath("./ancestor::label[1]"));
        try {
            scrollIntoView(label.get(0));
            label.get(0).click();
        } catch (WebDriverException | IndexOutOfBoundsException notClickable) {
            js().executeScript("arguments[0].click();", checkbox);
        }
        boolean dialogOrToggled = await().until(d ->
                !d.findElements(By.id("modal-confirm")).isEmpty() || checkbox.isSelected() != before);
        assertTrue(dialogOrToggled);
    }

    /** Text of the "Linked identity providers" panel of the user's Identity provider links tab. */
    private static String linkedIdpsText(WebDriver d) {
        List<WebElement> panel = d.findElements(By.cssSelector(".kc-linked-idps"));
        return panel.isEmpty() ? "" : panel.get(0).getText();
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------

    private static List<UserRepresentation> usersLinkedTo(RealmResource admin, String externalId) {
        return admin.users().search(null, null, null, null, null, ALIAS, externalId, 0, 10, null, true);
    }

    private static void removeProviderAndItsUsers(RealmResource admin) {
        Optional<IdentityProviderRepresentation> provider = admin.identityProviders().findAll().stream()
                .filter(p -> ALIAS.equals(p.getAlias())).findFirst();
        if (provider.isEmpty()) {
            return;
        }
        admin.users().search(null, null, null, null, null, ALIAS, null, 0, 100, null, true)
                .forEach(u -> admin.users().delete(u.getId()).close());
        admin.identityProviders().get(ALIAS).remove();
    }

    private static String describe(List<FederatedIdentityRepresentation> identities) {
        return identities.stream().map(i -> i.getIdentityProvider() + "/" + i.getUserId()).toList().toString();
    }

    /** An explicit wait of {@link #WAIT} that retries when React re-rendered an element under it. */
    private WebDriverWait await() {
        WebDriverWait wait = new WebDriverWait(browser.driver(), WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private WebElement waitFor(By by) {
        return await().until(d -> d.findElements(by).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    /** Ids with dots ({@code config.clientId}) as an attribute selector, which needs no CSS escaping. */
    private static By byId(String id) {
        return By.cssSelector("[id='" + id + "']");
    }

    /**
     * Replaces a React-controlled input's value the way typing does (select all, type over it, so the field is never
     * empty in between: an empty alias would be refilled with the provider id). Falls back to React's own value
     * setter plus an input event.
     */
    private void replaceText(WebElement input, String text) {
        scrollIntoView(input);
        input.click();
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"));
        input.sendKeys(text);
        if (!text.equals(input.getDomProperty("value"))) {
            js().executeScript("const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;"
                    + "set.call(arguments[0], arguments[1]);"
                    + "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", input, text);
        }
        await().until(d -> text.equals(input.getDomProperty("value")));
    }

    private void scrollIntoView(WebElement element) {
        js().executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) browser.driver();
    }

    private void screenshot(String name) throws IOException {
        Path dir = Path.of("docs", "admin-console");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), ((TakesScreenshot) browser.driver()).getScreenshotAs(OutputType.BYTES));
    }
}
