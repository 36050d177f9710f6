package io.tokenlogin.keycloak.signer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command-line signer, the shaded JAR's Main-Class: {@code java -jar keycloak-token-login.jar sign ...}.
 *
 * <p>Prints exactly one line (the login link, or the token with {@code --token-only}) on success.
 * Exit codes: 0 ok, 2 usage error, 1 other failure. The secret is never printed.
 */
public final class SignerCli {

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    static final String DEFAULT_BASE_URL = "http://localhost:8080";
    static final long DEFAULT_TTL = 300;
    static final long DEFAULT_NESTED_TTL = 60;

    static final String USAGE_TEXT = String.join(System.lineSeparator(),
            "Usage: java -jar keycloak-token-login.jar sign [options]",
            "",
            "Signs an HS256 token-login token and prints the Keycloak login link (or only the token).",
            "",
            "Required:",
            "  --issuer ISS            issuer (iss) configured for this partner in Keycloak",
            "  --secret-env VAR        read the shared secret from environment variable VAR (preferred)",
            "  --secret-file PATH      read the shared secret from a file (one trailing newline is stripped)",
            "  --secret VALUE          secret on the command line (visible in process lists; avoid)",
            "  --user ID               user id (sub), or the user uuid with --nested",
            "Options:",
            "  --numeric-user          emit the user id as a JSON number (must be a long)",
            "  --ttl SECONDS           lifetime 1..86400 (default 300, nested 60)",
            "  --base-url URL          Keycloak base URL (default " + DEFAULT_BASE_URL + ")",
            "  --realm REALM           realm name (required unless --token-only)",
            "  --query-form            link as .../token-login/login?external-auth-token=TOKEN",
            "  --token-only            print only the token",
            "Nested (Publica.la) shape:",
            "  --nested                emit {iss,jti,exp,aud,sub:\"user\",intended_url,user:{uuid,...}}",
            "  --email E  --picture-url U  --accept-terms  --intended-url U  --audience A  --jti J",
            "",
            "Exit codes: 0 ok, 2 usage error, 1 other failure.");

    private static final Set<String> VALUE_OPTIONS = Set.of(
            "--issuer", "--secret-env", "--secret-file", "--secret", "--user", "--ttl", "--base-url",
            "--realm", "--email", "--picture-url", "--intended-url", "--audience", "--jti");
    private static final Set<String> FLAG_OPTIONS = Set.of(
            "--numeric-user", "--query-form", "--nested", "--accept-terms", "--token-only");
    private static final Set<String> NESTED_ONLY = Set.of(
            "--email", "--picture-url", "--accept-terms", "--intended-url", "--audience", "--jti");

    private SignerCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args == null || args.length == 0) {
            out.println(USAGE_TEXT);
            err.println("error: missing command (expected 'sign' or 'help')");
            return USAGE;
        }
        String command = args[0];
        if (command.equals("help") || command.equals("--help") || command.equals("-h")) {
            out.println(USAGE_TEXT);
            return OK;
        }
        if (!command.equals("sign")) {
            err.println("error: unknown command (expected 'sign' or 'help')");
            return USAGE;
        }
        try {
            Map<String, String> opts = parse(args);
            if (opts.containsKey("--help")) {
                out.println(USAGE_TEXT);
                return OK;
            }
            out.println(sign(opts, err, env));
            return OK;
        } catch (UsageException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage() + " (run with 'help' for usage)");
            return USAGE;
        } catch (IOException e) {
            err.println("error: cannot read secret file: " + e.getClass().getSimpleName());
            return FAILURE;
        } catch (RuntimeException e) {
            err.println("error: signing failed: " + e.getClass().getSimpleName());
            return FAILURE;
        }
    }

    /** Parses {@code --opt value}, {@code --opt=value} and flags after the command; flags map to "". */
    private static Map<String, String> parse(String[] args) throws UsageException {
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                opts.put("--help", "");
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (FLAG_OPTIONS.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                value = "";
            } else if (VALUE_OPTIONS.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(name + " requires a value");
                    }
                    value = args[++i];
                }
            } else {
                // Echo only things that look like option names: a mistyped line may put the secret here.
                throw new UsageException(name.startsWith("--") && name.matches("--[a-z0-9-]{1,30}")
                        ? "unknown option '" + name + "'"
                        : "unexpected argument at position " + i);
            }
            if (opts.put(name, value) != null) {
                throw new UsageException(name + " given more than once");
            }
        }
        return opts;
    }

    private static String sign(Map<String, String> opts, PrintStream err, Map<String, String> env)
            throws UsageException, IOException {
        String issuer = require(opts, "--issuer");
        String user = require(opts, "--user");
        boolean nested = opts.containsKey("--nested");
        boolean tokenOnly = opts.containsKey("--token-only");
        String realm = opts.get("--realm");
        if (!tokenOnly && (realm == null || realm.isBlank())) {
            throw new UsageException("--realm is required unless --token-only is given");
        }
        if (!nested) {
            for (String o : NESTED_ONLY) {
                if (opts.containsKey(o)) {
                    throw new UsageException(o + " requires --nested");
                }
            }
        } else if (opts.containsKey("--numeric-user")) {
            throw new UsageException("--numeric-user cannot be combined with --nested");
        }
        long ttl = nested ? DEFAULT_NESTED_TTL : DEFAULT_TTL;
        if (opts.containsKey("--ttl")) {
            ttl = parseLong(opts.get("--ttl"), "--ttl");
        }

        PartnerTokenSigner signer = new PartnerTokenSigner(issuer, readSecret(opts, err, env));
        String token;
        if (nested) {
            PartnerTokenSigner.NestedTokenBuilder b = signer.nested().userUuid(user).ttlSeconds(ttl)
                    .email(opts.get("--email"))
                    .pictureUrl(opts.get("--picture-url"))
                    .intendedUrl(opts.get("--intended-url"))
                    .audience(opts.get("--audience"))
                    .jti(opts.get("--jti"));
            if (opts.containsKey("--accept-terms")) {
                b.acceptTermsAndPolicies(true);
            }
            token = b.sign();
        } else {
            Object userId = opts.containsKey("--numeric-user") ? (Object) parseLong(user, "--user") : user;
            token = signer.generateSignInToken(userId, ttl);
        }
        if (tokenOnly) {
            return token;
        }
        String baseUrl = opts.getOrDefault("--base-url", DEFAULT_BASE_URL);
        return opts.containsKey("--query-form")
                ? PartnerTokenSigner.loginLinkWithQuery(baseUrl, realm, token)
                : PartnerTokenSigner.loginLink(baseUrl, realm, token);
    }

    private static byte[] readSecret(Map<String, String> opts, PrintStream err, Map<String, String> env)
            throws UsageException, IOException {
        int sources = (opts.containsKey("--secret-env") ? 1 : 0) + (opts.containsKey("--secret-file") ? 1 : 0)
                + (opts.containsKey("--secret") ? 1 : 0);
        if (sources != 1) {
            throw new UsageException("exactly one of --secret-env, --secret-file or --secret is required");
        }
        String secret;
        if (opts.containsKey("--secret-env")) {
            String var = opts.get("--secret-env");
            secret = env.get(var);
            if (secret == null || secret.isEmpty()) {
                throw new UsageException("the environment variable named by --secret-env is not set or empty");
            }
        } else if (opts.containsKey("--secret-file")) {
            secret = Files.readString(Path.of(opts.get("--secret-file")), StandardCharsets.UTF_8);
            if (secret.endsWith("\r\n")) {
                secret = secret.substring(0, secret.length() - 2);
            } else if (secret.endsWith("\n")) {
                secret = secret.substring(0, secret.length() - 1);
            }
        } else {
            err.println("warning: --secret is visible in process lists and shell history;"
                    + " prefer --secret-env or --secret-file");
            secret = opts.get("--secret");
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    private static String require(Map<String, String> opts, String name) throws UsageException {
        String value = opts.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException(name + " is required");
        }
        return value;
    }

    private static long parseLong(String value, String name) throws UsageException {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be an integer");
        }
    }

    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
