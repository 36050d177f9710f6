package io.tokenlogin.keycloak.magiclink;

import io.tokenlogin.keycloak.store.TokenLoginStore;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Magic links in Keycloak's cluster-wide single-use store, keyed by their realm and the SHA-256 of the link secret
 * (the store never holds a usable link; a link of one realm does not exist in another). {@link #consume} is one atomic {@code remove}: of two clicks at once, on one node or two,
 * exactly one gets the entry. A longer-lived marker remembers issued links, so a late click can be told
 * "expired" or "already used" instead of "unknown".
 */
final class MagicLinkStore {

    private static final long MARKER_EXTRA_SECONDS = 86400;

    static final String REALM = "realm";
    static final String ROOT_SESSION = "root";
    static final String TAB = "tab";
    static final String CLIENT = "client";
    static final String EMAIL = "email";
    static final String USER = "user";
    static final String CODE = "code";
    static final String CHOICES = "choices";
    static final String IP = "ip";
    static final String BROWSER = "browser";
    static final String CREATED = "created";
    static final String EXPIRES = "expires";
    static final String CROSS_DEVICE = "crossDevice";
    static final String CREATE_USERS = "createUsers";
    static final String RESTART_URL = "restart";
    static final String RESUME_URL = "resume";
    static final String USED = "used";

    private MagicLinkStore() {
    }

    static void save(TokenLoginStore store, String linkHash, Map<String, String> notes, long lifetimeSeconds) {
        store.put(TokenLoginStore.Kind.LINK, linkHash, lifetimeSeconds, notes);
        Map<String, String> marker = new HashMap<>();
        marker.put(EXPIRES, notes.get(EXPIRES));
        for (String key : new String[]{RESTART_URL, RESUME_URL, ROOT_SESSION}) {
            if (notes.get(key) != null) {
                marker.put(key, notes.get(key));
            }
        }
        store.put(TokenLoginStore.Kind.LINK_SEEN, linkHash, lifetimeSeconds + MARKER_EXTRA_SECONDS, marker);
    }

    /** The waiting tab's polling handle: which login attempt a polling secret may ask about. */
    static void savePoll(TokenLoginStore store, String pollSecret, Map<String, String> linkNotes, long lifetimeSeconds) {
        store.put(TokenLoginStore.Kind.LINK_POLL, MagicLinkCodes.hash(pollSecret), lifetimeSeconds, Map.of(
                REALM, linkNotes.get(REALM), ROOT_SESSION, linkNotes.get(ROOT_SESSION),
                TAB, linkNotes.get(TAB), CLIENT, linkNotes.get(CLIENT)));
    }

    static Optional<Map<String, String>> poll(TokenLoginStore store, String pollSecret) {
        return Optional.ofNullable(store.get(TokenLoginStore.Kind.LINK_POLL, MagicLinkCodes.hash(pollSecret)));
    }

    /** Reads without consuming (the GET page, which scanners may fetch). */
    static Optional<Map<String, String>> peek(TokenLoginStore store, String linkHash) {
        return Optional.ofNullable(store.get(TokenLoginStore.Kind.LINK, linkHash));
    }

    /** Consumes atomically; empty when another request already did, or the link expired. */
    static Optional<Map<String, String>> consume(TokenLoginStore store, String linkHash) {
        Map<String, String> notes = store.remove(TokenLoginStore.Kind.LINK, linkHash);
        if (notes != null) {
            Map<String, String> marker = store.get(TokenLoginStore.Kind.LINK_SEEN, linkHash);
            if (marker != null) {
                Map<String, String> used = new HashMap<>(marker);
                used.put(USED, "true");
                // put, never replace: replace() would drop the entry's lifespan and keep it forever
                store.put(TokenLoginStore.Kind.LINK_SEEN, linkHash, TokenLoginStore.remaining(marker.get(EXPIRES), MARKER_EXTRA_SECONDS), used);
            }
        }
        return Optional.ofNullable(notes);
    }

    static final String REVOKED = "revoked";

    /** Revokes an unused link: gone from the store, remembered as revoked (its page says so); false when already gone. */
    static boolean revoke(TokenLoginStore store, String linkHash) {
        Map<String, String> notes = store.remove(TokenLoginStore.Kind.LINK, linkHash);
        if (notes == null) {
            return false;
        }
        Map<String, String> marker = new HashMap<>(Optional.ofNullable(store.get(TokenLoginStore.Kind.LINK_SEEN, linkHash)).orElse(Map.of()));
        marker.put(EXPIRES, notes.get(EXPIRES));
        marker.put(REVOKED, "true");
        store.put(TokenLoginStore.Kind.LINK_SEEN, linkHash, TokenLoginStore.remaining(notes.get(EXPIRES), MARKER_EXTRA_SECONDS), marker);
        return true;
    }

    /** What is remembered of a link that is gone: its expiry, whether it was used, where to start again. */
    static Optional<Map<String, String>> marker(TokenLoginStore store, String linkHash) {
        return Optional.ofNullable(store.get(TokenLoginStore.Kind.LINK_SEEN, linkHash));
    }
}
