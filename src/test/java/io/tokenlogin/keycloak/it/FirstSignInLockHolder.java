package io.tokenlogin.keycloak.it;

import io.tokenlogin.keycloak.magiclink.MagicLinkCodes;
import io.tokenlogin.keycloak.store.TokenLoginStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.testframework.remote.providers.runonserver.RunOnServer;

/**
 * Runs inside the Keycloak under test (the framework's run-on-server): takes or gives back the first-sign-in lock of
 * one (partner alias, external id) in the current realm, as a concurrent first sign-in of that partner user would
 * hold it. The key is derived as {@code partner.flow.FirstSignInLock} derives it; if the two ever differ, the
 * lock is not held and the test that relies on it fails (the sign-in goes through).
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
        String id = MagicLinkCodes.hash(realm.getId() + "\n" + alias + "\n" + externalId);
        if (hold) {
            if (!store.putIfAbsent(TokenLoginStore.Kind.FIRST_SIGN_IN_LOCK, id, 30)) {
                throw new IllegalStateException("the lock is held already");
            }
        } else {
            store.remove(TokenLoginStore.Kind.FIRST_SIGN_IN_LOCK, id);
        }
    }
}
