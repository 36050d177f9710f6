package io.tokenlogin.keycloak.users;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * The one place that creates users just in time. Creation runs in its own transaction and relies on Keycloak's
 * unique username constraint as a lock, so of concurrent first sign-ins exactly one creates the user and the others
 * find it (Keycloak's own first-broker-login checks, then inserts, and loses this race with an error). A username
 * held by somebody else never blocks anyone: the next candidate is tried.
 */
public final class JitUsers {

    /** What happened to the person the candidates were for. */
    public enum Outcome { CREATED, FOUND, NO_FREE_USERNAME }

    private static final Logger LOG = Logger.getLogger(JitUsers.class);
    private static final int ATTEMPTS = 3;

    private JitUsers() {
    }

    /** Creates a user named {@code username} unless one exists (whoever holds it); true when this call created it. */
    public static boolean createIfAbsent(KeycloakSession session, RealmModel realm, String username,
                                         BiConsumer<KeycloakSession, UserModel> init) {
        return createIfAbsent(session, realm, List.of(username), (tx, existing) -> true, init) == Outcome.CREATED;
    }

    /**
     * Walks {@code usernames} in order inside one new transaction: a free name is taken (an enabled user, filled in
     * by {@code init} with the new transaction's session); a name whose user {@code isOurs} means someone else
     * created this person first; any other holder is skipped. A lost race is retried in a fresh transaction.
     * Afterwards the caller re-reads the user through its own session.
     */
    public static Outcome createIfAbsent(KeycloakSession session, RealmModel realm, List<String> usernames,
                                         BiPredicate<KeycloakSession, UserModel> isOurs,
                                         BiConsumer<KeycloakSession, UserModel> init) {
        return createIfAbsent(session, realm, (tx, r) -> false, usernames, isOurs, init);
    }

    /**
     * As above, but first asks inside the new transaction whether the person's account exists already by other means
     * ({@code madeMeanwhile}, e.g. a partner link another sign-in committed): then nothing is created (FOUND).
     */
    public static Outcome createIfAbsent(KeycloakSession session, RealmModel realm,
                                         BiPredicate<KeycloakSession, RealmModel> madeMeanwhile, List<String> usernames,
                                         BiPredicate<KeycloakSession, UserModel> isOurs,
                                         BiConsumer<KeycloakSession, UserModel> init) {
        String realmId = realm.getId();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), session.getContext(), tx -> {
                    RealmModel r = tx.realms().getRealm(realmId);
                    if (madeMeanwhile.test(tx, r)) {
                        return Outcome.FOUND;
                    }
                    for (String username : usernames) {
                        UserModel existing = tx.users().getUserByUsername(r, username);
                        if (existing == null) {
                            UserModel user = tx.users().addUser(r, username);
                            user.setEnabled(true);
                            init.accept(tx, user);
                            return Outcome.CREATED;
                        }
                        if (isOurs.test(tx, existing)) {
                            return Outcome.FOUND;
                        }
                        LOG.debug("Just-in-time username is held by another account; trying the next candidate");
                    }
                    return Outcome.NO_FREE_USERNAME;
                }, "token-login just-in-time user");
            } catch (ModelDuplicateException e) {
                LOG.debug("Just-in-time creation lost a race to a concurrent sign-in; looking again");
            }
        }
        return Outcome.FOUND;
    }
}
