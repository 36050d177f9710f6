package io.tokenlogin.keycloak.store;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.Map;

/**
 * The only way this extension writes to Keycloak's cluster-wide single-use store, so that three rules hold by
 * construction and cannot regress (a unit test fails when any other class touches the store):
 *
 * <ul>
 *   <li><b>Every entry has a lifetime</b>, at least 1 s and at most its kind's {@link Kind#maxSeconds}; there is no
 *       {@code replace} (Infinispan's {@code replace} keeps no lifespan, so the entry would live forever): an update is
 *       a {@code put} with the remaining lifetime.</li>
 *   <li><b>Every key is bound to its realm</b>: {@code token-login:<kind>:<realm id>:<id>}, so one realm's entry never
 *       answers a lookup in another.</li>
 *   <li><b>Every key is ours and countable</b>: the fixed prefix and kind let an operator (and the integration test
 *       that counts them) tell this extension's entries from Keycloak's own.</li>
 * </ul>
 */
public final class TokenLoginStore {

    public static final String PREFIX = "token-login:";

    /** What an entry is, and the longest it may ever live. */
    public enum Kind {
        /** A magic link (by the SHA-256 of its secret), its lifetime. */
        LINK("ml", 86400),
        /** What is remembered of an issued link (expired or used), one day past it. */
        LINK_SEEN("ml-seen", 2 * 86400),
        /** A minted API link's id: which link (hash) and which caller, the link's lifetime (revocation). */
        LINK_ID("ml-id", 86400),
        /** The ids of a caller's recent links for one user and client (replaceExisting), at most a day. */
        LINK_INDEX("ml-by-user", 86400),
        /** The waiting tab's polling handle, the link's lifetime and a minute. */
        LINK_POLL("ml-poll", 86400 + 60),
        /** Send limits: the cooldown and the hourly slots of an address or a network, and their round-robin hints. */
        SEND_LIMIT("ml-limit", 3600),
        /** An email confirmation (by the SHA-256 of its secret). */
        CONFIRMATION("ec", 3600),
        /** What is remembered of a confirmation secret, a day past it. */
        CONFIRMATION_SEEN("ec-seen", 3600 + 86400),
        /** A confirmation's status by its id, a day past it. */
        CONFIRMATION_STATUS("ec-id", 3600 + 86400),
        /**
         * A used (or revoked) partner token, until it could no longer pass the expiry check: a partner's
         * {@code maxTokenLifetime} may be up to 7 days, plus twice the clock skew (at most 10 minutes each).
         */
        REPLAY("replay", 7 * 86400 + 2 * 600 + 1),
        /** A partner token revoked by its jti before use: kept for the longest any partner token could be accepted. */
        REVOKED("revoked-jti", 7 * 86400 + 2 * 600 + 1),
        /** A pending "switch account?" question, five minutes. */
        SWITCH("switch", 300),
        /** The lock of the one-time move of a realm's legacy partner settings. */
        MIGRATION_LOCK("partner-migration", 300),
        /** Held while one sign-in links or creates the account of a (partner, id) nobody holds yet; a crashed holder's lapses. */
        FIRST_SIGN_IN_LOCK("first-sign-in", 30);

        private final String prefix;
        private final long maxSeconds;

        Kind(String prefix, long maxSeconds) {
            this.prefix = prefix;
            this.maxSeconds = maxSeconds;
        }

        public String prefix() {
            return prefix;
        }

        public long maxSeconds() {
            return maxSeconds;
        }
    }

    private final SingleUseObjectProvider store;
    private final String realmId;

    private TokenLoginStore(SingleUseObjectProvider store, String realmId) {
        if (realmId == null || realmId.isEmpty()) {
            throw new IllegalArgumentException("a store entry needs its realm");
        }
        this.store = store;
        this.realmId = realmId;
    }

    public static TokenLoginStore of(KeycloakSession session, RealmModel realm) {
        return new TokenLoginStore(session.singleUseObjects(), realm.getId());
    }

    /** Over any single-use store (unit tests use an in-memory one). */
    public static TokenLoginStore of(SingleUseObjectProvider store, String realmId) {
        return new TokenLoginStore(store, realmId);
    }

    /** The full key: {@code token-login:<kind>:<realm id>:<id>}. */
    public static String key(Kind kind, String realmId, String id) {
        return PREFIX + kind.prefix + ":" + realmId + ":" + id;
    }

    /** The lifetime actually given: at least 1 s, at most the kind's maximum. */
    public static long lifespan(Kind kind, long seconds) {
        return Math.max(1, Math.min(kind.maxSeconds, seconds));
    }

    public void put(Kind kind, String id, long seconds, Map<String, String> notes) {
        store.put(key(kind, realmId, id), lifespan(kind, seconds), notes);
    }

    /** Atomic, cluster-wide: true for exactly one of concurrent callers. */
    public boolean putIfAbsent(Kind kind, String id, long seconds) {
        return store.putIfAbsent(key(kind, realmId, id), lifespan(kind, seconds));
    }

    public Map<String, String> get(Kind kind, String id) {
        return store.get(key(kind, realmId, id));
    }

    /** Atomic, cluster-wide: the notes for exactly one of concurrent callers, null for the others. */
    public Map<String, String> remove(Kind kind, String id) {
        return store.remove(key(kind, realmId, id));
    }

    public boolean contains(Kind kind, String id) {
        return store.contains(key(kind, realmId, id));
    }

    /** Seconds left until {@code epochSeconds + extra} (at least 1): the lifetime of an updated entry. */
    public static long remaining(String epochSeconds, long extra) {
        long at;
        try {
            at = Long.parseLong(epochSeconds);
        } catch (NumberFormatException | NullPointerException e) {
            at = System.currentTimeMillis() / 1000;
        }
        return Math.max(1, at + extra - System.currentTimeMillis() / 1000);
    }
}
