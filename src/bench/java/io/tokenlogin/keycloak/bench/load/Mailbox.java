package io.tokenlogin.keycloak.bench.load;

import io.tokenlogin.keycloak.it.MagicLinkSteps;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The realm's SMTP server, in the driver JVM: GreenMail on 127.0.0.1, one inbox per address, so each virtual user
 * waits only for its own mail (no scan over every message received so far).
 */
final class Mailbox implements AutoCloseable {

    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+/token-login/magic-link\\?key=[A-Za-z0-9_-]+");

    private final GreenMail greenMail;
    private final Map<String, MailFolder> inboxes = new ConcurrentHashMap<>();

    Mailbox(int port) {
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    /** Creates the inbox of {@code email} (GreenMail would create it on first delivery; doing it now keeps that off the clock). */
    void register(String email) {
        GreenMailUser user = greenMail.setUser(email, email, "unused");
        try {
            inboxes.put(email, greenMail.getManagers().getImapHostManager().getInbox(user));
        } catch (FolderException e) {
            throw new IllegalStateException(e);
        }
    }

    void clear(String email) {
        inboxes.get(email).deleteAllMessages();
    }

    /** Waits (bounded) for the next mail to {@code email}, removes it and returns the magic link in it, or null on timeout. */
    String awaitLink(String email, long timeoutMillis) throws Exception {
        MailFolder inbox = inboxes.get(email);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            List<StoredMessage> messages = inbox.getMessages();
            if (!messages.isEmpty()) {
                String text = MagicLinkSteps.text(messages.get(0).getMimeMessage());
                inbox.deleteAllMessages();
                Matcher m = LINK.matcher(text);
                return m.find() ? m.group() : "no-link-in-mail";
            }
            Thread.sleep(2);
        }
        return null;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
