package io.tokenlogin.keycloak.users;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.function.BiConsumer;

/**
 * The one place that creates users just in time. Creation runs in its own transaction and relies on Keycloak's
 * unique constraints, so of concurrent first sign-ins exactly one creates the user and the others simply find it
 * (Keycloak's own first-broker-login checks, then inserts, and loses this race with an error).
 */
public final class JitUsers {

    private static final Logger LOG = Logger.getLogger(JitUsers.class);

    private JitUsers() {
    }

    /**
     * Creates an enabled user named {@code username} unless one exists; {@code init} fills it in, inside the new
     * transaction (use its session argument, not the caller's). Returns true when this call created the user.
     * Afterwards the caller re-reads the user through its own session.
     */
    public static boolean createIfAbsent(KeycloakSession session, RealmModel realm, String username,
                                         BiConsumer<KeycloakSession, UserModel> init) {
        String realmId = realm.getId();
        try {
            return KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), session.getContext(), tx -> {
                RealmModel r = tx.realms().getRealm(realmId);
                if (tx.users().getUserByUsername(r, username) != null) {
                    return false;
                }
                UserModel user = tx.users().addUser(r, username);
                user.setEnabled(true);
                init.accept(tx, user);
                return true;
            }, "token-login just-in-time user");
        } catch (ModelDuplicateException e) {
            LOG.debug("Just-in-time creation lost a race to a concurrent sign-in; using the winner's user");
            return false;
        }
    }
}
