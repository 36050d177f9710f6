package io.tokenlogin.keycloak.it;

import io.tokenlogin.keycloak.signer.PartnerTokenSigner;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderMapperRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partners as identity providers of type {@code token-login-partner}: validated when saved (REST answers 400 with the
 * reason), secrets masked, no flow needed, disabled means disabled, identities kept apart by exact alias, users linked
 * as federated identities only (never by an attribute), mappers applied, unlinked users never confused.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class PartnerIdentityProvidersIT {

    static final String SECRET = "identity-provider-partner-secret-0123456789abcdef";

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates through REST and returns status + the error message Keycloak shows the admin. */
    private String refusal(IdentityProviderRepresentation rep) {
        try (Response r = realm.admin().identityProviders().create(rep)) {
            assertEquals(400, r.getStatus(), "refused when saved");
            return r.readEntity(String.class);
        }
    }

    private IdentityProviderRepresentation rep(String alias, Map<String, String> overrides) {
        return TestPartners.representation(alias, alias + "-issuer", SECRET, overrides);
    }

    private String link(String token) {
        return realm.getBaseUrl() + "/token-login/login/" + token;
    }

    private IDToken signIn(String token) {
        Browserless browser = new Browserless();
        HttpResponse<String> response = browser.get(link(token));
        assertEquals(303, response.statusCode(), response.body());
        return OidcClient.silentLogin(oauth, browser);
    }

    @Test
    public void badSettingsAreRefusedWhenSavedWithTheReason() {
        String a = unique("bad");
        Map<String, String> shortSecret = new HashMap<>(Map.of("clientSecret", "too-short"));
        assertTrue(refusal(rep(a, shortSecret)).contains("Client Secret (the partner's HS256 secret) must be at least 32 bytes"));
        Map<String, String> noClient = new HashMap<>();
        IdentityProviderRepresentation missing = rep(a, noClient);
        missing.getConfig().remove("landingClient");
        assertTrue(refusal(missing).contains("Landing client is required"));
        assertTrue(refusal(rep(a, Map.of("landingClient", "no-such-client"))).contains("no client 'no-such-client'"));
        assertTrue(refusal(rep(a, Map.of("errorRedirect", "javascript:alert(1)"))).contains("Error redirect must be an absolute http(s) URL"));
        assertTrue(refusal(rep(a, Map.of("defaultRedirect", "https://evil.example/landing"))).contains("Default redirect must match a valid redirect URI"));
        assertTrue(refusal(rep(a, Map.of("maxTokenLifetime", "abc"))).contains("Max token lifetime must be a non-negative integer"));
        assertTrue(refusal(rep(a, Map.of("maxTokenLifetime", "99999999"))).contains("Max token lifetime must be between 1 and 604800 seconds"));
        assertTrue(refusal(rep(a, Map.of("clockSkew", "601"))).contains("Clock skew must be between 0 and 600"));
        assertTrue(refusal(rep(a, Map.of("userIdClaim", "user..uuid"))).contains("User id claim is not a valid claim path"));
        assertTrue(refusal(rep(a, Map.of("tokenShape", "custom"))).contains("User id claim is required with the custom token shape"));
        assertTrue(refusal(rep(a, Map.of("tokenShape", "square"))).contains("Token shape must be flat, publicala or custom"));
        assertTrue(refusal(rep(a, Map.of("previousSecret", "a-previous-secret-in-clear-0123456789abcdef"))).contains("must be a vault reference"));
        assertTrue(refusal(rep(a, Map.of("clientSecret", "${vault.no-such-key}"))).contains("the vault holds no secret of that name"));
        assertTrue(refusal(rep(a, Map.of("clientSecret", "${vault." + TokenLoginServerConfig.SHORT_KEY + "}"))).contains("the vault's secret must be at least 32 bytes"));
        assertTrue(refusal(rep(a, Map.of("linkByEmail", "true"))).contains("Link by email needs 'Trust Email' on"));
        // an issuer is one partner's: a second provider with the same Client ID is refused
        TestPartners.add(realm, a, a + "-issuer", SECRET, Map.of());
        assertTrue(refusal(rep(unique("twin"), Map.of("clientId", a + "-issuer"))).contains("is already used by another partner"));
        // and an update is validated too
        IdentityProviderRepresentation saved = realm.admin().identityProviders().get(a).toRepresentation();
        saved.getConfig().put("clockSkew", "-5");
        jakarta.ws.rs.BadRequestException e = org.junit.jupiter.api.Assertions.assertThrows(jakarta.ws.rs.BadRequestException.class,
                () -> realm.admin().identityProviders().get(a).update(saved));
        assertTrue(e.getResponse().readEntity(String.class).contains("Clock skew must be a non-negative integer"));
    }

    @Test
    public void theSecretIsMaskedInGetAndPartialExportAndAnUpdateWithTheMaskKeepsIt() {
        String a = unique("masked");
        TestPartners.add(realm, a, a + "-issuer", SECRET, Map.of());
        IdentityProviderRepresentation shown = realm.admin().identityProviders().get(a).toRepresentation();
        assertEquals("**********", shown.getConfig().get("clientSecret"));
        RealmRepresentation export = realm.admin().partialExport(false, false);
        IdentityProviderRepresentation exported = export.getIdentityProviders().stream().filter(p -> p.getAlias().equals(a)).findFirst().orElseThrow();
        assertEquals("**********", exported.getConfig().get("clientSecret"));
        assertFalse(export.toString().contains(SECRET));
        // the console sends the mask back on every save: the stored secret stays
        shown.setDisplayName("Masked partner");
        realm.admin().identityProviders().get(a).update(shown);
        signIn(new PartnerTokenSigner(a + "-issuer", SECRET).generateSignInToken("m-1", 60));
    }

    @Test
    public void D9_aLinkOnlyPartnerNeedsNoFlowAndADisabledOneServesNothing() {
        String a = unique("toggle");
        TestPartners.add(realm, a, a + "-issuer", SECRET, Map.of());
        PartnerTokenSigner signer = new PartnerTokenSigner(a + "-issuer", SECRET);
        assertTrue(realm.admin().flows().getFlows().stream().noneMatch(f -> f.getAlias().contains(a)));
        signIn(signer.generateSignInToken("t-1", 60));
        IdentityProviderRepresentation rep = realm.admin().identityProviders().get(a).toRepresentation();
        rep.setEnabled(false);
        realm.admin().identityProviders().get(a).update(rep);
        HttpResponse<String> refused = new Browserless().get(link(signer.generateSignInToken("t-1", 61)));
        assertEquals(401, refused.statusCode());
        assertTrue(refused.body().contains("unknown partner"), refused.body());
        rep.setEnabled(true);
        realm.admin().identityProviders().get(a).update(rep);
        signIn(signer.generateSignInToken("t-1", 62));
    }

    @Test
    public void D8_partnersAcmeAndacmeKeepSeparateUsers() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        TestPartners.add(realm, "Acme" + suffix, "Acme-issuer-" + suffix, SECRET, Map.of());
        TestPartners.add(realm, "acme" + suffix, "acme-issuer-" + suffix, SECRET, Map.of());
        String upper = signIn(new PartnerTokenSigner("Acme-issuer-" + suffix, SECRET).generateSignInToken("1234", 60)).getSubject();
        String lower = signIn(new PartnerTokenSigner("acme-issuer-" + suffix, SECRET).generateSignInToken("1234", 60)).getSubject();
        assertNotEquals(upper, lower, "same external id at two partners: two people");
        assertEquals("Acme" + suffix, realm.admin().users().get(upper).getFederatedIdentity().get(0).getIdentityProvider());
        assertEquals("acme" + suffix, realm.admin().users().get(lower).getFederatedIdentity().get(0).getIdentityProvider());
        // each keeps its own user on the next sign-in
        assertEquals(upper, signIn(new PartnerTokenSigner("Acme-issuer-" + suffix, SECRET).generateSignInToken("1234", 61)).getSubject());
        assertEquals(lower, signIn(new PartnerTokenSigner("acme-issuer-" + suffix, SECRET).generateSignInToken("1234", 61)).getSubject());
    }

    /** The first model's mapping attribute is never read: whoever sets it on an account gains no partner user. */
    @Test
    public void D10_aTokenLoginIdAttributeOnAnAccountNeverMapsItToAPartnerUser() {
        UserRepresentation planted = new UserRepresentation();
        planted.setUsername(unique("planter"));
        planted.setEnabled(true);
        planted.setAttributes(Map.of("token-login-id", List.of("ruby-backend:victim-77", "ruby-backend-victim-77")));
        try (Response r = realm.admin().users().create(planted)) {
            assertEquals(201, r.getStatus());
        }
        String planterId = realm.admin().users().search(planted.getUsername(), true).get(0).getId();
        String sub = signIn(Demo.flat().generateSignInToken("victim-77", 60)).getSubject();
        assertNotEquals(planterId, sub, "the victim's partner sign-in never lands in the planter's account");
        assertTrue(realm.admin().users().get(planterId).getFederatedIdentity().isEmpty());
    }

    /** The nested (Publica.la) shape always sends sub "user": its preset keys people by user.uuid. */
    @Test
    public void theNestedPresetKeepsTwoPeopleApart() {
        String one = signIn(Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid(unique("uuid")).sign()).getSubject();
        String two = signIn(Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid(unique("uuid")).sign()).getSubject();
        assertNotEquals(one, two);
    }

    /** A self-registered (or admin-made) account holding a partner user's readable username never blocks that user. */
    @Test
    public void D6_aSquattedUsernameNeverBlocksThePartnerUser() {
        String id = unique("sq").toLowerCase();
        UserRepresentation squatter = new UserRepresentation();
        squatter.setUsername("ruby-backend." + id);
        squatter.setEnabled(true);
        try (Response r = realm.admin().users().create(squatter)) {
            assertEquals(201, r.getStatus());
        }
        String squatterId = realm.admin().users().search("ruby-backend." + id, true).get(0).getId();
        IDToken token = signIn(Demo.flat().generateSignInToken(id, 60));
        assertNotEquals(squatterId, token.getSubject());
        assertTrue(token.getPreferredUsername().startsWith("ruby-backend." + id + "."), token.getPreferredUsername());
        assertEquals(token.getSubject(), signIn(Demo.flat().generateSignInToken(id, 61)).getSubject(), "and stays the same user");
    }

    /** Decision: a removed link is never restored silently; the next sign-in gets an account of its own. */
    @Test
    public void aUserWhoseLinkWasRemovedGetsASeparateAccountNextTime() {
        String id = unique("unlinked").toLowerCase();
        String first = signIn(Demo.flat().generateSignInToken(id, 60)).getSubject();
        realm.admin().users().get(first).removeFederatedIdentity("ruby-backend");
        String second = signIn(Demo.flat().generateSignInToken(id, 61)).getSubject();
        assertNotEquals(first, second);
        assertTrue(realm.admin().users().get(first).getFederatedIdentity().isEmpty(), "the old account stays unlinked");
        List<FederatedIdentityRepresentation> links = realm.admin().users().get(second).getFederatedIdentity();
        assertEquals(id, links.get(0).getUserId());
    }

    @Test
    public void mappersOnThePartnerRunOnFirstSignInAndPerSyncMode() {
        String a = unique("mapped");
        TestPartners.add(realm, a, a + "-issuer", SECRET, Map.of("syncMode", "IMPORT"));
        String role = unique("partner-reader");
        realm.admin().roles().create(new RoleRepresentation(role, null, false));
        addMapper(a, "hardcoded role", "oidc-hardcoded-role-idp-mapper", Map.of("role", role, "syncMode", "INHERIT"));
        addMapper(a, "hardcoded attribute", "hardcoded-attribute-idp-mapper",
                Map.of("attribute", "partner-tier", "attribute.value", "gold", "syncMode", "INHERIT"));
        PartnerTokenSigner signer = new PartnerTokenSigner(a + "-issuer", SECRET);
        String sub = signIn(signer.generateSignInToken("mp-1", 60)).getSubject();
        assertTrue(realm.admin().users().get(sub).roles().realmLevel().listEffective().stream().anyMatch(r -> r.getName().equals(role)));
        assertEquals(List.of("gold"), realm.admin().users().get(sub).toRepresentation().getAttributes().get("partner-tier"));

        // IMPORT: a later sign-in does not re-apply what the admin removed
        RoleRepresentation granted = realm.admin().roles().get(role).toRepresentation();
        realm.admin().users().get(sub).roles().realmLevel().remove(List.of(granted));
        signIn(signer.generateSignInToken("mp-1", 61));
        assertFalse(hasRole(sub, role), "IMPORT: mappers ran only when the user was created");
        // FORCE: every sign-in applies the mappers again
        IdentityProviderRepresentation rep = realm.admin().identityProviders().get(a).toRepresentation();
        rep.getConfig().put("syncMode", "FORCE");
        realm.admin().identityProviders().get(a).update(rep);
        signIn(signer.generateSignInToken("mp-1", 62));
        assertTrue(hasRole(sub, role), "FORCE: the hardcoded role is granted again");
    }

    private boolean hasRole(String userId, String role) {
        return realm.admin().users().get(userId).roles().realmLevel().listAll().stream().anyMatch(r -> r.getName().equals(role));
    }

    private void addMapper(String alias, String name, String type, Map<String, String> config) {
        IdentityProviderMapperRepresentation mapper = new IdentityProviderMapperRepresentation();
        mapper.setName(name);
        mapper.setIdentityProviderAlias(alias);
        mapper.setIdentityProviderMapper(type);
        mapper.setConfig(new HashMap<>(config));
        try (Response r = realm.admin().identityProviders().get(alias).addMapper(mapper)) {
            assertEquals(201, r.getStatus(), () -> r.readEntity(String.class));
        }
    }

    /**
     * Keycloak's broker endpoint for a partner (reached here as Keycloak reaches it: an app's {@code kc_idp_hint} on a
     * client bound to the built-in browser flow, whose redirector sends the browser to {@code /broker/{alias}/login}):
     * a themed page saying the partner signs people in from its own site, never a redirect anywhere.
     */
    @Test
    public void aLoginThroughTheBrokerEndpointShowsTheOwnSitePage() {
        String builtIn = realm.admin().flows().getFlows().stream().filter(f -> "browser".equals(f.getAlias())).findFirst().orElseThrow().getId();
        org.keycloak.representations.idm.ClientRepresentation client = new org.keycloak.representations.idm.ClientRepresentation();
        client.setClientId(unique("hint-app"));
        client.setPublicClient(true);
        client.setStandardFlowEnabled(true);
        client.setRedirectUris(List.of("http://127.0.0.1:8999/cb"));
        client.setAuthenticationFlowBindingOverrides(Map.of("browser", builtIn));
        try (Response r = realm.admin().clients().create(client)) {
            assertEquals(201, r.getStatus());
        }
        Browserless browser = new Browserless();
        HttpResponse<String> response = browser.get(realm.getBaseUrl() + "/protocol/openid-connect/auth?response_type=code&scope=openid"
                + "&client_id=" + client.getClientId() + "&redirect_uri=" + Browserless.enc("http://127.0.0.1:8999/cb") + "&kc_idp_hint=publicala");
        assertTrue(response.statusCode() == 302 || response.statusCode() == 303, response.statusCode() + " " + response.body());
        String broker = Browserless.location(response);
        assertTrue(broker.startsWith(realm.getBaseUrl() + "/broker/publicala/login"), broker);
        HttpResponse<String> page = browser.get(broker);
        assertEquals(400, page.statusCode());
        assertTrue(page.body().contains("Publica.la signs you in from its own site"), page.body());
    }
}
