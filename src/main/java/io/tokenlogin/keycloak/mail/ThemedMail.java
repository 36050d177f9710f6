package io.tokenlogin.keycloak.mail;

import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.adapter.InMemoryUserAdapter;

import java.util.List;
import java.util.Map;

/**
 * The one way this extension sends a themed mail. It uses only the {@code send(subject, args, template, attributes)}
 * form that every Keycloak 26.x has (the form with an explicit destination appeared in 26.7; the version matrix
 * caught it), addressed through a recipient whose email is the destination: the real user when it is theirs, else
 * a transient stand-in (an address that is not a user yet), keeping the user's locale.
 */
public final class ThemedMail {

    private ThemedMail() {
    }

    public static void send(KeycloakSession session, RealmModel realm, UserModel user, String destination, String subjectKey,
                            List<Object> subjectArgs, String template, Map<String, Object> attributes) throws EmailException {
        UserModel recipient = user;
        if (recipient == null || recipient.getEmail() == null || !recipient.getEmail().equalsIgnoreCase(destination)) {
            recipient = new InMemoryUserAdapter(session, realm, "token-login-recipient");
            recipient.setUsername(destination);
            recipient.setEmail(destination);
            if (user != null && user.getFirstAttribute(UserModel.LOCALE) != null) {
                recipient.setSingleAttribute(UserModel.LOCALE, user.getFirstAttribute(UserModel.LOCALE));
            }
        }
        session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(recipient)
                .send(subjectKey, subjectArgs, template, attributes);
    }
}
