package io.tokenlogin.keycloak.api;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.mail.Durations;
import io.tokenlogin.keycloak.mail.ThemedMail;
import org.keycloak.email.EmailException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The email-confirmation mail; sent within the API call, so the caller learns of an SMTP failure (502). */
final class ConfirmationMail {

    static final String TEMPLATE = "email-confirmation-mail.ftl";
    static final String SUBJECT = "emailConfirmationSubject";

    private ConfirmationMail() {
    }

    static void send(KeycloakSession session, RealmModel realm, String email, String link, int lifetime) throws ApiException {
        String realmName = realm.getDisplayName() != null ? realm.getDisplayName() : realm.getName();
        UserModel user = session.users().getUserByEmail(realm, email); // may be null: any address can be confirmed
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("link", link);
        attributes.put("realmName", realmName);
        Durations.put(attributes, "linkExpiration", lifetime);
        try {
            ThemedMail.send(session, realm, user, email, SUBJECT, List.of(realmName), TEMPLATE, attributes);
            TokenLoginMetrics.mail(realm.getName(), "confirmation", "sent");
        } catch (EmailException e) {
            TokenLoginMetrics.mail(realm.getName(), "confirmation", "failed");
            throw new ApiException(502, "email_send_failed", "the confirmation email could not be sent");
        }
    }
}
