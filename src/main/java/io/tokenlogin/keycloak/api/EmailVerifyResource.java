package io.tokenlogin.keycloak.api;

import io.tokenlogin.keycloak.store.TokenLoginStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.tokenlogin.keycloak.webhook.EcmaJson;
import io.tokenlogin.keycloak.webhook.WebhookDelivery;
import io.tokenlogin.keycloak.webhook.WebhookKeys;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.utils.RedirectUtils;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST …/email-confirmations/verify} {@code {confirmationSecret}}: called by the partner's landing page, with
 * no bearer token; CORS only for landing origins. Valid once: 200 with the confirmation, and the signed webhook goes
 * out off the request; expired 410; unknown or used 404.
 */
public class EmailVerifyResource {

    private final KeycloakSession session;
    private final RealmModel realm;

    public EmailVerifyResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    public Response verify(String body) {
        String origin = session.getContext().getRequestHeaders().getHeaderString("Origin");
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection()).event(EventType.VERIFY_EMAIL)
                .detail(Details.AUTH_METHOD, "token-login-email-confirmation");
        try {
            String secret = JsonBodies.required(JsonBodies.object(body), "confirmationSecret");
            if (!io.tokenlogin.keycloak.delivery.DeliveryPools.webhookRoom()) {
                // the webhook could not be queued: refuse before consuming, so the same call works in a moment
                throw new ApiException(503, "temporarily_unavailable", "webhook delivery is saturated; retry shortly");
            }
            long now = Instant.now().getEpochSecond();
            Map<String, String> confirmation = EmailConfirmations.consume(TokenLoginStore.of(session, realm), secret).orElse(null);
            if (confirmation == null) {
                boolean expired = EmailConfirmations.expiredUnused(TokenLoginStore.of(session, realm), secret, now);
                event.error(expired ? "expired_code" : "invalid_code");
                throw expired ? new ApiException(410, "expired", "the confirmation has expired")
                        : new ApiException(404, "not_found", "unknown or already used confirmation");
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("confirmationId", confirmation.get(EmailConfirmations.ID));
            answer.put("email", confirmation.get(EmailConfirmations.EMAIL));
            answer.put("validationStatus", "valid");
            answer.put("metadata", EcmaJson.parse(confirmation.get(EmailConfirmations.METADATA)));
            answer.put("timestamp", Instant.now().toString());
            // written as JSON.stringify(JSON.parse(body)) gives it back: receivers that verify over the re-serialised
            // express.json() body (seed 002's published middleware) check these very bytes
            byte[] bytes = EcmaJson.write(answer);
            String callback = confirmation.get(EmailConfirmations.CALLBACK);
            if (callback != null) {
                // durable: stored in this transaction, so the 200 below means the webhook will be delivered
                String caller = confirmation.get(EmailConfirmations.CLIENT);
                WebhookKeys.signingKey(session, realm).ifPresent(key -> io.tokenlogin.keycloak.webhook.outbox.WebhookOutbox.enqueue(
                        session, realm, caller, WebhookDelivery.Webhook.of(callback, bytes, WebhookKeys.sign(key, bytes),
                                PartnerApiResource.allowPrivateTargets(realm))));
            }
            event.client(realm.getClientById(confirmation.get(EmailConfirmations.CLIENT)))
                    .detail(Details.EMAIL, confirmation.get(EmailConfirmations.EMAIL)).success();
            Response.ResponseBuilder ok = Response.ok(bytes, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store");
            if (origin != null && origin.equals(origin(confirmation.get(EmailConfirmations.LANDING)))) {
                cors(ok, origin);
            }
            return ok.build();
        } catch (ApiException e) {
            return withCors(ApiResponses.error(e), origin);
        } catch (IOException e) {
            return withCors(ApiResponses.error(ApiException.badRequest("invalid_request", "could not read the confirmation")), origin);
        }
    }

    /** CORS preflight: only origins of some client's Valid Redirect URIs (the possible landing pages) get an answer. */
    public Response preflight() {
        String origin = session.getContext().getRequestHeaders().getHeaderString("Origin");
        Response.ResponseBuilder builder = Response.noContent();
        if (origin != null && landingOrigin(origin)) {
            cors(builder, origin).header("Access-Control-Allow-Methods", "POST")
                    .header("Access-Control-Allow-Headers", "Content-Type").header("Access-Control-Max-Age", "600");
        }
        return builder.build();
    }

    private Response withCors(Response response, String origin) {
        if (origin == null || !landingOrigin(origin)) {
            return response;
        }
        return cors(Response.fromResponse(response), origin).build();
    }

    private static Response.ResponseBuilder cors(Response.ResponseBuilder builder, String origin) {
        return builder.header("Access-Control-Allow-Origin", origin).header("Vary", "Origin");
    }

    private boolean landingOrigin(String origin) {
        return realm.getClientsStream().filter(c -> c.isEnabled())
                .flatMap(c -> RedirectUtils.resolveValidRedirects(session, c.getRootUrl(), c.getRedirectUris()).stream())
                .map(EmailVerifyResource::origin)
                .anyMatch(o -> Objects.equals(o, origin));
    }

    static String origin(String url) {
        try {
            URI uri = URI.create(url.replace("*", ""));
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
