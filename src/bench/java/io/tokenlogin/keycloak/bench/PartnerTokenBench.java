package io.tokenlogin.keycloak.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.tokenlogin.keycloak.partner.PartnerPolicy;
import io.tokenlogin.keycloak.partner.PartnerTokenVerifier;
import io.tokenlogin.keycloak.partner.VerifiedPartnerToken;
import io.tokenlogin.keycloak.signer.PartnerTokenSigner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Our strict token policy ({@link PartnerTokenVerifier#verify}) against bare nimbus {@link DefaultJWTProcessor} on the
 * SAME token, for the nested (Publica.la) and the flat (Invoiced) shape. Both sides check the HS256 signature, exp
 * (with 30 s skew), iss and, for the nested token, aud and jti; time is fixed at {@link #NOW} on both sides.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PartnerTokenBench {

    static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    static final String ISSUER = "https://partner.example";
    static final String AUDIENCE = "https://kc.example/realms/demo";
    static final String SECRET = "bench-secret-0123456789abcdef-0123456789abcdef";
    static final int SKEW_SECONDS = 30;

    String nestedToken;
    String flatToken;
    PartnerPolicy nestedPolicy;
    PartnerPolicy flatPolicy;
    DefaultJWTProcessor<SecurityContext> nestedNimbus;
    DefaultJWTProcessor<SecurityContext> flatNimbus;

    @Setup
    public void setUp() throws Exception {
        PartnerTokenSigner signer = new PartnerTokenSigner(ISSUER, SECRET).withClock(Clock.fixed(NOW, ZoneOffset.UTC));
        nestedToken = signer.nested()
                .userUuid("7f2c1e8a-4b7d-4a51-9a3e-2f1c0d9b8e77")
                .email("Reader@Example.com")
                .pictureUrl("https://cdn.example/avatars/7f2c1e8a.png")
                .acceptTermsAndPolicies(true)
                .audience(AUDIENCE)
                .jti("b9d4a2f0-3c1e-4e8b-a6f7-0d2c5e9f1a34")
                .ttlSeconds(300)
                .sign();
        flatToken = signer.generateSignInToken(1234, 300);

        Map<String, String> nested = new HashMap<>();
        nested.put(PartnerPolicy.ISSUER, ISSUER);
        nested.put(PartnerPolicy.SECRET, SECRET);
        nested.put(PartnerPolicy.AUDIENCE, AUDIENCE);
        nested.put(PartnerPolicy.MAX_TOKEN_LIFETIME, "300");
        nested.put(PartnerPolicy.CLOCK_SKEW, Integer.toString(SKEW_SECONDS));
        nested.put(PartnerPolicy.REQUIRE_JTI, "true");
        nested.put(PartnerPolicy.USER_ID_CLAIM, "user.uuid");
        nested.put(PartnerPolicy.EMAIL_CLAIM, "user.email");
        nested.put(PartnerPolicy.PICTURE_CLAIM, "user.picture_url");
        nested.put(PartnerPolicy.TERMS_CLAIM, "user.accept_terms_and_policies");
        nestedPolicy = PartnerPolicy.fromConfig("publica", nested);

        Map<String, String> flat = new HashMap<>();
        flat.put(PartnerPolicy.ISSUER, ISSUER);
        flat.put(PartnerPolicy.SECRET, SECRET);
        flat.put(PartnerPolicy.MAX_TOKEN_LIFETIME, "300");
        flat.put(PartnerPolicy.CLOCK_SKEW, Integer.toString(SKEW_SECONDS));
        flatPolicy = PartnerPolicy.fromConfig("invoiced", flat);

        byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
        nestedNimbus = nimbus(key, Set.of(AUDIENCE), Set.of("exp", "jti"));
        flatNimbus = nimbus(key, null, Set.of("exp"));

        // Fail fast rather than measure a rejection path.
        VerifiedPartnerToken n = policyNested();
        VerifiedPartnerToken f = policyFlat();
        JWTClaimsSet nc = nimbusNested();
        JWTClaimsSet fc = nimbusFlat();
        if (!"7f2c1e8a-4b7d-4a51-9a3e-2f1c0d9b8e77".equals(n.userId()) || !"reader@example.com".equals(n.email())
                || !"1234".equals(f.userId()) || !ISSUER.equals(nc.getIssuer()) || !ISSUER.equals(fc.getIssuer())) {
            throw new IllegalStateException("benchmark fixture does not verify as expected");
        }
    }

    /** Bare nimbus: HS256 key selector, typ JWT (nimbus default), exact iss, optional aud, required claims, 30 s skew. */
    static DefaultJWTProcessor<SecurityContext> nimbus(byte[] key, Set<String> audience, Set<String> required) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(key)));
        // Mutable sets: nimbus calls contains(null) on them, which Set.of(...) refuses.
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audience == null ? null : new HashSet<>(audience),
                new JWTClaimsSet.Builder().issuer(ISSUER).build(), new HashSet<>(required), new HashSet<>()) {
            @Override
            protected Date currentTime() {
                return Date.from(NOW);
            }
        };
        claims.setMaxClockSkew(SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    @Benchmark
    public VerifiedPartnerToken policyNested() throws Exception {
        return PartnerTokenVerifier.verify(nestedToken, nestedPolicy, NOW);
    }

    @Benchmark
    public JWTClaimsSet nimbusNested() throws Exception {
        return nestedNimbus.process(nestedToken, null);
    }

    @Benchmark
    public VerifiedPartnerToken policyFlat() throws Exception {
        return PartnerTokenVerifier.verify(flatToken, flatPolicy, NOW);
    }

    @Benchmark
    public JWTClaimsSet nimbusFlat() throws Exception {
        return flatNimbus.process(flatToken, null);
    }
}
