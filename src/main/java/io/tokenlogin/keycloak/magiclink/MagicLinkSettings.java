package io.tokenlogin.keycloak.magiclink;

import java.util.Map;

/**
 * Configuration of one {@code email-magic-link} execution (SPEC §4), with its defaults. Pure Java.
 */
public record MagicLinkSettings(int linkLifetimeSeconds, boolean allowCrossDevice, boolean createUsers,
                                int resendCooldownSeconds, int maxEmailsPerAddressPerHour, int maxEmailsPerIpPerHour,
                                String organizationDomains, boolean emailCode, int emailCodeLength, boolean codeInSubject) {

    /** The form without the email code settings (their defaults). */
    public MagicLinkSettings(int linkLifetimeSeconds, boolean allowCrossDevice, boolean createUsers,
                             int resendCooldownSeconds, int maxEmailsPerAddressPerHour, int maxEmailsPerIpPerHour,
                             String organizationDomains) {
        this(linkLifetimeSeconds, allowCrossDevice, createUsers, resendCooldownSeconds, maxEmailsPerAddressPerHour,
                maxEmailsPerIpPerHour, organizationDomains, true, 6, false);
    }

    /** The mail also carries a one-time code to type on the waiting page (a link opened on another device). */
    public static final String EMAIL_CODE = "emailCode";
    public static final String EMAIL_CODE_LENGTH = "emailCodeLength";
    public static final String CODE_IN_SUBJECT = "codeInSubject";
    /** Wrong codes one login attempt may type; then the attempt ends and a new mail is needed. */
    public static final int MAX_CODE_TRIES = 5;

    /** The pre-organization form (no domain restriction). */
    public MagicLinkSettings(int linkLifetimeSeconds, boolean allowCrossDevice, boolean createUsers,
                             int resendCooldownSeconds, int maxEmailsPerAddressPerHour, int maxEmailsPerIpPerHour) {
        this(linkLifetimeSeconds, allowCrossDevice, createUsers, resendCooldownSeconds, maxEmailsPerAddressPerHour, maxEmailsPerIpPerHour, "");
    }

    /** Restricts the step to addresses in organization domains: {@code *} any organization of the realm, else one alias. */
    public static final String ORGANIZATION_DOMAINS = "organizationDomains";
    /** {@link #organizationDomains} value: the domains of every organization of the realm. */
    public static final String ANY_ORGANIZATION = "*";

    public static final String LINK_LIFETIME = "linkLifetime";
    public static final String ALLOW_CROSS_DEVICE = "allowCrossDevice";
    public static final String CREATE_USERS = "createUsers";
    public static final String RESEND_COOLDOWN = "resendCooldown";
    public static final String MAX_PER_ADDRESS = "maxEmailsPerAddressPerHour";
    public static final String MAX_PER_IP = "maxEmailsPerIpPerHour";

    public static final MagicLinkSettings DEFAULTS = new MagicLinkSettings(300, true, false, 60, 5, 30, "", true, 6, false);

    /** A setting that is not usable: the step refuses to run rather than fall back silently. */
    public static final class InvalidSettingException extends Exception {
        private final String setting;

        public InvalidSettingException(String setting, String message) {
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
                integer(config, MAX_PER_IP, DEFAULTS.maxEmailsPerIpPerHour, 1, 100000),
                organizationDomains(config),
                bool(config, EMAIL_CODE, true),
                integer(config, EMAIL_CODE_LENGTH, 6, 6, 10),
                bool(config, CODE_IN_SUBJECT, false));
    }

    private static String organizationDomains(Map<String, String> config) throws InvalidSettingException {
        String value = config.get(ORGANIZATION_DOMAINS);
        if (value == null || value.isBlank()) {
            return "";
        }
        String v = value.trim();
        if (!v.equals(ANY_ORGANIZATION) && !v.matches("[A-Za-z0-9._-]{1,255}")) {
            throw new InvalidSettingException(ORGANIZATION_DOMAINS, ORGANIZATION_DOMAINS
                    + " must be * (every organization of the realm) or one organization's alias, not '" + printable(value) + "'");
        }
        return v;
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
