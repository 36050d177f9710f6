package io.tokenlogin.keycloak.link;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.partner.PartnerPolicy;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import io.tokenlogin.keycloak.partner.flow.ErrorMessages;
import io.tokenlogin.keycloak.partner.flow.TokenTransport;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.http.HttpResponse;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.ErrorPage;

import java.net.URI;

/**
 * The one place that answers a partner link: 303 on success; on failure a LOGIN_ERROR event with the SPEC code and
 * either 303 to the partner's {@code errorRedirect?error=<code>} or a themed error page with the code's 4xx status.
 * Every answer carries {@code Cache-Control: no-store} and {@code Referrer-Policy: no-referrer}.
 */
final class LinkResponses {

    static final String UNAVAILABLE = io.tokenlogin.keycloak.partner.flow.PartnerSignIn.UNAVAILABLE;
    private static final Logger LOG = Logger.getLogger(LinkResponses.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final EventBuilder event;
    private final boolean expireCookie;

    LinkResponses(KeycloakSession session, RealmModel realm, EventBuilder event, boolean expireCookie) {
        this.session = session;
        this.realm = realm;
        this.event = event;
        this.expireCookie = expireCookie;
    }

    Response redirect(URI target) {
        prepare();
        return Response.seeOther(target).build();
    }

    Response failure(PartnerPolicy partner, TokenRejectedException e) {
        event.event(EventType.LOGIN_ERROR).error(e.error().code());
        TokenLoginMetrics.signIn(realm.getName(), TokenLoginMetrics.Path.LINK,
                partner == null ? null : partner.alias(), e.error().code());
        Response toPartner = toErrorRedirect(partner, e.error().code());
        if (toPartner != null) {
            return toPartner;
        }
        prepare();
        return ErrorPage.error(session, null, Response.Status.fromStatusCode(e.error().httpStatus()), ErrorMessages.key(e.error()));
    }

    /** 303 to the partner's error page with {@code ?error=<code>}, or null when it has none (or a malformed one). */
    private Response toErrorRedirect(PartnerPolicy partner, String code) {
        if (partner == null || partner.errorRedirect() == null) {
            return null;
        }
        URI target;
        try {
            target = UriBuilder.fromUri(partner.errorRedirect()).queryParam("error", code).build();
        } catch (RuntimeException malformed) {
            // validated on save; a value that slipped in another way (an import) never turns into a 500
            LOG.warnf("Partner '%s' has a malformed errorRedirect; showing the error page instead", partner.alias());
            return null;
        }
        return redirect(target);
    }

    /** Not a top-level navigation (an image, script, fetch or frame): nothing consumed, no session touched. */
    Response notNavigation() {
        event.event(EventType.LOGIN_ERROR).detail(Details.REASON, "not_a_top_level_navigation").error("invalid_request");
        TokenLoginMetrics.signIn(realm.getName(), TokenLoginMetrics.Path.LINK, null, "not_a_navigation");
        TokenTransport.noStore(session.getContext().getHttpResponse());
        return ErrorPage.error(session, null, Response.Status.BAD_REQUEST, "tokenLogin.error.invalid_request");
    }

    /** A server-side fault: the partner's error page (error=temporarily_unavailable) or a themed 503 asking to retry. */
    Response unavailable(PartnerPolicy partner, RuntimeException cause) {
        LOG.warnf("Partner sign-in failed on the server side: %s", cause.getClass().getName());
        TokenLoginMetrics.signIn(realm.getName(), TokenLoginMetrics.Path.LINK,
                partner == null ? null : partner.alias(), UNAVAILABLE);
        try {
            event.event(EventType.LOGIN_ERROR).detail(Details.REASON, cause.getClass().getSimpleName()).error(UNAVAILABLE);
        } catch (RuntimeException storeDown) {
            LOG.warn("The LOGIN_ERROR event could not be stored either (the event store shares the database)");
        }
        Response toPartner = toErrorRedirect(partner, UNAVAILABLE);
        if (toPartner != null) {
            return toPartner;
        }
        prepare();
        return ErrorPage.error(session, null, Response.Status.SERVICE_UNAVAILABLE, "tokenLogin.error." + UNAVAILABLE);
    }

    private void prepare() {
        HttpResponse response = session.getContext().getHttpResponse();
        TokenTransport.noStore(response);
        if (expireCookie) {
            TokenTransport.expireCookieVariants(response, session.getContext().getUri().getRequestUri(), realm.getName());
        }
    }
}
