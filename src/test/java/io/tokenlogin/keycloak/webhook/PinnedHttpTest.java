package io.tokenlogin.keycloak.webhook;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pinned HTTPS path over real TLS (JDK sockets, a certificate made by the JDK's keytool): the request goes to the
 * pinned address, the TLS handshake names the URL's host (SNI) and verifies the certificate for that name; a
 * certificate for another name gets no request at all.
 */
class PinnedHttpTest {

    static Path dir;
    static SSLServerSocket server;
    static final List<String> requests = new CopyOnWriteArrayList<>();
    static final List<String> serverNames = new CopyOnWriteArrayList<>();
    static SSLContext client;

    static KeyStore keyStore(String name) throws Exception {
        Path file = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=dns:" + name, "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    @BeforeAll
    static void tlsReceiver() throws Exception {
        dir = Files.createTempDirectory("pinned-http");
        KeyStore serverKeys = keyStore("hooks.partner.example");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKeys, "changeit".toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        SSLParameters parameters = server.getSSLParameters();
        parameters.setSNIMatchers(List.of(new SNIMatcher(0) {
            @Override
            public boolean matches(SNIServerName name) {
                serverNames.add(((SNIHostName) name).getAsciiName());
                return true;
            }
        }));
        server.setSSLParameters(parameters);
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(3000);
                    InputStream in = s.getInputStream();
                    byte[] buffer = new byte[8192];
                    int n = in.read(buffer);
                    if (n > 0) {
                        requests.add(new String(buffer, 0, n, StandardCharsets.UTF_8));
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (Exception e) {
                    // a refused handshake or a closed server: next connection
                }
            }
        }, "tls-receiver");
        accept.setDaemon(true);
        accept.start();
        // the client trusts exactly this receiver's certificate (as a real client trusts a public CA)
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("receiver", serverKeys.getCertificate("hooks.partner.example"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static int post(String url) throws Exception {
        // the URL's host does not resolve anywhere: the connection goes to the pinned (checked) address only
        TargetGuard.Target target = new TargetGuard.Target(URI.create(url), InetAddress.getLoopbackAddress());
        return PinnedHttp.post(target, Map.of("Content-Type", "application/json"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(5), client.getSocketFactory());
    }

    @Test
    void anHttpsWebhookGoesToThePinnedAddressWithTheUrlsNameInTlsAndTheHostHeader() throws Exception {
        int before = requests.size();
        assertEquals(204, post("https://hooks.partner.example:" + server.getLocalPort() + "/hook"));
        assertEquals(before + 1, requests.size());
        String request = requests.get(before);
        assertTrue(request.startsWith("POST /hook HTTP/1.1\r\n"), request);
        assertTrue(request.contains("\r\nHost: hooks.partner.example:" + server.getLocalPort() + "\r\n"), request);
        assertTrue(serverNames.contains("hooks.partner.example"), "SNI names the URL's host: " + serverNames);
    }

    @Test
    void aCertificateForAnotherNameGetsNoRequest() throws Exception {
        int before = requests.size();
        // the pinned address answers with hooks.partner.example's certificate, but the URL names another host
        assertEquals(-1, post("https://other.partner.example:" + server.getLocalPort() + "/hook"));
        Thread.sleep(200);
        assertEquals(before, requests.size(), "the hostname check failed before any byte of the request was sent");
    }
}
