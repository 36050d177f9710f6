package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.PartnerPolicy;
import io.tokenlogin.keycloak.partner.PartnerTokenVerifier;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import io.tokenlogin.keycloak.partner.VerifiedPartnerToken;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.time.Instant;

/**
 * The one sign-in pipeline both entry points share (the browser-flow step and the link endpoint):
 * verify the token with the partner's policy, then {@link #complete} burns it and resolves the user.
 * Between the two the caller may refuse the request (for example an invalid landing URL) without burning the token.
 */
public final class PartnerSignIn {

    /** Event detail naming the partner (its identity provider's alias). Never the token. */
    public static final String DETAIL_PARTNER = "partner";
    public static final String AUTH_METHOD = "token-login";
    /** The error code of a sign-in that failed on the server side (the token given back, the user may retry). */
    public static final String UNAVAILABLE = "temporarily_unavailable";

    private PartnerSignIn() {
    }

    public static VerifiedPartnerToken verify(PartnerPolicy partner, String token, Instant now) throws TokenRejectedException {
        return PartnerTokenVerifier.verify(token, partner, now);
    }

    /** Marks the token used (when single use) and finds or creates its user; emits REGISTER when a user was created. */
    public static PartnerUsers.Resolved complete(KeycloakSession session, RealmModel realm, PartnerDirectory.Partner partner,
                                                 VerifiedPartnerToken token, Instant now, EventBuilder event)
            throws TokenRejectedException {
        ReplayGuard.consume(session, realm, partner.policy(), token, now);
        // a failure after this point that is not the token's fault (also at commit) gives the token back
        org.keycloak.models.KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        String realmId = realm.getId();
        io.tokenlogin.keycloak.tx.AfterCommit.onRollback(session, () -> org.keycloak.models.utils.KeycloakModelUtils.runJobInTransaction(factory,
                s -> ReplayGuard.release(s, s.realms().getRealm(realmId), partner.policy(), token)));
        PartnerUsers.Resolved resolved;
        try {
            resolved = PartnerUsers.resolve(session, realm, partner, token);
        } catch (RuntimeException e) {
            ReplayGuard.release(session, realm, partner.policy(), token); // e.g. the database is briefly unreachable
            throw e;
        }
        PartnerOrganizations.join(session, realm, partner.provider(), resolved.user());
        if (resolved.created()) {
            event.clone().event(EventType.REGISTER).user(resolved.user())
                    .detail(Details.REGISTER_METHOD, AUTH_METHOD)
                    .detail(Details.USERNAME, resolved.user().getUsername())
                    .detail(DETAIL_PARTNER, partner.alias())
                    .detail(Details.IDENTITY_PROVIDER, partner.alias())
                    .success();
        }
        return resolved;
    }
}
