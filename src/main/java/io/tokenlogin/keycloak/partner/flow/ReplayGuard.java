package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.store.TokenLoginStore;
import io.tokenlogin.keycloak.partner.PartnerPolicy;
import io.tokenlogin.keycloak.partner.TokenError;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import io.tokenlogin.keycloak.partner.VerifiedPartnerToken;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.time.Instant;

/**
 * Single use for partner tokens (SPEC {@code singleUse}): the first use wins through Keycloak's cluster-wide
 * single-use store ({@code putIfAbsent} is immediate and atomic across nodes), keyed per partner by {@code jti}
 * or, without one, by a hash of the token; the entry lives until the token could no longer pass the expiry check.
 */
public final class ReplayGuard {

    private ReplayGuard() {
    }

    public static void consume(KeycloakSession session, RealmModel realm, PartnerPolicy partner, VerifiedPartnerToken token, Instant now)
            throws TokenRejectedException {
        if (!partner.singleUse()) {
            return;
        }
        long lifespan = Math.max(1, token.expiresAt().getEpochSecond() + partner.clockSkewSeconds() - now.getEpochSecond() + 1);
        if (lifespan > TokenLoginStore.Kind.REPLAY.maxSeconds()) {
            // the store could not remember its use for as long as it stays valid (a setting from before the 7-day cap):
            // refused rather than replayable later
            throw new TokenRejectedException(TokenError.TOKEN_LIFETIME_EXCEEDED, "token lives longer than single use can be kept");
        }
        TokenLoginStore store = TokenLoginStore.of(session, realm);
        if (store.contains(TokenLoginStore.Kind.REVOKED, id(partner, token))) {
            throw new TokenRejectedException(TokenError.TOKEN_REPLAYED, "token was revoked by its partner");
        }
        if (!store.putIfAbsent(TokenLoginStore.Kind.REPLAY, id(partner, token), lifespan)) {
            throw new TokenRejectedException(TokenError.TOKEN_REPLAYED, "token was already used");
        }
    }

    /**
     * Revokes a partner's token by its {@code jti} before it is used: its single-use entry is taken now, so the token is
     * refused as already used; kept as long as any token of the partner could still pass the expiry check.
     */
    public static void revoke(KeycloakSession session, RealmModel realm, PartnerPolicy partner, String jti) {
        // its own kind, never given back by release(), kept as long as any token (also one not valid yet) could pass
        TokenLoginStore.of(session, realm).put(TokenLoginStore.Kind.REVOKED,
                partner.alias() + ":" + io.tokenlogin.keycloak.partner.PartnerTokenVerifier.replayKeyOfJti(partner, jti),
                TokenLoginStore.Kind.REVOKED.maxSeconds(), java.util.Map.of());
    }

    /** Gives the token back after a server-side failure (not the token's fault), so the user can simply retry. */
    public static void release(KeycloakSession session, RealmModel realm, PartnerPolicy partner, VerifiedPartnerToken token) {
        if (partner.singleUse()) {
            TokenLoginStore.of(session, realm).remove(TokenLoginStore.Kind.REPLAY, id(partner, token));
        }
    }

    /** Bound to the realm and the partner: one realm's partner can never burn or replay another's tokens. */
    static String id(PartnerPolicy partner, VerifiedPartnerToken token) {
        return partner.alias() + ":" + token.replayKey();
    }
}
