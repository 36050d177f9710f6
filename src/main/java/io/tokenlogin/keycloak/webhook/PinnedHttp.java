package io.tokenlogin.keycloak.webhook;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One webhook POST to exactly the address {@link TargetGuard} checked (no second DNS look-up), with TLS verifying
 * the URL's host name (SNI and endpoint identification), a hard deadline that covers connecting, the TLS handshake
 * and reading the answer, and at most {@value #MAX_ANSWER} bytes of the answer read (status line and headers; the
 * body is never needed). Redirects are never followed: a 3xx is just a status.
 */
final class PinnedHttp {

    static final int MAX_ANSWER = 4096;

    private PinnedHttp() {
    }

    /** The status code, or -1 when no status line arrived before the deadline. */
    static int post(TargetGuard.Target target, Map<String, String> headers, byte[] body, Duration deadline) {
        return post(target, headers, body, deadline, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** As {@link #post(TargetGuard.Target, Map, byte[], Duration)} with the given TLS trust (tests use their own CA). */
    static int post(TargetGuard.Target target, Map<String, String> headers, byte[] body, Duration deadline, SSLSocketFactory tlsFactory) {
        long end = System.nanoTime() + deadline.toNanos();
        String host = target.uri().getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        Socket raw = new Socket();
        // a receiver that trickles a TLS record keeps one read blocked past any read timeout: close it at the deadline
        java.util.concurrent.ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> closeQuietly(raw), deadline.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        try (raw) {
            raw.connect(new InetSocketAddress(target.address(), target.port()), remaining(end));
            Socket socket = raw;
            if ("https".equalsIgnoreCase(target.uri().getScheme())) {
                SSLSocket tls = (SSLSocket) tlsFactory.createSocket(raw, host, target.port(), true);
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                if (!host.contains(":") && !host.matches("[0-9.]+")) {
                    parameters.setServerNames(List.of(new SNIHostName(host)));
                }
                tls.setSSLParameters(parameters);
                tls.setSoTimeout(remaining(end));
                tls.startHandshake();
                socket = tls;
            }
            OutputStream out = socket.getOutputStream();
            out.write(request(target, headers, body));
            out.flush();
            return status(socket, socket.getInputStream(), end);
        } catch (IOException | IllegalArgumentException e) {
            return -1;
        } finally {
            watchdog.cancel(false);
        }
    }

    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "token-login-webhook-deadline");
                t.setDaemon(true);
                return t;
            });

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all we wanted
        }
    }

    private static byte[] request(TargetGuard.Target target, Map<String, String> headers, byte[] body) {
        String path = target.uri().getRawPath() == null || target.uri().getRawPath().isEmpty() ? "/" : target.uri().getRawPath();
        if (target.uri().getRawQuery() != null) {
            path += "?" + target.uri().getRawQuery();
        }
        int port = target.uri().getPort();
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target.uri().getHost()).append(port > 0 ? ":" + port : "").append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n")
                .append("User-Agent: keycloak-token-login-webhook\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[start.length + body.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    /** Reads until the status line is complete, within the deadline and {@link #MAX_ANSWER} bytes. */
    private static int status(Socket socket, InputStream in, long end) throws IOException {
        byte[] buffer = new byte[MAX_ANSWER];
        int length = 0;
        while (length < buffer.length) {
            socket.setSoTimeout(remaining(end));
            int read;
            try {
                read = in.read(buffer, length, buffer.length - length);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            if (read < 0) {
                break;
            }
            length += read;
            String text = new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
            int lineEnd = text.indexOf("\r\n");
            if (lineEnd >= 0) {
                String[] parts = text.substring(0, lineEnd).split(" ");
                if (parts.length >= 2 && parts[0].startsWith("HTTP/1.")) {
                    try {
                        return Integer.parseInt(parts[1]);
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
                return -1;
            }
        }
        return -1;
    }

    private static int remaining(long end) throws SocketTimeoutException {
        long millis = (end - System.nanoTime()) / 1_000_000;
        if (millis <= 0) {
            throw new SocketTimeoutException("webhook deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
