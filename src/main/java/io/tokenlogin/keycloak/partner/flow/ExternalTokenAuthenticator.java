package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.metrics.TokenLoginMetrics;
import io.tokenlogin.keycloak.partner.PartnerTokenVerifier;
import io.tokenlogin.keycloak.partner.TokenError;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import io.tokenlogin.keycloak.partner.VerifiedPartnerToken;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Details;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpoint;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Browser-flow step {@code external-token}: when the authorization request carries a partner token, signs its user
 * in without a prompt; with no token it steps aside (attempted) so the rest of the flow runs; a bad token fails with
 * the SPEC error code, an event and an error page. It accepts the realm's partner identity providers, or the subset
 * its config names; a token of a partner that a sibling step accepts is left to that sibling.
 */
public class ExternalTokenAuthenticator implements Authenticator {

    private static final Logger LOG = Logger.getLogger(ExternalTokenAuthenticator.class);
    private static final String UNAVAILABLE = PartnerSignIn.UNAVAILABLE;

    static final String CLIENT_NOTE = AuthorizationEndpoint.LOGIN_SESSION_NOTE_ADDITIONAL_REQ_PARAMS_PREFIX + TokenTransport.PARAM;

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (!TokenTransport.isTopLevelNavigation(context.getHttpRequest().getHttpHeaders())) {
            context.attempted(); // an image, script or frame request never signs anyone in
            return;
        }
        TokenTransport transport = TokenTransport.collect()
                // the live request first: Keycloak drops request parameters over 2,000 characters from its client notes
                .params(context.getHttpRequest().getUri().getQueryParameters())
                .headersAndCookie(context.getHttpRequest().getHttpHeaders())
                .add(context.getAuthenticationSession().getClientNote(CLIENT_NOTE)); // PAR: only the note has it
        TokenTransport.Found found;
        try {
            found = transport.single();
        } catch (TokenRejectedException e) {
            fail(context, null, transport, e.error());
            return;
        }
        if (found == null) {
            context.attempted();
            return;
        }
        TokenTransport.noStore(context.getSession().getContext().getHttpResponse());
        KeycloakSession session = context.getSession();
        PartnerDirectory.Partner partner = null;
        try {
            String issuer = PartnerTokenVerifier.peekIssuer(found.token());
            Optional<PartnerDirectory.Partner> mine = PartnerDirectory.byIssuer(session, context.getRealm(), issuer, accepted(context.getAuthenticatorConfig()));
            if (mine.isPresent()) {
                partner = mine.get();
            } else if (acceptedBySibling(context, issuer)) {
                context.attempted(); // another external-token step of this flow takes this partner
                return;
            } else {
                throw new TokenRejectedException(TokenError.UNKNOWN_ISSUER, "no partner with this issuer for this step");
            }
            signIn(context, partner, found);
        } catch (TokenRejectedException e) {
            fail(context, partner, transport, e.error());
        } catch (RuntimeException e) {
            unavailable(context, partner, e);
        }
    }

    /**
     * A server-side fault (the database briefly unreachable, a concurrent first sign-in of the same partner user still
     * running): the token was given back (see {@link PartnerSignIn#complete}), so the page asks to try again (503).
     */
    private void unavailable(AuthenticationFlowContext context, PartnerDirectory.Partner partner, RuntimeException cause) {
        LOG.warnf("Partner sign-in failed on the server side: %s", cause.getClass().getName());
        String alias = partner == null ? null : partner.alias();
        TokenLoginMetrics.signIn(context.getRealm().getName(), TokenLoginMetrics.Path.FLOW_STEP, alias, UNAVAILABLE);
        context.getEvent().detail(Details.REASON, cause.getClass().getSimpleName()).error(UNAVAILABLE);
        Response page = context.form().setError("tokenLogin.error." + UNAVAILABLE).createErrorPage(Response.Status.SERVICE_UNAVAILABLE);
        context.failureChallenge(AuthenticationFlowError.INTERNAL_ERROR, page);
    }

    /** The aliases a step's config names; empty: every partner. */
    public static List<String> accepted(AuthenticatorConfigModel config) {
        String value = config == null || config.getConfig() == null ? null : config.getConfig().get(ExternalTokenAuthenticatorFactory.PARTNERS);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split("##")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static boolean acceptedBySibling(AuthenticationFlowContext context, String issuer) {
        RealmModel realm = context.getRealm();
        return realm.getAuthenticationExecutionsStream(context.getExecution().getParentFlow())
                .filter(e -> ExternalTokenAuthenticatorFactory.PROVIDER_ID.equals(e.getAuthenticator()))
                .filter(e -> !e.getId().equals(context.getExecution().getId()) && e.getRequirement() != AuthenticationExecutionModel.Requirement.DISABLED)
                .map(e -> e.getAuthenticatorConfig() == null ? null : realm.getAuthenticatorConfigById(e.getAuthenticatorConfig()))
                .anyMatch(c -> PartnerDirectory.byIssuer(context.getSession(), realm, issuer, accepted(c)).isPresent());
    }

    private void signIn(AuthenticationFlowContext context, PartnerDirectory.Partner partner, TokenTransport.Found found)
            throws TokenRejectedException {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        Instant now = Instant.now();
        context.getEvent().detail(PartnerSignIn.DETAIL_PARTNER, partner.alias());
        VerifiedPartnerToken token = PartnerSignIn.verify(partner.policy(), found.token(), now);
        PartnerUsers.Resolved resolved = PartnerSignIn.complete(session, realm, partner, token, now, context.getEvent());
        UserModel user = resolved.user();
        if (found.fromCookie()) {
            TokenTransport.expireCookieVariants(session.getContext().getHttpResponse(),
                    context.getUriInfo().getRequestUri(), realm.getName());
        }
        context.getEvent().user(user).detail(Details.USERNAME, user.getUsername())
                .detail(Details.IDENTITY_PROVIDER, partner.alias()).detail(Details.IDENTITY_PROVIDER_USERNAME, token.userId());
        context.getAuthenticationSession().setAuthNote(PartnerSignIn.DETAIL_PARTNER, partner.alias());
        context.setUser(user);
        context.success();
        TokenLoginMetrics.signIn(realm.getName(), TokenLoginMetrics.Path.FLOW_STEP, partner.alias(), "success");
    }

    private void fail(AuthenticationFlowContext context, PartnerDirectory.Partner partner, TokenTransport transport, TokenError error) {
        if (partner != null) {
            context.getEvent().detail(PartnerSignIn.DETAIL_PARTNER, partner.alias());
        }
        if (transport.cookieSeen()) {
            TokenTransport.expireCookieVariants(context.getSession().getContext().getHttpResponse(),
                    context.getUriInfo().getRequestUri(), context.getRealm().getName());
        }
        if (transport.cookieOnly()) {
            // a stale or planted cookie is not this request's token: step aside, so the rest of the flow runs
            context.getEvent().clone().detail(Details.REASON, "cookie_only_token_ignored").error(error.code());
            context.attempted();
            return;
        }
        context.getEvent().error(error.code());
        TokenLoginMetrics.signIn(context.getRealm().getName(), TokenLoginMetrics.Path.FLOW_STEP, partner == null ? null : partner.alias(), error.code());
        Response page = context.form()
                .setError(ErrorMessages.key(error))
                .createErrorPage(Response.Status.fromStatusCode(error.httpStatus()));
        context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, page);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        context.attempted(); // the error page posts nothing back; anything that does falls through to the next step
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
