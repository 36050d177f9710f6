package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.magiclink.MagicLinkCodes;
import io.tokenlogin.keycloak.store.TokenLoginStore;
import org.keycloak.models.RealmModel;

import java.util.function.Supplier;

/**
 * One new link per (partner, external id) at a time, cluster-wide. Keycloak has no unique constraint on a federated
 * identity's external id, so two concurrent first sign-ins of one partner user (one linking an existing account by its
 * verified email, one creating a new account) could otherwise both commit, leaving two accounts behind one partner
 * identity (after which Keycloak's lookup of that identity fails for every later sign-in). The lock is an entry in
 * the single-use store ({@code putIfAbsent} and {@code remove} act at once across nodes); it lapses after
 * {@link #HOLD_SECONDS} if its holder's node stops. Whoever waits looks again for the account after every try, so it
 * uses the account the holder made. The lock keeps concurrent first sign-ins apart; it is not the only guard: the
 * transaction that creates an account first looks for the link itself (a holder slower than the lock's lifetime, or a
 * database whose reads inside a long transaction do not see newer commits, cannot make a second account either).
 */
public final class FirstSignInLock {

    static final long HOLD_SECONDS = 30;
    /** How long a concurrent first sign-in waits for the holder before it gives up (retryable, its token is given back). */
    static final long WAIT_MILLIS = 5000;
    /** First pause between looks; doubled each time up to {@link #MAX_PAUSE_MILLIS} (about 30 looks in 5 s, not 200). */
    private static final long PAUSE_MILLIS = 25;
    private static final long MAX_PAUSE_MILLIS = 250;

    private FirstSignInLock() {
    }

    /** The lock's id in the store: one per realm, partner alias and external id. */
    public static String id(String realmId, String alias, String externalId) {
        return MagicLinkCodes.hash(realmId + "\n" + alias + "\n" + externalId);
    }

    /**
     * The account of the (partner, id): the one another sign-in made meanwhile, or else the one {@code resolve} finds or
     * makes while this call holds the lock. {@code find} re-reads the committed link (null: none yet); {@code resolve}
     * may return null.
     */
    static <T> T resolveAlone(TokenLoginStore store, RealmModel realm, String alias, String externalId,
                              Supplier<T> find, Supplier<T> resolve) {
        String id = id(realm.getId(), alias, externalId);
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        long pause = PAUSE_MILLIS;
        while (!store.putIfAbsent(TokenLoginStore.Kind.FIRST_SIGN_IN_LOCK, id, HOLD_SECONDS)) {
            T made = find.get();
            if (made != null) {
                return made;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("another first sign-in of this partner user is still running");
            }
            try {
                Thread.sleep(pause);
                pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a concurrent first sign-in", e);
            }
        }
        try {
            T made = find.get(); // the previous holder may have finished just now
            return made != null ? made : resolve.get();
        } finally {
            store.remove(TokenLoginStore.Kind.FIRST_SIGN_IN_LOCK, id);
        }
    }
}
