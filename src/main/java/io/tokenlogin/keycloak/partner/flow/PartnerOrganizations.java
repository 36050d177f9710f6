package io.tokenlogin.keycloak.partner.flow;

import io.tokenlogin.keycloak.partner.idp.PartnerSettings;
import org.jboss.logging.Logger;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.organization.OrganizationProvider;

/**
 * A partner can be a Keycloak Organization (a school whose intranet signs its pupils in): with the partner setting
 * {@code organization}, every user the partner signs in becomes a member of that organization, in the sign-in's
 * transaction. Membership is only ever added (an admin's removal of a member is not undone until the next sign-in,
 * and nothing here removes one). Keycloak's own {@code organization} client scope then puts it in the tokens.
 */
public final class PartnerOrganizations {

    private static final Logger LOG = Logger.getLogger(PartnerOrganizations.class);

    private PartnerOrganizations() {
    }

    /** The realm's organization with this alias, or null (also when Organizations are off). */
    public static OrganizationModel find(KeycloakSession session, String alias) {
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        if (organizations == null || !organizations.isEnabled()) {
            return null;
        }
        try {
            return organizations.getByAlias(alias); // one indexed lookup (on every partner sign-in and email-form post)
        } catch (IncompatibleClassChangeError olderServer) {
            // a Keycloak before 26.7 has no getByAlias: look through the realm's organizations
            return organizations.getAllStream().filter(o -> alias.equals(o.getAlias())).findFirst().orElse(null);
        }
    }

    /**
     * Whether a magic-link step restricted to organization domains may mail this address: {@code ""} any address,
     * {@code *} an address in a domain of any organization of the realm, else one in a domain of that organization.
     */
    public static boolean allowsAddress(KeycloakSession session, String restriction, String email) {
        if (restriction == null || restriction.isEmpty()) {
            return true;
        }
        int at = email == null ? -1 : email.lastIndexOf('@');
        if (at < 0) {
            return false;
        }
        String domain = email.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        if (organizations == null || !organizations.isEnabled()) {
            return false;
        }
        if ("*".equals(restriction)) {
            return organizations.getByDomainName(domain) != null;
        }
        OrganizationModel organization = find(session, restriction);
        return organization != null && organization.getDomains().anyMatch(d -> domain.equalsIgnoreCase(d.getName()));
    }

    /** Adds the user to the partner's organization when it has one and the user is not a member yet. */
    static void join(KeycloakSession session, RealmModel realm, IdentityProviderModel partner, UserModel user) {
        String alias = partner == null ? null : partner.getConfig().get(PartnerSettings.ORGANIZATION);
        if (alias == null || alias.isBlank() || !realm.isOrganizationsEnabled()) {
            return;
        }
        OrganizationModel organization = find(session, alias.trim());
        if (organization == null) {
            // validated on save; an organization deleted since then must not stop the partner's sign-ins
            LOG.warnf("Partner '%s' names the organization '%s', which does not exist in realm '%s'; no membership added",
                    partner.getAlias(), alias.trim(), realm.getName());
            return;
        }
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        if (!organizations.isMember(organization, user)) {
            organizations.addMember(organization, user);
        }
    }
}
