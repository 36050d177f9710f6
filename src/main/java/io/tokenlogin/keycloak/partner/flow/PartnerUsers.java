package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.PartnerPolicy;
import io.tokenlogin.keycloak.partner.TokenError;
import io.tokenlogin.keycloak.partner.TokenRejectedException;
import io.tokenlogin.keycloak.partner.VerifiedPartnerToken;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import io.tokenlogin.keycloak.users.JitUsers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Maps (partner, external id) to exactly one Keycloak user: finds it by the {@value #LINK_ATTRIBUTE} attribute,
 * optionally links an existing user by email, or creates it just in time. Creation runs in its own transaction and
 * relies on the unique username constraint, so concurrent first sign-ins yield one user and no error.
 */
public final class PartnerUsers {

    /** Multi-valued user attribute; one value {@code <partner-slug>:<external id>} per partner the user came from. */
    public static final String LINK_ATTRIBUTE = "token-login-id";
    public static final String PICTURE_ATTRIBUTE = "picture";
    /** Where Keycloak's own Terms and Conditions action records acceptance. */
    static final String TERMS_ATTRIBUTE = "terms_and_conditions";
    static final String TERMS_ACTION = UserModel.RequiredAction.TERMS_AND_CONDITIONS.name();

    private static final Logger LOG = Logger.getLogger(PartnerUsers.class);
    private static final Pattern SIMPLE_ID = Pattern.compile("[a-z0-9][a-z0-9._@+-]{0,99}");

    /** The user and whether this sign-in created it. */
    public record Resolved(UserModel user, boolean created) {
    }

    private PartnerUsers() {
    }

    public static Resolved resolve(KeycloakSession session, RealmModel realm, PartnerPolicy partner, VerifiedPartnerToken token)
            throws TokenRejectedException {
        String link = linkValue(partner, token.userId());
        UserModel user = byLink(session, realm, link);
        boolean created = false;
        if (user == null && partner.mayLinkByEmail() && token.email() != null) {
            user = session.users().getUserByEmail(realm, token.email());
            if (user != null) {
                user.setAttribute(LINK_ATTRIBUTE, concat(user, link));
                LOG.debugf("Linked partner %s user to existing account %s by trusted email", partner.alias(), user.getId());
            }
        }
        if (user == null) {
            if (!partner.createUsers()) {
                throw new TokenRejectedException(TokenError.USER_NOT_FOUND, "unknown user and createUsers is off");
            }
            created = createIfAbsent(session, realm, partner, token, link);
            user = byLink(session, realm, link);
            if (user == null) {
                throw new TokenRejectedException(TokenError.USER_NOT_FOUND, "no account can be created for this user");
            }
        }
        if (!user.isEnabled()) {
            throw new TokenRejectedException(TokenError.USER_DISABLED, "user is disabled");
        }
        if (!created) {
            applyProfile(session, realm, partner, token, user);
        }
        return new Resolved(user, created);
    }

    /** {@code <partner-slug>.<id>} when the id is a plain lower-case token, else {@code <partner-slug>.h-<sha256 prefix>}. */
    static String usernameFor(PartnerPolicy partner, String externalId) {
        String idPart = SIMPLE_ID.matcher(externalId).matches() ? externalId : "h-" + sha256(externalId).substring(0, 40);
        return slug(partner.alias()) + "." + idPart;
    }

    static String linkValue(PartnerPolicy partner, String externalId) {
        return slug(partner.alias()) + ":" + externalId;
    }

    static String slug(String alias) {
        String s = alias == null ? "" : alias.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 40) {
            s = s.substring(0, 40);
        }
        return s.isEmpty() ? "partner" : s;
    }

    private static UserModel byLink(KeycloakSession session, RealmModel realm, String link) {
        return session.users().searchForUserByUserAttributeStream(realm, LINK_ATTRIBUTE, link)
                .filter(u -> u.getAttributeStream(LINK_ATTRIBUTE).anyMatch(link::equals))
                .findFirst().orElse(null);
    }

    private static boolean createIfAbsent(KeycloakSession session, RealmModel realm, PartnerPolicy partner,
                                          VerifiedPartnerToken token, String link) {
        return JitUsers.createIfAbsent(session, realm, usernameFor(partner, token.userId()), (tx, user) -> {
            user.setSingleAttribute(LINK_ATTRIBUTE, link);
            applyProfile(tx, tx.realms().getRealm(realm.getId()), partner, token, user);
        });
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

    private static void setIfChanged(String value, String current, java.util.function.Consumer<String> setter) {
        if (value != null && !Objects.equals(value, current)) {
            setter.accept(value);
        }
    }

    private static java.util.List<String> concat(UserModel user, String link) {
        java.util.List<String> values = new java.util.ArrayList<>(user.getAttributeStream(LINK_ATTRIBUTE).toList());
        if (!values.contains(link)) {
            values.add(link);
        }
        return values;
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
