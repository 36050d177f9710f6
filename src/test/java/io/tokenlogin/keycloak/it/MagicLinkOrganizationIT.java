package io.tokenlogin.keycloak.it;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.OrganizationDomainRepresentation;
import org.keycloak.representations.idm.OrganizationRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #13: the magic-link step restricted to organization domains mails only addresses in them; another address, known
 * or not, gets the same "check your inbox" page and no mail.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class MagicLinkOrganizationIT {

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    @InjectMailServer
    MailServer mail;


    private void organizations(boolean enabled) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setOrganizationsEnabled(enabled);
        realm.admin().update(rep);
    }

    @AfterEach
    public void restore() {
        MagicRealm.configure(realm, "magic-link", "organizationDomains", "");
        realm.admin().organizations().getAll().forEach(o -> realm.admin().organizations().get(o.getId()).delete().close());
        organizations(false);
    }

    private UserRepresentation user(String email) {
        UserRepresentation rep = new UserRepresentation();
        rep.setUsername(email);
        rep.setEmail(email);
        rep.setEnabled(true);
        try (Response r = realm.admin().users().create(rep)) {
            assertEquals(201, r.getStatus());
        }
        return realm.admin().users().search(email, true).get(0);
    }

    private static String normalise(String page, String email) {
        return page.replace(email, "EMAIL").replaceAll("(session_code|execution|tab_id|client_data|poll)=[^&\"]+", "$1=X")
                .replaceAll("id=\"ml-code\"[^>]*>\\s*[0-9]{2}", "id=\"ml-code\">NN");
    }

    @Test
    public void onlyAddressesInTheOrganizationsDomainsGetAMailAndEveryoneSeesTheSamePage() throws Exception {
        MagicRealm.configure(realm, "magic-link", "maxEmailsPerIpPerHour", "10000");
        MagicRealm.configure(realm, "magic-link", "resendCooldown", "0");
        organizations(true);
        OrganizationRepresentation org = new OrganizationRepresentation();
        org.setName("Shelbyville school");
        org.setAlias("shelbyville");
        OrganizationDomainRepresentation domain = new OrganizationDomainRepresentation();
        domain.setName("shelbyville.example");
        org.addDomain(domain);
        try (Response r = realm.admin().organizations().create(org)) {
            assertEquals(201, r.getStatus(), () -> r.readEntity(String.class));
        }
        MagicRealm.configure(realm, "magic-link", "organizationDomains", "shelbyville");
        String suffix = Long.toString(System.nanoTime());
        String inside = "pupil-" + suffix + "@shelbyville.example";
        String outside = "parent-" + suffix + "@elsewhere.example";
        user(inside);
        user(outside);

        MagicLinkSteps out = new MagicLinkSteps(oauth);
        out.authorize();
        HttpResponse<String> outPage = out.requestLink(outside);
        assertEquals(200, outPage.statusCode());
        assertFalse(mail.waitForIncomingEmail(1500, 1), "no mail outside the organization's domains");

        MagicLinkSteps in = new MagicLinkSteps(oauth);
        in.authorize();
        HttpResponse<String> inPage = in.requestLink(inside);
        assertEquals(200, inPage.statusCode());
        String link = MagicLinkSteps.linkFromMail(mail, 1, inside);
        assertEquals(normalise(inPage.body(), inside), normalise(outPage.body(), outside), "the same page inside and outside");
        assertTrue(link.contains("/token-login/magic-link?key="));
        assertEquals(in.clickAndFinish(link).getEmail(), inside, "the address in the organization's domain signs in");

        // "*": every organization's domains of the realm
        MagicRealm.configure(realm, "magic-link", "organizationDomains", "*");
        MagicLinkSteps any = MagicLinkSteps.requested(oauth, outside);
        assertFalse(mail.waitForIncomingEmail(1500, 2), "still no mail outside every organization's domains");
    }

    @Test
    public void aRestrictionNamingNoOrganizationStopsTheStep() {
        organizations(true);
        MagicRealm.configure(realm, "magic-link", "organizationDomains", "no-such-school");
        HttpResponse<String> page = new MagicLinkSteps(oauth).authorize();
        assertEquals(503, page.statusCode());
        assertTrue(page.body().contains("id=\"ml-misconfigured\""));
    }
}
