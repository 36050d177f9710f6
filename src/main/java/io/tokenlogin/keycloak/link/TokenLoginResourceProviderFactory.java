package io.tokenlogin.keycloak.link;

import io.tokenlogin.keycloak.delivery.DeliveryPools;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Mounts {@code /realms/{realm}/token-login}. */
public class TokenLoginResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "token-login";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new TokenLoginResource(session);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Sizes the delivery pools: {@code --spi-realm-restapi-extension--token-login--webhook-threads=16} and so on. */
    @Override
    public void init(Config.Scope config) {
        DeliveryPools.Sizes d = DeliveryPools.Sizes.DEFAULT;
        DeliveryPools.start(new DeliveryPools.Sizes(
                config.getInt("mail-threads", d.mailThreads()), config.getInt("mail-queue", d.mailQueue()),
                config.getInt("webhook-threads", d.webhookThreads()), config.getInt("webhook-queue", d.webhookQueue()),
                config.getInt("webhook-per-target", d.perTarget())));
    }

    /** Every node drives the webhook outbox: due rows each second, old rows cleaned every ten minutes. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong();
        DeliveryPools.every(1, () -> {
            long tick = ticks.incrementAndGet();
            io.tokenlogin.keycloak.webhook.outbox.WebhookOutbox.tick(factory, tick % 600 == 0, tick % 15 == 1);
        });
    }

    @Override
    public void close() {
        DeliveryPools.stop();
    }
}
