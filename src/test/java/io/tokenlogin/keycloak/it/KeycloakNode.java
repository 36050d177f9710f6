package io.tokenlogin.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Keycloak node of a loopback cluster, started with {@code kc.sh start --optimized} from its own copy of the
 * distribution (built once for PostgreSQL + Infinispan/jdbc-ping). Ports per node: HTTP 2808N, management 2900N,
 * JGroups 790N (and 5790N for failure detection).
 */
final class KeycloakNode {

    static final String HOSTNAME = "http://127.0.0.1:28080";
    final int number;
    final Path home;
    private Process process;

    KeycloakNode(int number, Path home) {
        this.number = number;
        this.home = home;
    }

    int httpPort() {
        return 28080 + number;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort();
    }

    /** A URL Keycloak wrote with the shared front-end hostname, sent to this node instead (what a load balancer does). */
    String here(String url) {
        return url.replace(HOSTNAME, baseUrl());
    }

    void start(String dbUrl) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--db-url=" + dbUrl, "--db-username=keycloak", "--db-password=keycloak",
                "--cache-embedded-network-bind-address=127.0.0.1", "--cache-embedded-network-bind-port=" + (7900 + number),
                "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + httpPort(),
                "--http-management-port=" + (29000 + number), "--hostname=" + HOSTNAME));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("node.log").toFile());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        builder.environment().put("JAVA_OPTS_APPEND", "-Xms256m -Xmx1g");
        process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node " + number + " exited; see " + home.resolve("node.log") + ":\n" + tail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/realms/master")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("node " + number + " did not start in 240 s:\n" + tail());
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.toHandle().descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    boolean logContains(String text) {
        try {
            return Files.readString(home.resolve("node.log")).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(home.resolve("node.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
