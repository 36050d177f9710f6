package io.tokenlogin.keycloak.partner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to verify one partner's tokens and map them to a user. Immutable: secrets are copied in and out.
 * {@link #toString()} never prints secrets.
 *
 * @param secrets current secret first, then the previous one during rotation; each at least 32 bytes
 */
public record PartnerPolicy(String alias, String issuer, List<byte[]> secrets, String audience,
        long maxTokenLifetimeSeconds, long clockSkewSeconds, boolean singleUse, boolean requireJti,
        ClaimPath userIdClaim, ClaimPath emailClaim, ClaimPath firstNameClaim, ClaimPath lastNameClaim,
        ClaimPath pictureClaim, ClaimPath termsClaim, ClaimPath intendedUrlClaim, boolean createUsers,
        boolean trustEmail, boolean linkByEmail, String clientId, String defaultRedirect, String errorRedirect) {

    public static final String ISSUER = "issuer";
    public static final String SECRET = "secret";
    public static final String PREVIOUS_SECRET = "previousSecret";
    public static final String AUDIENCE = "audience";
    public static final String MAX_TOKEN_LIFETIME = "maxTokenLifetime";
    public static final String CLOCK_SKEW = "clockSkew";
    public static final String SINGLE_USE = "singleUse";
    public static final String REQUIRE_JTI = "requireJti";
    public static final String USER_ID_CLAIM = "userIdClaim";
    public static final String EMAIL_CLAIM = "emailClaim";
    public static final String FIRST_NAME_CLAIM = "firstNameClaim";
    public static final String LAST_NAME_CLAIM = "lastNameClaim";
    public static final String PICTURE_CLAIM = "pictureClaim";
    public static final String TERMS_CLAIM = "termsClaim";
    public static final String INTENDED_URL_CLAIM = "intendedUrlClaim";
    public static final String CREATE_USERS = "createUsers";
    public static final String TRUST_EMAIL = "trustEmail";
    public static final String LINK_BY_EMAIL = "linkByEmail";
    public static final String CLIENT_ID = "clientId";
    public static final String DEFAULT_REDIRECT = "defaultRedirect";
    public static final String ERROR_REDIRECT = "errorRedirect";

    public static final long DEFAULT_MAX_TOKEN_LIFETIME = 300;
    public static final long DEFAULT_CLOCK_SKEW = 30;
    public static final long MAX_CLOCK_SKEW = 600;

    /** Validates the components and takes deep copies of the secrets. */
    public PartnerPolicy {
        if (alias == null || alias.isBlank()) {
            throw new IllegalArgumentException("alias is required");
        }
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("issuer is required");
        }
        secrets = copyOf(secrets);
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is required");
        }
        for (byte[] secret : secrets) {
            if (secret.length < PartnerConfigValues.MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("secrets must be at least 32 bytes");
            }
        }
        if (maxTokenLifetimeSeconds < 1) {
            throw new IllegalArgumentException("maxTokenLifetimeSeconds must be at least 1");
        }
        if (clockSkewSeconds < 0 || clockSkewSeconds > MAX_CLOCK_SKEW) {
            throw new IllegalArgumentException("clockSkewSeconds must be between 0 and 600");
        }
        Objects.requireNonNull(userIdClaim, "userIdClaim");
    }

    /** Builds a policy from string configuration; blank values mean "use the default". */
    public static PartnerPolicy fromConfig(String alias, Map<String, String> config)
            throws InvalidPartnerConfigException {
        if (alias == null || alias.trim().isBlank()) {
            throw new InvalidPartnerConfigException("alias", "is required");
        }
        PartnerConfigValues values = new PartnerConfigValues(config);
        String issuer = values.requiredString(ISSUER);
        byte[] secret = values.secret(SECRET);
        if (secret == null) {
            throw new InvalidPartnerConfigException(SECRET, "is required");
        }
        byte[] previousSecret = values.secret(PREVIOUS_SECRET);
        List<byte[]> secrets = previousSecret == null ? List.of(secret) : List.of(secret, previousSecret);
        return new PartnerPolicy(alias.trim(), issuer, secrets, values.optionalString(AUDIENCE),
                values.number(MAX_TOKEN_LIFETIME, DEFAULT_MAX_TOKEN_LIFETIME, 1, Long.MAX_VALUE),
                values.number(CLOCK_SKEW, DEFAULT_CLOCK_SKEW, 0, MAX_CLOCK_SKEW),
                values.bool(SINGLE_USE, true),
                values.bool(REQUIRE_JTI, false),
                values.claimPath(USER_ID_CLAIM, "sub"),
                values.claimPath(EMAIL_CLAIM, "email"),
                values.claimPath(FIRST_NAME_CLAIM, "given_name"),
                values.claimPath(LAST_NAME_CLAIM, "family_name"),
                values.claimPath(PICTURE_CLAIM, "picture"),
                values.claimPath(TERMS_CLAIM, "accept_terms_and_policies"),
                values.claimPath(INTENDED_URL_CLAIM, "intended_url"),
                values.bool(CREATE_USERS, true),
                values.bool(TRUST_EMAIL, false),
                values.bool(LINK_BY_EMAIL, false),
                values.optionalString(CLIENT_ID),
                values.optionalString(DEFAULT_REDIRECT),
                values.optionalString(ERROR_REDIRECT));
    }

    /** Copies of the secrets (current first); callers cannot change the policy through them. */
    @Override
    public List<byte[]> secrets() {
        return copyOf(secrets);
    }

    /** Linking an existing account by email is only allowed when the partner's emails are trusted. */
    public boolean mayLinkByEmail() {
        return linkByEmail && trustEmail;
    }

    private static List<byte[]> copyOf(List<byte[]> source) {
        if (source == null) {
            return List.of();
        }
        List<byte[]> copy = new ArrayList<>(source.size());
        for (byte[] secret : source) {
            copy.add(Objects.requireNonNull(secret, "secret").clone());
        }
        return List.copyOf(copy);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof PartnerPolicy that)) {
            return false;
        }
        return maxTokenLifetimeSeconds == that.maxTokenLifetimeSeconds && clockSkewSeconds == that.clockSkewSeconds
                && singleUse == that.singleUse && requireJti == that.requireJti && createUsers == that.createUsers
                && trustEmail == that.trustEmail && linkByEmail == that.linkByEmail
                && alias.equals(that.alias) && issuer.equals(that.issuer) && sameSecrets(secrets, that.secrets)
                && Objects.equals(audience, that.audience) && userIdClaim.equals(that.userIdClaim)
                && Objects.equals(emailClaim, that.emailClaim) && Objects.equals(firstNameClaim, that.firstNameClaim)
                && Objects.equals(lastNameClaim, that.lastNameClaim) && Objects.equals(pictureClaim, that.pictureClaim)
                && Objects.equals(termsClaim, that.termsClaim)
                && Objects.equals(intendedUrlClaim, that.intendedUrlClaim) && Objects.equals(clientId, that.clientId)
                && Objects.equals(defaultRedirect, that.defaultRedirect)
                && Objects.equals(errorRedirect, that.errorRedirect);
    }

    private static boolean sameSecrets(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int secretsHash = 1;
        for (byte[] secret : secrets) {
            secretsHash = 31 * secretsHash + Arrays.hashCode(secret);
        }
        return Objects.hash(alias, issuer, secretsHash, audience, maxTokenLifetimeSeconds, clockSkewSeconds, singleUse,
                requireJti, userIdClaim, emailClaim, firstNameClaim, lastNameClaim, pictureClaim, termsClaim,
                intendedUrlClaim, createUsers, trustEmail, linkByEmail, clientId, defaultRedirect, errorRedirect);
    }

    /** Describes the policy with the number of secrets only, never their content. */
    @Override
    public String toString() {
        return "PartnerPolicy[alias=" + alias + ", issuer=" + issuer + ", secrets=[" + secrets.size() + " keys]"
                + ", audience=" + audience
                + ", maxTokenLifetimeSeconds=" + maxTokenLifetimeSeconds + ", clockSkewSeconds=" + clockSkewSeconds
                + ", singleUse=" + singleUse + ", requireJti=" + requireJti + ", userIdClaim=" + userIdClaim
                + ", emailClaim=" + emailClaim + ", firstNameClaim=" + firstNameClaim + ", lastNameClaim="
                + lastNameClaim + ", pictureClaim=" + pictureClaim + ", termsClaim=" + termsClaim
                + ", intendedUrlClaim=" + intendedUrlClaim + ", createUsers=" + createUsers + ", trustEmail="
                + trustEmail + ", linkByEmail=" + linkByEmail + ", clientId=" + clientId + ", defaultRedirect="
                + defaultRedirect + ", errorRedirect=" + errorRedirect + "]";
    }
}
