package io.tokenlogin.keycloak.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenlogin.keycloak.webhook.EcmaJson;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;

/** Reads request bodies: a JSON object or a clear 400, never a 500. */
final class JsonBodies {

    static final int MAX_BODY = 64 * 1024;

    private JsonBodies() {
    }

    static JsonNode object(String body) throws ApiException {
        return object(body, false);
    }

    /**
     * With {@code exactNumbers}, numbers stay exact (floats as BigDecimal, see {@link EcmaJson#parse}) so that a
     * value handed on to a JavaScript receiver becomes a double only once, as there.
     */
    static JsonNode object(String body, boolean exactNumbers) throws ApiException {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("invalid_request", "a JSON object body is required");
        }
        if (body.length() > MAX_BODY) {
            throw ApiException.badRequest("invalid_request", "the body is too large");
        }
        try {
            JsonNode node = exactNumbers ? EcmaJson.parse(body) : JsonSerialization.mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("invalid_request", "the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_request", "the body is not valid JSON");
        }
    }

    static String text(JsonNode body, String field) throws ApiException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw ApiException.badRequest("invalid_request", "'" + field + "' must be a non-empty string");
        }
        return value.asText().trim();
    }

    static String required(JsonNode body, String field) throws ApiException {
        String value = text(body, field);
        if (value == null) {
            throw ApiException.badRequest("invalid_request", "'" + field + "' is required");
        }
        return value;
    }

    static boolean bool(JsonNode body, String field, boolean fallback) throws ApiException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest("invalid_request", "'" + field + "' must be true or false");
        }
        return value.asBoolean();
    }

    static Long integer(JsonNode body, String field) throws ApiException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiException.badRequest("invalid_request", "'" + field + "' must be an integer");
        }
        return value.asLong();
    }
}
