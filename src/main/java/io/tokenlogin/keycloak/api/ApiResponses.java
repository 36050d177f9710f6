package io.tokenlogin.keycloak.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** The one place that writes API answers: JSON, never cached. */
public final class ApiResponses {

    private ApiResponses() {
    }

    public static Response json(int status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body)
                .header("Cache-Control", "no-store").build();
    }

    public static Response error(ApiException e) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("error_description", e.getMessage());
        Response.ResponseBuilder builder = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(body)
                .header("Cache-Control", "no-store");
        if (e.status() == 401) {
            builder.header("WWW-Authenticate", "Bearer");
        }
        if (e.status() == 503) {
            builder.header("Retry-After", "5");
        }
        return builder.build();
    }
}
