package io.tokenlogin.keycloak.magiclink;

import io.tokenlogin.keycloak.store.TokenLoginStore;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Mail-sending limits kept in Keycloak's cluster-wide single-use store, so they hold across nodes: a cooldown per
 * address, and N slots per address and per client network, each slot taken with an atomic {@code putIfAbsent} and
 * living one hour, so at most N mails go out in any rolling hour.
 *
 * <ul>
 *   <li><b>Nothing is taken unless everything allows it.</b> Every limit is checked first; a refused request takes
 *       no slot of anyone (an IP over its budget cannot use up a victim's address budget), and a slot taken in a
 *       lost race is given back.</li>
 *   <li><b>Constant cost, concurrent-safe.</b> Slots are used round-robin with a hint of the next one, so the next
 *       slot is also the oldest: if it and the few after it are still taken, the hour's budget is spent. Concurrent
 *       requests that read the same hint each take their own slot (a lost {@code putIfAbsent} moves on to the next
 *       one, it never refuses the mail). At most {@link #PROBES} probes, whatever the count.</li>
 *   <li><b>Networks, not addresses.</b> IPv6 clients are counted per /64 (one subscriber's prefix), IPv4-mapped
 *       addresses as IPv4.</li>
 * </ul>
 */
public final class SendLimits {

    private static final TokenLoginStore.Kind LIMIT = TokenLoginStore.Kind.SEND_LIMIT;
    private static final String NEXT = "n";
    private static final long HOUR = 3600;

    private SendLimits() {
    }

    /** Slots probed past the hint before a subject counts as spent: concurrent requests may hold the first ones. */
    static final int PROBES = 32;

    /** True when a mail may be sent now; then takes the cooldown and one slot of each limit, else takes nothing. */
    static boolean tryAcquire(TokenLoginStore store, MagicLinkSettings settings, String realmId, String email, String ip) {
        return acquire(store, settings, realmId, email, "addr:", "ip:" + MagicLinkCodes.hash(realmId + "\n" + network(ip)));
    }

    /**
     * The partner APIs' mail limits: per address, and per calling client instead of per network (an authenticated
     * partner backend asking for mails to many addresses). Same rules: nothing taken unless both allow it.
     */
    public static boolean tryAcquireForCaller(TokenLoginStore store, String realmId, String email, String callerId,
                                              int perAddress, int perCaller) {
        MagicLinkSettings limits = new MagicLinkSettings(300, false, false, 0, perAddress, perCaller);
        // its own address budget: a partner's mails never use up the address budget of the person's own sign-ins
        return acquire(store, limits, realmId, email, "api-addr:", "api:" + MagicLinkCodes.hash(realmId + "\n" + callerId));
    }

    /**
     * One unit of a calling client's hourly budget for an action that stores entries (minting a link, revoking a
     * token): the same round-robin slots, so the caller can never hold more than {@code max} of the action's entries
     * per rolling hour. False (and nothing taken) when the hour's budget is spent.
     */
    public static boolean tryAcquireCallerQuota(TokenLoginStore store, String realmId, String action, String callerId, int max) {
        String subject = "quota:" + action + ":" + MagicLinkCodes.hash(realmId + "\n" + callerId);
        return hasRoom(store, subject, max) && take(store, subject, max) != null;
    }

    private static boolean acquire(TokenLoginStore store, MagicLinkSettings settings, String realmId, String email,
                                   String addressPrefix, String bySubject) {
        String address = MagicLinkCodes.hash(realmId + "\n" + email);
        String cooldown = "cooldown:" + address;
        if (settings.resendCooldownSeconds() > 0 && store.contains(LIMIT, cooldown)) {
            return false;
        }
        String byAddress = addressPrefix + address;
        String byNetwork = bySubject;
        // every limit is looked at before any slot is taken: a refused request takes no one's budget
        if (!hasRoom(store, byAddress, settings.maxEmailsPerAddressPerHour())
                || !hasRoom(store, byNetwork, settings.maxEmailsPerIpPerHour())) {
            return false;
        }
        String addressSlot = take(store, byAddress, settings.maxEmailsPerAddressPerHour());
        if (addressSlot == null) {
            return false;
        }
        String networkSlot = take(store, byNetwork, settings.maxEmailsPerIpPerHour());
        if (networkSlot == null) {
            store.remove(LIMIT, addressSlot);
            return false;
        }
        if (settings.resendCooldownSeconds() > 0 && !store.putIfAbsent(LIMIT, cooldown, settings.resendCooldownSeconds())) {
            store.remove(LIMIT, addressSlot);
            store.remove(LIMIT, networkSlot);
            return false;
        }
        return true;
    }

    private static long hint(TokenLoginStore store, String subject) {
        Map<String, String> hint = store.get(LIMIT, subject + ":next");
        try {
            return hint == null ? 0 : Long.parseLong(hint.get(NEXT));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Whether the subject's budget has room: slots are used round-robin from the hint, so the hinted slot is the
     * oldest; when it and the next ones are all taken, the hour's budget is spent. At most {@link #PROBES} probes.
     */
    private static boolean hasRoom(TokenLoginStore store, String subject, int max) {
        if (max <= 0) {
            return false;
        }
        long next = hint(store, subject);
        for (long n = next; n < next + Math.min(max, PROBES); n++) {
            if (!store.contains(LIMIT, subject + ":" + Math.floorMod(n, max))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes the first free slot from the hint on (atomic {@code putIfAbsent}: of concurrent requests each gets its own
     * slot, a lost race moves on to the next one) and moves the hint past it; null when the budget is spent.
     */
    private static String take(TokenLoginStore store, String subject, int max) {
        long next = hint(store, subject);
        for (long n = next; n < next + Math.min(max, PROBES); n++) {
            String key = subject + ":" + Math.floorMod(n, max);
            if (store.putIfAbsent(LIMIT, key, HOUR)) {
                store.put(LIMIT, subject + ":next", HOUR, Map.of(NEXT, Long.toString(n + 1)));
                return key;
            }
        }
        return null;
    }

    /** The client's network: the IPv4 address, or the /64 of an IPv6 address (literal addresses only, no DNS). */
    static String network(String ip) {
        if (ip == null || ip.isBlank()) {
            return "unknown";
        }
        String literal = ip.trim();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (!literal.contains(":")) {
            return literal;
        }
        try {
            InetAddress address = InetAddress.getByName(literal.replaceAll("%.*$", ""));
            if (address instanceof Inet4Address) {
                return address.getHostAddress(); // IPv4-mapped
            }
            if (address instanceof Inet6Address) {
                byte[] bytes = address.getAddress();
                return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
            }
        } catch (UnknownHostException | IllegalArgumentException e) {
            // not a literal address: count it as given
        }
        return literal;
    }
}
