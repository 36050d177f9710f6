package io.tokenlogin.keycloak.it;

import java.net.CookieHandler;
import java.net.HttpCookie;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A cookie jar that behaves like a browser on {@code http://localhost}: browsers treat loopback origins as secure
 * contexts and send {@code Secure} cookies there (Keycloak marks its SSO cookies Secure for the same reason), while
 * the JDK's CookieManager would drop them. Host and path matching as in RFC 6265, expiry honoured.
 */
public final class LoopbackCookieJar extends CookieHandler {

    private final List<Stored> jar = new ArrayList<>();

    private record Stored(String host, HttpCookie cookie) {
    }

    @Override
    public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        jar.removeIf(s -> s.cookie().hasExpired());
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        String header = jar.stream()
                .filter(s -> s.host().equalsIgnoreCase(uri.getHost()))
                .filter(s -> path.startsWith(s.cookie().getPath() == null ? "/" : s.cookie().getPath()))
                .map(s -> s.cookie().getName() + "=" + s.cookie().getValue())
                .collect(Collectors.joining("; "));
        return header.isEmpty() ? Map.of() : Map.of("Cookie", List.of(header));
    }

    @Override
    public synchronized void put(URI uri, Map<String, List<String>> responseHeaders) {
        responseHeaders.forEach((name, values) -> {
            if ("Set-Cookie".equalsIgnoreCase(name)) {
                for (String value : values) {
                    for (HttpCookie cookie : HttpCookie.parse(value)) {
                        if (cookie.getPath() == null) {
                            cookie.setPath("/");
                        }
                        add(uri, cookie);
                    }
                }
            }
        });
    }

    synchronized void add(URI uri, HttpCookie cookie) {
        jar.removeIf(s -> s.host().equalsIgnoreCase(uri.getHost()) && s.cookie().getName().equals(cookie.getName())
                && String.valueOf(s.cookie().getPath()).equals(String.valueOf(cookie.getPath())));
        if (cookie.getMaxAge() != 0 && !cookie.getValue().isEmpty()) {
            jar.add(new Stored(uri.getHost(), cookie));
        }
    }

    /** Forgets every cookie (a browser whose cookies were cleared). */
    public synchronized void clear() {
        jar.clear();
    }

    synchronized List<HttpCookie> all() {
        jar.removeIf(s -> s.cookie().hasExpired());
        return jar.stream().map(Stored::cookie).toList();
    }
}
