package io.tokenlogin.keycloak.it;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real two-node Keycloak cluster on loopback: PostgreSQL (scripts/postgres.sh), two {@code kc.sh start} nodes with
 * the shaded JAR, Infinispan over jdbc-ping, one shared front-end hostname. Proves that single use, sessions and
 * waiting logins are cluster-wide: B3 and C7 of the attack catalogue across nodes, and a node failing mid-flow.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class ClusterIT {

    static final int PG_PORT = Integer.getInteger("tl.pg.port", 55432);
    static final String DB_URL = "jdbc:postgresql://127.0.0.1:" + PG_PORT + "/kc_cluster";
    static final Pattern LINK = Pattern.compile("http://127\\.0\\.0\\.1:28080/realms/magic/token-login/magic-link\\?key=[A-Za-z0-9_-]+");

    static final int HOOK_PORT = Integer.getInteger("tl.hook.port", 28091);
    static final Pattern CONFIRMATION = Pattern.compile("http://localhost:3000/landing\\?confirmation=([A-Za-z0-9_-]+)");
    static KeycloakNode node1;
    static KeycloakNode node2;
    static GreenMail mail;

    @BeforeAll
    public static void startCluster() throws Exception {
        try (Socket ignored = new Socket("127.0.0.1", PG_PORT)) {
            // reachable
        } catch (IOException e) {
            fail("PostgreSQL is not running on 127.0.0.1:" + PG_PORT + ": run scripts/postgres.sh (scripts/test.sh does)");
        }
        psql("DROP DATABASE IF EXISTS kc_cluster WITH (FORCE)");
        psql("CREATE DATABASE kc_cluster OWNER keycloak");

        Path root = Path.of("target", "cluster").toAbsolutePath();
        run(root.getParent(), "rm", "-rf", root.toString());
        Files.createDirectories(root);
        String zip = System.getProperty("kc.dist.zip");
        assertNotNull(zip, "failsafe passes kc.dist.zip");
        run(root, "unzip", "-q", zip);
        Path dist;
        try (var list = Files.list(root)) {
            dist = list.filter(p -> p.getFileName().toString().startsWith("keycloak-")).findFirst().orElseThrow();
        }
        Path jar = Path.of(System.getProperty("tl.shaded.jar"));
        Files.copy(jar, dist.resolve("providers/keycloak-token-login.jar"));
        run(dist, "bin/kc.sh", "build", "--db=postgres", "--cache=ispn", "--cache-stack=jdbc-ping");
        Path home1 = root.resolve("node1");
        Path home2 = root.resolve("node2");
        run(root, "cp", "-a", dist.toString(), home1.toString());
        run(root, "mv", dist.toString(), home2.toString());

        mail = new GreenMail(new ServerSetup(3125, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();

        node1 = new KeycloakNode(1, home1);
        node1.start(DB_URL);
        node2 = new KeycloakNode(2, home2);
        node2.start(DB_URL);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!node2.logContains("] (2) [") && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertTrue(node2.logContains("] (2) ["), "the two nodes formed one two-member cluster view (ISPN000094)");

        try (Keycloak admin = Keycloak.getInstance(node1.baseUrl(), "master", "admin", "admin", "admin-cli")) {
            for (String file : List.of("/demo-realm.json", "/magic-realm.json")) {
                try (InputStream in = ClusterIT.class.getResourceAsStream(file)) {
                    RealmRepresentation rep = JsonSerialization.readValue(in, RealmRepresentation.class);
                    rep.getSmtpServer().put("port", "3125");
                    if ("magic".equals(rep.getRealm())) {
                        // the outbox tests' receiver runs on loopback
                        if (rep.getAttributes() == null) {
                            rep.setAttributes(new java.util.HashMap<>());
                        }
                        rep.getAttributes().put("token-login.webhook.allow-private-targets", "true");
                        rep.getClients().stream().filter(c -> "partner-backend".equals(c.getClientId()))
                                .forEach(c -> c.getRedirectUris().add("http://127.0.0.1:" + HOOK_PORT + "/*"));
                    }
                    // one address receives many links here: no cooldown, a high hourly cap
                    if (rep.getAuthenticatorConfig() != null) {
                        rep.getAuthenticatorConfig().stream().filter(c -> c.getConfig().containsKey("resendCooldown")).forEach(c -> {
                            c.getConfig().put("resendCooldown", "0");
                            c.getConfig().put("maxEmailsPerAddressPerHour", "100");
                        });
                    }
                    admin.realms().create(rep);
                }
            }
        }
    }

    @AfterAll
    public static void stopCluster() throws Exception {
        if (node2 != null) {
            node2.stop();
        }
        if (node1 != null) {
            node1.stop();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    private static String login(KeycloakNode node, String token) {
        return node.baseUrl() + "/realms/demo/token-login/login/" + token;
    }

    @Test
    @Order(1)
    public void B3_aPartnerTokenUsedOnNodeOneIsRefusedOnNodeTwo() {
        String token = Demo.flat().generateSignInToken("cluster-replay", 120);
        assertEquals(303, new Browserless().get(login(node1, token)).statusCode());
        assertEquals(401, new Browserless().get(login(node2, token)).statusCode(), "token_replayed on the other node");
    }

    @Test
    @Order(2)
    public void B3_theSameTokenSentToBothNodesAtOnceSignsInExactlyOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            String token = Demo.nested().nested().audience(Demo.NESTED_AUDIENCE).userUuid("cluster-race-" + round).sign();
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> new Browserless().get(login(node1, token)).statusCode());
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> new Browserless().get(login(node2, token)).statusCode());
            List<Integer> statuses = List.of(a.get(), b.get());
            assertEquals(1, statuses.stream().filter(s -> s == 303).count(), "round " + round + ": " + statuses);
            assertEquals(1, statuses.stream().filter(s -> s == 401).count(), "round " + round + ": " + statuses);
        }
    }

    @Test
    @Order(3)
    public void aSessionMadeThroughNodeOneIsHonouredOnNodeTwo() throws Exception {
        Browserless browser = new Browserless();
        assertEquals(303, browser.get(login(node1, Demo.flat().generateSignInToken("cluster-sso", 120))).statusCode());
        String verifier = "v".repeat(43) + System.nanoTime();
        HttpResponse<String> authorize = browser.get(authorizeUrl(node2, "demo", verifier));
        assertEquals(302, authorize.statusCode(), "silent SSO on node 2: " + authorize.body());
        String code = OidcClient.query(Browserless.location(authorize), "code");
        assertNotNull(code, Browserless.location(authorize));
        HttpResponse<String> tokens = exchange(node2, "demo", code, verifier);
        assertEquals(200, tokens.statusCode(), tokens.body());
    }

    @Test
    @Order(4)
    public void C7_aMagicLinkConsumedOnOneNodeIsRefusedOnTheOtherAndTwoAtOnceMakeOneSession() throws Exception {
        // one link, confirmed on node 1, then again on node 2
        Browserless browser = new Browserless();
        String link = requestMagicLink(browser, node1, "bob@example.com", 1);
        HttpResponse<String> first = browser.postForm(node1.here(link).replaceAll("\\?.*", ""), Map.of("key", key(link)));
        assertEquals(303, first.statusCode(), first.body());
        HttpResponse<String> second = browser.postForm(node2.here(link).replaceAll("\\?.*", ""), Map.of("key", key(link)));
        assertTrue(second.body().contains("ml-reason-used"), "used on node 1, refused on node 2");

        // another link, POSTed to both nodes at the same moment
        for (int round = 0; round < 3; round++) {
            Browserless racer = new Browserless();
            String raced = requestMagicLink(racer, node1, "bob@example.com", 2 + round);
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() ->
                    racer.postForm(node1.here(raced).replaceAll("\\?.*", ""), Map.of("key", key(raced))).statusCode());
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() ->
                    racer.postForm(node2.here(raced).replaceAll("\\?.*", ""), Map.of("key", key(raced))).statusCode());
            List<Integer> statuses = List.of(a.get(), b.get());
            assertEquals(1, statuses.stream().filter(s -> s == 303).count(), "exactly one wins: " + statuses);
        }
    }

    @Test
    @Order(5)
    public void withTheDatabaseBrieflyUnreachableASignInFailsCleanlyWritesNothingAndTheSameLinkWorksAfterwards() throws Exception {
        String externalId = "db-outage-" + System.nanoTime();
        String token = Demo.flat().generateSignInToken(externalId, 300);
        run(Path.of("."), "bash", "scripts/postgres.sh", "stop");
        HttpResponse<String> during;
        try {
            during = new Browserless().get(login(node2, token));
        } finally {
            run(Path.of("."), "bash", "scripts/postgres.sh");
        }
        assertEquals(503, during.statusCode(), "a clean 'try again' page, not a 500: " + during.body());
        assertTrue(during.body().contains("try the same link again"), during.body());
        HttpResponse<String> after = null;
        for (int i = 0; i < 60 && (after == null || after.statusCode() == 503); i++) {
            Thread.sleep(1000);  // the connection pool reconnects
            after = new Browserless().get(login(node2, token));
        }
        assertEquals(303, after.statusCode(), "the same link works once the database is back: " + after.body());
        try (Keycloak admin = Keycloak.getInstance(node2.baseUrl(), "master", "admin", "admin", "admin-cli")) {
            assertEquals(1, admin.realm("demo").users().search("ruby-backend." + externalId, true).size(), "exactly one user, none half-written");
        }
    }

    @Test
    @Order(6)
    public void withNodeOneStoppedMidFlowALinkIssuedThroughItStillWorksOnNodeTwo() throws Exception {
        Browserless browser = new Browserless();
        String verifier = "w".repeat(43) + System.nanoTime();
        String link = requestMagicLink(browser, node1, "bob@example.com", 5, verifier);
        node1.stop();
        HttpResponse<String> page = browser.get(node2.here(link));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("id=\"ml-confirm\""), "the same browser, now served by node 2");
        HttpResponse<String> confirmed = browser.postForm(node2.here(link).replaceAll("\\?.*", ""), Map.of("key", key(link)));
        assertEquals(303, confirmed.statusCode(), confirmed.body());
        HttpResponse<String> resumed = browser.get(node2.here(Browserless.location(confirmed)));
        assertEquals(302, resumed.statusCode(), "the login continues on node 2: " + resumed.body());
        String code = OidcClient.query(Browserless.location(resumed), "code");
        assertEquals(200, exchange(node2, "magic", code, verifier).statusCode());
    }

    /** A webhook receiver that comes up later on a fixed port; records the x-webhook-id of each request. */
    static final class LateReceiver implements AutoCloseable {
        final List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        private com.sun.net.httpserver.HttpServer server;

        void start() throws IOException {
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", HOOK_PORT), 16);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                ids.add(exchange.getRequestHeaders().getFirst("x-webhook-id"));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        @Override
        public void close() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    /** A confirmation with a callback to the late receiver, verified through {@code node}: the webhook is accepted. */
    private void acceptWebhookThrough(KeycloakNode node) throws Exception {
        String email = "outbox-" + System.nanoTime() + "@example.com";
        String token = ApiClient.clientCredentialsToken(node.baseUrl() + "/realms/magic", "partner-backend", "demo-only-partner-backend-secret");
        int mails = mail.getReceivedMessages().length;
        HttpResponse<String> created = ApiClient.post(node.baseUrl() + "/realms/magic/token-login/email-confirmations", token,
                "{\"email\":\"" + email + "\",\"landingUrl\":\"http://localhost:3000/landing\",\"callbackUrl\":\"http://127.0.0.1:" + HOOK_PORT + "/hook\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(mail.waitForIncomingEmail(20000, mails + 1));
        Matcher m = CONFIRMATION.matcher(MagicLinkSteps.text(mail.getReceivedMessages()[mails]));
        assertTrue(m.find());
        HttpResponse<String> verified = ApiClient.post(node.baseUrl() + "/realms/magic/token-login/email-confirmations/verify", null,
                "{\"confirmationSecret\":\"" + m.group(1) + "\"}");
        assertEquals(200, verified.statusCode(), verified.body());
    }

    private static void awaitIds(LateReceiver receiver, int count, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (receiver.ids.size() < count && System.nanoTime() < end) {
            Thread.sleep(200);
        }
    }

    /**
     * D19: a webhook accepted by node 1 while its receiver is down is delivered by node 2 after node 1 stopped — once.
     */
    @Test
    @Order(7)
    public void D19_aWebhookAcceptedByANodeThatStopsIsDeliveredOnceByTheOther() throws Exception {
        if (!node1.isRunning()) {
            node1.start(DB_URL);
        }
        try (LateReceiver receiver = new LateReceiver()) {
            acceptWebhookThrough(node1);
            Thread.sleep(1500); // node 1 tries (the receiver is down) and schedules a retry
            node1.stop();
            receiver.start();
            awaitIds(receiver, 1, 90);
            Thread.sleep(3000); // nothing more may come
            assertEquals(1, receiver.ids.size(), "delivered exactly once: " + receiver.ids);
        }
    }

    /** D19: a pending webhook survives every node stopping: the first node to start again delivers it. */
    @Test
    @Order(8)
    public void D19_aPendingWebhookSurvivesEveryNodeRestarting() throws Exception {
        try (LateReceiver receiver = new LateReceiver()) {
            acceptWebhookThrough(node2);
            node2.stop();
            receiver.start();
            Thread.sleep(2000);
            assertEquals(0, receiver.ids.size(), "no node is running");
            node1.start(DB_URL);
            awaitIds(receiver, 1, 90);
            Thread.sleep(3000);
            assertEquals(1, receiver.ids.size(), "delivered exactly once after the restart: " + receiver.ids);
        }
    }

    private String requestMagicLink(Browserless browser, KeycloakNode node, String email, int mailNumber) throws Exception {
        return requestMagicLink(browser, node, email, mailNumber, "x".repeat(43) + System.nanoTime());
    }

    /** The app's authorization request on the magic realm through {@code node}, then the email form; returns the mailed link. */
    private String requestMagicLink(Browserless browser, KeycloakNode node, String email, int mailNumber, String verifier) throws Exception {
        HttpResponse<String> form = browser.get(authorizeUrl(node, "magic", verifier));
        assertEquals(200, form.statusCode(), form.body());
        HttpResponse<String> sent = browser.postForm(node.here(MagicLinkSteps.formAction(form.body())), Map.of("email", email));
        assertEquals(200, sent.statusCode(), sent.body());
        assertTrue(mail.waitForIncomingEmail(20000, mailNumber), "mail " + mailNumber);
        String text = MagicLinkSteps.text(mail.getReceivedMessages()[mailNumber - 1]);
        Matcher m = LINK.matcher(text);
        assertTrue(m.find(), text);
        return m.group();
    }

    private static String key(String link) {
        return link.substring(link.indexOf("key=") + 4);
    }

    private static String authorizeUrl(KeycloakNode node, String realm, String verifier) throws Exception {
        String challenge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        return node.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=demo-app&response_type=code&scope=openid"
                + "&redirect_uri=" + Browserless.enc("http://localhost:3000/callback") + "&state=s" + System.nanoTime()
                + "&code_challenge_method=S256&code_challenge=" + challenge;
    }

    private static HttpResponse<String> exchange(KeycloakNode node, String realm, String code, String verifier) throws Exception {
        String body = "grant_type=authorization_code&client_id=demo-app&code=" + Browserless.enc(code)
                + "&redirect_uri=" + Browserless.enc("http://localhost:3000/callback") + "&code_verifier=" + verifier;
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void psql(String sql) throws Exception {
        run(Path.of("."), "psql", "-h", "127.0.0.1", "-p", Integer.toString(PG_PORT), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql);
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed:\n" + out);
        }
    }
}
