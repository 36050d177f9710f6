package io.tokenlogin.keycloak.webhook;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One attempt of a signed webhook (the outbox drives the attempts): the target checked and pinned, a deadline, the
 * same {@code x-webhook-id} every time, so receivers can drop duplicates. The outbox retries with backoff
 * ({@link #BACKOFF_SECONDS}); a 2xx ends it, and so does a 4xx other than 408/429 (the receiver refuses it for good).
 */
public final class WebhookDelivery {

    /** Waits before the retries: about 19 minutes in all, so a receiver that is down for a while still gets it. */
    public static final int[] BACKOFF_SECONDS = {1, 2, 4, 8, 15, 30, 60, 120, 300, 600};
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

    /** A status meaning the target was refused by the guard (never retried). */
    public static final int REFUSED_TARGET = -2;

    /** One attempt: checks and pins the target, posts; the HTTP status, -1 on no answer, {@link #REFUSED_TARGET}. */
    public static int attemptOnce(Webhook webhook) {
        TargetGuard.Plan plan = TargetGuard.plan(webhook.url(), webhook.allowPrivate(), TargetGuard.SYSTEM);
        if (plan.refusal() != null) {
            LOG.warnf("Webhook %s not sent: %s", webhook.id(), plan.refusal());
            return REFUSED_TARGET;
        }
        return post(plan.target(), webhook);
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
