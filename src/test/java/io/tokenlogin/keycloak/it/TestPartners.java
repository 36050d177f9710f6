package io.tokenlogin.keycloak.it;

import jakarta.ws.rs.core.Response;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Adds partners the way an admin does: an identity provider of type {@code token-login-partner} through the admin
 * REST API (validated on save, as in the console). The link endpoint needs no flow for them.
 */
public final class TestPartners {

    public static final String TYPE = "token-login-partner";

    private TestPartners() {
    }

    /** A partner; {@code overrides} win over the defaults (flat shape, landing client account-console); 'trustEmail' is the generic switch. */
    public static void add(ManagedRealm realm, String alias, String issuer, String secret, Map<String, String> overrides) {
        IdentityProviderRepresentation rep = representation(alias, issuer, secret, overrides);
        try (Response r = realm.admin().identityProviders().create(rep)) {
            assertEquals(201, r.getStatus(), () -> r.readEntity(String.class));
        }
    }

    public static IdentityProviderRepresentation representation(String alias, String issuer, String secret, Map<String, String> overrides) {
        IdentityProviderRepresentation rep = new IdentityProviderRepresentation();
        rep.setAlias(alias);
        rep.setProviderId(TYPE);
        rep.setEnabled(true);
        Map<String, String> config = new HashMap<>();
        config.put("clientId", issuer);
        config.put("clientSecret", secret);
        config.put("landingClient", "account-console");
        config.putAll(overrides);
        String trust = config.remove("trustEmail");
        rep.setTrustEmail(Boolean.parseBoolean(trust));
        rep.setConfig(config);
        return rep;
    }
}
