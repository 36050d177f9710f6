package io.tokenlogin.keycloak.partner.idp;

import io.tokenlogin.keycloak.partner.InvalidPartnerConfigException;
import io.tokenlogin.keycloak.partner.PartnerPolicy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The settings of one partner identity provider ({@code token-login-partner}) and their translation into the pure
 * {@link PartnerPolicy}. No Keycloak types: the provider model hands in its config map and its "Trust email" switch.
 *
 * <p>Generic identity-provider fields are used for what they mean to an admin: <em>Client ID</em> is the issuer
 * the partner signs with ({@code iss}), <em>Client Secret</em> is the HS256 secret (masked by Keycloak,
 * {@code ${vault.NAME}} works), <em>Trust Email</em> marks the partner's emails as verified.
 */
public final class PartnerSettings {

    public static final String ISSUER = "clientId";
    public static final String SECRET = "clientSecret";
    public static final String LANDING_CLIENT = "landingClient";
    /** The confidential client whose service account may mint links for this partner's users through the partner APIs. */
    public static final String API_CLIENT = "apiClient";
    /** Optional: the alias of a Keycloak Organization every user of this partner becomes a member of. */
    public static final String ORGANIZATION = "organization";
    /** What Keycloak's admin API and console send in place of a stored secret. */
    public static final String MASK = "**********";
    /** Longest token lifetime an admin may allow: one week. */
    public static final long MAX_TOKEN_LIFETIME = 7 * 24 * 3600;

    private static final Pattern VAULT = Pattern.compile("\\$\\{vault\\.[^}\\s]+}");
    /** Any syntactically valid 32-byte stand-in, used to validate everything else when the secret is masked or vaulted. */
    private static final String STAND_IN = "x".repeat(32);

    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry(PartnerPolicy.ISSUER, "Client ID (the issuer 'iss' the partner signs with)"),
            Map.entry(PartnerPolicy.SECRET, "Client Secret (the partner's HS256 secret)"),
            Map.entry(PartnerPolicy.PREVIOUS_SECRET, "Previous secret"),
            Map.entry(PartnerPolicy.AUDIENCE, "Audience"),
            Map.entry(PartnerPolicy.MAX_TOKEN_LIFETIME, "Max token lifetime"),
            Map.entry(PartnerPolicy.CLOCK_SKEW, "Clock skew"),
            Map.entry(PartnerPolicy.SINGLE_USE, "Single use"),
            Map.entry(PartnerPolicy.REQUIRE_JTI, "Require jti"),
            Map.entry(PartnerPolicy.USER_ID_CLAIM, "User id claim"),
            Map.entry(PartnerPolicy.EMAIL_CLAIM, "Email claim"),
            Map.entry(PartnerPolicy.FIRST_NAME_CLAIM, "First name claim"),
            Map.entry(PartnerPolicy.LAST_NAME_CLAIM, "Last name claim"),
            Map.entry(PartnerPolicy.PICTURE_CLAIM, "Picture claim"),
            Map.entry(PartnerPolicy.TERMS_CLAIM, "Terms claim"),
            Map.entry(PartnerPolicy.INTENDED_URL_CLAIM, "Intended URL claim"),
            Map.entry(PartnerPolicy.CREATE_USERS, "Create users"),
            Map.entry(PartnerPolicy.LINK_BY_EMAIL, "Link by email"),
            Map.entry(PartnerPolicy.CLIENT_ID, "Landing client"),
            Map.entry(PartnerPolicy.DEFAULT_REDIRECT, "Default redirect"),
            Map.entry(PartnerPolicy.ERROR_REDIRECT, "Error redirect"),
            Map.entry(TokenShape.KEY, "Token shape"));

    private PartnerSettings() {
    }

    /** The label the admin console shows for a policy key. */
    public static String label(String policyKey) {
        return LABELS.getOrDefault(policyKey, policyKey);
    }

    public static boolean isVaultReference(String value) {
        return value != null && VAULT.matcher(value.trim()).matches();
    }

    /**
     * The policy configuration of a partner: claim paths from its token shape unless set, secrets through
     * {@code resolveSecret} (vault look-up; identity in tests).
     *
     * @throws InvalidPartnerConfigException naming the policy key when the token shape is unknown or a custom shape
     *                                       has no user id claim
     */
    public static Map<String, String> policyConfig(Map<String, String> idp, boolean trustEmail,
                                                   UnaryOperator<String> resolveSecret) throws InvalidPartnerConfigException {
        Map<String, String> in = idp == null ? Map.of() : idp;
        TokenShape shape = TokenShape.of(in.get(TokenShape.KEY))
                .orElseThrow(() -> new InvalidPartnerConfigException(TokenShape.KEY, "must be flat, publicala or custom"));
        Map<String, String> out = new HashMap<>();
        for (String key : new String[]{PartnerPolicy.AUDIENCE, PartnerPolicy.MAX_TOKEN_LIFETIME, PartnerPolicy.CLOCK_SKEW,
                PartnerPolicy.SINGLE_USE, PartnerPolicy.REQUIRE_JTI, PartnerPolicy.CREATE_USERS, PartnerPolicy.LINK_BY_EMAIL,
                PartnerPolicy.DEFAULT_REDIRECT, PartnerPolicy.ERROR_REDIRECT}) {
            putIfSet(out, key, in.get(key));
        }
        for (String key : TokenShape.CLAIM_KEYS) {
            String own = in.get(key);
            if (own != null && !own.isBlank()) {
                out.put(key, own);
            } else if (shape == TokenShape.CUSTOM && PartnerPolicy.USER_ID_CLAIM.equals(key)) {
                throw new InvalidPartnerConfigException(PartnerPolicy.USER_ID_CLAIM, "is required with the custom token shape");
            } else {
                out.put(key, shape.claim(key));
            }
        }
        putIfSet(out, PartnerPolicy.ISSUER, in.get(ISSUER));
        putIfSet(out, PartnerPolicy.CLIENT_ID, in.get(LANDING_CLIENT));
        out.put(PartnerPolicy.TRUST_EMAIL, Boolean.toString(trustEmail));
        out.put(PartnerPolicy.SECRET, resolveSecret.apply(in.get(SECRET)));
        String previous = in.get(PartnerPolicy.PREVIOUS_SECRET);
        if (previous != null && !previous.isBlank()) {
            out.put(PartnerPolicy.PREVIOUS_SECRET, resolveSecret.apply(previous));
        }
        return out;
    }

    /**
     * Checks everything that needs no Keycloak state and returns the policy that the saved settings will give, with
     * stand-ins for secrets that are masked or vaulted. The message says what to change, in the console's words.
     */
    public static PartnerPolicy check(String alias, Map<String, String> idp, boolean trustEmail) {
        Map<String, String> in = idp == null ? Map.of() : idp;
        String secret = in.get(SECRET);
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException(label(PartnerPolicy.SECRET) + " is required");
        }
        String previous = in.get(PartnerPolicy.PREVIOUS_SECRET);
        if (previous != null && !previous.isBlank() && !isVaultReference(previous)) {
            throw new IllegalArgumentException(label(PartnerPolicy.PREVIOUS_SECRET)
                    + " must be a vault reference ${vault.NAME}: Keycloak's admin API shows this field in clear");
        }
        Map<String, String> policy;
        try {
            policy = policyConfig(in, trustEmail, v -> v == null || v.isBlank() ? v
                    : MASK.equals(v) || isVaultReference(v) ? STAND_IN : v);
            String lifetime = policy.get(PartnerPolicy.MAX_TOKEN_LIFETIME);
            if (lifetime != null && lifetime.trim().matches("[0-9]{1,18}")
                    && (Long.parseLong(lifetime.trim()) < 1 || Long.parseLong(lifetime.trim()) > MAX_TOKEN_LIFETIME)) {
                throw new InvalidPartnerConfigException(PartnerPolicy.MAX_TOKEN_LIFETIME,
                        "must be between 1 and " + MAX_TOKEN_LIFETIME + " seconds (7 days)");
            }
            PartnerPolicy parsed = PartnerPolicy.fromConfig(alias, policy);
            if (parsed.maxTokenLifetimeSeconds() > MAX_TOKEN_LIFETIME) {
                throw new InvalidPartnerConfigException(PartnerPolicy.MAX_TOKEN_LIFETIME,
                        "must be between 1 and " + MAX_TOKEN_LIFETIME + " seconds (7 days)");
            }
            if (parsed.linkByEmail() && !parsed.trustEmail()) {
                throw new InvalidPartnerConfigException(PartnerPolicy.LINK_BY_EMAIL, "needs 'Trust Email' on");
            }
            if (parsed.clientId() == null) {
                throw new InvalidPartnerConfigException(PartnerPolicy.CLIENT_ID,
                        "is required: the client whose valid redirect URIs the partner's links land on");
            }
            checkUrl(PartnerPolicy.DEFAULT_REDIRECT, parsed.defaultRedirect());
            checkUrl(PartnerPolicy.ERROR_REDIRECT, parsed.errorRedirect());
            return parsed;
        } catch (InvalidPartnerConfigException e) {
            String reason = e.getMessage().substring(e.getMessage().indexOf("': ") + 3);
            throw new IllegalArgumentException(label(e.key()) + " " + reason);
        }
    }

    /** An absolute http(s) URL without user info or fragment; the message never quotes the value. */
    static void checkUrl(String key, String value) throws InvalidPartnerConfigException {
        if (value == null) {
            return;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidPartnerConfigException(key, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw new InvalidPartnerConfigException(key, "must be an absolute http(s) URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new InvalidPartnerConfigException(key, "must not contain user info or a fragment");
        }
    }

    private static void putIfSet(Map<String, String> out, String key, String value) {
        if (value != null && !value.isBlank()) {
            out.put(key, value);
        }
    }
}
