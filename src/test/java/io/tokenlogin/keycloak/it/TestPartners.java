package io.tokenlogin.keycloak.it;

import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.resource.AuthenticationManagementResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Adds partners the way an admin does in the console: an {@code external-token} execution in a flow, with an
 * authenticator config whose alias names the partner. They live in a flow of their own, not bound to the browser
 * flow, which is enough for the link endpoint (it looks the partner up by issuer across the realm).
 */
public final class TestPartners {

    public static final String FLOW = "test-partners";

    private TestPartners() {
    }

    /** Adds a partner; {@code overrides} wins over the defaults (flat shape, landing client account-console). */
    public static void add(ManagedRealm realm, String alias, String issuer, String secret, Map<String, String> overrides) {
        AuthenticationManagementResource flows = realm.admin().flows();
        if (flows.getFlows().stream().noneMatch(f -> FLOW.equals(f.getAlias()))) {
            AuthenticationFlowRepresentation flow = new AuthenticationFlowRepresentation();
            flow.setAlias(FLOW);
            flow.setProviderId("basic-flow");
            flow.setTopLevel(true);
            flow.setBuiltIn(false);
            flow.setDescription("partners used by the integration tests");
            try (Response r = flows.createFlow(flow)) {
                assertEquals(201, r.getStatus());
            }
        }
        flows.addExecution(FLOW, Map.of("provider", "external-token"));
        AuthenticationExecutionInfoRepresentation execution = flows.getExecutions(FLOW).stream()
                .filter(e -> e.getAuthenticationConfig() == null).findFirst().orElseThrow();
        Map<String, String> config = new HashMap<>();
        config.put("issuer", issuer);
        config.put("secret", secret);
        config.put("clientId", "account-console");
        config.putAll(overrides);
        AuthenticatorConfigRepresentation rep = new AuthenticatorConfigRepresentation();
        rep.setAlias(alias);
        rep.setConfig(config);
        try (Response r = flows.newExecutionConfig(execution.getId(), rep)) {
            assertEquals(201, r.getStatus());
        }
    }
}
