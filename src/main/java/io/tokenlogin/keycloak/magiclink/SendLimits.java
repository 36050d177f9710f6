package io.tokenlogin.keycloak.magiclink;

import org.keycloak.models.SingleUseObjectProvider;

/**
 * Mail-sending limits kept in Keycloak's cluster-wide single-use store, so they hold across nodes and restarts of
 * one node: a cooldown per address, and N "slots" per address and per IP, each slot taken with an atomic
 * {@code putIfAbsent} and living one hour, so at most N mails go out in any rolling hour.
 */
final class SendLimits {

    private static final String PREFIX = "token-login:ml-limit:";
    private static final long HOUR = 3600;

    private SendLimits() {
    }

    /** True when a mail may be sent now; takes the cooldown and one slot of each limit when it may. */
    static boolean tryAcquire(SingleUseObjectProvider store, MagicLinkSettings settings, String realmId, String email, String ip) {
        String address = MagicLinkCodes.hash(realmId + "\n" + email);
        String client = MagicLinkCodes.hash(realmId + "\n" + ip);
        if (settings.resendCooldownSeconds() > 0
                && store.contains(PREFIX + "cooldown:" + address)) {
            return false;
        }
        if (!takeSlot(store, "addr:" + address, settings.maxEmailsPerAddressPerHour())
                || !takeSlot(store, "ip:" + client, settings.maxEmailsPerIpPerHour())) {
            return false;
        }
        if (settings.resendCooldownSeconds() > 0) {
            return store.putIfAbsent(PREFIX + "cooldown:" + address, settings.resendCooldownSeconds());
        }
        return true;
    }

    /** After a failed send the user may try again at once: the cooldown is lifted (the hourly slot stays taken). */
    static void liftCooldown(SingleUseObjectProvider store, String realmId, String email) {
        store.remove(PREFIX + "cooldown:" + MagicLinkCodes.hash(realmId + "\n" + email));
    }

    private static boolean takeSlot(SingleUseObjectProvider store, String subject, int max) {
        for (int i = 0; i < max; i++) {
            if (store.putIfAbsent(PREFIX + subject + ":" + i, HOUR)) {
                return true;
            }
        }
        return false;
    }
}
