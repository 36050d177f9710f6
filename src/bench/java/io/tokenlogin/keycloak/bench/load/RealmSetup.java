package io.tokenlogin.keycloak.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark realms, imported through the admin REST API from realm-examples/ with these changes:
 * <ul>
 *   <li>demo: a partner {@code bench-partner} (issuer {@code bench-partner}, nested shape, maxTokenLifetime 30 s,
 *   clockSkew 5 s, single use, landing client demo-app) in an unbound flow; a confidential client
 *   {@code bench-service} for the client-credentials grant; N password users (Keycloak's default hashing);</li>
 *   <li>magic: SMTP on the driver's GreenMail port, no resend cooldown, high per-address/IP limits, links valid
 *   30 s (the minimum, so the link entries are gone before the heap check); N users with distinct addresses.</li>
 * </ul>
 */
final class RealmSetup {

    static final String PARTNER_ISSUER = "bench-partner";
    static final String PASSWORD = "bench-Pa55word!";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    RealmSetup(String base) {
        this.base = base;
    }

    void importDemo(Path file, String partnerSecret, String clientSecret, int smtpPort, List<String> passwordUsers) throws Exception {
        ObjectNode realm = (ObjectNode) json.readTree(file.toFile());
        ((ObjectNode) realm.get("smtpServer")).put("port", Integer.toString(smtpPort));

        // the partner as an admin configures it: an identity provider of type token-login-partner (link-only: the
        // /token-login/login endpoint needs no flow)
        ObjectNode partner = ((ArrayNode) realm.get("identityProviders")).addObject();
        partner.put("alias", "bench-partner").put("displayName", "Bench partner").put("providerId", "token-login-partner")
                .put("enabled", true).put("trustEmail", true).put("hideOnLogin", true);
        partner.set("config", json.valueToTree(Map.ofEntries(
                Map.entry("clientId", PARTNER_ISSUER), Map.entry("clientSecret", partnerSecret),
                Map.entry("tokenShape", "publicala"),
                Map.entry("maxTokenLifetime", "30"), Map.entry("clockSkew", "5"),
                Map.entry("singleUse", "true"), Map.entry("requireJti", "true"),
                Map.entry("createUsers", "true"), Map.entry("linkByEmail", "false"),
                Map.entry("landingClient", "demo-app"), Map.entry("defaultRedirect", Scenarios.LANDING),
                Map.entry("syncMode", "IMPORT"), Map.entry("showInAccountConsole", "NEVER"))));

        ObjectNode client = ((ArrayNode) realm.get("clients")).addObject();
        client.put("clientId", "bench-service").put("enabled", true).put("publicClient", false)
                .put("clientAuthenticatorType", "client-secret").put("secret", clientSecret)
                .put("serviceAccountsEnabled", true).put("standardFlowEnabled", false)
                .put("directAccessGrantsEnabled", false).put("protocol", "openid-connect");

        ArrayNode users = (ArrayNode) realm.get("users");
        users.addObject().put("username", "service-account-bench-service").put("enabled", true)
                .put("serviceAccountClientId", "bench-service");
        for (String username : passwordUsers) {
            ObjectNode u = users.addObject().put("username", username).put("enabled", true)
                    .put("email", username + "@password.bench.test").put("emailVerified", true)
                    .put("firstName", "Bench").put("lastName", "User");
            u.putArray("credentials").addObject().put("type", "password").put("value", PASSWORD).put("temporary", false);
        }
        create(realm);
    }

    void importMagic(Path file, int smtpPort, List<String> addresses) throws Exception {
        ObjectNode realm = (ObjectNode) json.readTree(file.toFile());
        ((ObjectNode) realm.get("smtpServer")).put("port", Integer.toString(smtpPort));
        realm.get("authenticatorConfig").forEach(c -> {
            ObjectNode cfg = (ObjectNode) c.get("config");
            cfg.put("resendCooldown", "0").put("maxEmailsPerAddressPerHour", "1000")
                    .put("maxEmailsPerIpPerHour", "100000").put("linkLifetime", "30");
        });
        ArrayNode users = (ArrayNode) realm.get("users");
        int i = 0;
        for (String address : addresses) {
            users.addObject().put("username", "ml-" + i++).put("enabled", true).put("email", address)
                    .put("emailVerified", true).put("firstName", "Magic").put("lastName", "User");
        }
        create(realm);
    }

    private void create(ObjectNode realm) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/realms"))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(realm))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("realm " + realm.get("realm").asText() + " not created: " + r.statusCode() + " " + r.body());
        }
    }

    private String adminToken() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/realms/master/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Agent.form("grant_type", "password", "client_id", "admin-cli",
                        "username", "admin", "password", "admin"))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("admin token: " + r.statusCode() + " " + r.body());
        }
        return json.readTree(r.body()).get("access_token").asText();
    }

    static List<String> names(String prefix, int n, String suffix) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prefix + i + suffix);
        }
        return out;
    }
}
