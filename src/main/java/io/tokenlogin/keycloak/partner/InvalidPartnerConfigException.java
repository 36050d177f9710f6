package io.tokenlogin.keycloak.partner;

/** A partner configuration value is missing or wrong. The message names the key, never a (secret) value. */
public class InvalidPartnerConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key    the configuration key that is wrong (for example {@code "secret"})
     * @param reason a description that must not quote the configured value
     */
    public InvalidPartnerConfigException(String key, String reason) {
        super("Invalid partner configuration '" + key + "': " + reason);
        this.key = key;
    }

    /** The configuration key that is wrong. */
    public String key() {
        return key;
    }
}
