package io.tokenlogin.keycloak.it;

import io.tokenlogin.keycloak.partner.flow.FirstSignInLock;
import io.tokenlogin.keycloak.store.TokenLoginStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.testframework.remote.providers.runonserver.RunOnServer;

/**
 * Runs inside the Keycloak under test (the framework's run-on-server): takes or gives back the first-sign-in lock of
 * one (partner alias, external id) in the current realm, as a concurrent first sign-in of that partner user would
 * hold it (under the lock's own id, {@link FirstSignInLock#id}).
 */
public final class FirstSignInLockHolder implements RunOnServer {

    private final String alias;
    private final String externalId;
    private final boolean hold;

    public FirstSignInLockHolder(String alias, String externalId, boolean hold) {
        this.alias = alias;
        this.externalId = externalId;
        this.hold = hold;
    }

    @Override
    public void run(KeycloakSession session) {
        RealmModel realm = session.getContext().getRealm();
        TokenLoginStore store = TokenLoginStore.of(session, realm);
        String id = FirstSignInLock.id(realm.getId(), alias, externalId);
        if (hold) {
            if (!store.putIfAbsent(TokenLoginStore.Kind.FIRST_SIGN_IN_LOCK, id, 30)) {
                throw new IllegalStateException("the lock is held already");
            }
        } else {
            store.remove(TokenLoginStore.Kind.FIRST_SIGN_IN_LOCK, id);
        }
    }
}
