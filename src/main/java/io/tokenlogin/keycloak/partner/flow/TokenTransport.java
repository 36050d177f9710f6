package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.TokenError;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
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

    /** Expires the transport cookie, so a consumed single-use token does not break the next sign-in. */
    public static void expireCookie(HttpResponse response, String path) {
        response.setCookieIfAbsent(new NewCookie.Builder(COOKIE).value("").path(path).maxAge(0).httpOnly(true).build());
    }

    /** Headers for every response that saw a token (SPEC §2). */
    public static void noStore(HttpResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Referrer-Policy", "no-referrer");
    }
}
