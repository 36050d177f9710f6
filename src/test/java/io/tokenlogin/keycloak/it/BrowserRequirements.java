package io.tokenlogin.keycloak.it;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Browser tests fail loudly, never skip, when Debian's chromium and chromium-driver are missing. */
final class BrowserRequirements {

    private BrowserRequirements() {
    }

    static void assertChromium() {
        String driver = System.getenv().getOrDefault("KC_TEST_BROWSER_DRIVER", "/usr/bin/chromedriver");
        assertTrue(Files.isExecutable(Path.of(driver)),
                "chromium-driver is missing at " + driver + ": run `apt-get install -y chromium chromium-driver` (scripts/test.sh does)");
        assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")),
                "chromium is missing: run `apt-get install -y chromium chromium-driver` (scripts/test.sh does)");
    }
}
