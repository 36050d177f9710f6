package io.tokenlogin.keycloak.partner.idp;

import io.tokenlogin.keycloak.partner.PartnerPolicy;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.jboss.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Partner users are Keycloak federated identities: {@code identityProvider} = the partner's alias (exact, case
 * kept), {@code userId} = the partner's user id. Shown read-only on the user's <em>Identity provider links</em> tab;
 * no user can write one for themselves. Usernames are only a readable label and a creation lock.
 */
public final class PartnerLinks {

    private static final Logger LOG = Logger.getLogger(PartnerLinks.class);
    private static final Pattern SIMPLE_ID = Pattern.compile("[a-z0-9][a-z0-9._@+-]{0,99}");

    private PartnerLinks() {
    }

    public static UserModel find(KeycloakSession session, RealmModel realm, String alias, String externalId) {
        return session.users().getUserByFederatedIdentity(realm, new FederatedIdentityModel(alias, externalId, null));
    }

    public static boolean isLinked(KeycloakSession session, RealmModel realm, UserModel user, String alias, String externalId) {
        FederatedIdentityModel link = session.users().getFederatedIdentity(realm, user, alias);
        return link != null && externalId.equals(link.getUserId());
    }

    public static void link(KeycloakSession session, RealmModel realm, UserModel user, String alias, String externalId, String email) {
        session.users().addFederatedIdentity(realm, user, new FederatedIdentityModel(alias, externalId, email != null ? email : externalId));
    }

    /** Adds the link in a transaction of its own (a concurrent identical link is not an error); true when this call added it. */
    public static boolean linkInOwnTransaction(KeycloakSession session, RealmModel realm, String userId, String alias,
                                               String externalId, String email) {
        String realmId = realm.getId();
        try {
            return KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), session.getContext(), tx -> {
                RealmModel r = tx.realms().getRealm(realmId);
                UserModel user = tx.users().getUserById(r, userId);
                if (user == null || tx.users().getFederatedIdentity(r, user, alias) != null || find(tx, r, alias, externalId) != null) {
                    return false;
                }
                link(tx, r, user, alias, externalId, email);
                return true;
            }, "token-login partner link");
        } catch (RuntimeException e) {
            LOG.debugf("A concurrent sign-in linked the account first (%s)", e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * Usernames to try for a new partner user, readable first: {@code <alias-slug>.<id>} ({@code <alias-slug>.h-<sha256>}
     * for ids that are not plain lower-case), then the same with a suffix keyed by the partner's secret, which nobody
     * without that secret can predict and so squat.
     */
    public static List<String> usernameCandidates(PartnerPolicy partner, String externalId) {
        String idPart = SIMPLE_ID.matcher(externalId).matches() ? externalId : "h-" + sha256(externalId).substring(0, 40);
        String readable = slug(partner.alias()) + "." + idPart;
        return List.of(readable, readable + "." + keyed(partner.secrets().get(0), partner.alias() + "\u0000" + externalId));
    }

    public static String slug(String alias) {
        String s = alias == null ? "" : alias.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 40) {
            s = s.substring(0, 40);
        }
        return s.isEmpty() ? "partner" : s;
    }

    private static String keyed(byte[] secret, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("username:" + value).getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
