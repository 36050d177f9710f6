package io.tokenlogin.keycloak.api;

import io.tokenlogin.keycloak.magiclink.MagicLinkCodes;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.adapter.InMemoryUserAdapter;

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
        UserModel user = session.users().getUserByEmail(realm, email);
        if (user == null) {
            // the address need not belong to a user; the template needs one to pick the locale
            user = new InMemoryUserAdapter(session, realm, "email-confirmation-" + MagicLinkCodes.hash(email).substring(0, 12));
            user.setUsername(email);
            user.setEmail(email);
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("link", link);
        attributes.put("realmName", realmName);
        attributes.put("linkExpirationMinutes", Math.max(1, lifetime / 60));
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .send(SUBJECT, List.of(realmName), TEMPLATE, attributes, email);
        } catch (EmailException e) {
            throw new ApiException(502, "email_send_failed", "the confirmation email could not be sent");
        }
    }
}
