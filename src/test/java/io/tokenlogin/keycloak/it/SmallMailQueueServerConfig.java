package io.tokenlogin.keycloak.it;

import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

/** The same server with one mail thread and a mail queue of one, so that a test can fill the queue. */
public class SmallMailQueueServerConfig extends TokenLoginServerConfig {

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return super.configure(config)
                .option("spi-realm-restapi-extension--token-login--mail-threads", "1")
                .option("spi-realm-restapi-extension--token-login--mail-queue", "1");
    }
}
