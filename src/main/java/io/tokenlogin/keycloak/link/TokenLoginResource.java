package io.tokenlogin.keycloak.link;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.session.SsoSessions;
import io.tokenlogin.keycloak.magiclink.MagicLinkResource;
import io.tokenlogin.keycloak.partner.PartnerTokenVerifier;
import io.tokenlogin.keycloak.partner.TokenError;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import io.tokenlogin.keycloak.partner.VerifiedPartnerToken;
import io.tokenlogin.keycloak.partner.flow.PartnerDirectory;
import io.tokenlogin.keycloak.partner.flow.PartnerSignIn;
import io.tokenlogin.keycloak.partner.flow.PartnerUsers;
import io.tokenlogin.keycloak.partner.flow.TokenTransport;
import io.tokenlogin.keycloak.api.ApiException;
import io.tokenlogin.keycloak.api.ApiResponses;
import io.tokenlogin.keycloak.api.EmailVerifyResource;
import io.tokenlogin.keycloak.api.PartnerApiResource;
import io.tokenlogin.keycloak.webhook.WebhookKeys;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;
import io.tokenlogin.keycloak.partner.idp.PartnerLinks;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * {@code /realms/{realm}/token-login/login[/{token}]}: a partner link. Verifies the token of the enabled partner
 * identity provider whose Client ID is its {@code iss}, validates the landing URL against the partner's landing client, opens an SSO session and answers
 * 303 to the landing URL; on failure 303 to the partner's {@code errorRedirect?error=<code>} or a themed error page.
 */
public class TokenLoginResource {

    private final KeycloakSession session;
    private final RealmModel realm;

    public TokenLoginResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    @GET
    @Path("login/{token}")
    public Response loginWithPathToken(@PathParam("token") String token) {
        return login(TokenTransport.collect().add(token));
    }

    @GET
    @Path("login")
    public Response loginGet() {
        return login(TokenTransport.collect());
    }

    @POST
    @Path("login")
    public Response loginPost() {
        return login(TokenTransport.collect().params(session.getContext().getHttpRequest().getDecodedFormParameters()));
    }

    /** The "continue as another person?" page of this browser's pending question. */
    @GET
    @Path("login/switch")
    public Response loginSwitchPage() {
        return SessionSwitch.page(session, realm).orElseGet(() -> {
            TokenTransport.noStore(session.getContext().getHttpResponse());
            return org.keycloak.services.ErrorPage.error(session, null, Response.Status.BAD_REQUEST, "tokenLogin.error.switch_expired");
        });
    }

    /** The answer of the "continue as another person?" page: the waiting token, if this browser holds the nonce. */
    @POST
    @Path("login/switch")
    public Response loginSwitch() {
        String nonce = session.getContext().getHttpRequest().getDecodedFormParameters().getFirst(SessionSwitch.FIELD);
        return SessionSwitch.answer(session, realm, nonce)
                .map(token -> login(TokenTransport.collect().add(token), true))
                .orElseGet(() -> {
                    TokenTransport.noStore(session.getContext().getHttpResponse());
                    return org.keycloak.services.ErrorPage.error(session, null, Response.Status.BAD_REQUEST, "tokenLogin.error.switch_expired");
                });
    }

    /** The email magic link's own pages ({@code email-magic-link} step). */
    @Path("magic-link")
    public MagicLinkResource magicLink() {
        return new MagicLinkResource(session);
    }

    /** SPEC §5: partner APIs (bearer token with the realm role token-login-issuer). */
    @POST
    @Path("magic-links")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createMagicLink(String body) {
        return new PartnerApiResource(session).createMagicLink(body);
    }

    @jakarta.ws.rs.DELETE
    @Path("partner-tokens/{jti}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response revokePartnerToken(@PathParam("jti") String jti) {
        return new PartnerApiResource(session).revokePartnerToken(jti);
    }

    /** The same, with the jti as a query parameter (a jti with characters a path segment cannot carry, such as '/'). */
    @jakarta.ws.rs.DELETE
    @Path("partner-tokens")
    @Produces(MediaType.APPLICATION_JSON)
    public Response revokePartnerTokenByQuery(@jakarta.ws.rs.QueryParam("jti") String jti) {
        return new PartnerApiResource(session).revokePartnerToken(jti);
    }

    @jakarta.ws.rs.DELETE
    @Path("magic-links/{linkId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response revokeMagicLink(@PathParam("linkId") String linkId) {
        return new PartnerApiResource(session).revokeMagicLink(linkId);
    }

    @POST
    @Path("email-confirmations")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createEmailConfirmation(String body) {
        return new PartnerApiResource(session).createEmailConfirmation(body);
    }

    @GET
    @Path("email-confirmations/{id}")
    public Response emailConfirmationStatus(@PathParam("id") String id) {
        return new PartnerApiResource(session).confirmationStatus(id);
    }

    /** The caller's webhook deliveries that were given up (bearer, same client). */
    @GET
    @Path("webhooks")
    @Produces(MediaType.APPLICATION_JSON)
    public Response failedWebhooks(@jakarta.ws.rs.QueryParam("status") String status) {
        return new PartnerApiResource(session).failedWebhooks(status);
    }

    /** Delivers one of them again, with the same x-webhook-id. */
    @POST
    @Path("webhooks/{id}/redeliver")
    public Response redeliverWebhook(@PathParam("id") String id) {
        return new PartnerApiResource(session).redeliverWebhook(id);
    }

    /** Called by the partner's landing page: no bearer token, CORS for landing origins. */
    @POST
    @Path("email-confirmations/verify")
    public Response verifyEmailConfirmation(String body) {
        return new EmailVerifyResource(session).verify(body);
    }

    @OPTIONS
    @Path("email-confirmations/verify")
    public Response verifyPreflight() {
        return new EmailVerifyResource(session).preflight();
    }

    /** The public key that signs webhooks (PEM): a P-256 key of its own that signs nothing else. */
    @GET
    @Path("webhook-key")
    @Produces("application/x-pem-file")
    public Response webhookKey() {
        return WebhookKeys.activePem(session, realm)
                .map(pem -> Response.ok(pem).header("Cache-Control", "no-cache").build())
                .orElseGet(() -> ApiResponses.error(new ApiException(404, "webhook_key_missing", "the realm has no webhook signing key")));
    }

    /** Every enabled webhook key (JWKS), for verifying across a key rotation. */
    @GET
    @Path("webhook-keys")
    @Produces(MediaType.APPLICATION_JSON)
    public Response webhookKeys() {
        return Response.ok(Map.of("keys", WebhookKeys.jwks(session, realm))).header("Cache-Control", "no-cache").build();
    }

    /** The enabled partner a failed token names in its payload (untrusted: it only picks the error page). */
    private io.tokenlogin.keycloak.partner.PartnerPolicy hinted(String token) {
        try {
            return PartnerTokenVerifier.issuerHint(token).flatMap(iss -> PartnerDirectory.byIssuer(session, realm, iss))
                    .map(PartnerDirectory.Partner::policy).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Response login(TokenTransport transport) {
        return login(transport, false);
    }

    private Response login(TokenTransport transport, boolean switchConfirmed) {
        HttpRequest request = session.getContext().getHttpRequest();
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.LOGIN).detail(Details.AUTH_METHOD, PartnerSignIn.AUTH_METHOD);
        if (!TokenTransport.isTopLevelNavigation(request.getHttpHeaders())) {
            return new LinkResponses(session, realm, event, false).notNavigation();
        }
        if (!switchConfirmed) {
            transport.params(request.getUri().getQueryParameters()).headersAndCookie(request.getHttpHeaders());
        }
        LinkResponses responses = new LinkResponses(session, realm, event, transport.cookieSeen());
        PartnerDirectory.Partner partner = null;
        String presented = null;
        try {
            TokenTransport.Found found = transport.single();
            if (found == null) {
                throw new TokenRejectedException(TokenError.INVALID_TOKEN, "no token in the request");
            }
            presented = found.token();
            String issuer = PartnerTokenVerifier.peekIssuer(found.token());
            partner = PartnerDirectory.byIssuer(session, realm, issuer)
                    .orElseThrow(() -> new TokenRejectedException(TokenError.UNKNOWN_ISSUER, "no partner with this issuer"));
            event.detail(PartnerSignIn.DETAIL_PARTNER, partner.alias()).detail(Details.IDENTITY_PROVIDER, partner.alias());
            ClientModel client = Landing.client(session, realm, partner.policy());
            event.client(client);
            Instant now = Instant.now();
            VerifiedPartnerToken token = PartnerSignIn.verify(partner.policy(), found.token(), now);
            String landing = Landing.url(session, partner.policy(), client, token.intendedUrl());
            event.detail(Details.REDIRECT_URI, landing);
            if (!switchConfirmed) {
                AuthenticationManager.AuthResult signedIn = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
                UserModel target = signedIn == null ? null : PartnerLinks.find(session, realm, partner.alias(), token.userId());
                if (signedIn != null && (target == null || !target.getId().equals(signedIn.user().getId()))) {
                    // another person is signed in here: ask before ending their session (nothing consumed yet)
                    return SessionSwitch.ask(session, realm, signedIn.user(), signedIn.session().getId(), found.token(), token.expiresAt().getEpochSecond(),
                            token.email(), landing);
                }
            }
            PartnerUsers.Resolved resolved = PartnerSignIn.complete(session, realm, partner, token, now, event);
            UserSessionModel userSession = SsoSessions.open(session, realm, resolved.user(), PartnerSignIn.AUTH_METHOD);
            // the same ACR level and AMR values as the browser flow's partner step would give (step-up for apps)
            io.tokenlogin.keycloak.session.StepUp.record(userSession, io.tokenlogin.keycloak.session.StepUp.ofPartner(realm, partner.alias()));
            event.user(resolved.user()).session(userSession).detail(Details.USERNAME, resolved.user().getUsername()).success();
            TokenLoginMetrics.signIn(realm.getName(), TokenLoginMetrics.Path.LINK, partner.alias(), "success");
            return responses.redirect(URI.create(landing));
        } catch (TokenRejectedException e) {
            // a token that failed before its partner was known still names one: its error page shows the failure
            return responses.failure(partner != null ? partner.policy() : hinted(presented), e);
        } catch (RuntimeException e) {
            // a server-side fault (database unreachable, ...): nothing of this request is kept, the user may retry
            session.getTransactionManager().setRollbackOnly();
            return responses.unavailable(partner != null ? partner.policy() : null, e);
        }
    }
}
