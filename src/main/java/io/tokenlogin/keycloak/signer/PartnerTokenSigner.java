package io.tokenlogin.keycloak.signer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Partner-side signer for token-login sign-in tokens (HS256, shared secret).
 *
 * <p>Depends only on the JDK and nimbus-jose-jwt so it can be embedded in a partner backend or run from the
 * shaded JAR ({@link SignerCli}). The secret is never included in messages or {@code toString()}.
 */
public final class PartnerTokenSigner {

    /** Minimum HS256 secret length in bytes (256 bits). */
    public static final int MIN_SECRET_BYTES = 32;
    /** Maximum token lifetime accepted by this signer. */
    public static final long MAX_TTL_SECONDS = 86_400;

    private static final String LOGIN_PATH = "/token-login/login";
    private static final String TOKEN_QUERY_PARAM = "external-auth-token";

    private final String issuer;
    private final byte[] secret;
    private final Clock clock;

    public PartnerTokenSigner(String issuer, String secret) {
        this(issuer, secret == null ? null : secret.getBytes(StandardCharsets.UTF_8));
    }

    public PartnerTokenSigner(String issuer, byte[] secret) {
        this(issuer, secret, Clock.systemUTC());
    }

    private PartnerTokenSigner(String issuer, byte[] secret, Clock clock) {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("issuer must not be blank");
        }
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("secret must be at least " + MIN_SECRET_BYTES + " bytes (UTF-8)");
        }
        this.issuer = issuer;
        this.secret = secret.clone();
        this.clock = clock;
    }

    /** Returns a copy of this signer that reads the current time from {@code clock} (for tests). */
    public PartnerTokenSigner withClock(Clock clock) {
        if (clock == null) {
            throw new IllegalArgumentException("clock must not be null");
        }
        return new PartnerTokenSigner(issuer, secret, clock);
    }

    public String issuer() {
        return issuer;
    }

    /**
     * Flat token (Invoiced shape): {@code {"sub": userId, "iss": issuer, "exp": now+ttl, "iat": now}}.
     *
     * @param userId a non-blank String, or an integral Number (Integer, Long, Short, Byte, BigInteger),
     *               which is emitted as a JSON number
     * @param ttlSeconds lifetime, 1..86400
     */
    public String generateSignInToken(Object userId, long ttlSeconds) {
        Object sub = checkUserId(userId);
        checkTtl(ttlSeconds);
        long now = clock.instant().getEpochSecond();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .claim("sub", sub)
                .issuer(issuer)
                .expirationTime(new Date((now + ttlSeconds) * 1000L))
                .issueTime(new Date(now * 1000L))
                .build();
        return sign(claims);
    }

    /** Builder for the nested (Publica.la) token shape. */
    public NestedTokenBuilder nested() {
        return new NestedTokenBuilder();
    }

    /** {@code {base}/realms/{realm}/token-login/login/{token}} */
    public static String loginLink(String keycloakBaseUrl, String realm, String token) {
        return realmBase(keycloakBaseUrl, realm) + LOGIN_PATH + "/" + encode(requireText(token, "token"));
    }

    /** {@code {base}/realms/{realm}/token-login/login?external-auth-token={token}} */
    public static String loginLinkWithQuery(String keycloakBaseUrl, String realm, String token) {
        return realmBase(keycloakBaseUrl, realm) + LOGIN_PATH + "?" + TOKEN_QUERY_PARAM + "="
                + encode(requireText(token, "token"));
    }

    private static String realmBase(String keycloakBaseUrl, String realm) {
        String base = requireText(keycloakBaseUrl, "keycloakBaseUrl");
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/realms/" + encode(requireText(realm, "realm"));
    }

    /** Percent-encodes one path segment / query value (space as %20, never '+'). */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    private static Object checkUserId(Object userId) {
        if (userId instanceof String) {
            return requireText((String) userId, "userId");
        }
        if (userId instanceof Integer || userId instanceof Long || userId instanceof Short
                || userId instanceof Byte || userId instanceof BigInteger) {
            return userId;
        }
        throw new IllegalArgumentException("userId must be a non-blank String or an integral Number");
    }

    private static void checkTtl(long ttlSeconds) {
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("ttlSeconds must be between 1 and " + MAX_TTL_SECONDS);
        }
    }

    private String sign(JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /**
     * Builds {@code {"iss","jti","exp","aud","sub","intended_url","user":{uuid,email,picture_url,
     * accept_terms_and_policies}}}; optional claims and user fields are emitted only when set.
     */
    public final class NestedTokenBuilder {

        private static final Set<String> MANAGED_CLAIMS =
                Set.of("iss", "jti", "exp", "aud", "sub", "intended_url", "user");

        private String userUuid;
        private String email;
        private String pictureUrl;
        private Boolean acceptTermsAndPolicies;
        private String intendedUrl;
        private String audience;
        private String subject = "user";
        private String jti;
        private long ttlSeconds = 60;
        private final Map<String, Object> extraClaims = new LinkedHashMap<>();

        private NestedTokenBuilder() {
        }

        public NestedTokenBuilder userUuid(String userUuid) {
            this.userUuid = userUuid;
            return this;
        }

        public NestedTokenBuilder email(String email) {
            this.email = email;
            return this;
        }

        public NestedTokenBuilder pictureUrl(String pictureUrl) {
            this.pictureUrl = pictureUrl;
            return this;
        }

        public NestedTokenBuilder acceptTermsAndPolicies(boolean accept) {
            this.acceptTermsAndPolicies = accept;
            return this;
        }

        public NestedTokenBuilder intendedUrl(String intendedUrl) {
            this.intendedUrl = intendedUrl;
            return this;
        }

        public NestedTokenBuilder audience(String audience) {
            this.audience = audience;
            return this;
        }

        public NestedTokenBuilder subject(String subject) {
            this.subject = requireText(subject, "subject");
            return this;
        }

        /** Fixed jti; when unset (default) every {@link #sign()} uses a fresh random UUID. */
        public NestedTokenBuilder jti(String jti) {
            this.jti = jti;
            return this;
        }

        public NestedTokenBuilder ttlSeconds(long ttlSeconds) {
            checkTtl(ttlSeconds);
            this.ttlSeconds = ttlSeconds;
            return this;
        }

        /** Extra top-level claim; the claims this builder manages cannot be overridden here. */
        public NestedTokenBuilder claim(String name, Object value) {
            requireText(name, "claim name");
            if (MANAGED_CLAIMS.contains(name)) {
                throw new IllegalArgumentException("claim '" + name + "' is set by the builder");
            }
            if (value == null) {
                extraClaims.remove(name);
            } else {
                extraClaims.put(name, value);
            }
            return this;
        }

        public String sign() {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("uuid", requireText(userUuid, "userUuid"));
            if (email != null) {
                user.put("email", email);
            }
            if (pictureUrl != null) {
                user.put("picture_url", pictureUrl);
            }
            if (acceptTermsAndPolicies != null) {
                user.put("accept_terms_and_policies", acceptTermsAndPolicies);
            }
            long now = clock.instant().getEpochSecond();
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                    .issuer(issuer)
                    .jwtID(jti != null ? requireText(jti, "jti") : UUID.randomUUID().toString())
                    .expirationTime(new Date((now + ttlSeconds) * 1000L));
            if (audience != null) {
                claims.audience(audience);
            }
            claims.subject(subject);
            if (intendedUrl != null) {
                claims.claim("intended_url", intendedUrl);
            }
            claims.claim("user", user);
            extraClaims.forEach(claims::claim);
            return PartnerTokenSigner.this.sign(claims.build());
        }
    }

    @Override
    public String toString() {
        return "PartnerTokenSigner[issuer=" + issuer + ", secret=<redacted>]";
    }
}
