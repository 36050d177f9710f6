package io.tokenlogin.keycloak.it;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testsuite.util.oauth.PkceGenerator;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A realm in the first partner model ({@code external-token} step configs holding partner settings, users mapped by a
 * {@code token-login-id} attribute: {@code legacy-partner-realm.json}, the demo realm as it was) is carried over
 * automatically on first use: partners become identity providers, users federated identities, attributes go away;
 * a value two accounts hold links neither; running it again changes nothing.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class LegacyPartnerMigrationIT {

    @InjectRealm(ref = "legacy", fromJson = "/legacy-partner-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient(realmRef = "legacy")
    OAuthClient oauth;

    private String userId(String username) {
        return realm.admin().users().search(username, true).get(0).getId();
    }

    private HttpResponse<String> link(Browserless browser, String token) {
        return browser.get(realm.getBaseUrl() + "/token-login/login/" + token);
    }

    @Test
    @Order(1)
    public void partnersBecomeIdentityProvidersAndUsersKeepTheirAccounts() {
        String legacyUser = userId("ruby-backend.4242");
        Browserless browser = new Browserless();
        assertEquals(303, link(browser, Demo.flat().generateSignInToken(4242, 60)).statusCode());
        assertEquals(legacyUser, OidcClient.silentLogin(oauth, browser).getSubject(), "the same account as before the upgrade");

        List<IdentityProviderRepresentation> partners = realm.admin().identityProviders().findAll().stream()
                .filter(p -> TestPartners.TYPE.equals(p.getProviderId())).toList();
        assertEquals(List.of("broken-redirect", "publicala", "ruby-backend"), partners.stream().map(IdentityProviderRepresentation::getAlias).sorted().toList());
        IdentityProviderRepresentation ruby = realm.admin().identityProviders().get("ruby-backend").toRepresentation();
        assertEquals("Ruby Backend", ruby.getConfig().get("clientId"));
        assertEquals("**********", ruby.getConfig().get("clientSecret"));
        assertEquals("account-console", ruby.getConfig().get("landingClient"));
        assertEquals("86400", ruby.getConfig().get("maxTokenLifetime"));
        assertTrue(realm.admin().identityProviders().get("publicala").toRepresentation().isTrustEmail());

        // the steps now only name their partner
        List<AuthenticatorConfigRepresentation> stepConfigs = java.util.stream.Stream.concat(
                        realm.admin().flows().getExecutions("partner-browser").stream(), realm.admin().flows().getExecutions("legacy-links").stream())
                .filter(e -> "external-token".equals(e.getProviderId()) && e.getAuthenticationConfig() != null)
                .map(e -> realm.admin().flows().getAuthenticatorConfig(e.getAuthenticationConfig())).toList();
        assertEquals(3, stepConfigs.size());
        stepConfigs.forEach(c -> assertEquals(Map.of("partners", c.getAlias()), c.getConfig()));

        FederatedIdentityRepresentation link = realm.admin().users().get(legacyUser).getFederatedIdentity().get(0);
        assertEquals("ruby-backend", link.getIdentityProvider());
        assertEquals("4242", link.getUserId());
        assertNull(attributes(legacyUser).get("token-login-id"), "the mapping attribute is gone");
    }

    private Map<String, List<String>> attributes(String id) {
        Map<String, List<String>> a = realm.admin().users().get(id).toRepresentation().getAttributes();
        return a == null ? Map.of() : a;
    }

    @Test
    @Order(2)
    public void theNestedPartnerStepInTheMigratedBrowserFlowSignsItsUserIn() {
        PkceGenerator pkce = PkceGenerator.s256();
        String token = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid("reader-uuid-1").sign();
        HttpResponse<String> response = new Browserless().get(oauth.loginForm().codeChallenge(pkce).param("external-auth-token", token).build());
        assertEquals(302, response.statusCode(), response.body());
        String code = OidcClient.query(Browserless.location(response), "code");
        IDToken id = oauth.verifyIDToken(oauth.accessTokenRequest(code).codeVerifier(pkce).send().getIdToken());
        assertEquals(userId("nested-reader"), id.getSubject());
    }

    @Test
    @Order(3)
    public void aPartnerIdThatTwoAccountsHeldLinksNeither() {
        String one = userId("planted-one");
        String two = userId("planted-two");
        Browserless browser = new Browserless();
        String token = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid("contested-uuid").sign();
        assertEquals(303, link(browser, token).statusCode());
        String sub = OidcClient.silentLogin(oauth, browser).getSubject();
        assertNotEquals(one, sub);
        assertNotEquals(two, sub);
        assertTrue(realm.admin().users().get(one).getFederatedIdentity().isEmpty());
        assertTrue(realm.admin().users().get(two).getFederatedIdentity().isEmpty());
        assertNull(attributes(one).get("token-login-id"));
    }

    /** D18: a malformed error redirect that reached the store unvalidated (here: migrated) never turns a failure into a 500. */
    @Test
    @Order(4)
    public void D18_aMalformedErrorRedirectGivesTheErrorPageNotA500() {
        String forged = new io.tokenlogin.keycloak.signer.PartnerTokenSigner("broken-issuer", "not-the-partners-secret-0123456789abcdef")
                .generateSignInToken("b-1", 60);
        HttpResponse<String> r = link(new Browserless(), forged);
        assertEquals(401, r.statusCode(), r.body());
        assertTrue(r.body().contains("could not be verified"), r.body());
    }

    @Test
    @Order(5)
    public void runningTheMigrationAgainChangesNothing() {
        RealmRepresentation rep = realm.admin().toRepresentation();
        Map<String, String> attributes = new HashMap<>(rep.getAttributes());
        assertEquals("identity-providers-v1", attributes.get("token-login.partner-model"), "the realm is marked as migrated");
        attributes.put("token-login.partner-model", "");
        rep.setAttributes(attributes);
        realm.admin().update(rep);

        String legacyUser = userId("ruby-backend.4242");
        Browserless browser = new Browserless();
        assertEquals(303, link(browser, Demo.flat().generateSignInToken(4242, 61)).statusCode());
        assertEquals(legacyUser, OidcClient.silentLogin(oauth, browser).getSubject());
        assertEquals(3, realm.admin().identityProviders().findAll().stream().filter(p -> TestPartners.TYPE.equals(p.getProviderId())).count());
        assertEquals(1, realm.admin().users().get(legacyUser).getFederatedIdentity().size());
        UserRepresentation reader = realm.admin().users().search("nested-reader", true).get(0);
        assertEquals("reader-uuid-1", realm.admin().users().get(reader.getId()).getFederatedIdentity().get(0).getUserId());
        assertEquals("identity-providers-v1", realm.admin().toRepresentation().getAttributes().get("token-login.partner-model"));
    }
}
