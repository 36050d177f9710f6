package io.tokenlogin.keycloak.signer;

import static io.tokenlogin.keycloak.signer.PartnerTokenSignerTest.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignerCliTest {

    static final String SECRET = "cli-secret-cli-secret-cli-secret-cli-secret";
    static final Map<String, String> ENV = Map.of("TL_SECRET", SECRET);
    static final String LINK_PREFIX = "http://localhost:8080/realms/demo/token-login/login/";

    record Result(int code, String out, String err) {
        String singleLine() {
            String[] lines = out.split("\\R", -1);
            assertEquals(2, lines.length, "exactly one line on stdout: " + out);
            assertEquals("", lines[1]);
            return lines[0];
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SignerCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), ENV);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void signPrintsSingleLineLinkWithVerifiableToken() throws Exception {
        Result r = run("sign", "--issuer", "Ruby Backend", "--secret-env", "TL_SECRET",
                "--user", "1234", "--numeric-user", "--realm", "demo");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        String link = r.singleLine();
        assertTrue(link.startsWith(LINK_PREFIX), link);
        SignedJWT jwt = verify(link.substring(LINK_PREFIX.length()), SECRET);
        assertEquals(1234L, jwt.getPayload().toJSONObject().get("sub"), "sub is a JSON number");
        assertEquals("Ruby Backend", jwt.getJWTClaimsSet().getIssuer());
        long ttl = jwt.getJWTClaimsSet().getExpirationTime().toInstant().getEpochSecond()
                - jwt.getJWTClaimsSet().getIssueTime().toInstant().getEpochSecond();
        assertEquals(SignerCli.DEFAULT_TTL, ttl);
    }

    @Test
    void tokenOnlyPrintsJustTheToken() throws Exception {
        Result r = run("sign", "--issuer", "iss", "--secret-env", "TL_SECRET", "--user", "cust_9",
                "--ttl", "30", "--token-only");
        assertEquals(0, r.code(), r.err());
        JWTClaimsSet claims = verify(r.singleLine(), SECRET).getJWTClaimsSet();
        assertEquals("cust_9", claims.getSubject());
        assertTrue(claims.getExpirationTime().toInstant().isBefore(Instant.now().plusSeconds(31)));
    }

    @Test
    void queryFormAndCustomBaseUrl() throws Exception {
        Result r = run("sign", "--issuer", "iss", "--secret-env", "TL_SECRET", "--user", "u",
                "--base-url", "https://kc.example.com/", "--realm", "demo", "--query-form");
        assertEquals(0, r.code(), r.err());
        String prefix = "https://kc.example.com/realms/demo/token-login/login?external-auth-token=";
        String link = r.singleLine();
        assertTrue(link.startsWith(prefix), link);
        verify(link.substring(prefix.length()), SECRET);
    }

    @Test
    void secretFileStripsOneTrailingNewline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, SECRET + "\n");
        Result r = run("sign", "--issuer", "iss", "--secret-file", file.toString(), "--user", "u", "--token-only");
        assertEquals(0, r.code(), r.err());
        verify(r.singleLine(), SECRET);
    }

    @Test
    void missingSecretFileIsFailure(@TempDir Path dir) {
        Result r = run("sign", "--issuer", "iss", "--secret-file", dir.resolve("nope").toString(),
                "--user", "u", "--token-only");
        assertEquals(1, r.code());
        assertEquals("", r.out());
    }

    @Test
    void nestedShape() throws Exception {
        Result r = run("sign", "--issuer", "publicala", "--secret-env", "TL_SECRET", "--user", "uuid-1",
                "--nested", "--email", "a@example.com", "--accept-terms", "--audience", "farfalla",
                "--intended-url", "https://example.com/x", "--jti", "j-1", "--token-only");
        assertEquals(0, r.code(), r.err());
        SignedJWT jwt = verify(r.singleLine(), SECRET);
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        assertEquals("j-1", c.getJWTID());
        assertEquals("user", c.getSubject());
        assertEquals(Map.of("uuid", "uuid-1", "email", "a@example.com", "accept_terms_and_policies", true),
                c.getJSONObjectClaim("user"));
        long ttl = c.getExpirationTime().toInstant().getEpochSecond() - Instant.now().getEpochSecond();
        assertTrue(ttl <= SignerCli.DEFAULT_NESTED_TTL && ttl >= SignerCli.DEFAULT_NESTED_TTL - 5, "ttl " + ttl);
    }

    @Test
    void missingSecretIsUsageErrorWithoutEchoingSecret() {
        Result r = run("sign", "--issuer", "iss", "--secret-env", "UNSET_VAR", "--user", "u", "--realm", "demo");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains(SECRET));

        Result none = run("sign", "--issuer", "iss", "--user", "u", "--realm", "demo");
        assertEquals(2, none.code());
        assertFalse(none.err().contains(SECRET));
    }

    @Test
    void usageErrorsNeverEchoTheSecret() {
        String shortSecret = "short-secret-value";
        Result tooShort = run("sign", "--issuer", "iss", "--secret", shortSecret, "--user", "u", "--token-only");
        assertEquals(2, tooShort.code());
        assertFalse(tooShort.err().contains(shortSecret), tooShort.err());

        Result stray = run("sign", "--issuer", "iss", "--secret-env", "TL_SECRET", SECRET, "--user", "u");
        assertEquals(2, stray.code());
        assertFalse(stray.err().contains(SECRET), stray.err());

        Result strayCommand = run(SECRET);
        assertEquals(2, strayCommand.code());
        assertFalse(strayCommand.err().contains(SECRET), strayCommand.err());
    }

    @Test
    void secretOnCommandLineWorksWithWarning() throws Exception {
        Result r = run("sign", "--issuer", "iss", "--secret", SECRET, "--user", "u", "--token-only");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning") && r.err().contains("process lists"), r.err());
        assertFalse(r.err().contains(SECRET));
        verify(r.singleLine(), SECRET);
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, run("sign", "--issuer", "iss", "--secret-env", "TL_SECRET", "--user", "u").code(),
                "realm required without --token-only");
        assertEquals(2, run("sign", "--issuer", "iss", "--secret-env", "TL_SECRET", "--user", "abc",
                "--numeric-user", "--token-only").code());
        assertEquals(2, run("sign", "--issuer", "iss", "--secret-env", "TL_SECRET", "--user", "u",
                "--ttl", "0", "--token-only").code());
        assertEquals(2, run("sign", "--issuer", "iss", "--secret-env", "TL_SECRET", "--user", "u",
                "--email", "a@b", "--token-only").code(), "--email needs --nested");
        assertEquals(2, run("sign", "--issuer", "iss", "--secret-env", "TL_SECRET", "--secret", SECRET,
                "--user", "u", "--token-only").code(), "two secret sources");
        Result unknown = run("sign", "--bogus");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("--bogus"));
        assertEquals(2, run("frobnicate").code());
    }

    @Test
    void helpAndNoArgs() {
        Result help = run("help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage:"));
        assertEquals("", help.err());
        assertEquals(0, run("--help").code());
        assertEquals(0, run("sign", "--help").code());

        Result none = run();
        assertEquals(2, none.code());
        assertTrue(none.out().contains("Usage:"));
        assertEquals(1, none.err().strip().lines().count());
    }
}
