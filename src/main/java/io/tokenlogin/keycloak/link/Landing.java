package io.tokenlogin.keycloak.link;

import io.tokenlogin.keycloak.partner.PartnerPolicy;
import io.tokenlogin.keycloak.partner.TokenError;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.utils.RedirectUtils;
import org.keycloak.services.util.ResolveRelative;

/**
 * Where a partner link lands: the token's intended URL when Keycloak's own redirect-URI matching accepts it for the
 * partner's landing client, else the partner's {@code defaultRedirect}, else the client's base URL.
 */
final class Landing {

    private static final Logger LOG = Logger.getLogger(Landing.class);

    private Landing() {
    }

    static ClientModel client(KeycloakSession session, RealmModel realm, PartnerPolicy partner) throws TokenRejectedException {
        ClientModel client = partner.clientId() == null ? null : realm.getClientByClientId(partner.clientId());
        if (client == null || !client.isEnabled()) {
            LOG.warnf("Partner '%s' has no enabled landing client (clientId); its links cannot land", partner.alias());
            throw new TokenRejectedException(TokenError.INVALID_REDIRECT, "partner has no landing client");
        }
        session.getContext().setClient(client);
        return client;
    }

    static String url(KeycloakSession session, PartnerPolicy partner, ClientModel client, String intendedUrl)
            throws TokenRejectedException {
        if (intendedUrl != null) {
            String valid = RedirectUtils.verifyRedirectUri(session, intendedUrl, client);
            if (valid == null) {
                throw new TokenRejectedException(TokenError.INVALID_REDIRECT, "intended URL is not allowed for the landing client");
            }
            return valid;
        }
        if (partner.defaultRedirect() != null) {
            // checked on save, and again here: a partner imported before its landing client existed was not checked
            String valid = RedirectUtils.verifyRedirectUri(session, partner.defaultRedirect(), client);
            if (valid == null) {
                throw new TokenRejectedException(TokenError.INVALID_REDIRECT, "defaultRedirect is not allowed for the landing client");
            }
            return valid;
        }
        String fallback = ResolveRelative.resolveRelativeUri(session, client.getRootUrl(), client.getBaseUrl());
        if (fallback == null || fallback.isBlank()) {
            throw new TokenRejectedException(TokenError.INVALID_REDIRECT, "no landing URL: set defaultRedirect or the client's base URL");
        }
        return fallback;
    }
}
