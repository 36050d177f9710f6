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
 *   <li><b>Constant cost.</b> Slots are used round-robin with a hint of the next one, so the next slot is also the
 *       oldest: if it is still taken, the hour's budget is spent. At most two probes, whatever the count.</li>
 *   <li><b>Networks, not addresses.</b> IPv6 clients are counted per /64 (one subscriber's prefix), IPv4-mapped
 *       addresses as IPv4.</li>
 * </ul>
 */
final class SendLimits {

    private static final TokenLoginStore.Kind LIMIT = TokenLoginStore.Kind.SEND_LIMIT;
    private static final String NEXT = "n";
    private static final long HOUR = 3600;

    private SendLimits() {
    }

    /** A free slot and the hint value to leave after taking it. */
    private record Slot(String key, String hintKey, long next) {
    }

    /** True when a mail may be sent now; then takes the cooldown and one slot of each limit, else takes nothing. */
    static boolean tryAcquire(TokenLoginStore store, MagicLinkSettings settings, String realmId, String email, String ip) {
        String address = MagicLinkCodes.hash(realmId + "\n" + email);
        String network = MagicLinkCodes.hash(realmId + "\n" + network(ip));
        String cooldown = "cooldown:" + address;
        if (settings.resendCooldownSeconds() > 0 && store.contains(LIMIT, cooldown)) {
            return false;
        }
        Slot byAddress = free(store, "addr:" + address, settings.maxEmailsPerAddressPerHour());
        Slot byNetwork = free(store, "ip:" + network, settings.maxEmailsPerIpPerHour());
        if (byAddress == null || byNetwork == null) {
            return false;
        }
        if (!take(store, byAddress)) {
            return false;
        }
        if (!take(store, byNetwork)) {
            store.remove(LIMIT, byAddress.key());
            return false;
        }
        if (settings.resendCooldownSeconds() > 0 && !store.putIfAbsent(LIMIT, cooldown, settings.resendCooldownSeconds())) {
            store.remove(LIMIT, byAddress.key());
            store.remove(LIMIT, byNetwork.key());
            return false;
        }
        return true;
    }


    /** The next slot if it is free (one more probe when a concurrent request took it first); null when the budget is spent. */
    private static Slot free(TokenLoginStore store, String subject, int max) {
        if (max <= 0) {
            return null;
        }
        String hintKey = subject + ":next";
        Map<String, String> hint = store.get(LIMIT, hintKey);
        long next = 0;
        try {
            next = hint == null ? 0 : Long.parseLong(hint.get(NEXT));
        } catch (NumberFormatException e) {
            next = 0;
        }
        for (long n = next; n < next + 2; n++) {
            String key = subject + ":" + Math.floorMod(n, max);
            if (!store.contains(LIMIT, key)) {
                return new Slot(key, hintKey, n + 1);
            }
        }
        return null;
    }

    private static boolean take(TokenLoginStore store, Slot slot) {
        if (!store.putIfAbsent(LIMIT, slot.key(), HOUR)) {
            return false;
        }
        store.put(LIMIT, slot.hintKey(), HOUR, Map.of(NEXT, Long.toString(slot.next())));
        return true;
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
