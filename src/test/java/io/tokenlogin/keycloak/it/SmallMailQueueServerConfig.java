package io.tokenlogin.keycloak.it;

import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

/** The same server with one mail thread and one webhook thread, each with a queue of one, so that a test can fill them. */
public class SmallMailQueueServerConfig extends TokenLoginServerConfig {

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return super.configure(config)
                .option("spi-realm-restapi-extension--token-login--mail-threads", "1")
                .option("spi-realm-restapi-extension--token-login--mail-queue", "1")
                .option("spi-realm-restapi-extension--token-login--webhook-threads", "1")
                .option("spi-realm-restapi-extension--token-login--webhook-queue", "1");
    }
}
