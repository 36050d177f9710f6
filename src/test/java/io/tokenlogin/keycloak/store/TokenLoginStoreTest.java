package io.tokenlogin.keycloak.store;

import org.junit.jupiter.api.Test;
import org.keycloak.models.SingleUseObjectProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store helper's rules (pure logic), and that no other class can go around it. */
class TokenLoginStoreTest {

    /** Records what reaches Keycloak's store. */
    static final class Recording implements SingleUseObjectProvider {
        final Map<String, Long> lifespans = new HashMap<>();
        final Map<String, Map<String, String>> entries = new HashMap<>();
        @Override public void put(String key, long lifespanSeconds, Map<String, String> notes) { lifespans.put(key, lifespanSeconds); entries.put(key, notes); }
        @Override public Map<String, String> get(String key) { return entries.get(key); }
        @Override public Map<String, String> remove(String key) { lifespans.remove(key); return entries.remove(key); }
        @Override public boolean replace(String key, Map<String, String> notes) { throw new AssertionError("replace keeps no lifespan"); }
        @Override public boolean putIfAbsent(String key, long lifespanInSeconds) {
            if (entries.containsKey(key)) {
                return false;
            }
            lifespans.put(key, lifespanInSeconds);
            entries.put(key, Map.of());
            return true;
        }
        @Override public boolean contains(String key) { return entries.containsKey(key); }
        @Override public void close() { }
    }

    @Test
    void D11_everyEntryGetsALifetimeBetweenOneSecondAndItsKindsMaximum() {
        Recording raw = new Recording();
        TokenLoginStore store = TokenLoginStore.of(raw, "realm-a");
        store.put(TokenLoginStore.Kind.LINK, "a", 0, Map.of());
        store.put(TokenLoginStore.Kind.LINK, "b", -5, Map.of());
        store.put(TokenLoginStore.Kind.SWITCH, "c", 10_000_000, Map.of());
        store.putIfAbsent(TokenLoginStore.Kind.REPLAY, "d", Long.MAX_VALUE);
        assertEquals(1L, raw.lifespans.get("token-login:ml:realm-a:a"));
        assertEquals(1L, raw.lifespans.get("token-login:ml:realm-a:b"));
        assertEquals(300L, raw.lifespans.get("token-login:switch:realm-a:c"), "a switch question never outlives five minutes");
        assertEquals(7 * 86400L + 1201, raw.lifespans.get("token-login:replay:realm-a:d"));
        for (TokenLoginStore.Kind kind : TokenLoginStore.Kind.values()) {
            assertTrue(kind.maxSeconds() > 0 && kind.maxSeconds() <= 8 * 86400, kind + " is bounded");
        }
        // a used token must stay used as long as the longest-lived token a partner may issue could still be accepted
        assertTrue(TokenLoginStore.Kind.REPLAY.maxSeconds() >= io.tokenlogin.keycloak.partner.idp.PartnerSettings.MAX_TOKEN_LIFETIME
                + 2L * io.tokenlogin.keycloak.partner.PartnerPolicy.MAX_CLOCK_SKEW + 1, "the replay bound covers every partner setting");
        assertTrue(TokenLoginStore.Kind.REVOKED.maxSeconds() >= TokenLoginStore.Kind.REPLAY.maxSeconds(), "a revocation outlives any use");
    }

    @Test
    void D2_storeKeysAreBoundToTheirRealm() {
        Recording raw = new Recording();
        TokenLoginStore a = TokenLoginStore.of(raw, "realm-a");
        TokenLoginStore b = TokenLoginStore.of(raw, "realm-b");
        a.put(TokenLoginStore.Kind.CONFIRMATION, "x", 60, Map.of("k", "v"));
        assertNull(b.get(TokenLoginStore.Kind.CONFIRMATION, "x"));
        assertNull(b.remove(TokenLoginStore.Kind.CONFIRMATION, "x"), "realm B cannot burn realm A's entry");
        assertTrue(b.putIfAbsent(TokenLoginStore.Kind.CONFIRMATION, "x", 60), "the same id is a different entry in realm B");
        assertEquals(Map.of("k", "v"), a.remove(TokenLoginStore.Kind.CONFIRMATION, "x"));
        assertThrows(IllegalArgumentException.class, () -> TokenLoginStore.of(raw, ""));
    }

    @Test
    void remainingLifetimeIsCountedFromTheStoredExpiry() {
        long now = System.currentTimeMillis() / 1000;
        long left = TokenLoginStore.remaining(Long.toString(now + 100), 50);
        assertTrue(left >= 149 && left <= 150, "left " + left);
        assertEquals(1, TokenLoginStore.remaining(Long.toString(now - 1000), 10), "never zero or negative");
        assertEquals(10, TokenLoginStore.remaining("garbage", 10), "an unreadable expiry counts from now");
    }

    /** The rule cannot regress: only this helper touches Keycloak's single-use store. */
    @Test
    void D11_noOtherClassTouchesTheSingleUseStore() throws IOException {
        Path main = Path.of("src/main/java");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.endsWith(Path.of("io/tokenlogin/keycloak/store/TokenLoginStore.java")))
                    .filter(p -> {
                        try {
                            String text = Files.readString(p);
                            return text.contains("singleUseObjects()") || text.contains("SingleUseObjectProvider")
                                    || text.contains("\"token-login:");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).map(Path::toString).sorted().toList();
        }
        assertTrue(offenders.isEmpty(), "go through TokenLoginStore instead: " + offenders);
        assertFalse(Files.readString(main.resolve("io/tokenlogin/keycloak/store/TokenLoginStore.java")).contains(".replace("),
                "the helper offers no replace");
    }
}
