package io.tokenlogin.keycloak.bench;

import io.tokenlogin.keycloak.partner.ClaimPath;
import io.tokenlogin.keycloak.partner.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Claim-path extraction on the claims map the verifier works with (StrictJson's output for a nested token). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ClaimPathBench {

    // Kept in a field so the JIT cannot fold the parse of a constant.
    String pathText = "user.uuid";
    ClaimPath path;
    Map<String, Object> claims;

    @Setup
    public void setUp() throws Exception {
        path = ClaimPath.parse(pathText);
        claims = StrictJson.parseStrictJsonObject(("{\"iss\":\"https://partner.example\",\"jti\":\"j-1\","
                + "\"exp\":1800000300,\"aud\":\"https://kc.example/realms/demo\",\"sub\":\"user\","
                + "\"user\":{\"uuid\":\"7f2c1e8a-4b7d-4a51-9a3e-2f1c0d9b8e77\",\"email\":\"reader@example.com\","
                + "\"picture_url\":\"https://cdn.example/a.png\",\"accept_terms_and_policies\":true}}")
                .getBytes(StandardCharsets.UTF_8));
        if (!"7f2c1e8a-4b7d-4a51-9a3e-2f1c0d9b8e77".equals(path.resolve(claims).orElse(null))) {
            throw new IllegalStateException("claim path fixture does not resolve");
        }
    }

    /** Resolve with a path parsed once (what the verifier does: paths are parsed with the policy). */
    @Benchmark
    public Optional<Object> resolve() {
        return path.resolve(claims);
    }

    /** Parse the dotted path and resolve it. */
    @Benchmark
    public Optional<Object> parseAndResolve() {
        return ClaimPath.parse(pathText).resolve(claims);
    }
}
