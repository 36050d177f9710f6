package io.tokenlogin.keycloak.it;

import jakarta.ws.rs.core.Response;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Admin-console actions on the magic-link example realm ({@code realm-examples/magic-realm.json}). */
public final class MagicRealm {

    private MagicRealm() {
    }

    /** Sets one key of the named magic-link authenticator config, as an admin would in the console. */
    public static void configure(ManagedRealm realm, String alias, String key, String value) {
        for (String flow : List.of("magic-browser", "username-then-magic-link forms")) {
            realm.admin().flows().getExecutions(flow).stream()
                    .filter(e -> e.getAuthenticationConfig() != null)
                    .map(e -> realm.admin().flows().getAuthenticatorConfig(e.getAuthenticationConfig()))
                    .filter(c -> alias.equals(c.getAlias()))
                    .forEach(c -> update(realm, c, key, value));
        }
    }

    /** One key of the named magic-link authenticator config (null when absent). */
    public static String setting(ManagedRealm realm, String alias, String key) {
        return realm.admin().flows().getExecutions("magic-browser").stream()
                .filter(e -> e.getAuthenticationConfig() != null)
                .map(e -> realm.admin().flows().getAuthenticatorConfig(e.getAuthenticationConfig()))
                .filter(c -> alias.equals(c.getAlias())).findFirst().map(c -> c.getConfig().get(key)).orElse(null);
    }

    private static void update(ManagedRealm realm, AuthenticatorConfigRepresentation config, String key, String value) {
        config.getConfig().put(key, value);
        realm.admin().flows().updateAuthenticatorConfig(config.getId(), config);
    }

    public static void browserFlow(ManagedRealm realm, String flow) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setBrowserFlow(flow);
        realm.admin().update(rep);
    }

    public static void smtpPort(ManagedRealm realm, String port) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.getSmtpServer().put("port", port);
        realm.admin().update(rep);
    }

    /** A fresh enabled user with a unique address (the per-address cooldown is 60 s). */
    public static UserRepresentation newUser(ManagedRealm realm, String prefix, boolean enabled) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        UserRepresentation rep = new UserRepresentation();
        rep.setUsername(name);
        rep.setEmail(name + "@example.com");
        rep.setFirstName("Test");
        rep.setLastName(prefix);
        rep.setEnabled(enabled);
        try (Response r = realm.admin().users().create(rep)) {
            assertEquals(201, r.getStatus());
        }
        return realm.admin().users().search(name, true).get(0);
    }
}
