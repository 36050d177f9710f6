package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.PartnerPolicy;
import io.tokenlogin.keycloak.partner.PartnerTokenVerifier;
import io.tokenlogin.keycloak.partner.TokenError;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import io.tokenlogin.keycloak.partner.VerifiedPartnerToken;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Details;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpoint;

import java.time.Instant;
import java.util.Optional;

/**
 * Browser-flow step {@code external-token}: when the authorization request carries a partner token, signs its user
 * in without a prompt; with no token it steps aside (attempted) so the rest of the flow runs; a bad token fails with
 * the SPEC error code, an event and an error page. One execution = one partner; a token of a sibling partner is left
 * to that sibling's execution.
 */
public class ExternalTokenAuthenticator implements Authenticator {

    static final String CLIENT_NOTE = AuthorizationEndpoint.LOGIN_SESSION_NOTE_ADDITIONAL_REQ_PARAMS_PREFIX + TokenTransport.PARAM;

    @Override
    public void authenticate(AuthenticationFlowContext context) {
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
        Optional<PartnerPolicy> own = PartnerDirectory.policyOf(context.getSession(), context.getAuthenticatorConfig());
        PartnerPolicy partner = null;
        try {
            String issuer = PartnerTokenVerifier.peekIssuer(found.token());
            if (own.isPresent() && own.get().issuer().equals(issuer)) {
                partner = own.get();
            } else if (PartnerDirectory.byIssuerInFlow(context.getSession(), context.getRealm(),
                    context.getExecution().getParentFlow(), issuer).isPresent()) {
                context.attempted(); // a sibling execution is this token's partner
                return;
            } else {
                throw new TokenRejectedException(TokenError.UNKNOWN_ISSUER, "no partner with this issuer in the flow");
            }
            signIn(context, partner, found);
        } catch (TokenRejectedException e) {
            fail(context, partner, transport, e.error());
        }
    }

    private void signIn(AuthenticationFlowContext context, PartnerPolicy partner, TokenTransport.Found found)
            throws TokenRejectedException {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        Instant now = Instant.now();
        context.getEvent().detail(PartnerSignIn.DETAIL_PARTNER, partner.alias());
        VerifiedPartnerToken token = PartnerSignIn.verify(partner, found.token(), now);
        PartnerUsers.Resolved resolved = PartnerSignIn.complete(session, realm, partner, token, now, context.getEvent());
        UserModel user = resolved.user();
        if (found.fromCookie()) {
            TokenTransport.expireCookie(session.getContext().getHttpResponse(), "/");
        }
        context.getEvent().user(user).detail(Details.USERNAME, user.getUsername());
        context.getAuthenticationSession().setAuthNote(PartnerSignIn.DETAIL_PARTNER, partner.alias());
        context.setUser(user);
        context.success();
    }

    private void fail(AuthenticationFlowContext context, PartnerPolicy partner, TokenTransport transport, TokenError error) {
        if (partner != null) {
            context.getEvent().detail(PartnerSignIn.DETAIL_PARTNER, partner.alias());
        }
        if (transport.cookieSeen()) {
            TokenTransport.expireCookie(context.getSession().getContext().getHttpResponse(), "/");
        }
        context.getEvent().error(error.code());
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
