package io.tokenlogin.keycloak.it;

import io.tokenlogin.keycloak.signer.PartnerTokenSigner;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.IDToken;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.keycloak.testsuite.util.oauth.PkceGenerator;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * #13: ACR and AMR as Keycloak's own mappers read them, with realm-examples/stepup-realm.json (level 1 = a partner
 * token or a password, level 2 = the password again; acr "partner" = 1, "strong" = 2). A partner link's session and
 * the browser-flow step give the same acr ("partner") and amr (["partner"], from the step's
 * {@code default.reference.value}); an app asking {@code acr_values=strong} is sent through level 2 (a prompt), one
 * asking {@code acr_values=partner} gets its code with no prompt.
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class StepUpIT {

    static final String SECRET = "demo-only-school-secret-change-me-0123456789abc";

    @InjectRealm(fromJson = "/stepup-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    /** The app of this test gets Keycloak's AMR mapper, as demo-app of the example realm has it. */
    @org.keycloak.testframework.annotations.TestSetup
    public void amrMapper() {
        String id = realm.admin().clients().findByClientId(oauth.config().getClientId()).get(0).getId();
        org.keycloak.representations.idm.ProtocolMapperRepresentation amr = new org.keycloak.representations.idm.ProtocolMapperRepresentation();
        amr.setName("amr");
        amr.setProtocol("openid-connect");
        amr.setProtocolMapper("oidc-amr-mapper");
        amr.setConfig(java.util.Map.of("id.token.claim", "true", "access.token.claim", "true"));
        try (jakarta.ws.rs.core.Response r = realm.admin().clients().get(id).getProtocolMappers().createMapper(amr)) {
            assertEquals(201, r.getStatus());
        }
    }

    /** The partner's user also has a password (level 2 asks for it). */
    private void withPassword(String username) {
        String id = realm.admin().users().search(username, true).get(0).getId();
        org.keycloak.representations.idm.CredentialRepresentation password = new org.keycloak.representations.idm.CredentialRepresentation();
        password.setType("password");
        password.setValue("step-up-" + UUID.randomUUID());
        password.setTemporary(false);
        realm.admin().users().get(id).resetPassword(password);
    }

    private static String token(String pupil) {
        return new PartnerTokenSigner("school-intranet", SECRET).generateSignInToken(pupil, 60);
    }

    private HttpResponse<String> authorize(Browserless browser, PkceGenerator pkce, String acr, String extraQuery) {
        return browser.get(oauth.loginForm().codeChallenge(pkce).param("acr_values", acr).build() + extraQuery);
    }

    private IDToken exchange(HttpResponse<String> authorized, PkceGenerator pkce) {
        assertEquals(302, authorized.statusCode(), "no prompt: " + authorized.body());
        String code = OidcClient.query(Browserless.location(authorized), "code");
        assertNotNull(code, Browserless.location(authorized));
        AccessTokenResponse tokens = oauth.accessTokenRequest(code).codeVerifier(pkce).send();
        assertEquals(200, tokens.getStatusCode(), tokens.getError());
        return oauth.verifyIDToken(tokens.getIdToken());
    }

    private static void assertPartnerLevel(IDToken id) {
        assertEquals("partner", id.getAcr(), "acr of a partner sign-in");
        Object amr = id.getOtherClaims().get("amr");
        assertTrue(amr instanceof List<?> list && list.contains("partner"), "amr names the partner step: " + amr);
    }

    @Test
    public void aPartnerLinksSessionHasThePartnerLevelAndAStrongerRequestStepsUp() {
        Browserless browser = new Browserless();
        String pupil = "link-" + UUID.randomUUID();
        HttpResponse<String> landed = browser.get(realm.getBaseUrl() + "/token-login/login/" + token(pupil));
        assertEquals(303, landed.statusCode(), landed.body());
        withPassword("school." + pupil);

        PkceGenerator pkce = PkceGenerator.s256();
        assertPartnerLevel(exchange(authorize(browser, pkce, "partner", ""), pkce));

        HttpResponse<String> stronger = authorize(browser, PkceGenerator.s256(), "strong", "");
        assertEquals(200, stronger.statusCode(), "acr_values above the partner's level: the next step of the flow runs");
        assertTrue(stronger.body().contains("id=\"password\""), "level 2 asks for the password: " + stronger.body());
    }

    @Test
    public void theBrowserFlowStepGivesTheSameAcrAndAmr() {
        Browserless browser = new Browserless();
        PkceGenerator pkce = PkceGenerator.s256();
        String pupil = "flow-" + UUID.randomUUID();
        HttpResponse<String> viaFlow = authorize(browser, pkce, "partner", "&external-auth-token=" + token(pupil));
        assertPartnerLevel(exchange(viaFlow, pkce));
        withPassword("school." + pupil);

        HttpResponse<String> stronger = authorize(browser, PkceGenerator.s256(), "strong", "");
        assertEquals(200, stronger.statusCode());
        assertTrue(stronger.body().contains("id=\"password\""), "step-up after the flow step too");
    }
}
