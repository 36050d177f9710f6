package io.tokenlogin.keycloak.webhook;

import org.jboss.logging.Logger;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.KeycloakSession;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();

    /** What goes out: the exact body bytes and their signature. */
    public record Webhook(String url, byte[] body, WebhookKeys.Signed signature, String id, boolean allowPrivate) {
        public static Webhook of(String url, byte[] body, WebhookKeys.Signed signature, boolean allowPrivate) {
            return new Webhook(url, body, signature, UUID.randomUUID().toString(), allowPrivate);
        }
    }

    private WebhookDelivery() {
    }

    public static void sendLater(KeycloakSession session, Webhook webhook) {
        java.util.concurrent.ExecutorService executor = session.getProvider(ExecutorsProvider.class).getExecutor("token-login-webhook");
        // only once the confirmation's new status is committed
        io.tokenlogin.keycloak.tx.AfterCommit.run(session, () -> executor.execute(() -> deliver(webhook)));
    }

    static void deliver(Webhook webhook) {
        for (int attempt = 0; attempt <= BACKOFF_SECONDS.length; attempt++) {
            if (attempt > 0 && !pause(BACKOFF_SECONDS[attempt - 1])) {
                return;
            }
            String refusal = TargetGuard.refusal(webhook.url(), webhook.allowPrivate());
            if (refusal != null) {
                LOG.warnf("Webhook %s not sent: %s", webhook.id(), refusal);
                return;
            }
            int status = post(webhook);
            if (status >= 200 && status < 300) {
                LOG.debugf("Webhook %s delivered after %d attempt(s)", webhook.id(), attempt + 1);
                return;
            }
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
                LOG.warnf("Webhook %s refused by the receiver with %d; not retried", webhook.id(), status);
                return;
            }
        }
        LOG.warnf("Webhook %s not delivered after %d attempts", webhook.id(), BACKOFF_SECONDS.length + 1);
    }

    private static int post(Webhook webhook) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(webhook.url())).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("x-signature", webhook.signature().signature())
                    .header("x-signature-key-id", webhook.signature().keyId())
                    .header("x-webhook-id", webhook.id())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body())).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean pause(int seconds) {
        try {
            Thread.sleep(seconds * 1000L);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
