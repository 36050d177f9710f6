package io.tokenlogin.keycloak.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Keeps webhooks off internal networks: a target must be http(s) and every address its host resolves to must be
 * public, not loopback, private (RFC 1918, unique-local), link-local, any-local or multicast, unless the realm
 * attribute {@value #ALLOW_PRIVATE} is {@code true}. Checked when a confirmation is created and again before each
 * delivery (DNS may change in between).
 */
public final class TargetGuard {

    public static final String ALLOW_PRIVATE = "token-login.webhook.allow-private-targets";

    private TargetGuard() {
    }

    /** Null when the target may be called, else why not. */
    public static String refusal(String url, boolean allowPrivate) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "not a URL";
        }
        if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("https") || uri.getScheme().equalsIgnoreCase("http"))
                || uri.getHost() == null || uri.getUserInfo() != null) {
            return "only http(s) URLs with a host and no user info";
        }
        if (allowPrivate) {
            return null;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
                if (!isPublic(address)) {
                    return "the host resolves to a loopback, private or link-local address";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return "the host does not resolve";
        }
    }

    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length == 16 && (b[0] & 0xfe) == 0xfc) {
            return false; // fc00::/7 unique local
        }
        if (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
            return false; // 100.64.0.0/10 carrier-grade NAT
        }
        return !(b.length == 4 && (b[0] & 0xff) == 169 && (b[1] & 0xff) == 254);
    }
}
