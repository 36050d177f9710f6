package io.tokenlogin.keycloak.it;

import org.keycloak.testframework.server.KeycloakServerConfig;
import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One server for every integration test (the framework reuses a server across classes with the same config class):
 * Keycloak 26.7.3 with the real shaded JAR (installed under a second artifactId in pre-integration-test) and a
 * file vault holding one partner secret.
 */
public class TokenLoginServerConfig implements KeycloakServerConfig {

    public static final String VAULT_KEY = "vaulted-partner-secret";
    public static final String VAULTED_SECRET = "vault-held-secret-for-the-integration-tests-0123456789";
    /** A rotating partner's previous secret: Keycloak shows a custom field in clear, so it must come from the vault. */
    public static final String PREVIOUS_KEY = "rotating-previous-secret";
    public static final String PREVIOUS_SECRET = "rotating-partner-old-secret-0123456789abcdef";
    public static final String SHORT_KEY = "too-short-secret";

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        // the framework's run-on-server and time-offset endpoints on every test server, so one server serves every class
        return config.dependency("io.tokenlogin", "keycloak-token-login-deployable")
                .dependency("org.keycloak.testframework", "keycloak-test-framework-remote-providers")
                .option("metrics-enabled", "true")
                .option("vault", "file")
                .option("vault-dir", vaultDir().toString());
    }

    private static Path vaultDir() {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "token-login-it-vault");
            Files.createDirectories(dir);
            // file vault naming: <realm>_<key>, underscores in either doubled
            Files.writeString(dir.resolve(Demo.REALM + "_" + VAULT_KEY), VAULTED_SECRET, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(Demo.REALM + "_" + PREVIOUS_KEY.replace("_", "__")), PREVIOUS_SECRET, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(Demo.REALM + "_" + SHORT_KEY), "only-20-bytes-long!!", StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
