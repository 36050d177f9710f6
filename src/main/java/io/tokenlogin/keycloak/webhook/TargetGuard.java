package io.tokenlogin.keycloak.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Keeps webhooks off internal networks. A target must be http(s) with a host and no user info, and its host is
 * resolved <b>once</b>: every address must be public (not in any IANA special-purpose range of IPv4 or IPv6, and no
 * IPv6 form that carries an IPv4 address: mapped, compatible, NAT64, 6to4, Teredo), and the delivery then connects to
 * exactly the address that was checked ({@link Target}), so a DNS answer that changes in between (rebinding) cannot
 * move it. The realm attribute {@value #ALLOW_PRIVATE} = {@code true} lifts the address rule (tests, intranets).
 */
public final class TargetGuard {

    public static final String ALLOW_PRIVATE = "token-login.webhook.allow-private-targets";

    /** Resolves a host name; the JVM's resolver in production, the test's own in tests. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public static final Resolver SYSTEM = InetAddress::getAllByName;

    /** A checked target: the URL and the one address to connect to. */
    public record Target(URI uri, InetAddress address) {
        int port() {
            return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
    }

    /** A refusal or a target. */
    public record Plan(Target target, String refusal) {
    }

    /** CIDR blocks of the IANA IPv4 and IPv6 special-purpose address registries (and multicast, reserved). */
    private static final List<byte[][]> BLOCKS = List.of(
            cidr("0.0.0.0", 8), cidr("10.0.0.0", 8), cidr("100.64.0.0", 10), cidr("127.0.0.0", 8), cidr("169.254.0.0", 16),
            cidr("172.16.0.0", 12), cidr("192.0.0.0", 24), cidr("192.0.2.0", 24), cidr("192.31.196.0", 24),
            cidr("192.52.193.0", 24), cidr("192.88.99.0", 24), cidr("192.168.0.0", 16), cidr("192.175.48.0", 24),
            cidr("198.18.0.0", 15), cidr("198.51.100.0", 24), cidr("203.0.113.0", 24), cidr("224.0.0.0", 4),
            cidr("240.0.0.0", 4),
            cidr("::", 96), // unspecified, loopback and IPv4-compatible ([::127.0.0.1])
            // (IPv4-mapped ::ffff:0:0/96 arrive as IPv4 addresses in Java and meet the IPv4 blocks)
            cidr("64:ff9b::", 96), cidr("64:ff9b:1::", 48), cidr("100::", 64),
            cidr("2001::", 23), cidr("2001:db8::", 32), cidr("2002::", 16), cidr("3fff::", 20), cidr("5f00::", 16),
            cidr("fc00::", 7), cidr("fe80::", 10), cidr("fec0::", 10), cidr("ff00::", 8));

    private TargetGuard() {
    }

    /** Null when the target may be called, else why not (resolving with the system resolver). */
    public static String refusal(String url, boolean allowPrivate) {
        return plan(url, allowPrivate, SYSTEM).refusal();
    }

    /** Checks a URL and pins the address to connect to; resolves the host exactly once. */
    public static Plan plan(String url, boolean allowPrivate, Resolver resolver) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return new Plan(null, "not a URL");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("https") || uri.getScheme().equalsIgnoreCase("http"))
                || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return new Plan(null, "only http(s) URLs with a host and no user info");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return new Plan(null, "the host does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            return new Plan(null, "the host does not resolve");
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                if (!isPublic(address)) {
                    return new Plan(null, "the host resolves to a loopback, private, link-local or other special-purpose address");
                }
            }
        }
        return new Plan(new Target(uri, addresses[0]), null);
    }

    static boolean isPublic(InetAddress a) {
        byte[] b = a.getAddress();
        for (byte[][] block : BLOCKS) {
            if (within(b, block[0], block[1][0] & 0xff)) {
                return false;
            }
        }
        return !(a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isMulticastAddress());
    }

    private static boolean within(byte[] address, byte[] network, int prefix) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    private static byte[][] cidr(String literal, int prefix) {
        try {
            InetAddress network = InetAddress.getByName(literal); // literals only: no DNS
            byte[] bytes = network instanceof Inet4Address || network instanceof Inet6Address ? network.getAddress() : null;
            return new byte[][]{bytes, {(byte) prefix}};
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
