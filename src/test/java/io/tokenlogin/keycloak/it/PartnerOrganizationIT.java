package io.tokenlogin.keycloak.it;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ClientScopeRepresentation;
import org.keycloak.representations.idm.OrganizationDomainRepresentation;
import org.keycloak.representations.idm.OrganizationRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.keycloak.testsuite.util.oauth.PkceGenerator;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #13: a partner is an Organization. With the partner setting {@code organization}, the users it signs in become
 * members (added, never removed), and the ID token carries Keycloak's organization claim when the app asks for the
 * {@code organization} scope. An unknown organization, or Organizations turned off, is refused when saved.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class PartnerOrganizationIT {

    static final String SECRET = "springfield-school-partner-secret-0123456789";

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    private void organizations(boolean enabled) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setOrganizationsEnabled(enabled);
        realm.admin().update(rep);
    }

    @AfterEach
    public void organizationsOff() {
        realm.admin().identityProviders().findAll().stream().filter(p -> p.getAlias().startsWith("school-"))
                .forEach(p -> realm.admin().identityProviders().get(p.getAlias()).remove());
        realm.admin().organizations().getAll().forEach(o -> realm.admin().organizations().get(o.getId()).delete().close());
        organizations(false);
        MagicRealm.browserFlow(realm, "partner-browser");
    }

    private String organization(String alias, String domain) {
        OrganizationRepresentation org = new OrganizationRepresentation();
        org.setName(alias + " school");
        org.setAlias(alias);
        OrganizationDomainRepresentation d = new OrganizationDomainRepresentation();
        d.setName(domain);
        org.addDomain(d);
        try (Response r = realm.admin().organizations().create(org)) {
            assertEquals(201, r.getStatus(), () -> r.readEntity(String.class));
        }
        return realm.admin().organizations().getAll().stream().filter(o -> alias.equals(o.getAlias())).findFirst().orElseThrow().getId();
    }

    private static int create(ManagedRealm realm, String alias, Map<String, String> overrides, StringBuilder message) {
        try (Response r = realm.admin().identityProviders().create(TestPartners.representation(alias, alias + "-issuer", SECRET, overrides))) {
            message.append(r.hasEntity() ? r.readEntity(String.class) : "");
            return r.getStatus();
        }
    }

    @Test
    public void anUnknownOrganizationOrOrganizationsOffAreRefusedWhenSaved() {
        StringBuilder why = new StringBuilder();
        assertEquals(400, create(realm, "school-off", Map.of("organization", "springfield"), why));
        assertTrue(why.toString().contains("Organizations turned off"), why.toString());
        organizations(true);
        why.setLength(0);
        assertEquals(400, create(realm, "school-unknown", Map.of("organization", "nowhere"), why));
        assertTrue(why.toString().contains("no organization with the alias 'nowhere'"), why.toString());
    }

    @Test
    public void thePartnersUsersBecomeMembersAndTheIdTokenSaysSo() {
        organizations(true);
        String orgId = organization("springfield", "springfield.example");
        StringBuilder why = new StringBuilder();
        assertEquals(201, create(realm, "school-springfield", Map.of("organization", "springfield", "landingClient", "account-console"), why), why.toString());
        // the app may ask for Keycloak's organization scope
        ClientRepresentation app = realm.admin().clients().findByClientId(oauth.config().getClientId()).get(0);
        ClientScopeRepresentation scope = realm.admin().clientScopes().findAll().stream().filter(s -> "organization".equals(s.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("Keycloak's organization client scope"));
        realm.admin().clients().get(app.getId()).addOptionalClientScope(scope.getId());

        String pupil = "pupil-" + UUID.randomUUID().toString().substring(0, 8);
        String token = new io.tokenlogin.keycloak.signer.PartnerTokenSigner("school-springfield-issuer", SECRET).generateSignInToken(pupil, 60);
        Browserless browser = new Browserless();
        HttpResponse<String> signedIn = browser.get(realm.getBaseUrl() + "/token-login/login/" + token);
        assertEquals(303, signedIn.statusCode(), signedIn.body());

        UserRepresentation user = realm.admin().users().search("school-springfield." + pupil, true).get(0);
        List<String> members = realm.admin().organizations().get(orgId).members().getAll().stream().map(UserRepresentation::getId).toList();
        assertTrue(members.contains(user.getId()), "the partner's user is a member of its organization");

        OidcClient.silentLogin(oauth, browser); // the link's SSO session serves the app
        // an app asking for the organization scope needs Keycloak's organization-aware browser flow (its built-in
        // "browser" flow has the Organization step): with SSO, that step lets the member through without a prompt
        MagicRealm.browserFlow(realm, "browser");
        PkceGenerator pkce = PkceGenerator.s256();
        HttpResponse<String> authorize = browser.get(oauth.loginForm().scope("openid", "organization").codeChallenge(pkce).build());
        assertEquals(302, authorize.statusCode(), authorize.body());
        String code = OidcClient.query(Browserless.location(authorize), "code");
        AccessTokenResponse tokens = oauth.accessTokenRequest(code).codeVerifier(pkce).send();
        IDToken id = oauth.verifyIDToken(tokens.getIdToken());
        Object claim = id.getOtherClaims().get("organization");
        assertNotNull(claim, "the ID token carries Keycloak's organization claim: " + id.getOtherClaims());
        assertTrue(claim.toString().contains("springfield"), "naming the partner's organization: " + claim);

        // a second sign-in keeps one membership
        String again = new io.tokenlogin.keycloak.signer.PartnerTokenSigner("school-springfield-issuer", SECRET).generateSignInToken(pupil, 61);
        assertEquals(303, new Browserless().get(realm.getBaseUrl() + "/token-login/login/" + again).statusCode());
        assertEquals(1, realm.admin().organizations().get(orgId).members().getAll().stream().filter(u -> u.getId().equals(user.getId())).count());
    }
}
