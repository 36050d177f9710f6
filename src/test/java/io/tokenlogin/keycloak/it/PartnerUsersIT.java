package io.tokenlogin.keycloak.it;

import io.tokenlogin.keycloak.signer.PartnerTokenSigner;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.annotations.TestSetup;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secrets (rotation, vault) and the user mapping (email linking rules, race-safe just-in-time creation). */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class PartnerUsersIT {

    static final String OLD_SECRET = TokenLoginServerConfig.PREVIOUS_SECRET;
    static final String NEW_SECRET = "rotating-partner-new-secret-0123456789abcdef";

    @InjectRealm(fromJson = "/demo-realm.json")
    ManagedRealm realm;

    @InjectOAuthClient
    OAuthClient oauth;

    @TestSetup
    public void partners() {
        TestPartners.add(realm, "rotating", "rotating-partner", NEW_SECRET, Map.of("previousSecret", "${vault." + TokenLoginServerConfig.PREVIOUS_KEY + "}"));
        TestPartners.add(realm, "vaulted", "vaulted-partner", "${vault." + TokenLoginServerConfig.VAULT_KEY + "}", Map.of());
        TestPartners.add(realm, "email-only", "email-only-partner", "email-only-partner-secret-0123456789abcdef",
                Map.of("emailClaim", "email", "trustEmail", "true"));
        TestPartners.add(realm, "email-linking", "email-linking-partner", "email-linking-partner-secret-0123456789abcdef",
                Map.of("emailClaim", "email", "trustEmail", "true", "linkByEmail", "true"));

    }

    private String link(String token) {
        return realm.getBaseUrl() + "/token-login/login/" + token;
    }

    private String signInSub(String token) {
        Browserless browser = new Browserless();
        HttpResponse<String> response = browser.get(link(token));
        assertEquals(303, response.statusCode(), response.body());
        return OidcClient.silentLogin(oauth, browser).getSubject();
    }

    @Test
    public void B14_previousSecretIsAcceptedDuringRotationAndAnUnrelatedOneIsNot() {
        String viaNew = signInSub(new PartnerTokenSigner("rotating-partner", NEW_SECRET).generateSignInToken("rot-1", 60));
        String viaOld = signInSub(new PartnerTokenSigner("rotating-partner", OLD_SECRET).generateSignInToken("rot-1", 61));
        assertEquals(viaNew, viaOld);
        HttpResponse<String> other = new Browserless().get(link(
                new PartnerTokenSigner("rotating-partner", "a-third-unrelated-secret-0123456789abcdef").generateSignInToken("rot-1", 62)));
        assertEquals(401, other.statusCode());
    }

    @Test
    public void vaultReferencedSecretWorks() {
        String sub = signInSub(new PartnerTokenSigner("vaulted-partner", TokenLoginServerConfig.VAULTED_SECRET).generateSignInToken("v-1", 60));
        assertEquals("vaulted.v-1", realm.admin().users().get(sub).toRepresentation().getUsername());
    }

    /** The HS256 secret lives in the provider's Client Secret, which Keycloak masks in the admin API. */
    @Test
    public void theAdminApiMasksThePartnerSecret() {
        assertEquals("**********", realm.admin().identityProviders().get("rotating").toRepresentation().getConfig().get("clientSecret"));
    }

    private UserRepresentation existingUser(String email) {
        return existingUser(email, true);
    }

    private UserRepresentation existingUser(String email, boolean verified) {
        UserRepresentation rep = new UserRepresentation();
        rep.setUsername("local-" + UUID.randomUUID().toString().substring(0, 8));
        rep.setEmail(email);
        rep.setFirstName("Local");
        rep.setLastName("Owner");
        rep.setEnabled(true);
        rep.setEmailVerified(verified);
        try (var r = realm.admin().users().create(rep)) {
            assertEquals(201, r.getStatus());
        }
        return realm.admin().users().search(rep.getUsername(), true).get(0);
    }

    @Test
    public void B8_existingUserWithTheSameEmailStaysUntouchedWithoutLinkByEmail() {
        String email = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        UserRepresentation local = existingUser(email);
        // trusted email but no linkByEmail
        String sub = signInSub(new PartnerTokenSigner("email-only-partner", "email-only-partner-secret-0123456789abcdef")
                .generateSignInToken("eo-" + local.getUsername(), 60));
        assertTrue(!sub.equals(local.getId()));
        // linkByEmail without trustEmail cannot even be saved
        try (var r = realm.admin().identityProviders().create(TestPartners.representation("untrusted-linking", "untrusted-linking-partner",
                "untrusted-linking-partner-secret-0123456789ab", Map.of("trustEmail", "false", "linkByEmail", "true")))) {
            assertEquals(400, r.getStatus());
        }
        UserRepresentation after = realm.admin().users().get(local.getId()).toRepresentation();
        assertEquals(email, after.getEmail());
        assertTrue(realm.admin().users().get(local.getId()).getFederatedIdentity().isEmpty(), "local account untouched");
        assertEquals(email, realm.admin().users().get(local.getId()).toRepresentation().getEmail());
    }

    @Test
    public void linkByEmailWithTrustEmailAttachesTheExistingUser() {
        String email = "linked-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        UserRepresentation local = existingUser(email);
        String token = new PartnerTokenSigner("email-linking-partner", "email-linking-partner-secret-0123456789abcdef")
                .nested().userUuid("unused").subject("el-1-" + local.getUsername()).claim("email", email).sign();
        assertEquals(local.getId(), signInSub(token));
        var links = realm.admin().users().get(local.getId()).getFederatedIdentity();
        assertEquals(1, links.size());
        assertEquals("email-linking", links.get(0).getIdentityProvider());
        assertEquals("el-1-" + local.getUsername(), links.get(0).getUserId());
    }

    /**
     * D3 (pre-registration takeover): an attacker registers the victim's address (never verified) with a password of
     * their own; the victim's partner sign-in with link-by-email must not land in that account.
     */
    @Test
    public void D3_linkByEmailNeverAttachesToAnAccountWhoseEmailNobodyVerified() {
        String email = "victim-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        UserRepresentation preRegistered = existingUser(email, false);
        String token = new PartnerTokenSigner("email-linking-partner", "email-linking-partner-secret-0123456789abcdef")
                .nested().userUuid("unused").subject("victim-" + preRegistered.getUsername()).claim("email", email).sign();
        String sub = signInSub(token);
        assertTrue(!sub.equals(preRegistered.getId()), "the victim gets an account of its own");
        assertTrue(realm.admin().users().get(preRegistered.getId()).getFederatedIdentity().isEmpty(), "the pre-registered account is not linked");
        assertEquals(email, realm.admin().users().get(preRegistered.getId()).toRepresentation().getEmail());
    }

    /** D1: link-by-email never hands an administrator's account (verified email and all) to a partner. */
    @Test
    public void D1_linkByEmailNeverHandsAnAdministratorToAPartner() {
        String email = "admin-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        UserRepresentation admin = existingUser(email);
        String management = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        realm.admin().users().get(admin.getId()).roles().clientLevel(management)
                .add(List.of(realm.admin().clients().get(management).roles().get("realm-admin").toRepresentation()));
        String token = new PartnerTokenSigner("email-linking-partner", "email-linking-partner-secret-0123456789abcdef")
                .nested().userUuid("unused").subject("takeover-" + admin.getUsername()).claim("email", email).sign();
        String sub = signInSub(token);
        assertTrue(!sub.equals(admin.getId()), "the partner user gets an account of its own");
        assertTrue(realm.admin().users().get(admin.getId()).getFederatedIdentity().isEmpty());
    }

    /** Opens every token's link at the same moment, one thread each; the HTTP statuses in token order. */
    private List<Integer> signInAllAtOnce(List<String> tokens) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tokens.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (String token : tokens) {
            results.add(pool.submit(() -> {
                start.await();
                return new Browserless().get(realm.getBaseUrl() + "/token-login/login?external-auth-token=" + token).statusCode();
            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : results) {
            statuses.add(f.get());
        }
        pool.shutdown();
        return statuses;
    }

    /**
     * M3: concurrent first sign-ins of one partner id, some carrying the verified email of an existing account (link
     * by email) and some a fresh email (create), leave exactly one account behind the partner identity, and every
     * sign-in of that id lands in it, then and afterwards (two holders would make Keycloak's lookup fail for good).
     */
    @Test
    public void M3_concurrentFirstSignInsLinkingAndCreatingLeaveOneAccountPerPartnerId() throws Exception {
        String email = "m3-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        UserRepresentation local = existingUser(email);
        String id = "m3-" + UUID.randomUUID().toString().substring(0, 8);
        PartnerTokenSigner signer = new PartnerTokenSigner("email-linking-partner", "email-linking-partner-secret-0123456789abcdef");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String claimed = i % 2 == 0 ? email : "m3-fresh-" + i + "-" + id + "@example.com";
            tokens.add(signer.nested().userUuid("unused").subject(id).claim("email", claimed).jti(UUID.randomUUID().toString()).sign());
        }
        List<Integer> statuses = signInAllAtOnce(tokens);
        assertEquals(tokens.size(), statuses.stream().filter(s -> s == 303).count(), "every first sign-in succeeded: " + statuses);
        List<UserRepresentation> holders = realm.admin().users().search(null, null, null, null, null, "email-linking", id, 0, 10, null, true);
        assertEquals(1, holders.size(), "one account behind the partner id: " + holders.stream().map(UserRepresentation::getUsername).toList());
        String sub = signInSub(signer.nested().userUuid("unused").subject(id).claim("email", email).sign());
        assertEquals(holders.get(0).getId(), sub, "a later sign-in lands in that account");
    }

    @Test
    public void B12_fiftyConcurrentFirstSignInsCreateExactlyOneUserAndNo500() throws Exception {
        String id = "race-" + UUID.randomUUID().toString().substring(0, 8);
        PartnerTokenSigner signer = Demo.nested();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tokens.add(signer.nested().audience(Demo.NESTED_AUDIENCE).userUuid(id).email(id + "@example.com").acceptTermsAndPolicies(true).sign());
        }
        List<Integer> statuses = signInAllAtOnce(tokens);
        assertEquals(50, statuses.stream().filter(s -> s == 303).count(), "every first sign-in succeeded: " + statuses);
        List<UserRepresentation> users = realm.admin().users().search("publicala." + id, 0, 100, true);
        assertEquals(1, users.size(), "exactly one user: " + users.stream().map(UserRepresentation::getUsername).toList());
        assertEquals(id, realm.admin().users().get(users.get(0).getId()).getFederatedIdentity().get(0).getUserId());
    }
}
