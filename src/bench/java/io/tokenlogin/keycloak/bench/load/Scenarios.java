package io.tokenlogin.keycloak.bench.load;

import io.tokenlogin.keycloak.signer.PartnerTokenSigner;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The five sign-ins, each step checked for the one status a browser would get; anything else is an error.
 * Every flow ends with the app's code exchange (authorization code + PKCE S256 on the public client demo-app).
 */
final class Scenarios {

    static final String CALLBACK = "http://localhost:3000/callback";
    static final String LANDING = "http://localhost:3000/landing";
    private static final Pattern FORM = Pattern.compile("<form\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]+)\"");
    private static final Pattern CODE = Pattern.compile("[?&]code=([^&]+)");
    private static final Pattern REFRESH = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One complete sign-in of one virtual user; throws {@link Unexpected} on any answer a browser would not get. */
    interface Scenario {
        String id();

        String title();

        void signIn(Agent agent, int vu, int concurrency, long iteration, Steps steps) throws Exception;
    }

    /** A step answered with an unexpected status or page; {@link #kind} groups errors in the report. */
    static final class Unexpected extends Exception {
        final String kind;

        Unexpected(String step, HttpResponse<String> r) {
            super(step + " -> " + r.statusCode() + (r.headers().firstValue("Location").isPresent()
                    ? " Location " + r.headers().firstValue("Location").get().replaceAll("([?&](code|key|session_code)=)[^&]+", "$1...") : "")
                    + ": " + snippet(r.body()));
            this.kind = step + " -> " + r.statusCode();
        }

        Unexpected(String step, String detail) {
            super(step + ": " + detail);
            this.kind = step + ": " + detail;
        }

        private static String snippet(String body) {
            String s = body == null ? "" : body.replaceAll("\\s+", " ");
            return s.length() > 300 ? s.substring(0, 300) + "..." : s;
        }
    }

    /** Facts of the benchmark realms (set up by {@link RealmSetup}). */
    record Setup(String base, String clientSecret, PartnerTokenSigner partner, List<String> passwordUsers, String password,
                 List<String> returningIds, List<String> magicAddresses, Mailbox mailbox, String runId) {
    }

    private final Setup s;
    private final AtomicLong newIds = new AtomicLong();

    Scenarios(Setup setup) {
        this.s = setup;
    }

    /** (a) Password sign-in through the browser form. */
    Scenario password() {
        return new Named("a", "password sign-in (browser form + code exchange)") {
            @Override
            public void signIn(Agent agent, int vu, int concurrency, long iteration, Steps steps) throws Exception {
                agent.newBrowser();
                String user = s.passwordUsers().get(pick(vu, concurrency, iteration, s.passwordUsers().size()));
                Pkce pkce = new Pkce();
                HttpResponse<String> page = agent.get(authorize("demo", pkce));
                steps.mark("GET authorize");
                expect("GET authorize (login form)", page, 200);
                HttpResponse<String> posted = agent.postForm(formAction(page, "kc-form-login"),
                        "username", user, "password", s.password(), "credentialId", "");
                steps.mark("POST password");
                expect("POST login form", posted, 302);
                exchange(agent, "demo", code(posted), pkce);
                steps.mark("POST token");
            }
        };
    }

    /** (b) Client-credentials grant of a confidential client. */
    Scenario clientCredentials() {
        return new Named("b", "client-credentials grant") {
            @Override
            public void signIn(Agent agent, int vu, int concurrency, long iteration, Steps steps) throws Exception {
                HttpResponse<String> r = agent.postForm(s.base() + "/realms/demo/protocol/openid-connect/token",
                        "grant_type", "client_credentials", "client_id", "bench-service", "client_secret", s.clientSecret());
                steps.mark("POST token");
                expect("POST token (client_credentials)", r, 200);
                if (!r.body().contains("\"access_token\"")) {
                    throw new Unexpected("POST token (client_credentials)", "no access_token");
                }
            }
        };
    }

    /** (c) Partner link of a returning user: link, silent authorize, code exchange. */
    Scenario returning(boolean logout) {
        return new Named(logout ? "c+logout" : "c", "partner link, returning user (link + silent authorize + code exchange)") {
            @Override
            public void signIn(Agent agent, int vu, int concurrency, long iteration, Steps steps) throws Exception {
                String id = s.returningIds().get(pick(vu, concurrency, iteration, s.returningIds().size()));
                String tokens = partnerLink(agent, id, steps);
                if (logout) {
                    Matcher m = REFRESH.matcher(tokens);
                    if (!m.find()) {
                        throw new Unexpected("POST token", "no refresh_token");
                    }
                    HttpResponse<String> out = agent.postForm(s.base() + "/realms/demo/protocol/openid-connect/logout",
                            "client_id", "demo-app", "refresh_token", m.group(1));
                    steps.mark("POST logout");
                    expect("POST logout", out, 204);
                }
            }
        };
    }

    /** Diagnostic split of (c): the partner link request alone (verify, replay marker, user lookup, SSO session), no app. */
    Scenario linkOnly() {
        return new Named("c-link", "partner link request alone, returning user (GET link -> 303; no authorize, no code exchange)") {
            @Override
            public void signIn(Agent agent, int vu, int concurrency, long iteration, Steps steps) throws Exception {
                agent.newBrowser();
                String id = s.returningIds().get(pick(vu, concurrency, iteration, s.returningIds().size()));
                String token = s.partner().nested().userUuid(id).email(id + "@partner.bench.test").intendedUrl(LANDING).ttlSeconds(30).sign();
                steps.mark("sign token (driver)");
                HttpResponse<String> link = agent.get(s.base() + "/realms/demo/token-login/login/" + token);
                steps.mark("GET link");
                expect("GET partner link", link, 303);
            }
        };
    }

    /** (d) Partner link, first sign-in of a new id: the user is created just in time. */
    Scenario firstSignIn() {
        return new Named("d", "partner link, first sign-in (JIT user + silent authorize + code exchange)") {
            @Override
            public void signIn(Agent agent, int vu, int concurrency, long iteration, Steps steps) throws Exception {
                partnerLink(agent, "n" + s.runId() + "-" + newIds.incrementAndGet(), steps);
            }
        };
    }

    /** Signs {@code id} in with a fresh partner token; returns the token response. */
    String partnerLink(Agent agent, String id, Steps steps) throws Exception {
        agent.newBrowser();
        String token = s.partner().nested().userUuid(id).email(id + "@partner.bench.test").intendedUrl(LANDING).ttlSeconds(30).sign();
        steps.mark("sign token (driver)");
        HttpResponse<String> link = agent.get(s.base() + "/realms/demo/token-login/login/" + token);
        steps.mark("GET link");
        expect("GET partner link", link, 303);
        if (!LANDING.equals(location(link))) {
            throw new Unexpected("GET partner link", "landed on " + location(link));
        }
        Pkce pkce = new Pkce();
        HttpResponse<String> silent = agent.get(authorize("demo", pkce));
        steps.mark("GET authorize (SSO)");
        expect("GET authorize (SSO)", silent, 302);
        String tokens = exchange(agent, "demo", code(silent), pkce);
        steps.mark("POST token");
        return tokens;
    }

    /** (e) Email magic link: email form, mail, confirm page and its POST, resume, code exchange. */
    int magicAddressCount() {
        return s.magicAddresses().size();
    }

    Scenario magicLink() {
        return magicLink(false);
    }

    /** (e); with logout, the refresh-token logout ends the user session after each sign-in (no sessions pile up). */
    Scenario magicLink(boolean logout) {
        return new Named(logout ? "e+logout" : "e", "email magic link (form + mail + confirm + resume + code exchange)") {
            @Override
            public void signIn(Agent agent, int vu, int concurrency, long iteration, Steps steps) throws Exception {
                agent.newBrowser();
                // concurrent users never share an address
                int slots = Math.max(1, s.magicAddresses().size() / concurrency);
                String email = s.magicAddresses().get((int) ((vu + (long) concurrency * (iteration % slots)) % s.magicAddresses().size()));
                s.mailbox().clear(email);
                Pkce pkce = new Pkce();
                HttpResponse<String> form = agent.get(authorize("magic", pkce));
                steps.mark("GET authorize");
                expect("GET authorize (email form)", form, 200);
                HttpResponse<String> sent = agent.postForm(formAction(form, null), "email", email);
                steps.mark("POST email");
                expect("POST email", sent, 200);
                String link = s.mailbox().awaitLink(email, 10_000);
                steps.mark("mail arrives");
                if (link == null) {
                    throw new Unexpected("mail", "none within 10 s");
                }
                HttpResponse<String> page = agent.get(link);
                steps.mark("GET link page");
                expect("GET magic link", page, 200);
                if (!page.body().contains("id=\"ml-confirm\"")) {
                    throw new Unexpected("GET magic link", "no confirm button (not the same browser?)");
                }
                String key = link.substring(link.indexOf("key=") + 4);
                HttpResponse<String> confirmed = agent.postForm(formAction(page, null), "key", key, "confirm", "");
                steps.mark("POST confirm");
                expect("POST confirm", confirmed, 303);
                HttpResponse<String> resumed = agent.get(location(confirmed));
                steps.mark("GET resume");
                expect("GET resume", resumed, 302);
                String tokens = exchange(agent, "magic", code(resumed), pkce);
                steps.mark("POST token");
                if (logout) {
                    Matcher m = REFRESH.matcher(tokens);
                    if (!m.find()) {
                        throw new Unexpected("POST token", "no refresh_token");
                    }
                    HttpResponse<String> out = agent.postForm(s.base() + "/realms/magic/protocol/openid-connect/logout",
                            "client_id", "demo-app", "refresh_token", m.group(1));
                    steps.mark("POST logout");
                    expect("POST logout", out, 204);
                }
            }
        };
    }

    /** Every scenario at once: virtual user v runs scenario v mod n (warm-up on a realistic mix of traffic). */
    static Scenario mixed(List<Scenario> scenarios) {
        return new Named("mix", "all scenarios at once") {
            @Override
            public void signIn(Agent agent, int vu, int concurrency, long iteration, Steps steps) throws Exception {
                scenarios.get(vu % scenarios.size()).signIn(agent, vu, concurrency, iteration, steps);
            }
        };
    }

    private abstract static class Named implements Scenario {
        private final String id;
        private final String title;

        Named(String id, String title) {
            this.id = id;
            this.title = title;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String title() {
            return title;
        }
    }

    /** Spreads concurrent users over a pool so that no two of them use the same entry at the same time. */
    static int pick(int vu, int concurrency, long iteration, int size) {
        return (int) ((vu + (long) concurrency * iteration) % size);
    }

    String authorize(String realm, Pkce pkce) {
        return s.base() + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=demo-app&response_type=code&scope=openid"
                + "&redirect_uri=" + Agent.enc(CALLBACK) + "&state=" + pkce.state + "&nonce=" + pkce.state
                + "&code_challenge_method=S256&code_challenge=" + pkce.challenge;
    }

    private String exchange(Agent agent, String realm, String code, Pkce pkce) throws Exception {
        HttpResponse<String> r = agent.postForm(s.base() + "/realms/" + realm + "/protocol/openid-connect/token",
                "grant_type", "authorization_code", "client_id", "demo-app", "code", code, "redirect_uri", CALLBACK,
                "code_verifier", pkce.verifier);
        expect("POST token (code exchange)", r, 200);
        if (!r.body().contains("\"id_token\"")) {
            throw new Unexpected("POST token (code exchange)", "no id_token");
        }
        return r.body();
    }

    static void expect(String step, HttpResponse<String> r, int status) throws Unexpected {
        if (r.statusCode() != status) {
            throw new Unexpected(step, r);
        }
    }

    static String location(HttpResponse<?> r) {
        return r.headers().firstValue("Location").orElse("");
    }

    static String code(HttpResponse<String> r) throws Unexpected {
        String location = location(r);
        Matcher m = CODE.matcher(location);
        if (!location.startsWith(CALLBACK) || !m.find()) {
            throw new Unexpected("authorization response", "no code in Location " + location.replaceAll("\\?.*", "?..."));
        }
        return java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    /** The action of the form whose tag contains {@code marker} (or of the first form), resolved and unescaped. */
    static String formAction(HttpResponse<String> page, String marker) throws Unexpected {
        Matcher forms = FORM.matcher(page.body());
        while (forms.find()) {
            String tag = forms.group();
            Matcher action = ACTION.matcher(tag);
            if ((marker == null || tag.contains(marker)) && action.find()) {
                return page.uri().resolve(URI.create(action.group(1).replace("&amp;", "&"))).toString();
            }
        }
        throw new Unexpected("form", "no form" + (marker == null ? "" : " " + marker) + " on " + page.uri().getPath());
    }

    /** PKCE S256 verifier and challenge, and a random state. */
    static final class Pkce {
        final String verifier;
        final String challenge;
        final String state;

        Pkce() throws Exception {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            challenge = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            byte[] st = new byte[12];
            RANDOM.nextBytes(st);
            state = Base64.getUrlEncoder().withoutPadding().encodeToString(st);
        }
    }
}
