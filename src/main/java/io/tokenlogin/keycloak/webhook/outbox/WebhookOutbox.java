package io.tokenlogin.keycloak.webhook.outbox;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.delivery.DeliveryPools;
import io.tokenlogin.keycloak.tx.AfterCommit;
import io.tokenlogin.keycloak.webhook.TargetGuard;
import io.tokenlogin.keycloak.webhook.WebhookDelivery;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.Base64;
import java.util.List;

/**
 * The durable webhook outbox. An accepted webhook is a row of Keycloak's database, written in the transaction of the
 * verify call (so a {@code 200} means it is stored), and attempted until delivered or given up: right after commit,
 * and by a timer on every node that picks due rows. A node claims a row with a conditional {@code UPDATE} before an
 * attempt, so no two nodes attempt one delivery at once; a claim lapses after {@value #CLAIM_SECONDS} s, so a node
 * that stops mid-attempt leaves the row to another. Same {@code x-webhook-id} (the row id) on every attempt.
 * Delivered and given-up rows are deleted after {@value #RETENTION_DAYS} days.
 */
public final class WebhookOutbox {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";
    static final long CLAIM_SECONDS = 30;
    static final long RETENTION_DAYS = 7;
    private static final int BATCH = 20;
    private static final Logger LOG = Logger.getLogger(WebhookOutbox.class);

    private WebhookOutbox() {
    }

    /** Stores the webhook in the request's transaction and attempts it once that committed. */
    public static void enqueue(KeycloakSession session, RealmModel realm, String clientId, WebhookDelivery.Webhook webhook) {
        long now = now();
        WebhookOutboxEntity row = new WebhookOutboxEntity();
        row.setId(webhook.id());
        row.setRealmId(realm.getId());
        row.setClientId(clientId);
        row.setUrl(webhook.url());
        row.setBody(Base64.getEncoder().encodeToString(webhook.body()));
        row.setSignature(webhook.signature().signature());
        row.setKeyId(webhook.signature().keyId());
        row.setStatus(PENDING);
        row.setNextAttemptAt(now);
        row.setCreatedAt(now);
        row.setUpdatedAt(now);
        em(session).persist(row);
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        AfterCommit.run(session, () -> DeliveryPools.submit(target(webhook.url()), () -> attempt(factory, webhook.id())));
    }

    /** One timer tick on this node: schedule due rows, now and then clean up old ones. */
    public static void tick(KeycloakSessionFactory factory, boolean cleanup, boolean count) {
        if (count) {
            TokenLoginMetrics.pendingWebhooks(KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    s -> em(s).createNamedQuery("tlOutboxPending", Long.class).getSingleResult()));
        }
        List<Object[]> due = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> em(s)
                .createNamedQuery("tlOutboxDue", Object[].class).setParameter("now", now()).setMaxResults(BATCH).getResultList());
        for (Object[] row : due) {
            String id = (String) row[0];
            DeliveryPools.submit(target((String) row[1]), () -> attempt(factory, id));
        }
        if (cleanup) {
            KeycloakModelUtils.runJobInTransaction(factory, s -> em(s).createNamedQuery("tlOutboxExpired")
                    .setParameter("before", now() - RETENTION_DAYS * 86400).executeUpdate());
        }
    }

    /** Claims the row (or leaves it when another node holds it or it is not due), attempts it, records the outcome. */
    static void attempt(KeycloakSessionFactory factory, String id) {
        long now = now();
        WebhookOutboxEntity row = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            int claimed = em(s).createNamedQuery("tlOutboxClaim").setParameter("until", now + CLAIM_SECONDS)
                    .setParameter("id", id).setParameter("now", now).executeUpdate();
            if (claimed != 1) {
                return null;
            }
            WebhookOutboxEntity found = em(s).find(WebhookOutboxEntity.class, id);
            em(s).detach(found);
            return found;
        });
        if (row == null) {
            return;
        }
        boolean allowPrivate = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            RealmModel realm = s.realms().getRealm(row.getRealmId());
            return realm != null && Boolean.parseBoolean(realm.getAttribute(TargetGuard.ALLOW_PRIVATE));
        });
        WebhookDelivery.Webhook webhook = new WebhookDelivery.Webhook(row.getUrl(), Base64.getDecoder().decode(row.getBody()),
                new io.tokenlogin.keycloak.webhook.WebhookKeys.Signed(row.getSignature(), row.getKeyId()), row.getId(), allowPrivate);
        long started = System.nanoTime();
        int status = WebhookDelivery.attemptOnce(webhook);
        TokenLoginMetrics.webhookAttempt(status, System.nanoTime() - started);
        KeycloakModelUtils.runJobInTransaction(factory, s -> record(s, id, status));
    }

    private static void record(KeycloakSession s, String id, int status) {
        WebhookOutboxEntity row = em(s).find(WebhookOutboxEntity.class, id);
        if (row == null) {
            return;
        }
        long now = now();
        int attempts = row.getAttempts() + 1;
        row.setAttempts(attempts);
        row.setLastStatus(status);
        row.setClaimedUntil(0);
        row.setUpdatedAt(now);
        if (status >= 200 && status < 300) {
            row.setStatus(DELIVERED);
            LOG.debugf("Webhook %s delivered after %d attempt(s)", id, attempts);
        } else if (status == WebhookDelivery.REFUSED_TARGET || (status >= 400 && status < 500 && status != 408 && status != 429)
                || attempts > WebhookDelivery.BACKOFF_SECONDS.length) {
            row.setStatus(FAILED);
            LOG.warnf("Webhook %s given up after %d attempt(s) (last status %d)", id, attempts, status);
        } else {
            row.setNextAttemptAt(now + WebhookDelivery.BACKOFF_SECONDS[attempts - 1]);
        }
    }

    /** The caller's failed deliveries, newest first. */
    public static List<WebhookOutboxEntity> failed(KeycloakSession session, RealmModel realm, String clientId, int max) {
        return em(session).createNamedQuery("tlOutboxFailedOfClient", WebhookOutboxEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("clientId", clientId).setMaxResults(max).getResultList();
    }

    /** Puts one of the caller's deliveries back in the queue (same id); false when it is not the caller's or still pending. */
    public static boolean redeliver(KeycloakSession session, RealmModel realm, String clientId, String id) {
        WebhookOutboxEntity row = em(session).find(WebhookOutboxEntity.class, id);
        if (row == null || !row.getRealmId().equals(realm.getId()) || !row.getClientId().equals(clientId) || PENDING.equals(row.getStatus())) {
            return false;
        }
        row.setStatus(PENDING);
        row.setAttempts(0);
        row.setNextAttemptAt(now());
        row.setClaimedUntil(0);
        row.setUpdatedAt(now());
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        String url = row.getUrl();
        AfterCommit.run(session, () -> DeliveryPools.submit(target(url), () -> attempt(factory, id)));
        return true;
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    private static String target(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            return uri.getHost() == null ? url : uri.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
