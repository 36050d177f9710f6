package io.tokenlogin.keycloak.api;

import io.tokenlogin.keycloak.magiclink.MagicLinkCodes;
import io.tokenlogin.keycloak.store.TokenLoginStore;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Email-confirmation sessions in Keycloak's cluster-wide single-use store. The secret mailed to the user is stored
 * only as its SHA-256; verifying removes it atomically (single use). A status record, readable by id, outlives the
 * session so polling can tell pending, valid and expired apart; a marker per secret tells a late verify "expired"
 * (410) from "unknown or used" (404).
 */
final class EmailConfirmations {

    /** SPEC: five minutes. A realm may shorten it (not lengthen it) with the attribute {@value #LIFETIME_ATTRIBUTE}. */
    static final int LIFETIME_SECONDS = 300;
    static final String LIFETIME_ATTRIBUTE = "token-login.email-confirmation.lifetime";
    private static final long KEEP_STATUS_SECONDS = 86400;
    private static final TokenLoginStore.Kind SECRET = TokenLoginStore.Kind.CONFIRMATION;
    private static final TokenLoginStore.Kind SEEN = TokenLoginStore.Kind.CONFIRMATION_SEEN;
    private static final TokenLoginStore.Kind STATUS = TokenLoginStore.Kind.CONFIRMATION_STATUS;

    static final String ID = "id";
    static final String REALM = "realm";
    static final String EMAIL = "email";
    static final String METADATA = "metadata";
    static final String CALLBACK = "callback";
    static final String LANDING = "landing";
    static final String CLIENT = "client";
    static final String EXPIRES = "expires";
    static final String STATE = "status";

    static final String PENDING = "pending";
    static final String VALID = "valid";
    static final String EXPIRED = "expired";

    private EmailConfirmations() {
    }

    static int lifetime(org.keycloak.models.RealmModel realm) {
        try {
            int configured = Integer.parseInt(String.valueOf(realm.getAttribute(LIFETIME_ATTRIBUTE)).trim());
            return Math.max(10, Math.min(LIFETIME_SECONDS, configured));
        } catch (NumberFormatException e) {
            return LIFETIME_SECONDS;
        }
    }

    static void save(TokenLoginStore store, String secret, Map<String, String> session, int lifetime) {
        String hash = MagicLinkCodes.hash(secret);
        store.put(SECRET, hash, lifetime, session);
        store.put(SEEN, hash, lifetime + KEEP_STATUS_SECONDS, Map.of(ID, session.get(ID), EXPIRES, session.get(EXPIRES)));
        store.put(STATUS, session.get(ID), lifetime + KEEP_STATUS_SECONDS, Map.of(
                STATE, PENDING, EXPIRES, session.get(EXPIRES), CLIENT, session.get(CLIENT), REALM, session.get(REALM)));
    }

    /** Consumes the session of a secret (one winner cluster-wide), or empty when it is unknown, used or expired. */
    static Optional<Map<String, String>> consume(TokenLoginStore store, String secret) {
        Map<String, String> session = store.remove(SECRET, MagicLinkCodes.hash(secret));
        if (session != null) {
            Map<String, String> status = new HashMap<>(Optional.ofNullable(store.get(STATUS, session.get(ID))).orElse(Map.of()));
            status.put(STATE, VALID);
            // put with the remaining lifespan, never replace (which would keep the entry forever)
            store.put(STATUS, session.get(ID), TokenLoginStore.remaining(session.get(EXPIRES), KEEP_STATUS_SECONDS), status);
        }
        return Optional.ofNullable(session);
    }

    /** For a secret that could not be consumed: was it a real one whose time ran out (and never used)? */
    static boolean expiredUnused(TokenLoginStore store, String secret, long now) {
        Map<String, String> seen = store.get(SEEN, MagicLinkCodes.hash(secret));
        if (seen == null || now <= Long.parseLong(seen.get(EXPIRES))) {
            return false;
        }
        Map<String, String> status = store.get(STATUS, seen.get(ID));
        return status == null || !VALID.equals(status.get(STATE));
    }

    static Optional<Map<String, String>> status(TokenLoginStore store, String id, long now) {
        Map<String, String> status = store.get(STATUS, id);
        if (status == null) {
            return Optional.empty();
        }
        Map<String, String> view = new HashMap<>(status);
        if (PENDING.equals(view.get(STATE)) && now > Long.parseLong(view.get(EXPIRES))) {
            view.put(STATE, EXPIRED);
        }
        return Optional.of(view);
    }
}
