package io.tokenlogin.keycloak.webhook;

import org.jboss.logging.Logger;
import io.tokenlogin.keycloak.delivery.DeliveryPools;
import org.keycloak.models.KeycloakSession;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Sends one signed webhook off the request that caused it: a short timeout per attempt and bounded retries with
 * exponential backoff ({@link #BACKOFF_SECONDS}); every attempt carries the same {@code x-webhook-id}, so receivers
 * can drop duplicates. A 2xx ends it; so does a 4xx other than 408/429 (the receiver refuses it for good).
 */
public final class WebhookDelivery {

    public static final int[] BACKOFF_SECONDS = {1, 2, 4, 8};
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(WebhookDelivery.class);

    /** What goes out: the exact body bytes and their signature. */
    public record Webhook(String url, byte[] body, WebhookKeys.Signed signature, String id, boolean allowPrivate) {
        public static Webhook of(String url, byte[] body, WebhookKeys.Signed signature, boolean allowPrivate) {
            return new Webhook(url, body, signature, UUID.randomUUID().toString(), allowPrivate);
        }
    }

    private WebhookDelivery() {
    }

    public static void sendLater(KeycloakSession session, Webhook webhook) {
        // only once the confirmation's new status is committed; then on the webhook pool, never in the request
        io.tokenlogin.keycloak.tx.AfterCommit.run(session, () -> attempt(webhook, 0));
    }

    /** Schedules attempt {@code n} (0 = now); retries are timers, not sleeping workers. */
    static void attempt(Webhook webhook, int n) {
        long delay = n == 0 ? 0 : BACKOFF_SECONDS[n - 1];
        if (!DeliveryPools.schedule(hostOf(webhook.url()), delay, () -> once(webhook, n))) {
            LOG.warnf("Webhook %s not queued: the webhook queue is full", webhook.id());
        }
    }

    private static void once(Webhook webhook, int n) {
        TargetGuard.Plan plan = TargetGuard.plan(webhook.url(), webhook.allowPrivate(), TargetGuard.SYSTEM);
        if (plan.refusal() != null) {
            LOG.warnf("Webhook %s not sent: %s", webhook.id(), plan.refusal());
            return;
        }
        int status = post(plan.target(), webhook);
        if (status >= 200 && status < 300) {
            LOG.debugf("Webhook %s delivered after %d attempt(s)", webhook.id(), n + 1);
            return;
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            LOG.warnf("Webhook %s refused by the receiver with %d; not retried", webhook.id(), status);
            return;
        }
        if (n < BACKOFF_SECONDS.length) {
            attempt(webhook, n + 1);
        } else {
            LOG.warnf("Webhook %s not delivered after %d attempts", webhook.id(), BACKOFF_SECONDS.length + 1);
        }
    }

    private static String hostOf(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            return uri.getHost() == null ? url : uri.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    /** One attempt to the checked address, bounded by {@link #TIMEOUT} from connect to the status line. */
    static int post(TargetGuard.Target target, Webhook webhook) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("x-signature", webhook.signature().signature());
        headers.put("x-signature-key-id", webhook.signature().keyId());
        headers.put("x-webhook-id", webhook.id());
        return PinnedHttp.post(target, headers, webhook.body(), TIMEOUT);
    }

}
