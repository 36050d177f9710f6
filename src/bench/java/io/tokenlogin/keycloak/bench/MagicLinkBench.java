package io.tokenlogin.keycloak.bench;

import io.tokenlogin.keycloak.magiclink.MagicLinkCodes;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Magic-link secret generation (SecureRandom, 32 bytes, base64url) and its SHA-256 hex hash. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MagicLinkBench {

    String secret;

    @Setup
    public void setUp() {
        secret = MagicLinkCodes.newSecret();
    }

    @Benchmark
    public String newSecret() {
        return MagicLinkCodes.newSecret();
    }

    @Benchmark
    public String hash() {
        return MagicLinkCodes.hash(secret);
    }
}
