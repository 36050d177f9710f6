package io.tokenlogin.keycloak.webhook.outbox;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

import java.util.List;

/** Registers the outbox entity and its Liquibase changelog with Keycloak's JPA store. */
public class OutboxEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {

    static final String ID = "token-login-outbox";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(WebhookOutboxEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/token-login-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return ID;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
