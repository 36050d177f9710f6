package io.tokenlogin.keycloak.delivery;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import org.jboss.logging.Logger;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The extension's own bounded pools, one for mail and one for webhooks, so that slow SMTP never delays webhooks and
 * one slow receiver never delays another: fixed threads, a bounded queue (a full queue is refused, never an
 * unbounded backlog), retries driven by the outbox's timer instead of sleeping in a worker, and at most
 * {@code perTarget} attempts in flight per webhook target (host and port). Sized at start-up from the SPI config of the
 * {@code token-login} realm resource (see README "Operating"); created once per node.
 */
public final class DeliveryPools {

    private static final Logger LOG = Logger.getLogger(DeliveryPools.class);

    /** Pool sizes; defaults for a 2-core node. */
    public record Sizes(int mailThreads, int mailQueue, int webhookThreads, int webhookQueue, int perTarget) {
        public static final Sizes DEFAULT = new Sizes(4, 1000, 16, 1000, 2);
    }

    private static volatile DeliveryPools current;

    private final ThreadPoolExecutor mail;
    private final ThreadPoolExecutor webhooks;
    private final ScheduledThreadPoolExecutor timer;
    private final int perTarget;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    private DeliveryPools(Sizes sizes) {
        mail = pool("token-login-mail", sizes.mailThreads(), sizes.mailQueue());
        webhooks = pool("token-login-webhook", sizes.webhookThreads(), sizes.webhookQueue());
        timer = new ScheduledThreadPoolExecutor(1, daemon("token-login-retry"));
        timer.setRemoveOnCancelPolicy(true);
        perTarget = Math.max(1, sizes.perTarget());
    }

    public static synchronized void start(Sizes sizes) {
        if (current == null) {
            current = new DeliveryPools(sizes);
            TokenLoginMetrics.gauges(() -> get().mail.getQueue().size(), () -> get().webhooks.getQueue().size());
            LOG.infof("Delivery pools: mail %d threads / %d queued, webhooks %d threads / %d queued, %d per target",
                    sizes.mailThreads(), sizes.mailQueue(), sizes.webhookThreads(), sizes.webhookQueue(), sizes.perTarget());
        }
    }

    public static synchronized void stop() {
        if (current != null) {
            current.mail.shutdown();
            current.webhooks.shutdown();
            current.timer.shutdownNow();
            current = null;
        }
    }

    static DeliveryPools get() {
        DeliveryPools pools = current;
        if (pools == null) {
            start(Sizes.DEFAULT);
            pools = current;
        }
        return pools;
    }

    /** Runs {@code task} every {@code seconds} on this node's timer (failures are logged, the schedule goes on). */
    public static void every(long seconds, Runnable task) {
        get().timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.debugf("Scheduled delivery task failed: %s", e.getClass().getSimpleName());
            }
        }, seconds, seconds, TimeUnit.SECONDS);
    }

    /** Queues a mail job; false when the mail queue is full (the caller shows "try again"). */
    public static boolean submitMail(Runnable job) {
        try {
            get().mail.execute(job);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** True when the mail queue has room now: checked before a link is issued, the same for every address. */
    public static boolean mailRoom() {
        return get().mail.getQueue().remainingCapacity() > 0;
    }

    /** True when the webhook queue has room now (checked before accepting work that will need it). */
    public static boolean webhookRoom() {
        return get().webhooks.getQueue().remainingCapacity() > 0;
    }

    /**
     * Runs {@code attempt} for {@code target} on the webhook pool, or a little later when the target already has its cap
     * of attempts in flight. False when the queue is full (the outbox row stays due and the next tick brings it back).
     */
    public static boolean submit(String target, Runnable attempt) {
        DeliveryPools pools = get();
        try {
            pools.webhooks.execute(() -> pools.run(target, attempt, 0));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void enqueue(Runnable guarded) {
        try {
            webhooks.execute(guarded);
        } catch (RejectedExecutionException e) {
            timer.schedule(() -> enqueue(guarded), 1, TimeUnit.SECONDS); // a full queue: try again, never drop
        }
    }

    private void run(String target, Runnable attempt, int waited) {
        AtomicInteger count = inFlight.computeIfAbsent(target, t -> new AtomicInteger());
        // past 30 s of waiting (120 waits) it runs anyway: the cap delays, it never drops a webhook
        if (count.incrementAndGet() > perTarget && waited < 120) {
            count.decrementAndGet();
            // this target is busy with slow attempts: free the worker for others, come back shortly
            timer.schedule(() -> enqueue(() -> run(target, attempt, waited + 1)), 250, TimeUnit.MILLISECONDS);
            return;
        }
        try {
            attempt.run();
        } finally {
            if (count.decrementAndGet() == 0) {
                inFlight.remove(target, count);
            }
        }
    }

    private static ThreadPoolExecutor pool(String name, int threads, int queue) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, queue)), daemon(name), new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
