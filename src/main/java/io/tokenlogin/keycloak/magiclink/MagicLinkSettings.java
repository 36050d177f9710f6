package io.tokenlogin.keycloak.magiclink;

import java.util.Map;

/**
 * Configuration of one {@code email-magic-link} execution (SPEC §4), with its defaults. Pure Java.
 */
public record MagicLinkSettings(int linkLifetimeSeconds, boolean allowCrossDevice, boolean createUsers,
                                int resendCooldownSeconds, int maxEmailsPerAddressPerHour, int maxEmailsPerIpPerHour) {

    public static final String LINK_LIFETIME = "linkLifetime";
    public static final String ALLOW_CROSS_DEVICE = "allowCrossDevice";
    public static final String CREATE_USERS = "createUsers";
    public static final String RESEND_COOLDOWN = "resendCooldown";
    public static final String MAX_PER_ADDRESS = "maxEmailsPerAddressPerHour";
    public static final String MAX_PER_IP = "maxEmailsPerIpPerHour";

    public static final MagicLinkSettings DEFAULTS = new MagicLinkSettings(300, true, false, 60, 5, 30);

    /** Reads a config map; blank or unparsable values fall back to the default (a bad value never disables a limit). */
    public static MagicLinkSettings from(Map<String, String> config) {
        if (config == null) {
            return DEFAULTS;
        }
        return new MagicLinkSettings(
                integer(config, LINK_LIFETIME, DEFAULTS.linkLifetimeSeconds, 30, 86400),
                bool(config, ALLOW_CROSS_DEVICE, DEFAULTS.allowCrossDevice),
                bool(config, CREATE_USERS, DEFAULTS.createUsers),
                integer(config, RESEND_COOLDOWN, DEFAULTS.resendCooldownSeconds, 0, 3600),
                integer(config, MAX_PER_ADDRESS, DEFAULTS.maxEmailsPerAddressPerHour, 1, 1000),
                integer(config, MAX_PER_IP, DEFAULTS.maxEmailsPerIpPerHour, 1, 100000));
    }

    private static int integer(Map<String, String> config, String key, int fallback, int min, int max) {
        String value = config.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            return parsed < min || parsed > max ? fallback : parsed;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static boolean bool(Map<String, String> config, String key, boolean fallback) {
        String value = config.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return Boolean.parseBoolean(value.trim());
    }
}
