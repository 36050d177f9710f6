package io.tokenlogin.keycloak.api;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.store.TokenLoginStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.tokenlogin.keycloak.magiclink.ApiMagicLinks;
import io.tokenlogin.keycloak.magiclink.MagicLinkCodes;
import io.tokenlogin.keycloak.magiclink.SendLimits;
import io.tokenlogin.keycloak.users.JitUsers;
import io.tokenlogin.keycloak.webhook.EcmaJson;
import io.tokenlogin.keycloak.webhook.TargetGuard;
import io.tokenlogin.keycloak.webhook.WebhookKeys;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.utils.RedirectUtils;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Partner APIs (SPEC §5), for a bearer token of this realm with the realm role {@code token-login-issuer}:
 * mint sign-in links for a user ({@code POST magic-links}), start an email confirmation
 * ({@code POST email-confirmations}) and poll it ({@code GET email-confirmations/{id}}). The unauthenticated
 * {@code verify} call of the landing page lives in {@link EmailVerifyResource}.
 */
public class PartnerApiResource {

    static final int DEFAULT_LINK_LIFETIME = 3600;
    static final int MAX_LINK_LIFETIME = 86400;
    static final int MAX_METADATA_BYTES = 4096;

    private final KeycloakSession session;
    private final RealmModel realm;

    public PartnerApiResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    public Response createMagicLink(String body) {
        try {
            ApiCaller caller = ApiCaller.authenticate(session, realm);
            JsonNode json = JsonBodies.object(body);
            ClientModel client = realm.getClientByClientId(JsonBodies.required(json, "clientId"));
            if (client == null || !client.isEnabled()) {
                throw ApiException.badRequest("invalid_client", "unknown or disabled clientId");
            }
            if (ApiCaller.isAdminClient(client)) {
                throw ApiException.badRequest("invalid_client", "links never land in Keycloak's admin clients");
            }
            String requested = JsonBodies.required(json, "redirectUri");
            String redirectUri = RedirectUtils.verifyRedirectUri(session, requested, client);
            if (redirectUri == null) {
                throw ApiException.badRequest("invalid_redirect_uri", "redirectUri is not a valid redirect URI of the client");
            }
            // the admin allows a caller its landing URLs: the calling client's own Valid Redirect URIs
            if (RedirectUtils.verifyRedirectUri(session, requested, caller.client()) == null) {
                throw ApiException.badRequest("invalid_redirect_uri", "redirectUri is not a Valid Redirect URI of the calling client");
            }
            Long lifetime = JsonBodies.integer(json, "lifetime");
            if (lifetime != null && (lifetime < 60 || lifetime > MAX_LINK_LIFETIME)) {
                throw ApiException.badRequest("invalid_request", "lifetime must be 60 to " + MAX_LINK_LIFETIME + " seconds");
            }
            // before the user is looked up or created: a refused request writes nothing
            quota(caller, "links", LINKS_PER_CALLER, 10000, 1_000_000);
            UserModel user = user(caller, json, JsonBodies.bool(json, "createUser", false));
            if (!user.isEnabled()) {
                throw ApiException.badRequest("user_disabled", "the user is disabled");
            }
            if (JsonBodies.bool(json, "sendEmail", false) && user.getEmail() != null) {
                mailAllowed(caller, MagicLinkCodes.normaliseEmail(user.getEmail()));
            }
            ApiMagicLinks.Issued issued = ApiMagicLinks.issue(session, realm, user, client, redirectUri,
                    lifetime == null ? DEFAULT_LINK_LIFETIME : lifetime.intValue(), JsonBodies.bool(json, "sendEmail", false),
                    caller.client(), JsonBodies.bool(json, "replaceExisting", false));
            // IMPERSONATE (saved by default): the caller can now sign in as this user
            event(caller, "magic_link_created").event(EventType.IMPERSONATE).user(user).detail(Details.REDIRECT_URI, redirectUri)
                    .detail("landing_client", client.getClientId()).detail(Details.IMPERSONATOR, caller.client().getClientId()).success();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("linkId", issued.linkId());
            answer.put("userId", user.getId());
            // a mailed link proves the address on click, so the caller never sees it (it could click it itself)
            answer.put("link", issued.sent() ? null : issued.link());
            answer.put("expiresAt", Instant.ofEpochSecond(issued.expiresAt()).toString());
            answer.put("sent", issued.sent());
            return ApiResponses.json(201, answer);
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
    }

    /** Realm attributes for the partner APIs' mail limits (per address, per calling client, in any rolling hour). */
    static final String MAILS_PER_ADDRESS = "token-login.api.mails-per-address-per-hour";
    static final String MAILS_PER_CALLER = "token-login.api.mails-per-caller-per-hour";

    /**
     * A partner backend (or a stolen secret of one) must not turn the realm's mail server against an address or into a
     * bulk mailer: at most {@code MAILS_PER_ADDRESS} (default 10) mails per address and {@code MAILS_PER_CALLER}
     * (default 1000) per caller in any hour, counted like the magic-link step's limits; 429 otherwise.
     */
    private void mailAllowed(ApiCaller caller, String email) throws ApiException {
        int perAddress = limit(MAILS_PER_ADDRESS, 10, 1, 1000);
        int perCaller = limit(MAILS_PER_CALLER, 1000, 1, 100000);
        if (email == null || !SendLimits.tryAcquireForCaller(TokenLoginStore.of(session, realm),
                realm.getId(), email, caller.client().getId(), perAddress, perCaller)) {
            TokenLoginMetrics.mail(realm.getName(), "api", "refused");
            throw new ApiException(429, "rate_limited", "too many mails to this address or from this caller in the last hour");
        }
    }

    /** Realm attributes for what a caller may store per rolling hour: minted links, revoked partner tokens. */
    static final String LINKS_PER_CALLER = "token-login.api.links-per-caller-per-hour";
    static final String REVOCATIONS_PER_CALLER = "token-login.api.revocations-per-caller-per-hour";

    /**
     * Every minted link and every revoked jti is an entry in the cluster-wide store (a link up to a day, a revocation
     * up to a week): a partner backend (or a stolen secret of one) may ask for at most so many per hour; 429 otherwise.
     * A request counts once it is authenticated and well-formed, whatever happens next (it also slows probing).
     */
    private void quota(ApiCaller caller, String action, String attribute, int fallback, int max) throws ApiException {
        if (!SendLimits.tryAcquireCallerQuota(TokenLoginStore.of(session, realm), realm.getId(),
                action, caller.client().getId(), limit(attribute, fallback, 1, max))) {
            throw new ApiException(429, "rate_limited", "too many " + action + " from this caller in the last hour (" + attribute + ")");
        }
    }

    private int limit(String attribute, int fallback, int min, int max) {
        try {
            int value = Integer.parseInt(String.valueOf(realm.getAttribute(attribute)).trim());
            return value < min || value > max ? fallback : value;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** {@code DELETE magic-links/{linkId}}: the same caller revokes an unused link it minted (204), else 404. */
    public Response revokeMagicLink(String linkId) {
        try {
            ApiCaller caller = ApiCaller.authenticate(session, realm);
            if (!io.tokenlogin.keycloak.magiclink.ApiMagicLinks.revoke(io.tokenlogin.keycloak.store.TokenLoginStore.of(session, realm),
                    caller.client(), linkId)) {
                throw new ApiException(404, "not_found", "no unused link of this caller with that id");
            }
            event(caller, "magic_link_revoked").detail("link_id", linkId).success();
            return Response.noContent().header("Cache-Control", "no-store").build();
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
    }

    /**
     * {@code DELETE partner-tokens/{jti}}: a partner revokes a token it issued, before it is used. The caller is the
     * partner's <em>API client</em> (a confidential client's service account with {@code token-login-issuer}, named
     * in the partner identity provider's {@code apiClient}); the jti is revoked for every enabled partner of the realm
     * whose API client it is. 204 (also when the token was already used: it stays unusable); 404 when the caller is
     * no partner's API client.
     */
    public Response revokePartnerToken(String jti) {
        try {
            ApiCaller caller = ApiCaller.authenticate(session, realm);
            if (jti == null || jti.isBlank() || jti.length() > 256) {
                throw ApiException.badRequest("invalid_request", "jti must be 1 to 256 characters");
            }
            java.util.List<io.tokenlogin.keycloak.partner.PartnerPolicy> partners = io.tokenlogin.keycloak.partner.idp.PartnerProviders.all(session)
                    .filter(p -> p.isEnabled() && p.getConfig().get(io.tokenlogin.keycloak.partner.idp.PartnerSettings.API_CLIENT) != null
                            && caller.client().getClientId().equals(p.getConfig().get(io.tokenlogin.keycloak.partner.idp.PartnerSettings.API_CLIENT).trim()))
                    .map(p -> io.tokenlogin.keycloak.partner.flow.PartnerDirectory.policyOf(session, p))
                    .flatMap(java.util.Optional::stream).filter(io.tokenlogin.keycloak.partner.PartnerPolicy::singleUse).toList();
            if (partners.isEmpty()) {
                throw new ApiException(404, "not_found", "the caller is the API client of no single-use partner of this realm");
            }
            quota(caller, "revocations", REVOCATIONS_PER_CALLER, 1000, 100_000);
            for (io.tokenlogin.keycloak.partner.PartnerPolicy partner : partners) {
                io.tokenlogin.keycloak.partner.flow.ReplayGuard.revoke(session, realm, partner, jti);
                event(caller, "partner_token_revoked").detail(io.tokenlogin.keycloak.partner.flow.PartnerSignIn.DETAIL_PARTNER, partner.alias()).success();
            }
            return Response.noContent().header("Cache-Control", "no-store").build();
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
    }

    /** The user named by exactly one of email, userId, username; with createUser an unknown email becomes a user. */
    private UserModel user(ApiCaller caller, JsonNode json, boolean createUser) throws ApiException {
        String email = JsonBodies.text(json, "email");
        String userId = JsonBodies.text(json, "userId");
        String username = JsonBodies.text(json, "username");
        int given = (email != null ? 1 : 0) + (userId != null ? 1 : 0) + (username != null ? 1 : 0);
        if (given != 1) {
            throw ApiException.badRequest("invalid_request", "give exactly one of email, userId, username");
        }
        UserModel user;
        if (userId != null) {
            user = session.users().getUserById(realm, userId);
        } else if (username != null) {
            user = session.users().getUserByUsername(realm, username);
        } else {
            String normalised = MagicLinkCodes.normaliseEmail(email);
            if (normalised == null) {
                throw ApiException.badRequest("invalid_request", "email is not a valid address");
            }
            user = session.users().getUserByEmail(realm, normalised);
            if (user == null && createUser) {
                String byId = caller.client().getId();
                JitUsers.createIfAbsent(session, realm, normalised, (tx, created) -> {
                    created.setEmail(normalised);
                    created.setSingleAttribute(ApiCaller.CREATED_BY, byId);
                });
                user = session.users().getUserByEmail(realm, normalised);
            }
        }
        // out of the caller's reach answers exactly as an unknown user: a partner learns nothing about other users
        if (user == null || !caller.mayReach(session, realm, user)) {
            throw new ApiException(404, "user_not_found", "no such user");
        }
        return user;
    }

    public Response createEmailConfirmation(String body) {
        try {
            ApiCaller caller = ApiCaller.authenticate(session, realm);
            // exact numbers: the metadata reaches the webhook as JS would read the partner's text (EcmaJson)
            JsonNode json = JsonBodies.object(body, true);
            String email = MagicLinkCodes.normaliseEmail(JsonBodies.required(json, "email"));
            if (email == null) {
                throw ApiException.badRequest("invalid_request", "email is not a valid address");
            }
            String landing = allowedUrl(caller.client(), JsonBodies.required(json, "landingUrl"), "landingUrl");
            String callback = JsonBodies.text(json, "callbackUrl");
            if (callback != null) {
                callback = allowedUrl(caller.client(), callback, "callbackUrl");
                String refusal = TargetGuard.refusal(callback, allowPrivateTargets(realm));
                if (refusal != null) {
                    throw ApiException.badRequest("invalid_callback_url", "callbackUrl refused: " + refusal);
                }
                if (WebhookKeys.signingKey(session, realm).isEmpty()) {
                    throw new ApiException(503, "webhook_key_missing", "the realm's webhook signing key could not be created");
                }
            }
            JsonNode metadata = json.get("metadata");
            String metadataJson = metadata(metadata);
            String secret = MagicLinkCodes.newSecret();
            String id = java.util.UUID.randomUUID().toString();
            int lifetime = EmailConfirmations.lifetime(realm);
            long expires = Instant.now().getEpochSecond() + lifetime;
            Map<String, String> stored = new java.util.HashMap<>();
            stored.put(EmailConfirmations.ID, id);
            stored.put(EmailConfirmations.REALM, realm.getId());
            stored.put(EmailConfirmations.EMAIL, email);
            stored.put(EmailConfirmations.METADATA, metadataJson);
            stored.put(EmailConfirmations.LANDING, landing);
            stored.put(EmailConfirmations.CLIENT, caller.client().getId());
            stored.put(EmailConfirmations.EXPIRES, Long.toString(expires));
            if (callback != null) {
                stored.put(EmailConfirmations.CALLBACK, callback);
            }
            mailAllowed(caller, email);
            ConfirmationMail.send(session, realm, email, landingWithSecret(landing, secret), lifetime);
            EmailConfirmations.save(TokenLoginStore.of(session, realm), secret, stored, lifetime);
            event(caller, "email_confirmation_created").detail(Details.EMAIL, email).success();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("confirmationId", id);
            answer.put("email", email);
            answer.put("metadata", JsonSerialization.mapper.readTree(metadataJson));
            answer.put("expiresAt", Instant.ofEpochSecond(expires).toString());
            return ApiResponses.json(201, answer);
        } catch (ApiException e) {
            return ApiResponses.error(e);
        } catch (IOException e) {
            return ApiResponses.error(ApiException.badRequest("invalid_request", "metadata is not valid JSON"));
        }
    }

    public Response confirmationStatus(String id) {
        try {
            ApiCaller caller = ApiCaller.authenticate(session, realm);
            Map<String, String> status = EmailConfirmations.status(TokenLoginStore.of(session, realm), id, Instant.now().getEpochSecond())
                    .filter(s -> caller.client().getId().equals(s.get(EmailConfirmations.CLIENT)))
                    .orElseThrow(() -> new ApiException(404, "not_found", "no such confirmation for this client"));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("confirmationId", id);
            answer.put("status", status.get(EmailConfirmations.STATE));
            answer.put("expiresAt", Instant.ofEpochSecond(Long.parseLong(status.get(EmailConfirmations.EXPIRES))).toString());
            return ApiResponses.json(200, answer);
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
    }

    /** The caller's given-up webhook deliveries ({@code GET webhooks?status=failed}), newest first, at most 100. */
    public Response failedWebhooks(String status) {
        try {
            ApiCaller caller = ApiCaller.authenticate(session, realm);
            if (status != null && !"failed".equals(status)) {
                throw ApiException.badRequest("invalid_request", "status must be failed");
            }
            java.util.List<Map<String, Object>> list = new java.util.ArrayList<>();
            for (io.tokenlogin.keycloak.webhook.outbox.WebhookOutboxEntity row
                    : io.tokenlogin.keycloak.webhook.outbox.WebhookOutbox.failed(session, realm, caller.client().getId(), 100)) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("webhookId", row.getId());
                item.put("url", row.getUrl());
                item.put("attempts", row.getAttempts());
                item.put("lastStatus", row.getLastStatus());
                item.put("createdAt", Instant.ofEpochSecond(row.getCreatedAt()).toString());
                list.add(item);
            }
            return ApiResponses.json(200, Map.of("webhooks", list));
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
    }

    /** Queues one of the caller's given-up deliveries again, with the same {@code x-webhook-id}. */
    public Response redeliverWebhook(String id) {
        try {
            ApiCaller caller = ApiCaller.authenticate(session, realm);
            if (!io.tokenlogin.keycloak.webhook.outbox.WebhookOutbox.redeliver(session, realm, caller.client().getId(), id)) {
                throw new ApiException(404, "not_found", "no such failed webhook for this client");
            }
            event(caller, "webhook_redelivery").detail("webhook_id", id).success();
            return ApiResponses.json(202, Map.of("webhookId", id, "status", "pending"));
        } catch (ApiException e) {
            return ApiResponses.error(e);
        }
    }

    static boolean allowPrivateTargets(RealmModel realm) {
        return Boolean.parseBoolean(realm.getAttribute(TargetGuard.ALLOW_PRIVATE));
    }

    /** Keycloak's own redirect-URI matching against the calling client's Valid Redirect URIs. */
    private String allowedUrl(ClientModel client, String url, String field) throws ApiException {
        String valid = RedirectUtils.verifyRedirectUri(session, url, client);
        if (valid == null) {
            throw ApiException.badRequest("invalid_" + (field.equals("landingUrl") ? "landing_url" : "callback_url"),
                    field + " does not match a Valid Redirect URI of the calling client");
        }
        return valid;
    }

    private static String metadata(JsonNode metadata) throws ApiException, IOException {
        if (metadata == null || metadata.isNull()) {
            return "{}";
        }
        if (!metadata.isObject()) {
            throw ApiException.badRequest("invalid_request", "metadata must be a JSON object");
        }
        String text = JsonSerialization.mapper.writeValueAsString(metadata);
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
            throw ApiException.badRequest("invalid_request", "metadata is larger than " + MAX_METADATA_BYTES + " bytes");
        }
        // stored exact (numbers as the partner wrote them), so the webhook's EcmaJson makes each a double once, as
        // JS does; ASCII-only, so a lone surrogate is not lost where the store marshals strings as UTF-8 (clusters)
        String stored = EcmaJson.storable(metadata);
        try {
            // what is stored must read back on every later path (the answer, the verify answer, the webhook)
            JsonSerialization.mapper.readTree(stored);
            EcmaJson.parse(stored);
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("invalid_request", "metadata holds a number that cannot be stored exactly (too many digits)");
        }
        return stored;
    }

    private static String landingWithSecret(String landing, String secret) {
        int hash = landing.indexOf('#');
        String base = hash < 0 ? landing : landing.substring(0, hash);
        String fragment = hash < 0 ? "" : landing.substring(hash);
        return base + (base.contains("?") ? "&" : "?") + "confirmation=" + secret + fragment;
    }

    private EventBuilder event(ApiCaller caller, String action) {
        return new EventBuilder(realm, session, session.getContext().getConnection()).event(EventType.CLIENT_INFO)
                .client(caller.client()).detail("token_login_api", action).detail("caller", caller.client().getClientId());
    }
}
