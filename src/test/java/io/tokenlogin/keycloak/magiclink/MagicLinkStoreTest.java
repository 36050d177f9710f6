package io.tokenlogin.keycloak.magiclink;

import org.junit.jupiter.api.Test;
import io.tokenlogin.keycloak.store.TokenLoginStore;
import org.keycloak.models.SingleUseObjectProvider;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Storage rules of magic links, against an in-memory stand-in of Keycloak's single-use store (pure logic). */
class MagicLinkStoreTest {

    /** Keys and values as Keycloak's store would hold them; lifespans recorded, not enforced. */
    static class MemoryStore implements SingleUseObjectProvider {
        final Map<String, Map<String, String>> entries = new ConcurrentHashMap<>();
        final Map<String, Long> lifespans = new ConcurrentHashMap<>();

        @Override public void put(String key, long lifespanSeconds, Map<String, String> notes) {
            entries.put(key, new HashMap<>(notes));
            lifespans.put(key, lifespanSeconds);
        }
        @Override public Map<String, String> get(String key) { return entries.get(key); }
        @Override public Map<String, String> remove(String key) { return entries.remove(key); }
        /** As Keycloak's Infinispan store: replace keeps no lifespan (the entry lives forever). */
        @Override public boolean replace(String key, Map<String, String> notes) {
            lifespans.put(key, -1L);
            return entries.replace(key, notes) != null;
        }
        @Override public boolean putIfAbsent(String key, long lifespanInSeconds) {
            lifespans.putIfAbsent(key, lifespanInSeconds);
            return entries.putIfAbsent(key, Map.of()) == null;
        }
        @Override public boolean contains(String key) { return entries.containsKey(key); }
        @Override public void close() { }
    }

    @Test
    void C16_onlyAHashOfA256BitSecretIsStoredAndItLivesTheLinkLifetime() {
        String secret = MagicLinkCodes.newSecret();
        assertEquals(32, Base64.getUrlDecoder().decode(secret).length, "256 random bits");
        assertNotEquals(secret, MagicLinkCodes.newSecret());
        MemoryStore store = new MemoryStore();
        MagicLinkStore.save(TokenLoginStore.of(store, "realm-a"), MagicLinkCodes.hash(secret), Map.of(MagicLinkStore.EXPIRES, "123", MagicLinkStore.EMAIL, "a@b.example"), 300);
        store.entries.forEach((key, value) -> {
            assertFalse(key.contains(secret), "no key holds the secret");
            assertFalse(value.containsValue(secret), "no value holds the secret");
        });
        assertTrue(store.lifespans.values().contains(300L), "the link lives exactly its lifetime");
    }

    @Test
    void consumingIsSingleUseAndLeavesAUsedMarker() {
        MemoryStore store = new MemoryStore();
        String hash = MagicLinkCodes.hash(MagicLinkCodes.newSecret());
        String expires = Long.toString(System.currentTimeMillis() / 1000 + 300);
        MagicLinkStore.save(TokenLoginStore.of(store, "realm-a"), hash, Map.of(MagicLinkStore.EXPIRES, expires), 300);
        assertTrue(MagicLinkStore.peek(TokenLoginStore.of(store, "realm-a"), hash).isPresent(), "peeking (GET) consumes nothing");
        assertTrue(MagicLinkStore.peek(TokenLoginStore.of(store, "realm-a"), hash).isPresent());
        assertTrue(MagicLinkStore.consume(TokenLoginStore.of(store, "realm-a"), hash).isPresent());
        assertFalse(MagicLinkStore.consume(TokenLoginStore.of(store, "realm-a"), hash).isPresent(), "second consume finds nothing");
        assertTrue(MagicLinkStore.marker(TokenLoginStore.of(store, "realm-a"), hash).orElseThrow().containsKey(MagicLinkStore.USED));
        // the used marker keeps a lifespan: nothing the extension writes lives forever
        assertFalse(store.lifespans.containsValue(-1L), "no entry without a lifespan: " + store.lifespans);
        assertTrue(store.lifespans.values().stream().allMatch(l -> l > 0 && l <= 300 + 86400));
    }

    /** D2: keys carry the realm: a link (or its poll handle) of one realm does not exist in another. */
    @Test
    void D2_aLinkOfOneRealmIsUnknownInAnother() {
        MemoryStore store = new MemoryStore();
        String hash = MagicLinkCodes.hash(MagicLinkCodes.newSecret());
        MagicLinkStore.save(TokenLoginStore.of(store, "realm-a"), hash, Map.of(MagicLinkStore.EXPIRES, "123"), 300);
        String poll = MagicLinkCodes.newSecret();
        MagicLinkStore.savePoll(TokenLoginStore.of(store, "realm-a"), poll, Map.of(MagicLinkStore.REALM, "realm-a", MagicLinkStore.ROOT_SESSION, "r",
                MagicLinkStore.TAB, "t", MagicLinkStore.CLIENT, "c"), 300);
        assertFalse(MagicLinkStore.peek(TokenLoginStore.of(store, "realm-b"), hash).isPresent());
        assertFalse(MagicLinkStore.consume(TokenLoginStore.of(store, "realm-b"), hash).isPresent(), "consuming in realm B burns nothing of realm A");
        assertFalse(MagicLinkStore.poll(TokenLoginStore.of(store, "realm-b"), poll).isPresent());
        assertTrue(MagicLinkStore.consume(TokenLoginStore.of(store, "realm-a"), hash).isPresent(), "still usable in its own realm");
    }

    @Test
    void sendLimitsAllowFiveMailsPerAddressAndRespectTheCooldown() {
        MemoryStore store = new MemoryStore();
        MagicLinkSettings noCooldown = new MagicLinkSettings(300, true, false, 0, 5, 30);
        for (int i = 0; i < 5; i++) {
            assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), noCooldown, "realm", "a@b.example", "10.0.0." + i), "mail " + (i + 1));
        }
        assertFalse(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), noCooldown, "realm", "a@b.example", "10.0.0.9"), "the sixth is refused");
        MagicLinkSettings cooldown = new MagicLinkSettings(300, true, false, 60, 5, 30);
        assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), cooldown, "realm", "c@d.example", "10.0.1.1"));
        assertFalse(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), cooldown, "realm", "c@d.example", "10.0.1.1"), "within the cooldown");
    }

    /** D15: an IP past its hourly budget asking for a victim's address takes nothing; the victim still gets links. */
    @Test
    void D15_anIpOverItsBudgetNeverUsesUpAVictimsAddress() {
        MemoryStore store = new MemoryStore();
        MagicLinkSettings settings = new MagicLinkSettings(300, true, false, 0, 5, 2);
        assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "a@x.example", "10.0.0.1"));
        assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "b@x.example", "10.0.0.1"));
        for (int i = 0; i < 5; i++) {
            assertFalse(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "victim@x.example", "10.0.0.1"), "the attacker's IP is spent");
        }
        for (int i = 0; i < 5; i++) {
            assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "victim@x.example", "10.0.1." + i), "the victim's mail " + (i + 1));
        }
        assertFalse(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "victim@x.example", "10.0.2.1"), "the address limit itself holds");
    }

    /** D21: a caller's quota for an action is its own: per caller, per action, per realm; spent means nothing stored. */
    @Test
    void D21_aCallersQuotaIsItsOwnPerActionAndRealm() {
        MemoryStore store = new MemoryStore();
        TokenLoginStore realmA = TokenLoginStore.of(store, "realm-a");
        for (int i = 0; i < 3; i++) {
            assertTrue(SendLimits.tryAcquireCallerQuota(realmA, "realm-a", "links", "caller-1", 3), "link " + (i + 1));
        }
        int before = store.entries.size();
        assertFalse(SendLimits.tryAcquireCallerQuota(realmA, "realm-a", "links", "caller-1", 3), "the fourth in the hour is refused");
        assertEquals(before, store.entries.size(), "a refusal stores nothing");
        assertTrue(SendLimits.tryAcquireCallerQuota(realmA, "realm-a", "revocations", "caller-1", 3), "another action has its own budget");
        assertTrue(SendLimits.tryAcquireCallerQuota(realmA, "realm-a", "links", "caller-2", 3), "another caller has its own budget");
        assertTrue(SendLimits.tryAcquireCallerQuota(TokenLoginStore.of(store, "realm-b"), "realm-b", "links", "caller-1", 3),
                "the same client id in another realm has its own budget");
        assertTrue(store.lifespans.values().stream().allMatch(l -> l > 0 && l <= 3600), "every slot lives at most an hour: " + store.lifespans);
    }

    /** D15: IPv6 clients are counted per /64, IPv4-mapped addresses as IPv4. */
    @Test
    void D15_ipv6ClientsAreCountedPerSlash64() {
        assertEquals(SendLimits.network("2001:db8:1:2::1"), SendLimits.network("2001:db8:1:2:ffff:ffff:ffff:9"));
        assertNotEquals(SendLimits.network("2001:db8:1:2::1"), SendLimits.network("2001:db8:1:3::1"));
        assertEquals("10.1.2.3", SendLimits.network("::ffff:10.1.2.3"));
        assertEquals("10.1.2.3", SendLimits.network("10.1.2.3"));
        MemoryStore store = new MemoryStore();
        MagicLinkSettings settings = new MagicLinkSettings(300, true, false, 0, 5, 2);
        assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "p@x.example", "2001:db8:1:2::1"));
        assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "q@x.example", "2001:db8:1:2::2"));
        assertFalse(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "r@x.example", "2001:db8:1:2:abcd::3"), "one /64, one budget");
        assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "r@x.example", "2001:db8:1:3::3"));
    }

    /** D20: the n-th mail of a client costs the same store operations as the first (no linear scan of slots). */
    @Test
    void D20_theThreeThousandthMailCostsWhatTheFirstCosts() {
        CountingStore store = new CountingStore();
        MagicLinkSettings settings = new MagicLinkSettings(300, true, false, 0, 5, 10000);
        store.ops = 0;
        assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "m0@x.example", "10.9.9.9"));
        long first = store.ops;
        for (int i = 1; i < 2999; i++) {
            assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "m" + i + "@x.example", "10.9.9.9"));
        }
        store.ops = 0;
        assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "m2999@x.example", "10.9.9.9"));
        assertEquals(first, store.ops, "store operations of mail 1 and mail 3000");
    }

    /**
     * Found by the load benchmark: concurrent requests read the same round-robin hint; the one that lost the slot's
     * {@code putIfAbsent} was refused (no mail) although the budget had room. It must take the next slot instead.
     */
    @Test
    void D20_aRequestThatLosesItsSlotToAConcurrentOneTakesTheNextInsteadOfBeingRefused() {
        MemoryStore store = new MemoryStore() {
            boolean raced;
            @Override public boolean putIfAbsent(String key, long lifespanInSeconds) {
                if (!raced && key.contains(":ip:") && key.endsWith(":0")) {
                    raced = true;
                    super.putIfAbsent(key, lifespanInSeconds); // a concurrent request takes slot 0 between check and take
                    return false;
                }
                return super.putIfAbsent(key, lifespanInSeconds);
            }
        };
        MagicLinkSettings settings = new MagicLinkSettings(300, true, false, 0, 5, 30);
        assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "race@x.example", "10.7.7.7"),
                "the mail goes out on the next slot");
        for (int i = 0; i < 28; i++) {
            assertTrue(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "r" + i + "@x.example", "10.7.7.7"));
        }
        assertFalse(SendLimits.tryAcquire(TokenLoginStore.of(store, "realm"), settings, "realm", "over@x.example", "10.7.7.7"),
                "and the budget of 30 still holds (the concurrent one plus 29)");
    }

    /** L6: the partner APIs' mails are limited per address and per caller, and never use the step's address budget. */
    @Test
    void L6_apiMailsAreLimitedPerAddressAndCallerAndLeaveThePersonsOwnBudgetAlone() {
        MemoryStore store = new MemoryStore();
        TokenLoginStore realm = TokenLoginStore.of(store, "realm");
        for (int i = 0; i < 3; i++) {
            assertTrue(SendLimits.tryAcquireForCaller(realm, "realm", "victim@x.example", "caller-a", 3, 100), "API mail " + (i + 1));
        }
        assertFalse(SendLimits.tryAcquireForCaller(realm, "realm", "victim@x.example", "caller-a", 3, 100), "the address limit of the API");
        MagicLinkSettings step = new MagicLinkSettings(300, true, false, 0, 5, 30);
        for (int i = 0; i < 5; i++) {
            assertTrue(SendLimits.tryAcquire(realm, step, "realm", "victim@x.example", "10.1.1." + i), "the person's own link " + (i + 1));
        }
        for (int i = 0; i < 4; i++) {
            assertTrue(SendLimits.tryAcquireForCaller(realm, "realm", "user" + i + "@x.example", "caller-b", 3, 4));
        }
        assertFalse(SendLimits.tryAcquireForCaller(realm, "realm", "other@x.example", "caller-b", 3, 4), "the caller's hourly budget");
        assertTrue(SendLimits.tryAcquireForCaller(realm, "realm", "other@x.example", "caller-c", 3, 4), "another caller has its own");
    }

    /** A memory store that counts its operations. */
    static final class CountingStore extends MemoryStore {
        long ops;
        @Override public void put(String key, long lifespanSeconds, Map<String, String> notes) { ops++; super.put(key, lifespanSeconds, notes); }
        @Override public Map<String, String> get(String key) { ops++; return super.get(key); }
        @Override public Map<String, String> remove(String key) { ops++; return super.remove(key); }
        @Override public boolean putIfAbsent(String key, long lifespanInSeconds) { ops++; return super.putIfAbsent(key, lifespanInSeconds); }
        @Override public boolean contains(String key) { ops++; return super.contains(key); }
    }

    @Test
    void D5_sixDistinctChoicesHoldTheCodeOnceAndAreStoredWithTheLink() {
        for (int i = 0; i < 200; i++) {
            String code = MagicLinkCodes.newCode();
            assertTrue(code.matches("[1-9][0-9]"));
            var choices = MagicLinkCodes.choices(code);
            assertEquals(6, choices.size());
            assertEquals(1, choices.stream().filter(code::equals).count());
            assertEquals(6, choices.stream().distinct().count());
            assertEquals(choices, MagicLinkCodes.storedChoices(String.join(",", choices), code), "stored and read back unchanged");
        }
        assertTrue(MagicLinkCodes.storedChoices("11,12,13,14,15,16", "99").isEmpty(), "choices without the code are unusable");
        assertEquals("bob@example.com", MagicLinkCodes.normaliseEmail("  Bob@Example.COM "));
        assertEquals(null, MagicLinkCodes.normaliseEmail("not an email"));
    }
}
