package io.tokenlogin.keycloak.users;

import io.tokenlogin.keycloak.partner.idp.PartnerIdentityProviderFactory;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/**
 * What an email link proves. When a magic link (sent to the address) signs someone into an account whose email was
 * never verified, whoever registered that account was not shown to own the address: they may be an attacker who
 * pre-registered the victim's address with a password of their own. So the proof takes the account over for the
 * address's owner: every stored credential (password, OTP, passkey) and every link to another identity provider is
 * removed, and the account's other sessions end — then the email is marked verified. A REMOVE_CREDENTIAL event says so.
 */
public final class AccountTrust {

    private AccountTrust() {
    }

    /** Marks {@code user}'s email verified because a link mailed to {@code provenEmail} was used; see the class comment. */
    public static void emailProven(KeycloakSession session, RealmModel realm, UserModel user, String provenEmail, EventBuilder event) {
        if (user.isEmailVerified() || user.getEmail() == null || !user.getEmail().equalsIgnoreCase(provenEmail)) {
            return;
        }
        List<CredentialModel> credentials = user.credentialManager().getStoredCredentialsStream().toList();
        List<FederatedIdentityModel> links = session.users().getFederatedIdentitiesStream(realm, user)
                .filter(link -> !isPartner(session, link.getIdentityProvider())).toList();
        credentials.forEach(c -> user.credentialManager().removeStoredCredentialById(c.getId()));
        links.forEach(link -> session.users().removeFederatedIdentity(realm, user, link.getIdentityProvider()));
        if (!credentials.isEmpty() || !links.isEmpty()) {
            session.sessions().getUserSessionsStream(realm, user).toList()
                    .forEach(s -> session.sessions().removeUserSession(realm, s));
            event.clone().event(EventType.REMOVE_CREDENTIAL).user(user)
                    .detail(Details.REASON, "unverified_email_proven_by_link")
                    .detail("credentials_removed", Integer.toString(credentials.size()))
                    .detail("identity_links_removed", Integer.toString(links.size()))
                    .success();
        }
        user.setEmailVerified(true);
    }

    private static boolean isPartner(KeycloakSession session, String alias) {
        IdentityProviderModel provider = session.identityProviders().getByAlias(alias);
        return provider != null && PartnerIdentityProviderFactory.PROVIDER_ID.equals(provider.getProviderId());
    }
}
