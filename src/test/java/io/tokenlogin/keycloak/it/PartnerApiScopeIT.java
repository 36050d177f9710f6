package io.tokenlogin.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenlogin.keycloak.signer.PartnerTokenSigner;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.annotations.TestSetup;
import org.keycloak.testframework.realm.ManagedRealm;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Table D1: who may mint sign-in links, for whom, into where. Only a confidential client's service account; by
 * default only its own users; never a user with an administrative role; never into the admin console; every mint
 * names its caller.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class PartnerApiScopeIT {

    static final String SECRET = "scope-test-backend-secret-0123456789";
    static final String PARTNER_SECRET = "scope-test-partner-hs256-secret-0123456789abcdef";

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @TestSetup
    public void callers() {
        serviceAccountClient("scoped-backend", false);
        serviceAccountClient("other-backend", false);
        serviceAccountClient("wide-backend", true);
        // a public client with direct grants, for a person's token
        ClientRepresentation app = new ClientRepresentation();
        app.setClientId("person-app");
        app.setPublicClient(true);
        app.setDirectAccessGrantsEnabled(true);
        try (Response r = realm.admin().clients().create(app)) {
            assertEquals(201, r.getStatus());
        }
        // a partner whose API client is scoped-backend
        TestPartners.add(realm, "scope-partner", "scope-partner-issuer", PARTNER_SECRET,
                Map.of("landingClient", "demo-app", "apiClient", "scoped-backend", "defaultRedirect", "http://localhost:3000/"));
    }

    private void serviceAccountClient(String clientId, boolean anyUser) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setSecret(SECRET);
        client.setServiceAccountsEnabled(true);
        client.setPublicClient(false);
        client.setStandardFlowEnabled(false);
        client.setRedirectUris(List.of("http://localhost:3000/*"));
        try (Response r = realm.admin().clients().create(client)) {
            assertEquals(201, r.getStatus());
        }
        String id = realm.admin().clients().findByClientId(clientId).get(0).getId();
        UserRepresentation account = realm.admin().clients().get(id).getServiceAccountUser();
        List<RoleRepresentation> roles = new java.util.ArrayList<>(List.of(realm.admin().roles().get("token-login-issuer").toRepresentation()));
        if (anyUser) {
            roles.add(realm.admin().roles().get("token-login-any-user").toRepresentation());
        }
        realm.admin().users().get(account.getId()).roles().realmLevel().add(roles);
    }

    private String token(String clientId) {
        return ApiClient.clientCredentialsToken(realm.getBaseUrl(), clientId, SECRET);
    }

    private HttpResponse<String> mint(String caller, String body) {
        return ApiClient.post(realm.getBaseUrl() + "/token-login/magic-links", token(caller), body);
    }

    private static String forEmail(String email) {
        return "{\"email\":\"" + email + "\",\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/\"}";
    }

    private static void assertError(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(error, ApiClient.json(r.body()).get("error").asText(), r.body());
    }

    private UserRepresentation person(String prefix, String password) {
        UserRepresentation user = MagicRealm.newUser(realm, prefix, true);
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        realm.admin().users().get(user.getId()).resetPassword(credential);
        return realm.admin().users().get(user.getId()).toRepresentation();
    }

    /**
     * D21: a partner's API client adds at most its hourly quota of links and of revocations to the cluster-wide store
     * (realm attributes), then gets 429; a refused mint creates no user; another caller's quota is its own.
     */
    @Test
    public void D21_aCallerStoresAtMostItsHourlyQuotaOfLinksAndRevocations() {
        serviceAccountClient("quota-backend", true);
        serviceAccountClient("quota-other", true);
        TestPartners.add(realm, "quota-partner", "quota-partner-issuer", PARTNER_SECRET,
                Map.of("landingClient", "demo-app", "apiClient", "quota-backend", "defaultRedirect", "http://localhost:3000/"));
        org.keycloak.representations.idm.RealmRepresentation rep = realm.admin().toRepresentation();
        rep.getAttributes().put("token-login.api.links-per-caller-per-hour", "2");
        rep.getAttributes().put("token-login.api.revocations-per-caller-per-hour", "2");
        realm.admin().update(rep);
        try {
            UserRepresentation user = MagicRealm.newUser(realm, "quota", true);
            assertEquals(201, mint("quota-backend", forEmail(user.getEmail())).statusCode());
            assertEquals(201, mint("quota-backend", forEmail(user.getEmail())).statusCode());
            assertError(mint("quota-backend", forEmail(user.getEmail())), 429, "rate_limited");
            String fresh = "quota-new-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            assertError(mint("quota-backend", forEmail(fresh).replace("}", ",\"createUser\":true}")), 429, "rate_limited");
            assertTrue(realm.admin().users().searchByEmail(fresh, true).isEmpty(), "a refused mint creates no user");
            assertEquals(201, mint("quota-other", forEmail(user.getEmail())).statusCode(), "another caller's quota is its own");

            String revoke = realm.getBaseUrl() + "/token-login/partner-tokens/";
            assertEquals(204, ApiClient.delete(revoke + UUID.randomUUID(), token("quota-backend")).statusCode());
            assertEquals(204, ApiClient.delete(revoke + UUID.randomUUID(), token("quota-backend")).statusCode());
            assertError(ApiClient.delete(revoke + UUID.randomUUID(), token("quota-backend")), 429, "rate_limited");
        } finally {
            rep.getAttributes().put("token-login.api.links-per-caller-per-hour", ""); // blank: the defaults
            rep.getAttributes().put("token-login.api.revocations-per-caller-per-hour", "");
            realm.admin().update(rep);
        }
    }

    /**
     * #13: a partner revokes a token it issued (by its jti) before it is used, authenticated as the partner's API
     * client; another issuer of the realm cannot; a revoked token is refused as already used, others still work.
     */
    @Test
    public void aPartnersApiClientRevokesATokenByItsJtiBeforeItIsUsed() {
        io.tokenlogin.keycloak.signer.PartnerTokenSigner signer = new io.tokenlogin.keycloak.signer.PartnerTokenSigner("scope-partner-issuer", PARTNER_SECRET);
        String jti = java.util.UUID.randomUUID().toString();
        String token = signer.nested().subject("revoked-" + jti.substring(0, 8)).userUuid("revoked-" + jti.substring(0, 8)).jti(jti).sign();
        String url = realm.getBaseUrl() + "/token-login/partner-tokens/" + jti;
        assertError(ApiClient.delete(url, token("other-backend")), 404, "not_found");
        assertError(ApiClient.delete(url, null), 401, "invalid_token");
        assertEquals(204, ApiClient.delete(url, token("scoped-backend")).statusCode(), "the partner's API client revokes it");
        assertEquals(204, ApiClient.delete(url, token("scoped-backend")).statusCode(), "idempotent");
        HttpResponse<String> refused = new Browserless().get(realm.getBaseUrl() + "/token-login/login/" + token);
        assertEquals(401, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("already been used"), refused.body());
        // a jti a path segment cannot carry is revoked through the query form
        String slashed = "batch/2026/" + jti.substring(0, 8);
        String slashedToken = signer.nested().subject("revoked-" + jti.substring(0, 8)).userUuid("revoked-" + jti.substring(0, 8)).jti(slashed).sign();
        assertEquals(204, ApiClient.delete(realm.getBaseUrl() + "/token-login/partner-tokens?jti=" + java.net.URLEncoder.encode(slashed,
                java.nio.charset.StandardCharsets.UTF_8), token("scoped-backend")).statusCode());
        assertEquals(401, new Browserless().get(realm.getBaseUrl() + "/token-login/login/" + slashedToken).statusCode());
        String other = signer.nested().subject("revoked-" + jti.substring(0, 8)).userUuid("revoked-" + jti.substring(0, 8))
                .jti(java.util.UUID.randomUUID().toString()).sign();
        assertEquals(303, new Browserless().get(realm.getBaseUrl() + "/token-login/login/" + other).statusCode(), "another token still works");
    }

    /** D1: a person's access token is refused even when it carries token-login-issuer. */
    @Test
    public void D1_aPersonsTokenWithTheIssuerRoleIsRefused() throws Exception {
        UserRepresentation person = person("issuer-person", "Person-pass-123");
        realm.admin().users().get(person.getId()).roles().realmLevel().add(List.of(realm.admin().roles().get("token-login-issuer").toRepresentation()));
        String form = "grant_type=password&client_id=person-app&username=" + person.getUsername() + "&password=Person-pass-123";
        HttpResponse<String> grant = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(realm.getBaseUrl() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, grant.statusCode(), grant.body());
        String personToken = ApiClient.json(grant.body()).get("access_token").asText();
        HttpResponse<String> r = ApiClient.post(realm.getBaseUrl() + "/token-login/magic-links", personToken, forEmail("bob@example.com"));
        assertError(r, 403, "service_account_required");
        assertError(ApiClient.post(realm.getBaseUrl() + "/token-login/email-confirmations", personToken,
                "{\"email\":\"bob@example.com\",\"landingUrl\":\"http://localhost:3000/landing\"}"), 403, "service_account_required");
    }

    /** D1: a token the caller obtained for another resource server (aud names another client) is refused. */
    @Test
    public void D1_aTokenAddressedToAnotherClientIsRefused() {
        serviceAccountClient("aud-backend", true);
        String id = realm.admin().clients().findByClientId("aud-backend").get(0).getId();
        ProtocolMapperRepresentation audience = new ProtocolMapperRepresentation();
        audience.setName("audience demo-app");
        audience.setProtocol("openid-connect");
        audience.setProtocolMapper("oidc-audience-mapper");
        audience.setConfig(Map.of("included.client.audience", "demo-app", "access.token.claim", "true"));
        try (Response r = realm.admin().clients().get(id).getProtocolMappers().createMapper(audience)) {
            assertEquals(201, r.getStatus());
        }
        assertError(mint("aud-backend", forEmail("bob@example.com")), 403, "invalid_audience");
    }

    /** D1: by default a caller reaches only its own users: bob (the realm's) answers as an unknown user. */
    @Test
    public void D1_aCallerReachesOnlyItsOwnUsersByDefault() {
        assertError(mint("scoped-backend", forEmail("bob@example.com")), 404, "user_not_found");
        String email = "own-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> created = ApiClient.post(realm.getBaseUrl() + "/token-login/magic-links", token("scoped-backend"),
                "{\"email\":\"" + email + "\",\"createUser\":true,\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(201, mint("scoped-backend", forEmail(email)).statusCode(), "its own user, again");
        assertError(mint("other-backend", forEmail(email)), 404, "user_not_found");
        // the same answer for an address nobody has: nothing is learned about other callers' users
        assertError(mint("scoped-backend", forEmail("nobody-" + UUID.randomUUID() + "@example.com")), 404, "user_not_found");
    }

    /** D1: users of the partner identity provider whose API client the caller is are reachable. */
    @Test
    public void D1_aPartnerBackendMintsALinkForItsPartnersUser() {
        String token = new PartnerTokenSigner("scope-partner-issuer", PARTNER_SECRET).generateSignInToken("pupil-7", 60);
        assertEquals(303, new Browserless().get(realm.getBaseUrl() + "/token-login/login/" + token).statusCode());
        UserRepresentation pupil = realm.admin().users().search("scope-partner.pupil-7", true).get(0);
        HttpResponse<String> r = mint("scoped-backend", "{\"userId\":\"" + pupil.getId() + "\",\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/\"}");
        assertEquals(201, r.statusCode(), r.body());
        assertError(mint("other-backend", "{\"userId\":\"" + pupil.getId() + "\",\"clientId\":\"demo-app\",\"redirectUri\":\"http://localhost:3000/\"}"), 404, "user_not_found");
    }

    /** D1: an administrator is never reachable, directly, through a group or through a composite role. */
    @Test
    public void D1_usersWithAnAdministrativeRoleAreNeverReachable() {
        String management = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        RoleRepresentation realmAdmin = realm.admin().clients().get(management).roles().get("realm-admin").toRepresentation();
        RoleRepresentation viewUsers = realm.admin().clients().get(management).roles().get("view-users").toRepresentation();

        UserRepresentation direct = MagicRealm.newUser(realm, "admin-direct", true);
        realm.admin().users().get(direct.getId()).roles().clientLevel(management).add(List.of(realmAdmin));
        assertError(mint("wide-backend", forEmail(direct.getEmail())), 404, "user_not_found");

        GroupRepresentation group = new GroupRepresentation();
        group.setName("helpdesk-" + UUID.randomUUID().toString().substring(0, 6));
        try (Response r = realm.admin().groups().add(group)) {
            assertEquals(201, r.getStatus());
        }
        String groupId = realm.admin().groups().groups(group.getName(), 0, 1).get(0).getId();
        realm.admin().groups().group(groupId).roles().clientLevel(management).add(List.of(viewUsers));
        UserRepresentation viaGroup = MagicRealm.newUser(realm, "admin-group", true);
        realm.admin().users().get(viaGroup.getId()).joinGroup(groupId);
        assertError(mint("wide-backend", forEmail(viaGroup.getEmail())), 404, "user_not_found");

        String composite = "support-" + UUID.randomUUID().toString().substring(0, 6);
        realm.admin().roles().create(new RoleRepresentation(composite, null, false));
        realm.admin().roles().get(composite).addComposites(List.of(viewUsers));
        UserRepresentation viaComposite = MagicRealm.newUser(realm, "admin-composite", true);
        realm.admin().users().get(viaComposite.getId()).roles().realmLevel().add(List.of(realm.admin().roles().get(composite).toRepresentation()));
        assertError(mint("wide-backend", forEmail(viaComposite.getEmail())), 404, "user_not_found");

        // the legitimate use: a widened caller reaches an ordinary user
        UserRepresentation ordinary = MagicRealm.newUser(realm, "ordinary", true);
        assertEquals(201, mint("wide-backend", forEmail(ordinary.getEmail())).statusCode());
    }

    /** D1: no link ever lands in the admin console; a landing URL must be one the admin gave the caller. */
    @Test
    public void D1_linksNeverLandInTheAdminConsoleAndOnlyOnTheCallersOwnRedirectUris() {
        UserRepresentation ordinary = MagicRealm.newUser(realm, "landing", true);
        assertError(mint("wide-backend", "{\"email\":\"" + ordinary.getEmail() + "\",\"clientId\":\"security-admin-console\",\"redirectUri\":\""
                + realm.getBaseUrl().replace("/realms/" + realm.getName(), "") + "/admin/" + realm.getName() + "/console/\"}"), 400, "invalid_client");
        // account-console is a valid landing client, but not a URL the admin allowed this caller
        assertError(mint("wide-backend", "{\"email\":\"" + ordinary.getEmail() + "\",\"clientId\":\"account-console\",\"redirectUri\":\""
                + realm.getBaseUrl() + "/account/\"}"), 400, "invalid_redirect_uri");
    }

    /** D1: the event of every mint names the caller and the landing client. */
    @Test
    public void D1_everyMintNamesItsCaller() {
        UserRepresentation ordinary = MagicRealm.newUser(realm, "evented", true);
        assertEquals(201, mint("wide-backend", forEmail(ordinary.getEmail())).statusCode());
        List<EventRepresentation> events = realm.admin().getEvents(List.of("IMPERSONATE"), null, ordinary.getId(), null, null, null, 0, 10);
        EventRepresentation event = events.stream().filter(e -> "magic_link_created".equals(e.getDetails().get("token_login_api"))).findFirst().orElseThrow();
        assertEquals("wide-backend", event.getDetails().get("caller"));
        assertEquals("wide-backend", event.getDetails().get("impersonator"));
        assertEquals("demo-app", event.getDetails().get("landing_client"));
        assertTrue(event.getClientId().equals("wide-backend"));
    }
}
