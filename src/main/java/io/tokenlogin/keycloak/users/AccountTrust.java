package io.tokenlogin.keycloak.users;

import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;

/**
 * What an email link proves. When a magic link (sent to the address) signs someone into an account whose email was
 * never verified, whoever registered that account was not shown to own the address: they may be an attacker who
 * pre-registered the victim's address with a password of their own. So the proof takes the account over for the
 * address's owner: every stored credential (password, OTP, passkey), every identity-provider link (partners
 * included: a partner that did not vouch for the address does not keep the account), the partner API's ownership
 * mark, every session (offline ones too) and every consent are removed — then the email is marked verified.
 * A REMOVE_CREDENTIAL event says so.
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
        List<FederatedIdentityModel> links = session.users().getFederatedIdentitiesStream(realm, user).toList();
        boolean createdByCaller = user.getFirstAttribute(io.tokenlogin.keycloak.api.ApiCaller.CREATED_BY) != null;
        credentials.forEach(c -> user.credentialManager().removeStoredCredentialById(c.getId()));
        links.forEach(link -> session.users().removeFederatedIdentity(realm, user, link.getIdentityProvider()));
        user.removeAttribute(io.tokenlogin.keycloak.api.ApiCaller.CREATED_BY);
        if (!credentials.isEmpty() || !links.isEmpty() || createdByCaller) {
            session.sessions().getUserSessionsStream(realm, user).toList()
                    .forEach(s -> session.sessions().removeUserSession(realm, s));
            session.sessions().getOfflineUserSessionsStream(realm, user).toList()
                    .forEach(s -> session.sessions().removeOfflineUserSession(realm, s));
            session.users().getConsentsStream(realm, user.getId()).toList()
                    .forEach(c -> session.users().revokeConsentForClient(realm, user.getId(), c.getClient().getId()));
            event.clone().event(EventType.REMOVE_CREDENTIAL).user(user)
                    .detail(Details.REASON, "unverified_email_proven_by_link")
                    .detail("credentials_removed", Integer.toString(credentials.size()))
                    .detail("identity_links_removed", Integer.toString(links.size()))
                    .success();
        }
        user.setEmailVerified(true);
    }

}
