package io.tokenlogin.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver that reads the request and then answers one byte per second and never finishes its status
 * line: a slow (or hostile) partner. Bound to a loopback alias (127.0.0.x), so each one is a host of its own.
 */
final class TricklingReceiver implements AutoCloseable {

    private final ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    private volatile boolean open = true;

    TricklingReceiver(String loopbackAlias) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName(loopbackAlias));
        Thread accept = new Thread(this::accept, "trickling-" + loopbackAlias);
        accept.setDaemon(true);
        accept.start();
    }

    String url() {
        return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort() + "/slow-hook";
    }

    private void accept() {
        while (open) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> trickle(socket));
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void trickle(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[8192];
            StringBuilder head = new StringBuilder();
            while (!head.toString().contains("\r\n\r\n")) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                head.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            for (byte b : "HTTP/1.1 200 OK, eventually".getBytes(StandardCharsets.ISO_8859_1)) {
                if (!open) {
                    return;
                }
                out.write(b);
                out.flush();
                Thread.sleep(1000);
            }
        } catch (IOException | InterruptedException e) {
            // the sender gave up: expected
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
    }
}
