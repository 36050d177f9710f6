package io.tokenlogin.keycloak.it;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.annotations.TestSetup;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue #12 item 3, seed 002 verbatim: the Express middleware that seed 002 publishes (signature checked over
 * {@code JSON.stringify(req.body)} after {@code express.json()}), run by Node from {@code src/test/node/seed002},
 * accepts our email-confirmation webhook for metadata that JavaScript re-serialises differently from Jackson: floats
 * like 2.0, exponents, nested arrays, unicode and emoji, lone surrogates, integer-like keys, big integers, duplicate
 * keys. Needs {@code node} and {@code npm} on the PATH (fails, never skips, without them).
 */
@KeycloakIntegrationTest(config = TokenLoginServerConfig.class)
public class Seed002WebhookIT {

    private static final Path SOURCE = Path.of("src", "test", "node", "seed002");
    private static final Path WORK = Path.of("target", "seed002-node");
    private static final Pattern CONFIRMATION = Pattern.compile("http://localhost:3000/landing\\?confirmation=([A-Za-z0-9_-]+)");
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    private static Process node;
    private static String nodeUrl;

    @InjectRealm(fromJson = "/magic-realm.json")
    ManagedRealm realm;

    @InjectMailServer
    MailServer mail;

    /** Metadata as the partner sends it (JSON text, put into the request as is). */
    private static final Map<String, String> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("floats", "{\"whole\":2.0,\"half\":1.50,\"huge\":1.5e300,\"max\":1.7976931348623157e308,\"neg\":-0.0,"
                + "\"price\":19.90,\"third\":0.3333333333333333333333}");
        SHAPES.put("exponents", "{\"e21\":1e21,\"E21\":1E+21,\"e20\":1e20,\"small\":1e-7,\"micro\":0.000001,\"tiny\":5e-324,"
                + "\"sum\":0.30000000000000004,\"over\":1e400,\"under\":-1e-400,\"e\":2.5E-3,\"e23\":1e23}");
        SHAPES.put("nested arrays", "{\"a\":[[1,[2.0,[3e-7,[[]]]]],[],[[[[null]]]]],\"o\":[{\"b\":1,\"a\":2},{\"1\":true,\"0\":false}],"
                + "\"m\":[true,false,null,\"s\",1.0]}");
        SHAPES.put("unicode and emoji", "{\"note\":\"ünïcode ✓ 日本語\",\"emoji\":\"😀👍🏽🇫🇷\",\"escaped\":\"\\ud83d\\ude00\","
                + "\"lone\":\"\\ud800x\\udc00\",\"ctl\":\"\\u0001\\u001f\\b\\f\\n\\r\\t\\u007f\",\"seps\":\"\\u2028\\u2029\","
                + "\"slash\":\"a/b\\/c\",\"quote\":\"\\\"\\\\\",\"😀\":\"emoji key\",\"ключ\":\"\\u00e9\"}");
        SHAPES.put("integer-like keys", "{\"x\":1,\"10\":\"a\",\"2\":\"b\",\"01\":\"c\",\"4294967295\":\"d\",\"4294967294\":\"e\","
                + "\"-1\":\"f\",\"1.5\":\"g\",\"0\":\"h\",\"nested\":{\"3\":1,\"y\":0,\"1\":2}}");
        SHAPES.put("big integers", "{\"big\":123456789012345678901234567890,\"beyond53\":9007199254740993,"
                + "\"u64\":18446744073709551615,\"neg\":-123456789012345678901234567890,\"long\":9223372036854775807}");
        SHAPES.put("duplicate keys", "{\"a\":1,\"b\":2,\"a\":{\"c\":3},\"1\":0,\"1\":1}");
        SHAPES.put("everyday", "{\"orderId\":42,\"note\":\"ünïcode ✓\",\"nested\":{\"a\":[1,2]},\"flags\":{\"ok\":true,\"no\":false,\"none\":null}}");
    }

    @TestSetup
    public void setUp() throws Exception {
        if (node == null) {
            startNode(realm.getBaseUrl() + "/token-login/webhook-key");
        }
        // as PartnerApiIT's receiver: the callback is a Valid Redirect URI of the caller, and the realm allows
        // loopback targets (token-login.webhook.allow-private-targets)
        ClientRepresentation backend = realm.admin().clients().findByClientId("partner-backend").get(0);
        backend.getRedirectUris().add(nodeUrl + "/webhook");
        realm.admin().clients().get(backend.getId()).update(backend);
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.getAttributes().put("token-login.webhook.allow-private-targets", "true");
        realm.admin().update(rep);
    }

    @AfterAll
    public static void stopNode() throws InterruptedException {
        if (node != null) {
            node.destroy();
            if (!node.waitFor(5, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            node = null;
        }
    }

    @Test
    public void theSeed002MiddlewareAcceptsEveryWebhookAndReadsTheMetadataAsJsDoes() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> shape : SHAPES.entrySet()) {
            failures.addAll(deliver(shape.getKey(), shape.getValue()));
        }
        assertEquals(List.of(), failures, "log: " + WORK.resolve("server.log").toAbsolutePath());
    }

    /** One confirmation with this metadata, verified; what the Node receiver made of its webhook. */
    private List<String> deliver(String name, String metadata) throws Exception {
        List<String> failures = new ArrayList<>();
        String email = "seed002-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> created = ApiClient.post(api("email-confirmations"), token(), "{\"email\":\"" + email
                + "\",\"landingUrl\":\"http://localhost:3000/landing\",\"callbackUrl\":\"" + nodeUrl + "/webhook\",\"metadata\":" + metadata + "}");
        if (created.statusCode() != 201) {
            return List.of(name + ": create answered " + created.statusCode() + " " + created.body());
        }
        String id = ApiClient.json(created.body()).get("confirmationId").asText();
        HttpResponse<String> verified = ApiClient.post(api("email-confirmations/verify"), null,
                "{\"confirmationSecret\":\"" + secretFromMail(email) + "\"}");
        if (verified.statusCode() != 200) {
            return List.of(name + ": verify answered " + verified.statusCode() + " " + verified.body());
        }
        JsonNode result = awaitResult(id);
        if (result == null) {
            return List.of(name + ": no webhook reached the Node receiver within 15 s");
        }
        if (result.get("status").asInt() != 200) {
            failures.add(name + ": the seed-002 middleware answered " + result.get("status").asInt() + " (403 = Invalid Signature)");
        }
        // what JavaScript makes of the partner's metadata text, computed by the same Node
        HttpResponse<String> js = ApiClient.post(nodeUrl + "/stringify", null, metadata);
        assertEquals(200, js.statusCode(), js.body());
        if (!js.body().equals(result.get("metadata").asText())) {
            failures.add(name + ": received metadata " + result.get("metadata").asText() + " but JS reads the sent metadata as " + js.body());
        }
        // the verify answer carries the signed bytes: JSON.stringify(JSON.parse(body)) gives them back
        if (!verified.body().equals(result.get("stringified").asText())) {
            failures.add(name + ": signed body " + verified.body() + " but JSON.stringify(req.body) is " + result.get("stringified").asText());
        }
        return failures;
    }

    private JsonNode awaitResult(String confirmationId) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            for (JsonNode r : ApiClient.json(ApiClient.get(nodeUrl + "/results", null).body())) {
                if (confirmationId.equals(r.path("confirmationId").asText(null))) {
                    return r;
                }
            }
            Thread.sleep(100);
        }
        return null;
    }

    private String secretFromMail(String to) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            for (MimeMessage message : mail.getReceivedMessages()) {
                if (to.equals(message.getAllRecipients()[0].toString())) {
                    Matcher m = CONFIRMATION.matcher(MagicLinkSteps.text(message));
                    assertTrue(m.find(), "the confirmation mail holds the landing link");
                    return m.group(1);
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no confirmation mail to " + to + " within 15 s");
    }

    private String api(String path) {
        return realm.getBaseUrl() + "/token-login/" + path;
    }

    private String token() {
        return ApiClient.clientCredentialsToken(realm.getBaseUrl(), "partner-backend", PartnerApiIT.PARTNER_SECRET);
    }

    /** Copies the harness under target/, installs its locked dependencies once, starts node server.js on a free port. */
    private static void startNode(String keyUrl) throws Exception {
        String version = run(Path.of("."), 30, "node", "--version");
        run(Path.of("."), 30, "npm", "--version");
        System.out.println("Seed002WebhookIT: node " + version.trim());
        Files.createDirectories(WORK);
        for (String f : List.of("package.json", "package-lock.json", "middleware.js", "server.js")) {
            Files.copy(SOURCE.resolve(f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(WORK.resolve("node_modules").resolve("express"))
                || !Files.isDirectory(WORK.resolve("node_modules").resolve("axios"))) {
            run(WORK, 300, "npm", "ci", "--no-audit", "--no-fund");
        }
        Path log = WORK.resolve("server.log");
        Files.deleteIfExists(WORK.resolve("results.jsonl"));
        ProcessBuilder builder = new ProcessBuilder("node", "server.js", "0").directory(WORK.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("WEBHOOK_KEY_URL", keyUrl);
        builder.environment().put("RESULTS_FILE", WORK.resolve("results.jsonl").toAbsolutePath().toString());
        node = builder.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = LISTENING.matcher(out);
            if (m.find()) {
                nodeUrl = m.group(1);
                System.out.println("Seed002WebhookIT: seed-002 receiver at " + nodeUrl + ", key from " + keyUrl);
                return;
            }
            if (!node.isAlive()) {
                fail("node server.js exited " + node.exitValue() + ":\n" + out);
            }
            Thread.sleep(100);
        }
        node.destroyForcibly();
        node = null;
        fail("node server.js did not start listening within 20 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Runs a command to its end; fails the test (no skip) when it is missing or does not succeed. */
    private static String run(Path dir, int timeoutSeconds, String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("Seed002WebhookIT needs '" + command[0] + "' (Node.js 18+ with npm) on the PATH: " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
        }
        reader.join(5000);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out.toString();
    }
}
