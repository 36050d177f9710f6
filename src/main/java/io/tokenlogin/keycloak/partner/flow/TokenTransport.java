package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.TokenError;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.http.HttpResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a partner token travels (SPEC §1 "Transport"): query parameter or form field {@code external-auth-token},
 * the link's path segment, cookie {@code external-auth-token}, header {@code External-Auth-Token}.
 * Two transports carrying different tokens are refused as {@code invalid_token}.
 */
public final class TokenTransport {

    public static final String PARAM = "external-auth-token";
    public static final String HEADER = "External-Auth-Token";
    public static final String COOKIE = "external-auth-token";

    /** A token and whether it came from the cookie (which is then expired, so a used token never sticks). */
    public record Found(String token, boolean fromCookie) {
    }

    private final List<String> values = new ArrayList<>();
    private boolean cookieSeen;

    private TokenTransport() {
    }

    public static TokenTransport collect() {
        return new TokenTransport();
    }

    public TokenTransport add(String value) {
        if (value != null && !value.isBlank()) {
            values.add(value.trim());
        }
        return this;
    }

    public TokenTransport addAll(List<String> multiple) {
        if (multiple != null) {
            multiple.forEach(this::add);
        }
        return this;
    }

    public TokenTransport params(MultivaluedMap<String, String> parameters) {
        return parameters == null ? this : addAll(parameters.get(PARAM));
    }

    public TokenTransport headersAndCookie(HttpHeaders headers) {
        if (headers == null) {
            return this;
        }
        addAll(headers.getRequestHeader(HEADER));
        String raw = headers.getHeaderString(HttpHeaders.COOKIE);
        if (raw == null || !raw.contains(COOKIE)) {
            return this; // most authorization requests carry no token cookie: do not parse every cookie for nothing
        }
        Cookie cookie = headers.getCookies().get(COOKIE);
        if (cookie != null && cookie.getValue() != null && !cookie.getValue().isBlank()) {
            cookieSeen = true;
            add(cookie.getValue());
        }
        return this;
    }

    /** The one token carried, or null when none is; several different tokens are ambiguous and refused. */
    public Found single() throws TokenRejectedException {
        if (values.isEmpty()) {
            return null;
        }
        String first = values.get(0);
        if (values.stream().anyMatch(v -> !Objects.equals(v, first))) {
            throw new TokenRejectedException(TokenError.INVALID_TOKEN, "different tokens in more than one transport");
        }
        return new Found(first, cookieSeen);
    }

    public boolean cookieSeen() {
        return cookieSeen;
    }

    /** The only token of the request came from the cookie (nothing the current request itself carried). */
    public boolean cookieOnly() {
        return cookieSeen && values.size() == 1;
    }


    /**
     * Expires the token cookie in every variant this response can reach: the paths of the realm's endpoints and, for
     * a host name, the host and each parent domain. A junk cookie planted on a parent domain or another path then
     * stops breaking sign-ins. Written as raw headers: one cookie name, many paths and domains.
     */
    public static void expireCookieVariants(HttpResponse response, java.net.URI requestUri, String realmName) {
        String realmPath = "/realms/" + realmName;
        List<String> paths = List.of("/", "/realms", "/realms/", realmPath, realmPath + "/", realmPath + "/protocol",
                realmPath + "/protocol/openid-connect", realmPath + "/protocol/openid-connect/auth", realmPath + "/token-login",
                realmPath + "/token-login/login", realmPath + "/login-actions");
        List<String> domains = new ArrayList<>();
        domains.add(null);
        String host = requestUri.getHost();
        if (host != null && host.contains(".") && !host.matches("[0-9.]+") && !host.contains(":")) {
            String d = host;
            while (d.indexOf('.') > 0) {
                domains.add(d);
                d = d.substring(d.indexOf('.') + 1);
            }
        }
        boolean secure = "https".equalsIgnoreCase(requestUri.getScheme());
        for (String domain : domains) {
            for (String path : paths) {
                response.addHeader("Set-Cookie", COOKIE + "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=" + path
                        + (domain == null ? "" : "; Domain=" + domain) + "; HttpOnly" + (secure ? "; Secure" : ""));
            }
        }
    }

    /**
     * True unless the browser says this request is not a top-level navigation ({@code Sec-Fetch-Mode} other than
     * {@code navigate}, or {@code Sec-Fetch-Dest} other than {@code document}, or a speculative prefetch
     * ({@code Sec-Purpose}/{@code Purpose: prefetch}): an image, script, fetch, frame or prefetch never consumes a
     * token or ends a session. Browsers that send neither header are let through.
     */
    public static boolean isTopLevelNavigation(HttpHeaders headers) {
        String mode = headers.getHeaderString("Sec-Fetch-Mode");
        String dest = headers.getHeaderString("Sec-Fetch-Dest");
        String purpose = headers.getHeaderString("Sec-Purpose");
        String legacyPurpose = headers.getHeaderString("Purpose");
        boolean prefetch = (purpose != null && purpose.toLowerCase(java.util.Locale.ROOT).contains("prefetch"))
                || (legacyPurpose != null && legacyPurpose.toLowerCase(java.util.Locale.ROOT).contains("prefetch"));
        return !prefetch && (mode == null || mode.equalsIgnoreCase("navigate")) && (dest == null || dest.equalsIgnoreCase("document"));
    }

    /** Headers for every response that saw a token (SPEC §2). */
    public static void noStore(HttpResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Referrer-Policy", "no-referrer");
    }
}
