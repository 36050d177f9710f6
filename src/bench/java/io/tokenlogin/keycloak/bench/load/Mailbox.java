package io.tokenlogin.keycloak.bench.load;

import io.tokenlogin.keycloak.it.MagicLinkSteps;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpServer;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.FolderListener;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;

import java.net.Socket;
import java.net.SocketException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The realm's SMTP server, in the driver JVM: GreenMail on 127.0.0.1, one inbox per address, so each virtual user
 * waits only for its own mail (no scan over every message received so far), woken by the inbox's listener (no polling).
 * GreenMail's SMTP sockets get TCP_NODELAY: GreenMail writes a reply in pieces, and with Nagle's algorithm and the
 * client's delayed ACK every SMTP command then waits ~40 ms on loopback, ~250 ms per mail in all (measured), which no
 * real mail relay adds and which, through Keycloak's four mail threads, would cap magic links at ~16 per second.
 */
final class Mailbox implements AutoCloseable {

    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+/token-login/magic-link\\?key=[A-Za-z0-9_-]+");

    private final GreenMail greenMail;
    private final Map<String, MailFolder> inboxes = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> arrivals = new ConcurrentHashMap<>();

    Mailbox(int port) {
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)) {
            @Override
            protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers managers) {
                Map<String, AbstractServer> services = new HashMap<>();
                for (ServerSetup setup : config) {
                    services.put(setup.getProtocol(), new SmtpServer(setup, managers) {
                        @Override
                        protected void handleClientSocket(Socket socket) throws SocketException {
                            socket.setTcpNoDelay(true);
                            super.handleClientSocket(socket);
                        }
                    });
                }
                return services;
            }
        };
        greenMail.start();
    }

    /** Creates the inbox of {@code email} (GreenMail would create it on first delivery; doing it now keeps that off the clock). */
    void register(String email) {
        GreenMailUser user = greenMail.setUser(email, email, "unused");
        try {
            MailFolder inbox = greenMail.getManagers().getImapHostManager().getInbox(user);
            Semaphore arrived = new Semaphore(0);
            inbox.addListener(new FolderListener() {
                @Override
                public void added(int msn) {
                    arrived.release();
                }

                @Override
                public void expunged(int msn) {
                }

                @Override
                public void flagsUpdated(int msn, Flags flags, Long uid) {
                }

                @Override
                public void mailboxDeleted() {
                }
            });
            arrivals.put(email, arrived);
            inboxes.put(email, inbox);
        } catch (FolderException e) {
            throw new IllegalStateException(e);
        }
    }

    void clear(String email) {
        inboxes.get(email).deleteAllMessages();
        arrivals.get(email).drainPermits();
    }

    /** Waits (bounded) for the next mail to {@code email}, removes it and returns the magic link in it, or null on timeout. */
    String awaitLink(String email, long timeoutMillis) throws Exception {
        MailFolder inbox = inboxes.get(email);
        Semaphore arrived = arrivals.get(email);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            List<StoredMessage> messages = inbox.getMessages();
            if (!messages.isEmpty()) {
                String text = MagicLinkSteps.text(messages.get(0).getMimeMessage());
                inbox.deleteAllMessages();
                arrived.drainPermits();
                Matcher m = LINK.matcher(text);
                return m.find() ? m.group() : "no-link-in-mail";
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            // woken when a message is added; the bounded wait also covers a message added between the two calls
            arrived.tryAcquire(Math.min(left, 50_000_000L), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
