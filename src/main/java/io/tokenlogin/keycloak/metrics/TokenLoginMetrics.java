package io.tokenlogin.keycloak.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * This extension's metrics, in Keycloak's Micrometer registry (served on the management port with
 * {@code --metrics-enabled=true}, as {@code /metrics}). Labels are bounded by construction: a realm name, a partner
 * alias the admin configured (or {@code unknown}), a path, an outcome from a fixed vocabulary (an error code). Never a
 * token, an address, a user id or a URL.
 *
 * <ul>
 *   <li>{@code token_login_sign_ins_total{realm, path, partner, outcome}}: path {@code link} (the link endpoint),
 *       {@code flow_step} (the external-token step), {@code magic_link} (the email step), {@code api_link} (a link a
 *       partner minted); outcome {@code success} or the error code of the event.</li>
 *   <li>{@code token_login_mails_total{realm, kind, outcome}}: kind {@code magic_link}, {@code api_link},
 *       {@code confirmation}; outcome {@code sent}, {@code refused} (a limit, an unknown address: no mail) or
 *       {@code failed} (SMTP).</li>
 *   <li>{@code token_login_webhook_attempts_total{outcome}} and {@code token_login_webhook_attempt_seconds} (histogram):
 *       outcome {@code delivered}, {@code rejected} (4xx), {@code server_error} (5xx, other answers),
 *       {@code no_answer}, {@code refused_target}.</li>
 *   <li>{@code token_login_webhooks_pending} (gauge): rows of the outbox not yet delivered or given up (the whole
 *       cluster's, read from the database every 15 s); {@code token_login_queue_size{queue}} (gauge): jobs waiting in
 *       this node's {@code mail} and {@code webhook} pools.</li>
 * </ul>
 */
public final class TokenLoginMetrics {

    public enum Path {
        LINK("link"), FLOW_STEP("flow_step"), MAGIC_LINK("magic_link"), API_LINK("api_link");

        private final String label;

        Path(String label) {
            this.label = label;
        }
    }

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final AtomicLong PENDING_WEBHOOKS = new AtomicLong();

    private TokenLoginMetrics() {
    }

    private static MeterRegistry registry() {
        return Metrics.globalRegistry;
    }

    /**
     * A label value: only names an admin configured (realm, partner alias, client id) or a fixed code reach here;
     * still, no control characters and at most 64 characters.
     */
    static String label(String value) {
        if (value == null || value.isEmpty()) {
            return "unknown";
        }
        String clean = CONTROL.matcher(value).replaceAll("");
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }

    public static void signIn(String realm, Path path, String partner, String outcome) {
        try {
            Counter.builder("token_login_sign_ins").description("Sign-ins through this extension, by path, partner and outcome")
                    .tag("realm", label(realm)).tag("path", path.label).tag("partner", label(partner)).tag("outcome", label(outcome))
                    .register(registry()).increment();
        } catch (RuntimeException e) {
            // metrics never break a sign-in
        }
    }

    public static void mail(String realm, String kind, String outcome) {
        try {
            Counter.builder("token_login_mails").description("Mails of this extension, by kind and outcome")
                    .tag("realm", label(realm)).tag("kind", label(kind)).tag("outcome", label(outcome))
                    .register(registry()).increment();
        } catch (RuntimeException e) {
            // metrics never break a mail
        }
    }

    /** One webhook attempt: its HTTP status (or a negative code of {@code WebhookDelivery}) and how long it took. */
    public static void webhookAttempt(int status, long nanos) {
        String outcome = status >= 200 && status < 300 ? "delivered" : status == -2 ? "refused_target"
                : status < 0 ? "no_answer" : status >= 400 && status < 500 ? "rejected" : "server_error";
        try {
            Counter.builder("token_login_webhook_attempts").description("Webhook delivery attempts, by outcome")
                    .tag("outcome", outcome).register(registry()).increment();
            Timer.builder("token_login_webhook_attempt").description("Duration of one webhook delivery attempt")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry()).record(nanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            // metrics never break a delivery
        }
    }

    /** Registers the gauges once per node (at start-up). */
    public static void gauges(Supplier<Number> mailQueue, Supplier<Number> webhookQueue) {
        try {
            Gauge.builder("token_login_queue_size", mailQueue).description("Jobs waiting in this node's delivery pools")
                    .tag("queue", "mail").strongReference(true).register(registry());
            Gauge.builder("token_login_queue_size", webhookQueue).description("Jobs waiting in this node's delivery pools")
                    .tag("queue", "webhook").strongReference(true).register(registry());
            Gauge.builder("token_login_webhooks_pending", PENDING_WEBHOOKS, AtomicLong::get)
                    .description("Webhooks accepted and not yet delivered or given up (the cluster's outbox)")
                    .strongReference(true).register(registry());
        } catch (RuntimeException e) {
            // no registry: no metrics
        }
    }

    /** The outbox's pending rows, as last counted. */
    public static void pendingWebhooks(long count) {
        PENDING_WEBHOOKS.set(count);
    }
}
