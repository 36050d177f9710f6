package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.PartnerPolicy;
import io.tokenlogin.keycloak.partner.TokenError;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import io.tokenlogin.keycloak.partner.VerifiedPartnerToken;
import io.tokenlogin.keycloak.partner.idp.PartnerLinks;
import io.tokenlogin.keycloak.partner.idp.PartnerMappers;
import io.tokenlogin.keycloak.store.TokenLoginStore;
import io.tokenlogin.keycloak.users.JitUsers;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Maps (partner, external id) to exactly one Keycloak user: the user holding the federated identity
 * {@code (partner alias, external id)}; else, with link-by-email, an existing account whose email is verified; else a
 * new user created just in time (race-safe, see {@link JitUsers}). A user attribute never maps anyone to a partner.
 */
public final class PartnerUsers {

    public static final String PICTURE_ATTRIBUTE = "picture";
    /** Where Keycloak's own Terms and Conditions action records acceptance. */
    static final String TERMS_ATTRIBUTE = "terms_and_conditions";
    static final String TERMS_ACTION = UserModel.RequiredAction.TERMS_AND_CONDITIONS.name();

    private static final Logger LOG = Logger.getLogger(PartnerUsers.class);

    /** The user and whether this sign-in created it. */
    public record Resolved(UserModel user, boolean created) {
    }

    private PartnerUsers() {
    }

    public static Resolved resolve(KeycloakSession session, RealmModel realm, PartnerDirectory.Partner partner, VerifiedPartnerToken token)
            throws TokenRejectedException {
        PartnerPolicy policy = partner.policy();
        String alias = partner.alias();
        Resolved resolved = found(PartnerLinks.find(session, realm, alias, token.userId()), false);
        if (resolved == null) {
            boolean byEmail = policy.mayLinkByEmail() && token.email() != null;
            if (!byEmail && !policy.createUsers()) {
                throw new TokenRejectedException(TokenError.USER_NOT_FOUND, "unknown user and createUsers is off");
            }
            // M3: one sign-in at a time links or creates the account of this partner user; the others use its account
            resolved = FirstSignInLock.resolveAlone(TokenLoginStore.of(session, realm), realm, alias, token.userId(),
                    () -> found(PartnerLinks.find(session, realm, alias, token.userId()), false), () -> {
                        UserModel byLink = byEmail ? linkByVerifiedEmail(session, realm, partner, token) : null;
                        if (byLink != null || !policy.createUsers()) {
                            return found(byLink, false);
                        }
                        boolean made = createUser(session, realm, partner, token) == JitUsers.Outcome.CREATED;
                        return found(PartnerLinks.find(session, realm, alias, token.userId()), made);
                    });
            if (resolved == null) {
                throw new TokenRejectedException(TokenError.USER_NOT_FOUND,
                        policy.createUsers() ? "no account can be created for this user" : "unknown user and createUsers is off");
            }
        }
        UserModel user = resolved.user();
        if (!user.isEnabled()) {
            throw new TokenRejectedException(TokenError.USER_DISABLED, "user is disabled");
        }
        if (!resolved.created()) {
            applyProfile(session, realm, policy, token, user);
            PartnerMappers.updateBrokeredUser(session, realm, user, partner.provider(), token);
        }
        return resolved;
    }

    private static Resolved found(UserModel user, boolean created) {
        return user == null ? null : new Resolved(user, created);
    }

    /** A new account for the partner user, just in time (race-safe on the username, see {@link JitUsers}). */
    private static JitUsers.Outcome createUser(KeycloakSession session, RealmModel realm, PartnerDirectory.Partner partner,
                                               VerifiedPartnerToken token) {
        PartnerPolicy policy = partner.policy();
        String alias = partner.alias();
        List<String> usernames = PartnerLinks.usernameCandidates(policy, token.userId());
        // the link is looked for again inside the creating transaction: the lock keeps sign-ins apart, this keeps the
        // account single even if a lock lapsed or a read of the request's own transaction was older
        return JitUsers.createIfAbsent(session, realm, (tx, r) -> PartnerLinks.find(tx, r, alias, token.userId()) != null, usernames,
                (tx, existing) -> PartnerLinks.isLinked(tx, tx.realms().getRealm(realm.getId()), existing, alias, token.userId()),
                (tx, fresh) -> {
                    RealmModel r = tx.realms().getRealm(realm.getId());
                    PartnerLinks.link(tx, r, fresh, alias, token.userId(), token.email());
                    applyProfile(tx, r, policy, token, fresh);
                    PartnerMappers.importNewUser(tx, r, fresh, partner.provider(), token);
                });
    }

    /** Links the partner user to an existing account only when that account's email is verified and it has no link to this partner yet. */
    private static UserModel linkByVerifiedEmail(KeycloakSession session, RealmModel realm, PartnerDirectory.Partner partner,
                                                 VerifiedPartnerToken token) {
        UserModel candidate = session.users().getUserByEmail(realm, token.email());
        if (candidate == null || !candidate.isEmailVerified()
                || session.users().getFederatedIdentity(realm, candidate, partner.alias()) != null
                || candidate.getServiceAccountClientLink() != null || io.tokenlogin.keycloak.api.ApiCaller.privileged(realm, candidate)) {
            // an unverified address proves nothing; an administrator is never handed to a partner: own account
            return null;
        }
        if (PartnerLinks.linkInOwnTransaction(session, realm, candidate.getId(), partner.alias(), token.userId(), token.email())) {
            LOG.debugf("Linked a partner %s user to an existing account with a verified email", partner.alias());
        }
        return PartnerLinks.find(session, realm, partner.alias(), token.userId());
    }

    /** Copies the token's profile claims onto the user, never taking an email another account already uses. */
    private static void applyProfile(KeycloakSession session, RealmModel realm, PartnerPolicy partner,
                                     VerifiedPartnerToken token, UserModel user) {
        String email = token.email();
        if (email != null && !email.equals(user.getEmail())) {
            UserModel owner = session.users().getUserByEmail(realm, email);
            if (owner == null || owner.getId().equals(user.getId())) {
                user.setEmail(email);
                user.setEmailVerified(partner.trustEmail());
            }
        } else if (email != null && partner.trustEmail() && !user.isEmailVerified()) {
            user.setEmailVerified(true);
        }
        setIfChanged(token.firstName(), user.getFirstName(), user::setFirstName);
        setIfChanged(token.lastName(), user.getLastName(), user::setLastName);
        setIfChanged(token.pictureUrl(), user.getFirstAttribute(PICTURE_ATTRIBUTE), v -> user.setSingleAttribute(PICTURE_ATTRIBUTE, v));
        if (Boolean.TRUE.equals(token.termsAccepted())) {
            if (user.getFirstAttribute(TERMS_ATTRIBUTE) == null) {
                user.setSingleAttribute(TERMS_ATTRIBUTE, Integer.toString(Time.currentTime()));
            }
            if (user.getRequiredActionsStream().anyMatch(TERMS_ACTION::equals)) {
                user.removeRequiredAction(TERMS_ACTION);
            }
        }
    }

    private static void setIfChanged(String value, String current, Consumer<String> setter) {
        if (value != null && !Objects.equals(value, current)) {
            setter.accept(value);
        }
    }
}
