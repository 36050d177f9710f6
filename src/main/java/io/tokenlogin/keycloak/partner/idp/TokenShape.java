package io.tokenlogin.keycloak.partner.idp;

import io.tokenlogin.keycloak.partner.PartnerPolicy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Token-shape presets of a partner identity provider: the claim paths a partner's tokens use. A claim field the
 * admin fills in wins over the preset; {@link #CUSTOM} has no defaults for the user id, so it must be given.
 */
public enum TokenShape {

    /** {@code {sub, iss, exp, email?, given_name?, …}} (Invoiced-style links). */
    FLAT("flat", Map.of(
            PartnerPolicy.USER_ID_CLAIM, "sub",
            PartnerPolicy.EMAIL_CLAIM, "email",
            PartnerPolicy.FIRST_NAME_CLAIM, "given_name",
            PartnerPolicy.LAST_NAME_CLAIM, "family_name",
            PartnerPolicy.PICTURE_CLAIM, "picture",
            PartnerPolicy.TERMS_CLAIM, "accept_terms_and_policies",
            PartnerPolicy.INTENDED_URL_CLAIM, "intended_url")),

    /** Publica.la: {@code {…, sub: "user", user: {uuid, email, picture_url, accept_terms_and_policies}}}. */
    PUBLICALA("publicala", Map.of(
            PartnerPolicy.USER_ID_CLAIM, "user.uuid",
            PartnerPolicy.EMAIL_CLAIM, "user.email",
            PartnerPolicy.FIRST_NAME_CLAIM, "given_name",
            PartnerPolicy.LAST_NAME_CLAIM, "family_name",
            PartnerPolicy.PICTURE_CLAIM, "user.picture_url",
            PartnerPolicy.TERMS_CLAIM, "user.accept_terms_and_policies",
            PartnerPolicy.INTENDED_URL_CLAIM, "intended_url")),

    /** Every claim path as the admin writes it; the user id claim is required, the others fall back to the flat names. */
    CUSTOM("custom", Map.of());

    /** Config key of the preset. */
    public static final String KEY = "tokenShape";

    private final String value;
    private final Map<String, String> claims;

    TokenShape(String value, Map<String, String> claims) {
        this.value = value;
        this.claims = claims;
    }

    public String value() {
        return value;
    }

    /** The preset's claim path for a claim key, or the flat one where this preset has none. */
    public String claim(String key) {
        String own = claims.get(key);
        return own != null ? own : FLAT.claims.get(key);
    }

    /** The preset named by a config value; absent or blank means {@link #FLAT}; an unknown name is empty. */
    public static Optional<TokenShape> of(String configValue) {
        if (configValue == null || configValue.isBlank()) {
            return Optional.of(FLAT);
        }
        String v = configValue.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.value.equals(v)).findFirst();
    }

    /** The claim keys a preset fills. */
    public static final String[] CLAIM_KEYS = {PartnerPolicy.USER_ID_CLAIM, PartnerPolicy.EMAIL_CLAIM,
            PartnerPolicy.FIRST_NAME_CLAIM, PartnerPolicy.LAST_NAME_CLAIM, PartnerPolicy.PICTURE_CLAIM,
            PartnerPolicy.TERMS_CLAIM, PartnerPolicy.INTENDED_URL_CLAIM};
}
