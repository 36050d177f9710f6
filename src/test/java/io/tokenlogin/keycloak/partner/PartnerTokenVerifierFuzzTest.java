package io.tokenlogin.keycloak.partner;

import static io.tokenlogin.keycloak.partner.PartnerFixtures.AUD;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.ISS;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.KEY;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.NOW;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.OTHER_KEY;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.PREVIOUS_KEY;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.PREVIOUS_SECRET;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.SECRET;
import static io.tokenlogin.keycloak.partner.PartnerFixtures.T;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Jazzer fuzz tests for the partner token verifier and its parsers.
 *
 * <p>Regression mode (plain {@code mvn test}) replays the empty input and every file under
 * {@code src/test/resources/io/tokenlogin/keycloak/partner/PartnerTokenVerifierFuzzTestInputs/<method>/}: seeds and
 * any crash reproducers found by fuzzing. Fuzzing mode: {@code scripts/fuzz.sh} (one target per JVM).
 *
 * <p>Every invariant violation throws {@link IllegalStateException}; any other unexpected exception or error simply
 * propagates and is reported by Jazzer as a finding.
 *
 * <p>{@code signedStructures} and {@code claimPaths} read their input front to back through {@link Choices}: one byte
 * per decision, and a byte value of 0 (or the end of the input) always picks the "canonical" option. The empty input
 * therefore yields a valid token for the flat policy, and hand-written seeds stay readable.
 */
class PartnerTokenVerifierFuzzTest {

    /** Flat claims: {@code sub}, {@code email}; audience required; skew 30 s, lifetime 300 s. */
    private static final PartnerPolicy FLAT = PartnerFixtures.policy();

    /** Nested claims under {@code user}, jti required. Same issuer, key and audience as {@link #FLAT}. */
    private static final PartnerPolicy NESTED = PartnerFixtures.policyWith(
            PartnerPolicy.USER_ID_CLAIM, "user.uuid",
            PartnerPolicy.EMAIL_CLAIM, "user.email",
            PartnerPolicy.PICTURE_CLAIM, "user.picture_url",
            PartnerPolicy.TERMS_CLAIM, "user.accept_terms_and_policies",
            PartnerPolicy.REQUIRE_JTI, "true");

    /** No audience, key rotation (previous secret accepted), no skew, one-day lifetime. */
    private static final PartnerPolicy ROTATING = PartnerFixtures.policyWith(
            PartnerPolicy.AUDIENCE, null,
            PartnerPolicy.PREVIOUS_SECRET, PREVIOUS_SECRET,
            PartnerPolicy.CLOCK_SKEW, "0",
            PartnerPolicy.MAX_TOKEN_LIFETIME, "86400");

    private static final List<PartnerPolicy> RAW_TOKEN_POLICIES = List.of(FLAT, NESTED);

    /** An independent, lenient JSON parser (duplicates: last wins) used as the oracle for accepted tokens. */
    private static final ObjectMapper ORACLE = new ObjectMapper();

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    // ---------------------------------------------------------------------------------------------------------------
    // 1. Arbitrary strings
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Any string: {@code verify} returns or throws {@link TokenRejectedException}, nothing else. A token is only
     * accepted if it carries the genuine HMAC of our own key over its signing input (i.e. our signer made it).
     */
    @DictionaryEntries({"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJub25lIn0",
            "eyJ", "In0", "fQ", ".", "-", "_"})
    @FuzzTest(maxDuration = "60s")
    void rawTokens(FuzzedDataProvider data) {
        String token = data.consumeRemainingAsString();
        for (PartnerPolicy policy : RAW_TOKEN_POLICIES) {
            try {
                VerifiedPartnerToken verified = PartnerTokenVerifier.verify(token, policy, NOW);
                int lastDot = token.lastIndexOf('.');
                String signingInput = token.substring(0, lastDot);
                if (!token.equals(signingInput + "." + TestTokens.sign(signingInput, KEY))) {
                    throw new IllegalStateException("accepted a token that our signer did not produce: " + token);
                }
                check(verified != null && ISS.equals(verified.issuer()), "accepted token without the issuer");
            } catch (TokenRejectedException e) {
                checkRejection(e, token, policy);
            }
        }
        try {
            String issuer = PartnerTokenVerifier.peekIssuer(token);
            check(issuer != null, "peekIssuer returned null");
        } catch (TokenRejectedException e) {
            checkRejection(e, token, null);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. Structure-aware: fuzzer-built header and claims, signed with the real key
    // ---------------------------------------------------------------------------------------------------------------

    private static final String[] FORBIDDEN = {
        "crit", "jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256", "cty", "enc", "zip", "b64", "p2s", "p2c"};

    private static final String[] HEADER_NAMES = {
        "alg", "typ", "kid", "crit", "b64", "cty", "zip", "enc", "jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256",
        "p2s", "p2c", "epk", "url", "nonce", "iss", "exp", "ALG", "Alg", "crit "};

    private static final String[] CLAIM_NAMES = {
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "email", "user", "uuid", "given_name", "family_name",
        "picture", "intended_url", "accept_terms_and_policies", "ISS", "Exp", "__proto__", "", " ", "iss\u0000"};

    private static final long[] TIME_DELTAS = {
        -86400, -331, -31, -30, -29, -1, 0, 1, 29, 30, 31, 120, 299, 300, 301, 329, 330, 331, 86399, 86400, 86401};

    /**
     * Builds a JOSE header and a claims set from the fuzzer's choices, signs them with HMAC-SHA256 (normally with the
     * real policy key, so the signature is valid) and verifies. If the token is accepted, every rule of the partner
     * profile must hold on an independent parse of what was signed.
     */
    @FuzzTest(maxDuration = "60s")
    void signedStructures(FuzzedDataProvider data) throws IOException {
        Choices c = new Choices(data.consumeRemainingAsBytes());

        PartnerPolicy policy;
        switch (c.pick(4)) {
            case 0 -> policy = FLAT;
            case 1 -> policy = NESTED;
            case 2 -> policy = ROTATING;
            default -> {
                try {
                    String alias = c.oneOfOrText(12, "fuzz", "  ", null);
                    policy = PartnerPolicy.fromConfig(alias, fuzzedConfig(c));
                } catch (InvalidPartnerConfigException e) {
                    check(e.key() != null && !e.getMessage().contains(SECRET), "config error leaks or lacks a key");
                    return;
                }
            }
        }
        byte[] signingKey = switch (c.pick(6)) {
            case 4 -> PREVIOUS_KEY;
            case 5 -> OTHER_KEY;
            default -> policy.secrets().get(0);
        };

        Generated header = header(c);
        Generated claims = claims(c, policy);
        String signingInput = TestTokens.b64(header.bytes) + "." + TestTokens.b64(claims.bytes);
        String token = signingInput + "." + TestTokens.sign(signingInput, signingKey);

        VerifiedPartnerToken verified;
        try {
            verified = PartnerTokenVerifier.verify(token, policy, NOW);
        } catch (TokenRejectedException e) {
            checkRejection(e, token, policy);
            return;
        }
        checkAccepted(policy, signingKey, header, claims, token, verified);
    }

    private static void checkAccepted(PartnerPolicy policy, byte[] signingKey, Generated header, Generated claims,
            String token, VerifiedPartnerToken verified) throws IOException {
        check(verified != null, "verify returned null");
        check(policy.secrets().stream().anyMatch(k -> Arrays.equals(k, signingKey)),
                "accepted a token signed with a key the policy does not have");
        check(!header.duplicate, "accepted a header with a duplicate member");
        check(!claims.duplicate, "accepted claims with a duplicate member");

        Map<String, Object> h = oracleParse(header.bytes, "header");
        check("HS256".equals(h.get("alg")), "accepted alg other than HS256: " + h.get("alg"));
        for (String param : FORBIDDEN) {
            check(!h.containsKey(param), "accepted forbidden header parameter " + param);
        }
        check(!h.containsKey("typ") || (h.get("typ") instanceof String typ && typ.equalsIgnoreCase("JWT")),
                "accepted typ " + h.get("typ"));

        Map<String, Object> p = oracleParse(claims.bytes, "claims");
        check(policy.issuer().equals(p.get("iss")), "accepted iss " + p.get("iss"));
        check(policy.issuer().equals(verified.issuer()), "returned issuer differs");

        BigInteger now = BigInteger.valueOf(NOW.getEpochSecond());
        BigInteger skew = BigInteger.valueOf(policy.clockSkewSeconds());
        check(p.containsKey("exp"), "accepted a token without exp");
        BigInteger exp = integral(p.get("exp"), "exp");
        check(now.compareTo(exp.add(skew)) <= 0, "accepted an expired token: exp=" + exp);
        BigInteger latest = now.add(skew).add(BigInteger.valueOf(policy.maxTokenLifetimeSeconds()));
        // A bound at or beyond Long.MAX_VALUE seconds means "no lifetime limit" (the verifier saturates).
        check(latest.compareTo(LONG_MAX) >= 0 || exp.compareTo(latest) <= 0,
                "accepted a lifetime beyond the maximum: exp=" + exp);
        long expSeconds = exp.min(BigInteger.valueOf(Instant.MAX.getEpochSecond())).longValueExact();
        check(Instant.ofEpochSecond(expSeconds).equals(verified.expiresAt()), "expiresAt differs from exp");
        for (String name : List.of("nbf", "iat")) {
            if (p.containsKey(name)) {
                check(integral(p.get(name), name).compareTo(now.add(skew)) <= 0, "accepted future " + name);
            }
        }

        if (policy.audience() != null) {
            Object aud = p.get("aud");
            boolean ok = policy.audience().equals(aud) || (aud instanceof List<?> list
                    && list.stream().allMatch(String.class::isInstance) && list.contains(policy.audience()));
            check(ok, "accepted aud " + aud);
        }

        if (policy.requireJti()) {
            check(verified.jti() != null, "accepted a token without jti although jti is required");
        }
        if (verified.jti() != null) {
            check(verified.jti().equals(p.get("jti")) && !verified.jti().isEmpty() && verified.jti().length() <= 255,
                    "jti differs or is out of bounds");
        }

        String userId = verified.userId();
        check(userId != null && !userId.isBlank() && userId.length() <= 255, "bad userId " + userId);
        check(userId.codePoints().noneMatch(Character::isISOControl), "userId with control characters");
        Object rawId = resolve(p, policy.userIdClaim().segments());
        check(userId.equals(rawId instanceof String s ? s : String.valueOf(integralOrNull(rawId))),
                "userId differs from the claim");

        String email = verified.email();
        if (email != null) {
            check(policy.emailClaim() != null, "email without an email claim");
            check(email.equals(email.toLowerCase(Locale.ROOT)), "email not lower-case: " + email);
            int at = email.indexOf('@');
            check(at > 0 && at == email.lastIndexOf('@') && at < email.length() - 1,
                    "email without exactly one inner '@': " + email);
            check(email.codePoints().noneMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp)
                    || Character.isISOControl(cp)), "email with white space or control characters");
            Object rawEmail = resolve(p, policy.emailClaim().segments());
            check(rawEmail instanceof String s && s.trim().toLowerCase(Locale.ROOT).equals(email),
                    "email differs from the claim");
        }
        if (verified.pictureUrl() != null) {
            String url = verified.pictureUrl().toLowerCase(Locale.ROOT);
            check(url.startsWith("http://") || url.startsWith("https://"), "picture URL not http(s)");
        }
        check(verified.replayKey() != null && verified.replayKey().matches("[0-9a-f]{64}"), "bad replay key");
        check(token.length() <= PartnerTokenVerifier.MAX_TOKEN_LENGTH, "accepted an over-long token");
    }

    /** A partner configuration with fuzzer-chosen values (issuer and current secret mostly valid). */
    private static Map<String, String> fuzzedConfig(Choices c) {
        Map<String, String> config = new HashMap<>();
        putIfNotNull(config, PartnerPolicy.ISSUER, c.oneOfOrText(40, ISS, " " + ISS + " ", " "));
        putIfNotNull(config, PartnerPolicy.SECRET, c.pick(8) == 7 ? "short-secret" : SECRET);
        putIfNotNull(config, PartnerPolicy.PREVIOUS_SECRET, c.oneOfOrText(64, null, PREVIOUS_SECRET));
        putIfNotNull(config, PartnerPolicy.AUDIENCE, c.oneOfOrText(40, AUD, null, "  "));
        putIfNotNull(config, PartnerPolicy.CLOCK_SKEW,
                c.oneOfOrText(8, "30", null, "0", "600", "601", "-1", "99999999999999999999"));
        putIfNotNull(config, PartnerPolicy.MAX_TOKEN_LIFETIME,
                c.oneOfOrText(8, "300", null, "1", "0", "9223372036854775807", "86400", "9223372036854775808"));
        putIfNotNull(config, PartnerPolicy.REQUIRE_JTI, c.oneOfOrText(6, null, "true", "FALSE"));
        putIfNotNull(config, PartnerPolicy.USER_ID_CLAIM,
                c.oneOfOrText(24, null, "sub", "user.uuid", "a.b.c.d", ".x", "x..y", "aud", "exp"));
        putIfNotNull(config, PartnerPolicy.EMAIL_CLAIM, c.oneOfOrText(24, null, "email", "user.email", "sub"));
        putIfNotNull(config, PartnerPolicy.FIRST_NAME_CLAIM, c.oneOfOrText(24, null, "user.first"));
        putIfNotNull(config, PartnerPolicy.PICTURE_CLAIM, c.oneOfOrText(24, null, "pic"));
        putIfNotNull(config, PartnerPolicy.TERMS_CLAIM, c.oneOfOrText(24, null, "terms"));
        putIfNotNull(config, PartnerPolicy.INTENDED_URL_CLAIM, c.oneOfOrText(24, null, "url"));
        return config;
    }

    private static void putIfNotNull(Map<String, String> config, String key, String value) {
        if (value != null) {
            config.put(key, value);
        }
    }

    /** The JOSE header: canonical {@code {"alg":"HS256","typ":"JWT"}} for all-zero choices. */
    private static Generated header(Choices c) {
        if (c.pick(32) == 31) { // completely free-form header text
            return new Generated(c.rawBytes(300), false);
        }
        Obj h = new Obj();
        String alg = switch (c.pick(16)) {
            case 0 -> q("HS256");
            case 1 -> null;
            case 2 -> q("none");
            case 3 -> q("HS384");
            case 4 -> q("HS512");
            case 5 -> q("RS256");
            case 6 -> q("hs256");
            case 7 -> q("HS256 ");
            case 8 -> q(" HS256");
            case 9 -> q("HS256\u0000");
            case 10 -> escapedAll("HS256");
            case 11 -> "[\"HS256\"]";
            case 12 -> "null";
            case 13 -> "256";
            case 14 -> q(c.text(12));
            default -> "{\"alg\":\"HS256\"}";
        };
        h.set("alg", alg);
        h.set("typ", switch (c.pick(8)) {
            case 0 -> q("JWT");
            case 1 -> null;
            case 2 -> q("jwt");
            case 3 -> q("at+jwt");
            case 4 -> q("JOSE");
            case 5 -> "1";
            case 6 -> "null";
            default -> q(c.text(8));
        });
        h.set("kid", switch (c.pick(4)) {
            case 0 -> null;
            case 1 -> q("k1");
            case 2 -> q(c.text(16));
            default -> value(c, 2);
        });
        if (c.pick(4) == 1) {
            String param = FORBIDDEN[c.pick(FORBIDDEN.length)];
            h.set(param, param.equals("crit")
                    ? c.oneOf("[\"b64\"]", "[\"exp\"]", "[]", "\"b64\"", "[\"crit\"]")
                    : c.pick(2) == 0 ? c.oneOf("false", "true", "\"x\"", "{}", "[]", "null") : value(c, 2));
        }
        for (int i = c.pick(4); i > 0; i--) {
            h.set(c.pick(2) == 0 ? HEADER_NAMES[c.pick(HEADER_NAMES.length)] : c.text(10), value(c, 3));
        }
        return h.finish(c);
    }

    /** The claims: canonical valid claims for the policy when all choices are zero. */
    private static Generated claims(Choices c, PartnerPolicy policy) {
        if (c.pick(32) == 31) {
            return new Generated(c.rawBytes(600), false);
        }
        Obj p = new Obj();
        p.set("iss", switch (c.pick(12)) {
            case 0 -> q(policy.issuer());
            case 1 -> null;
            case 2 -> q(policy.issuer() + "/");
            case 3 -> q(policy.issuer().toUpperCase(Locale.ROOT));
            case 4 -> q(" " + policy.issuer());
            case 5 -> "[" + q(policy.issuer()) + "]";
            case 6 -> "null";
            case 7 -> "42";
            case 8 -> q(c.text(30));
            case 9 -> escapedAll(policy.issuer());
            case 10 -> q(policy.issuer() + "\u0000");
            default -> "{}";
        });
        p.set("exp", timeValue(c, T + 120, false));
        p.set("iat", timeValue(c, T, true));
        p.set("nbf", c.pick(2) == 0 ? null : timeValue(c, T, true));
        String aud = policy.audience() == null ? "https://kc.example/realms/r" : policy.audience();
        p.set("aud", switch (c.pick(13)) {
            case 0 -> policy.audience() == null ? null : q(aud);
            case 1 -> null;
            case 2 -> "[" + q(aud) + "]";
            case 3 -> "[" + q(aud) + ",\"other\"]";
            case 4 -> "[\"other\"," + q(aud) + "]";
            case 5 -> "[" + q(aud) + ",1]";
            case 6 -> "[\"other\"]";
            case 7 -> q("other");
            case 8 -> q(aud.toUpperCase(Locale.ROOT));
            case 9 -> "[]";
            case 10 -> "null";
            case 11 -> "[[" + q(aud) + "]]";
            default -> value(c, 3);
        });
        p.set("jti", switch (c.pick(8)) {
            case 0 -> q("jti-1");
            case 1 -> null;
            case 2 -> q("");
            case 3 -> q("j".repeat(255));
            case 4 -> q("j".repeat(256));
            case 5 -> "7";
            case 6 -> q(c.text(20));
            default -> "null";
        });
        p.put(policy.userIdClaim(), switch (c.pick(16)) {
            case 0 -> q("user-1");
            case 1 -> null;
            case 2 -> Long.toString(c.fuzzLong());
            case 3 -> "9".repeat(255);
            case 4 -> "-" + "9".repeat(255);
            case 5 -> q("");
            case 6 -> q(" \t ");
            case 7 -> q("\u0000x");
            case 8 -> q("\u00a0");
            case 9 -> q("u".repeat(255));
            case 10 -> q("u".repeat(256));
            case 11 -> q(c.text(40));
            case 12 -> "null";
            case 13 -> "true";
            case 14 -> "{}";
            default -> "1.5";
        });
        if (policy.emailClaim() != null) {
            p.put(policy.emailClaim(), switch (c.pick(16)) {
                case 0 -> q("User@Example.COM");
                case 1 -> null;
                case 2 -> q(" a@b.example ");
                case 3 -> q("a@@b");
                case 4 -> q("@b");
                case 5 -> q("a@");
                case 6 -> q("a b@c");
                case 7 -> q("\u0130NFO@x.example");
                case 8 -> q("a".repeat(240) + "@example.com");
                case 9 -> q("a".repeat(243) + "@example.com");
                case 10 -> "12";
                case 11 -> "null";
                case 12 -> q(c.text(30));
                case 13 -> q("a@b\u2028c");
                case 14 -> q("\u00a0a@b.c");
                default -> q(c.text(10) + "@" + c.text(10));
            });
        }
        for (ClaimPath name : new ClaimPath[] {policy.firstNameClaim(), policy.lastNameClaim()}) {
            if (name != null) {
                p.put(name, switch (c.pick(6)) {
                    case 0 -> null;
                    case 1 -> q("Ann");
                    case 2 -> q("n".repeat(256));
                    case 3 -> "3";
                    case 4 -> "null";
                    default -> q(c.text(20));
                });
            }
        }
        if (policy.pictureClaim() != null) {
            p.put(policy.pictureClaim(), switch (c.pick(8)) {
                case 0 -> null;
                case 1 -> q("https://img.example/p.jpg");
                case 2 -> q("javascript:alert(1)");
                case 3 -> q("http://");
                case 4 -> q("//img.example/x");
                case 5 -> q("HTTPS://X");
                case 6 -> "5";
                default -> q(c.text(30));
            });
        }
        if (policy.termsClaim() != null) {
            p.put(policy.termsClaim(), c.oneOf(null, "true", "false", q("true"), "1"));
        }
        if (policy.intendedUrlClaim() != null) {
            p.put(policy.intendedUrlClaim(), switch (c.pick(4)) {
                case 0 -> null;
                case 1 -> q("https://app.example/x");
                case 2 -> "4";
                default -> q(c.text(40));
            });
        }
        for (int i = c.pick(6); i > 0; i--) {
            p.set(c.pick(2) == 0 ? CLAIM_NAMES[c.pick(CLAIM_NAMES.length)] : c.text(12), value(c, 4));
        }
        if (c.pick(8) == 1) {
            p.set("deep", deep(c, c.pick(24)));
        }
        return p.finish(c);
    }

    /** A time claim: {@code canonical} for choice 0, absent for 1 when optional, else an edge value. */
    private static String timeValue(Choices c, long canonical, boolean optional) {
        return switch (c.pick(16)) {
            case 0 -> Long.toString(canonical);
            case 1 -> optional ? null : Long.toString(T + TIME_DELTAS[c.pick(TIME_DELTAS.length)]);
            case 2 -> Long.toString(T + TIME_DELTAS[c.pick(TIME_DELTAS.length)]);
            case 3 -> Long.toString(T + c.pick(2001) - 1000);
            case 4 -> canonical + ".0";
            case 5 -> new BigDecimal(canonical).movePointLeft(9).toPlainString() + "E9";
            case 6 -> q(Long.toString(canonical));
            case 7 -> Long.toString(Long.MAX_VALUE);
            case 8 -> Long.toString(Long.MIN_VALUE);
            case 9 -> "9".repeat(1 + c.pick(40));
            case 10 -> "-" + "9".repeat(1 + c.pick(40));
            case 11 -> "null";
            case 12 -> "true";
            case 13 -> Long.toString(c.fuzzLong());
            case 14 -> canonical + "0e-1";
            default -> "-0";
        };
    }

    /** A random JSON value; may also be broken raw text. */
    private static String value(Choices c, int depth) {
        switch (c.pick(depth > 0 ? 13 : 10)) {
            case 0:
                return q(c.text(20));
            case 1:
                return Long.toString(T + TIME_DELTAS[c.pick(TIME_DELTAS.length)]);
            case 2:
                return Long.toString(c.fuzzLong());
            case 3:
                return (c.pick(2) == 0 ? "" : "-") + "9".repeat(1 + c.pick(60));
            case 4:
                return c.oneOf("1.5", "-0.0", "1e308", "1e309", "4.9e-324", "1E400", "0.1e-400", "2.5e+3");
            case 5:
                return c.pick(2) == 0 ? "true" : "false";
            case 6:
                return "null";
            case 7:
                return c.text(16); // raw, probably not JSON
            case 8:
                return escapedAll(c.text(12));
            case 9:
                return deep(c, c.pick(24));
            case 10: {
                StringBuilder array = new StringBuilder("[");
                for (int i = c.pick(4); i > 0; i--) {
                    array.append(value(c, depth - 1)).append(i > 1 ? "," : "");
                }
                return array.append(']').toString();
            }
            case 11: {
                Obj object = new Obj();
                for (int i = c.pick(4); i > 0; i--) {
                    object.set(c.pick(2) == 0 ? CLAIM_NAMES[c.pick(CLAIM_NAMES.length)] : c.text(8),
                            value(c, depth - 1));
                }
                return object.render(c);
            }
            default:
                return q(c.text(4) + c.oneOf("\"", "\\", "\ud800", "\u2028", "\u0000", "\uffff", "\ud83d\ude00"));
        }
    }

    /** {@code levels} nested arrays/objects around a scalar (the strict parser allows 16 levels in total). */
    private static String deep(Choices c, int levels) {
        boolean objects = c.pick(2) == 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            sb.append(objects ? "{\"a\":" : "[");
        }
        sb.append('1');
        for (int i = 0; i < levels; i++) {
            sb.append(objects ? '}' : ']');
        }
        return sb.toString();
    }

    /** A serialised header or claims set, and whether a duplicate member was deliberately inserted. */
    private record Generated(byte[] bytes, boolean duplicate) {
    }

    /** An ordered JSON object whose member values are raw JSON text (or nested {@link Obj}). */
    private static final class Obj {
        private final List<String> names = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();
        private boolean duplicate;

        /** Sets (or, for a null value, removes) a top-level member. */
        void set(String name, Object rawJson) {
            int i = names.indexOf(name);
            if (rawJson == null) {
                if (i >= 0) {
                    names.remove(i);
                    values.remove(i);
                }
            } else if (i >= 0) {
                values.set(i, rawJson);
            } else {
                names.add(name);
                values.add(rawJson);
            }
        }

        /** Sets the member at a claim path, creating (or replacing non-objects by) nested objects on the way. */
        void put(ClaimPath path, String rawJson) {
            Obj current = this;
            List<String> segments = path.segments();
            for (int s = 0; s < segments.size() - 1; s++) {
                int i = current.names.indexOf(segments.get(s));
                if (i >= 0 && current.values.get(i) instanceof Obj nested) {
                    current = nested;
                } else {
                    if (rawJson == null) {
                        return;
                    }
                    Obj nested = new Obj();
                    current.set(segments.get(s), nested);
                    current = nested;
                }
            }
            current.set(segments.get(segments.size() - 1), rawJson);
        }

        /** Optional duplicate insertion, member rotation and white space, then UTF-8 with optional corruption. */
        Generated finish(Choices c) {
            List<Obj> objects = new ArrayList<>();
            collect(objects);
            if (c.pick(6) == 1) {
                Obj target = objects.get(c.pick(objects.size()));
                if (!target.names.isEmpty()) {
                    String name = target.names.get(c.pick(target.names.size()));
                    Object value = c.pick(2) == 0 ? target.values.get(target.names.indexOf(name)) : value(c, 2);
                    target.names.add(c.pick(2) == 0 ? name : "\0escaped\0" + name);
                    target.values.add(value);
                    target.duplicate = true;
                }
            }
            if (c.pick(4) == 1 && names.size() > 1) {
                int by = c.pick(names.size());
                Collections.rotate(names, by);
                Collections.rotate(values, by);
            }
            String json = render(c);
            boolean duplicate = objects.stream().anyMatch(o -> o.duplicate);
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            switch (c.pick(16)) {
                case 1 -> {
                    // random bytes anywhere: may also turn the duplicate key into a different one
                    bytes = splice(bytes, c.pick(bytes.length + 1), c.rawBytes(8));
                    duplicate = false;
                }
                case 2 -> bytes = splice(bytes, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                case 3 -> bytes = splice(bytes, bytes.length, c.oneOf(" ", "\n", "x", "}", "{}", "\u0000")
                        .getBytes(StandardCharsets.UTF_8));
                default -> {
                }
            }
            return new Generated(bytes, duplicate);
        }

        private void collect(List<Obj> into) {
            into.add(this);
            for (Object value : values) {
                if (value instanceof Obj nested) {
                    nested.collect(into);
                }
            }
        }

        String render(Choices c) {
            String ws = switch (c.pick(4)) {
                case 1 -> " ";
                case 2 -> "\n\t ";
                case 3 -> "\r\n";
                default -> "";
            };
            StringBuilder sb = new StringBuilder("{").append(ws);
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    sb.append(',').append(ws);
                }
                String name = names.get(i);
                sb.append(name.startsWith("\0escaped\0") ? escapedAll(name.substring(9)) : q(name));
                sb.append(ws).append(':').append(ws);
                Object value = values.get(i);
                sb.append(value instanceof Obj nested ? nested.render(c) : value);
            }
            return sb.append(ws).append('}').toString();
        }
    }

    private static byte[] splice(byte[] bytes, int at, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.write(insert, 0, insert.length);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. Claim paths
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Random path strings and random nested structures: {@link ClaimPath#parse} throws only
     * {@link IllegalArgumentException}, exactly for blank paths and empty segments; {@code resolve} never throws and
     * finds a value planted at the path.
     */
    @FuzzTest(maxDuration = "60s")
    void claimPaths(FuzzedDataProvider data) {
        Choices c = new Choices(data.consumeRemainingAsBytes());
        String path = switch (c.pick(8)) {
            case 0 -> "user.uuid";
            case 1 -> "sub";
            case 2 -> "a.b.c.d.e.f.g.h.i.j";
            case 3 -> c.pick(2) == 0 ? null : "";
            case 4 -> "x.".repeat(c.pick(300)) + "x";
            default -> c.text(60);
        };
        boolean valid = path != null && !path.isBlank() && !path.startsWith(".") && !path.endsWith(".")
                && !path.contains("..");
        ClaimPath parsed;
        try {
            parsed = ClaimPath.parse(path);
        } catch (IllegalArgumentException e) {
            check(!valid, "valid path refused: " + path);
            return;
        }
        check(valid, "invalid path accepted: " + path);
        check(parsed.toString().equals(path) && String.join(".", parsed.segments()).equals(path),
                "segments do not join back to the path");
        check(parsed.segments().stream().noneMatch(String::isEmpty), "empty segment");
        check(parsed.equals(ClaimPath.parse(path)) && parsed.hashCode() == ClaimPath.parse(path).hashCode(),
                "equals/hashCode inconsistent");

        Map<String, Object> claims = new HashMap<>(randomMap(c, 4));
        Object planted = null;
        if (c.pick(2) == 0) {
            planted = c.pick(2) == 0 ? "value-" + c.pick(100) : randomLeafNonNull(c);
            plant(claims, parsed.segments(), planted, c);
        }
        Optional<Object> resolved = parsed.resolve(claims);
        check(resolved != null, "resolve returned null");
        resolved.ifPresent(v -> check(v != null, "resolved a null value"));
        if (planted != null) {
            check(resolved.isPresent() && resolved.get() == planted, "planted value not resolved");
        }
        for (Map<String, Object> other : List.<Map<String, Object>>of(Map.of(), Collections.emptyMap(),
                Collections.unmodifiableMap(claims), selfReferencing())) {
            check(parsed.resolve(other) != null, "resolve returned null");
        }
    }

    private static Map<String, Object> selfReferencing() {
        Map<String, Object> map = new HashMap<>();
        map.put("a", map);
        map.put("user", map);
        map.put("x", map);
        return map;
    }

    private static Map<String, Object> randomMap(Choices c, int depth) {
        Map<String, Object> map = c.pick(2) == 0 ? new LinkedHashMap<>() : new HashMap<>();
        for (int i = c.pick(5); i > 0; i--) {
            String key = c.pick(2) == 0 ? CLAIM_NAMES[c.pick(CLAIM_NAMES.length)] : c.text(8);
            map.put(key, depth > 0 && c.pick(3) == 0 ? randomMap(c, depth - 1) : randomLeaf(c, depth));
        }
        return c.pick(4) == 1 ? Collections.unmodifiableMap(map) : map;
    }

    private static Object randomLeaf(Choices c, int depth) {
        return switch (c.pick(9)) {
            case 0 -> c.text(10);
            case 1 -> c.fuzzLong();
            case 2 -> new BigInteger("9".repeat(30));
            case 3 -> 1.5d;
            case 4 -> Boolean.TRUE;
            case 5 -> null;
            case 6 -> depth > 0 ? List.of(randomLeafNonNull(c), Map.of("k", "v")) : List.of();
            case 7 -> new Object();
            default -> Map.of("uuid", "u", "email", "e@x");
        };
    }

    private static Object randomLeafNonNull(Choices c) {
        Object leaf = randomLeaf(c, 0);
        return leaf == null ? "n" : leaf;
    }

    /** Puts {@code value} at {@code segments}, replacing whatever is in the way by mutable maps. */
    @SuppressWarnings("unchecked")
    private static void plant(Map<String, Object> claims, List<String> segments, Object value, Choices c) {
        Map<String, Object> current = claims;
        for (int i = 0; i < segments.size() - 1; i++) {
            Object next = current.get(segments.get(i));
            if (!(next instanceof HashMap<?, ?>)) {
                next = c.pick(2) == 0 ? new LinkedHashMap<String, Object>() : new HashMap<String, Object>();
                putInto(current, segments.get(i), next);
            }
            current = (Map<String, Object>) next;
        }
        putInto(current, segments.get(segments.size() - 1), value);
    }

    private static void putInto(Map<String, Object> map, String key, Object value) {
        try {
            map.put(key, value);
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("test bug: plant into an unmodifiable map");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. Strict JSON
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Random bytes: {@link StrictJson#parseStrictJsonObject} returns a map or throws its
     * {@link StrictJson.MalformedJsonException} (without a cause). An accepted document has only the documented value
     * types, at most 16 levels, and parses to the same tree with a lenient parser.
     */
    @DictionaryEntries({"{\"", "\":", "\"alg\"", "\"HS256\"", "\"iss\"", "\"exp\"", "\\u00", "\\ud800", "null",
            "true", "1e400", "[", "{", "\ufeff"})
    @FuzzTest(maxDuration = "60s")
    void strictJson(FuzzedDataProvider data) throws IOException {
        byte[] bytes = data.consumeRemainingAsBytes();
        Map<String, Object> parsed;
        try {
            parsed = StrictJson.parseStrictJsonObject(bytes);
        } catch (StrictJson.MalformedJsonException e) {
            check(e.getCause() == null && e.getMessage() != null, "malformed-JSON exception chains or lacks text");
            return;
        }
        check(parsed != null, "null result");
        checkTypes(parsed, 1);
        Map<String, Object> lenient = oracleParse(bytes, "strict-accepted JSON");
        check(normalize(parsed).equals(normalize(lenient)), "strict and lenient parses differ");
        try {
            parsed.put("x", 1);
            throw new IllegalStateException("result is modifiable");
        } catch (UnsupportedOperationException expected) {
            // documented: unmodifiable
        }
    }

    private static void checkTypes(Object value, int depth) {
        check(depth <= StrictJson.MAX_NESTING_DEPTH, "nesting deeper than allowed");
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                check(entry.getKey() instanceof String, "non-string key");
                if (entry.getValue() instanceof Map<?, ?> || entry.getValue() instanceof List<?>) {
                    checkTypes(entry.getValue(), depth + 1);
                } else {
                    checkTypes(entry.getValue(), depth);
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object element : list) {
                checkTypes(element, element instanceof Map<?, ?> || element instanceof List<?> ? depth + 1 : depth);
            }
        } else if (!(value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof BigInteger || value instanceof Double || value instanceof BigDecimal)) {
            throw new IllegalStateException("undocumented value type " + value.getClass());
        }
    }

    /** Numbers to BigInteger / Double, containers to plain lists and linked maps. */
    private static Object normalize(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, normalize(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(normalize(v)));
            return out;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return new BigInteger(value.toString());
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.doubleValue();
        }
        return value;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Shared helpers
    // ---------------------------------------------------------------------------------------------------------------

    private static void check(boolean condition, String violation) {
        if (!condition) {
            throw new IllegalStateException(violation);
        }
    }

    /**
     * A rejection carries an error code, a message and no chained cause; the message holds neither a secret nor a
     * token segment (checked for segments of 16+ characters, after removing the policy's own claim paths, which
     * messages may name).
     */
    private static void checkRejection(TokenRejectedException e, String token, PartnerPolicy policy) {
        check(e.error() != null, "rejection without a TokenError");
        check(e.getCause() == null, "rejection chains a cause");
        String message = e.getMessage();
        check(message != null && !message.isBlank(), "rejection without a message");
        check(!message.contains(SECRET) && !message.contains(PREVIOUS_SECRET), "rejection message leaks a secret");
        if (policy != null) {
            for (ClaimPath path : new ClaimPath[] {policy.userIdClaim(), policy.emailClaim(),
                    policy.firstNameClaim(), policy.lastNameClaim(), policy.pictureClaim(), policy.termsClaim(),
                    policy.intendedUrlClaim()}) {
                message = path == null ? message : message.replace(path.toString(), "");
            }
        }
        if (token != null) {
            for (String part : token.split("\\.")) {
                check(part.length() < 16 || !message.contains(part), "rejection message leaks token content");
            }
        }
    }

    /** Lenient parse of a document the verifier accepted; must not fail. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> oracleParse(byte[] json, String what) {
        try {
            return ORACLE.readValue(new String(json, StandardCharsets.UTF_8), LinkedHashMap.class);
        } catch (IOException e) {
            throw new IllegalStateException("accepted " + what + " that a lenient JSON parser refuses", e);
        }
    }

    private static BigInteger integral(Object value, String name) {
        BigInteger integer = integralOrNull(value);
        check(integer != null, "accepted non-integer " + name + ": " + value);
        return integer;
    }

    private static BigInteger integralOrNull(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return new BigInteger(value.toString());
        }
        return null;
    }

    private static Object resolve(Map<String, Object> claims, List<String> segments) {
        Object current = claims;
        for (String segment : segments) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(segment);
        }
        return current;
    }

    /** A JSON string literal with the mandatory escapes. */
    private static String q(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch < 0x20) {
                sb.append(String.format("\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }

    /** A JSON string literal with every character written as a {@code \\uXXXX} escape. */
    private static String escapedAll(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            sb.append(String.format("\\u%04x", (int) text.charAt(i)));
        }
        return sb.append('"').toString();
    }

    /**
     * Reads fuzzer bytes front to back. {@link #pick} uses one byte (two above 256 options); when the input is
     * exhausted every read returns 0 / empty, so a short input completes with the canonical choices.
     */
    static final class Choices {
        private final byte[] in;
        private int pos;

        Choices(byte[] in) {
            this.in = in;
        }

        private int nextByte() {
            return pos < in.length ? in[pos++] & 0xff : 0;
        }

        /** A choice in {@code [0, n)}. */
        int pick(int n) {
            if (n <= 1) {
                return 0;
            }
            int raw = n <= 256 ? nextByte() : (nextByte() << 8) | nextByte();
            return raw % n;
        }

        /** One of the options; an option given as null means "absent". */
        String oneOf(String... options) {
            return options[pick(options.length)];
        }

        /** One of the options, or (as one extra choice) free text of up to {@code maxBytes}. */
        String oneOfOrText(int maxBytes, String... options) {
            int choice = pick(options.length + 1);
            return choice < options.length ? options[choice] : text(maxBytes);
        }

        long fuzzLong() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | nextByte();
            }
            return value;
        }

        /** Up to {@code maxBytes} raw bytes, length-prefixed. */
        byte[] rawBytes(int maxBytes) {
            int length = Math.min(pick(maxBytes + 1), in.length - Math.min(pos, in.length));
            byte[] out = Arrays.copyOfRange(in, pos, pos + length);
            pos += length;
            return out;
        }

        /** Length-prefixed text, decoded as UTF-8 (malformed bytes become U+FFFD). */
        String text(int maxBytes) {
            return new String(rawBytes(maxBytes), StandardCharsets.UTF_8);
        }
    }
}
