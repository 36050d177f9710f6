package io.tokenlogin.keycloak.magiclink;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.mail.Durations;
import io.tokenlogin.keycloak.mail.ThemedMail;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends the magic-link mail off the request (the extension's bounded mail pool, its own session and transaction),
 * once the request committed, so the page answers as fast for an unknown address as for a known one. A failure is
 * an event and a log line for the admin, and changes nothing the person sees (the same for every address).
 */
final class MagicLinkMailer {

    static final String TEMPLATE = "magic-link-mail.ftl";
    static final String SUBJECT = "magicLinkSubject";
    private static final Logger LOG = Logger.getLogger(MagicLinkMailer.class);

    /** Everything the job needs, detached from the request's session. */
    record Mail(String realmId, String userId, String email, String link, int lifetimeSeconds, String ip, String browser,
                String rootSessionId, String tabId, String clientUuid, String clientId, String linkHash,
                String emailCode, boolean codeInSubject) {
    }

    static final String SUBJECT_WITH_CODE = "magicLinkSubjectWithCode";

    private MagicLinkMailer() {
    }

    static void sendLater(KeycloakSession session, Mail mail) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        // only once the waiting login (auth session, link) is committed; on the mail pool, apart from webhooks
        io.tokenlogin.keycloak.tx.AfterCommit.run(session, () -> {
            if (!io.tokenlogin.keycloak.delivery.DeliveryPools.submitMail(() -> send(factory, mail))) {
                LOG.warn("Magic-link mail not queued: the mail queue is full");
                KeycloakModelUtils.runJobInTransaction(factory, s -> markFailed(s, mail));
            }
        });
    }

    private static void send(KeycloakSessionFactory factory, Mail mail) {
        boolean sent;
        try {
            sent = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> deliver(s, mail));
        } catch (RuntimeException e) {
            LOG.warnf("Magic-link mail job failed: %s", e.getClass().getSimpleName());
            sent = false;
        }
        if (!sent) {
            KeycloakModelUtils.runJobInTransaction(factory, s -> markFailed(s, mail));
        }
    }

    private static boolean deliver(KeycloakSession s, Mail mail) {
        RealmModel realm = s.realms().getRealm(mail.realmId());
        s.getContext().setRealm(realm);
        UserModel user = mail.userId() == null ? null : s.users().getUserById(realm, mail.userId());
        EventBuilder event = new EventBuilder(realm, s).event(EventType.SEND_VERIFY_EMAIL).ipAddress(mail.ip())
                .client(mail.clientId()).detail(Details.AUTH_METHOD, EmailMagicLinkAuthenticatorFactory.PROVIDER_ID)
                .detail(Details.EMAIL, mail.email());
        if (user != null) {
            event.user(user);
        }
        String realmName = realm.getDisplayName() != null ? realm.getDisplayName() : realm.getName();
        try {
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("link", mail.link());
            Durations.put(attributes, "linkExpiration", mail.lifetimeSeconds());
            attributes.put("realmName", realmName);
            attributes.put("requestIp", mail.ip() == null ? "" : mail.ip());
            attributes.put("requestBrowser", mail.browser() == null ? "" : mail.browser());
            if (mail.emailCode() != null) {
                attributes.put("emailCode", mail.emailCode());
            }
            boolean codeInSubject = mail.emailCode() != null && mail.codeInSubject();
            ThemedMail.send(s, realm, user, mail.email(), codeInSubject ? SUBJECT_WITH_CODE : SUBJECT,
                    codeInSubject ? List.of(realmName, mail.emailCode()) : List.of(realmName), TEMPLATE, attributes);
            event.success();
            TokenLoginMetrics.mail(realm.getName(), "magic_link", "sent");
            return true;
        } catch (EmailException e) {
            LOG.warnf("Could not send a magic-link mail in realm %s: %s", realm.getName(), failure(e));
            event.detail(Details.REASON, "smtp").error("email_send_failed");
            TokenLoginMetrics.mail(realm.getName(), "magic_link", "failed");
            return false;
        }
    }

    /** What failed, by exception types only: a mail server's message may echo parts of the mail (the link). */
    static String failure(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            b.append(" <- ").append(c.getClass().getSimpleName());
        }
        return b.toString();
    }

    /**
     * A failed send changes nothing the person can see: the waiting page stays as it is for every address (an
     * unknown address has no mail to fail, so telling the failure would tell the address is known), the cooldown
     * stays. The failure is for the admin: the SEND_VERIFY_EMAIL_ERROR event and a log line.
     */
    private static void markFailed(KeycloakSession s, Mail mail) {
        LOG.debugf("Magic-link mail of realm %s not sent; the waiting page is left as it is", mail.realmId());
    }
}
