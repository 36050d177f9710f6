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

    /** A setting that is not usable: the step refuses to run rather than fall back silently. */
    public static final class InvalidSettingException extends Exception {
        private final String setting;

        InvalidSettingException(String setting, String message) {
            super(message);
            this.setting = setting;
        }

        /** The config key (as the admin console's form and the REST representation name it). */
        public String setting() {
            return setting;
        }
    }

    /**
     * Reads a config map; an absent or blank value takes the default. Any other value must be valid (a whole number in
     * its range, {@code true} or {@code false}) or the whole configuration is refused with a message naming the setting.
     */
    public static MagicLinkSettings from(Map<String, String> config) throws InvalidSettingException {
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

    private static int integer(Map<String, String> config, String key, int fallback, int min, int max) throws InvalidSettingException {
        String value = config.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String range = " must be a whole number from " + min + " to " + max;
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, key + range + ", not '" + printable(value) + "'");
        }
        if (parsed < min || parsed > max) {
            throw new InvalidSettingException(key, key + range + ", not " + parsed);
        }
        return parsed;
    }

    private static boolean bool(Map<String, String> config, String key, boolean fallback) throws InvalidSettingException {
        String value = config.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String v = value.trim();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new InvalidSettingException(key, key + " must be true or false, not '" + printable(value) + "'");
    }

    /** An admin's value as it can be logged: at most 40 characters, no control characters. */
    private static String printable(String value) {
        String v = value.replaceAll("\\p{Cntrl}", "?");
        return v.length() > 40 ? v.substring(0, 40) + "…" : v;
    }
}
