package io.tokenlogin.keycloak.bench.load;

import io.tokenlogin.keycloak.signer.PartnerTokenSigner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load driver of scripts/bench-load.sh, in its own JVM: imports the benchmark realms into a running Keycloak,
 * seeds users, warms up on all scenarios at once, runs the five sign-in scenarios closed-loop at fixed concurrency
 * levels (level by level, every scenario in turn) while reading Keycloak's CPU time from /proc, profiles the
 * extension's flows and what misses a target (JFR), checks the heap after 10,000 partner sign-ins, and
 * writes target/bench/results.json, results.md, bench-load.png (and, with --publish, BENCHMARKS.md and the plot
 * under docs/).
 *
 * <pre>
 * LoadMain --base http://127.0.0.1:18080 --kc-pid N [--pg-pid N] [--quick] [--smtp-port 13025] [--out target/bench]
 *          [--realms realm-examples] [--profile a,c] [--publish] [--command "..."] [--started epochSeconds]
 *          [--machine file] [--keycloak-version V] [--clock-ticks 100] [--order e,d,b,a,c] [--warmup s] [--window s]
 * LoadMain --render target/bench/results.json [--out dir] [--publish [--repo .]]   (re-render a run's reports)
 * </pre>
 */
public final class LoadMain {

    /** Scenario order within each level. */
    static final List<String> ORDER = List.of("e", "d", "b", "a", "c");

    private LoadMain() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parse(argv);
        if (args.containsKey("render")) {
            // regenerate results.md, the plot (and with --publish BENCHMARKS.md) from a results.json, without load
            Results results = new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(Path.of(args.get("render")).toFile(), Results.class);
            Path out = Path.of(args.getOrDefault("out", "target/bench"));
            Report.write(results, out, args.containsKey("publish") ? Path.of(args.getOrDefault("repo", ".")) : null);
            System.out.println(Files.readString(out.resolve("results.md")));
            return;
        }
        boolean quick = args.containsKey("quick");
        String base = args.getOrDefault("base", "http://127.0.0.1:18080");
        Path out = Path.of(args.getOrDefault("out", "target/bench"));
        Path realms = Path.of(args.getOrDefault("realms", "realm-examples"));
        Files.createDirectories(out);
        int[] levels = quick ? new int[] {1, 4} : new int[] {1, 4, 16};
        double warmup = Double.parseDouble(args.getOrDefault("warmup", quick ? "20" : "60"));
        double ramp = quick ? 1 : 2;
        double window = Double.parseDouble(args.getOrDefault("window", quick ? "4" : "15"));
        long maxPerUser = 100_000;

        Probes probes = new Probes(Long.parseLong(args.get("kc-pid")), Long.parseLong(args.getOrDefault("pg-pid", "0")),
                Long.parseLong(args.getOrDefault("clock-ticks", "100")));
        if (args.containsKey("metrics-url")) {
            probes.metricsUrl(args.get("metrics-url"));
        }
        Results results = new Results();
        results.mode = quick ? "quick" : "full";
        results.command = args.getOrDefault("command", "bash scripts/bench-load.sh" + (quick ? " --quick" : ""));
        results.startedAt = Instant.ofEpochSecond(Long.parseLong(args.getOrDefault("started",
                Long.toString(Instant.now().getEpochSecond())))).toString();
        results.keycloakVersion = args.getOrDefault("keycloak-version", "?");
        results.javaVersion = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        results.machine = args.containsKey("machine") ? Files.readString(Path.of(args.get("machine"))).trim() : "";

        String runId = Long.toString(System.currentTimeMillis(), 36);
        SecureRandom random = new SecureRandom();
        byte[] secretBytes = new byte[48];
        random.nextBytes(secretBytes);
        String partnerSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        random.nextBytes(secretBytes);
        String clientSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        List<String> passwordUsers = RealmSetup.names("pw-", quick ? 40 : 200, "");
        List<String> returningIds = RealmSetup.names("ret-", quick ? 50 : 200, "");
        List<String> magicAddresses = RealmSetup.names("ml-", Integer.parseInt(args.getOrDefault("magic-addresses", quick ? "64" : "256")), "@magic.bench.test");

        int smtpPort = Integer.parseInt(args.getOrDefault("smtp-port", "13025"));
        try (Mailbox mailbox = new Mailbox(smtpPort)) {
            magicAddresses.forEach(mailbox::register);
            long t = System.nanoTime();
            RealmSetup setup = new RealmSetup(base);
            System.out.printf("Importing realm demo (+%d password users) and realm magic (+%d users) ...%n", passwordUsers.size(), magicAddresses.size());
            setup.importDemo(realms.resolve("demo-realm.json"), partnerSecret, clientSecret, smtpPort, passwordUsers);
            setup.importMagic(realms.resolve("magic-realm.json"), smtpPort, magicAddresses);
            results.setup.put("realmImportSeconds", seconds(t));
            results.setup.put("passwordUsers", passwordUsers.size());
            results.setup.put("magicLinkUsers", magicAddresses.size());

            Agent[] agents = new Agent[16];
            Arrays.setAll(agents, i -> new Agent());
            Scenarios scenarios = new Scenarios(new Scenarios.Setup(base, clientSecret,
                    new PartnerTokenSigner(RealmSetup.PARTNER_ISSUER, partnerSecret), passwordUsers, RealmSetup.PASSWORD,
                    returningIds, magicAddresses, mailbox, runId));

            t = System.nanoTime();
            long seeded = countedLoad(4, returningIds.size(), 120, (agent, n) -> scenarios.partnerLink(agent, returningIds.get((int) n), new Steps()), agents, null);
            results.setup.put("returningPartnerUsersSeeded", seeded);
            results.setup.put("returningSeedSeconds", seconds(t));
            if (seeded != returningIds.size()) {
                throw new IllegalStateException("seeding the returning partner users failed: " + seeded + "/" + returningIds.size());
            }
            System.out.printf("Seeded %d returning partner users through their first link sign-in in %.1f s%n", seeded, seconds(t));

            Map<String, Scenarios.Scenario> byId = new HashMap<>();
            for (Scenarios.Scenario s : List.of(scenarios.password(), scenarios.clientCredentials(), scenarios.returning(false),
                    scenarios.firstSignIn(), scenarios.magicLink())) {
                byId.put(s.id(), s);
            }
            Runner runner = new Runner(probes, agents);
            double idle = quick ? 3 : 5;
            Probes.Snapshot i0 = probes.snapshot();
            Thread.sleep((long) (idle * 1000));
            Probes.Snapshot i1 = probes.snapshot();
            results.setup.put("idleKeycloakCores", Heap.round((i1.keycloak() - i0.keycloak()) / idle * 100) / 100);
            results.setup.put("idleMachineBusyCores", Heap.round((i1.machineBusy() - i0.machineBusy()) / idle * 100) / 100);
            System.out.printf("Idle Keycloak: %.3f cores (+%.3f JIT); machine meanwhile: %.2f cores busy%n",
                    (i1.keycloak() - i0.keycloak()) / idle, (i1.keycloakJit() - i0.keycloakJit()) / idle, (i1.machineBusy() - i0.machineBusy()) / idle);

            // warm up on all scenarios at once, so that the JIT compiles Keycloak for the whole mix of paths rather than for
            // whichever scenario happens to run first (and deoptimizes when the next one starts)
            List<String> order = args.containsKey("order") ? List.of(args.get("order").split(",")) : ORDER;
            List<Scenarios.Scenario> mix = order.stream().map(byId::get).toList();
            int wc = Math.min(agents.length, 2 * mix.size());
            Runner.Level w = runner.run(Scenarios.mixed(mix), wc, 0, warmup, maxPerUser);
            results.setup.put("warmup", Map.of("users", wc, "seconds", warmup, "signIns", w.signInsInLevel(), "errors", w.errors(),
                    "errorKinds", w.errorKinds(), "keycloakJitCpuSeconds", Heap.round(w.keycloakJitCpuSeconds())));
            System.out.printf("warm-up, all scenarios at once, %d users %.0f s: %d sign-ins, %d errors%s; JIT compiler %.1f CPU-s%n", wc, warmup,
                    w.signInsInLevel(), w.errors(), w.errors() > 0 ? " " + w.errorKinds() + " " + w.errorSamples() : "", w.keycloakJitCpuSeconds());

            if (args.containsKey("mail-series-only")) {
                // diagnostic: only the 10,000-mail series, with JFR profiles of its first and last thousand
                results.mailSeries = mailSeries(probes, agents, scenarios, args.containsKey("mail-series-profile") ? out : null, Integer.parseInt(args.getOrDefault("mail-series-rounds", "1")));
                Report.write(results, out, null);
                System.out.println(Files.readString(out.resolve("results.md")));
                return;
            }
            // level by level, every scenario in turn: a change in the machine's other load hits all scenarios alike
            Map<String, List<Runner.Level>> measured = new HashMap<>();
            for (int c : levels) {
                System.out.printf("%n--- %d concurrent users ---%n", c);
                for (String id : order) {
                    Scenarios.Scenario s = byId.get(id);
                    Runner.Level l = runner.run(s, c, ramp, window, maxPerUser);
                    measured.computeIfAbsent(id, k -> new ArrayList<>()).add(l);
                    System.out.printf("(%s) %s%n", s.id(), s.title());
                    print(l);
                    printSteps(l);
                }
            }
            for (String id : order) {
                Scenarios.Scenario s = byId.get(id);
                results.scenarios.add(new Results.ScenarioResult(s.id(), s.title(), measured.get(id)));
            }
            results.scenarios.sort((x, y) -> x.id().compareTo(y.id()));
            Report.evaluate(results);

            // full mode profiles this extension's flows (c, d, e) and whatever misses a target; both modes what --profile names
            Set<String> toProfile = new LinkedHashSet<>();
            if (!quick) {
                toProfile.addAll(List.of("c", "d", "e"));
                for (Results.Target target : results.targets) {
                    if (!target.pass()) {
                        toProfile.addAll(Report.scenariosOf(target));
                    }
                }
            }
            if (args.containsKey("profile")) {
                toProfile.addAll(List.of(args.get("profile").split(",")));
            }
            toProfile.removeIf(id -> !byId.containsKey(id));
            int pc = levels[levels.length - 1];
            double profileWindow = quick ? 4 : 15;
            // the magic link first: its entries live longest (polling handle 90 s) and must be gone before the heap baseline
            List<String> profileOrder = new ArrayList<>(new TreeMap<String, String>(toMap(toProfile)).keySet());
            if (profileOrder.remove("e")) {
                profileOrder.add(0, "e");
            }
            for (String id : profileOrder) {
                Scenarios.Scenario s = byId.get(id);
                Path file = out.resolve("profile-" + id + ".jfr").toAbsolutePath();
                Files.deleteIfExists(file);
                String name = "tl-bench-" + id;
                System.out.printf("%nProfiling (%s) with JFR at %d users for %.0f s ...%n", id, pc, profileWindow);
                runner.run(s, pc, ramp, profileWindow, maxPerUser, () -> Profiler.start(probes, name), () -> Profiler.stop(probes, name, file));
                Profiler.Profile p = Profiler.analyse(id, pc, profileWindow, file);
                results.profiles.add(p);
                System.out.printf("  %d samples; under io.tokenlogin frames: %.1f %%; by component: %s%n  top: %s%n",
                        p.samples(), p.underOurCodePercent(), p.byComponentPercent(), p.topCharged().subList(0, Math.min(5, p.topCharged().size())));
            }

            // how much of (c) is the link request itself: the link alone and the whole (c), interleaved, same concurrency
            if (toProfile.contains("c")) {
                Scenarios.Scenario link = scenarios.linkOnly();
                Scenarios.Scenario whole = byId.get("c");
                System.out.printf("%nDiagnostic: (%s) %s, interleaved with (c)%n", link.id(), link.title());
                List<Runner.Level> linkLevels = new ArrayList<>();
                List<Runner.Level> wholeLevels = new ArrayList<>();
                double dw = quick ? 3 : 8;
                for (int round = 0; round < 2; round++) {
                    Runner.Level l = runner.run(link, pc, ramp, dw, maxPerUser);
                    print(l);
                    linkLevels.add(l);
                    Runner.Level c;
                    if (round == 1) {
                        // what the whole sign-in spends its CPU on now
                        Path file = out.resolve("profile-c-interleaved.jfr").toAbsolutePath();
                        Files.deleteIfExists(file);
                        c = runner.run(whole, pc, ramp, dw, maxPerUser, () -> Profiler.start(probes, "tl-bench-ci"),
                                () -> Profiler.stop(probes, "tl-bench-ci", file));
                        Profiler.Profile p = Profiler.analyse("c (interleaved)", pc, dw, file);
                        results.profiles.add(p);
                        System.out.printf("  profile: under io.tokenlogin %.1f %%; %s%n  top: %s%n", p.underOurCodePercent(), p.byComponentPercent(),
                                p.topCharged().subList(0, Math.min(6, p.topCharged().size())));
                    } else {
                        c = runner.run(whole, pc, ramp, dw, maxPerUser);
                    }
                    print(c);
                    printSteps(c);
                    wholeLevels.add(c);
                }
                results.diagnostics.add(new Results.ScenarioResult(link.id(), link.title(), linkLevels));
                results.diagnostics.add(new Results.ScenarioResult("c (interleaved)", whole.title(), wholeLevels));
            }

            if (!quick) {
                results.heap = heapPhase(probes, agents, scenarios);
                Report.evaluateHeap(results);
                results.mailSeries = mailSeries(probes, agents, scenarios, null, 1);
            }
        }
        results.totalSecondsToReport = args.containsKey("started")
                ? Instant.now().getEpochSecond() - Long.parseLong(args.get("started")) : 0;
        Report.write(results, out, args.containsKey("publish") ? Path.of(args.getOrDefault("repo", ".")) : null);
        System.out.println();
        System.out.println(Files.readString(out.resolve("results.md")));
    }

    /**
     * 10,000 partner sign-ins of returning users (link, silent authorize, code exchange, then logout so that Keycloak's
     * own user sessions do not stay), heap measured before, right after, and after the partner tokens' single-use
     * entries expired (maxTokenLifetime 30 s + clockSkew 5 s).
     */
    static Results.HeapPhase heapPhase(Probes probes, Agent[] agents, Scenarios scenarios) throws Exception {
        int n = 10_000;
        int concurrency = 8;
        System.out.printf("%nHeap: waiting 100 s for earlier single-use entries to expire and be purged, then %d partner sign-ins ...%n", n);
        // Infinispan drops expired entries from memory when its reaper runs (every minute): the last partner tokens
        // (35 s) and magic-link entries (30 s, polling 90 s) of the profiles and the diagnostic are purged after 100 s
        Thread.sleep(100_000);
        Heap heap = new Heap(probes);
        Heap.Point before = heap.measure("baseline");
        Scenarios.Scenario s = scenarios.returning(true);
        long t = System.nanoTime();
        Probes.Snapshot cpu0 = probes.snapshot();
        LongAdder errors = new LongAdder();
        long done = countedLoad(concurrency, n, 600, (agent, i) -> s.signIn(agent, (int) (i % concurrency), concurrency, i / concurrency, new Steps()), agents, errors);
        double secs = seconds(t);
        Probes.Snapshot cpu1 = probes.snapshot();
        double cpuMs = done == 0 ? 0 : Heap.round((cpu1.keycloak() - cpu0.keycloak()) * 1000 / done);
        System.out.printf("  %d sign-ins (+logout) in %.1f s (%.1f/s), %d errors, Keycloak CPU %.2f ms per sign-in+logout%n",
                done, secs, done / secs, errors.sum(), cpuMs);
        heap.measure("right after " + done + " sign-ins");
        Thread.sleep(40_000);
        Heap.Point after = heap.measure("40 s later (tokens expired)");
        // expired entries leave memory when Infinispan's reaper runs (every minute): look again, bounded
        for (int i = 0; i < 6 && after.singleUseEntries() > before.singleUseEntries() + 100; i++) {
            Thread.sleep(15_000);
            after = heap.measure((55 + 15 * i) + " s later");
        }
        double growth = Heap.round(after.heapUsedMb() - before.heapUsedMb());
        double tolerance = Math.max(16, Heap.round(before.heapUsedMb() * 0.05));
        return new Results.HeapPhase(n, done, errors.sum(), Heap.round(secs), Heap.round(done / secs), cpuMs, concurrency,
                "each sign-in: partner link (bench-partner, maxTokenLifetime 30 s, clockSkew 5 s) + silent authorize + code"
                        + " exchange + logout (refresh-token logout ends Keycloak's user session, so only single-use entries could stay)",
                heap.points, heap.singleUseClasses, growth, tolerance,
                growth <= tolerance && after.singleUseEntries() <= before.singleUseEntries() + 100
                        && after.tokenLoginInstances() <= before.tokenLoginInstances() + 100);
    }

    /**
     * 10,000 magic-link sign-ins in a row, all from one client address (127.0.0.1), counted per thousand: if the cost of
     * a sign-in grew with the mails already sent (e.g. a linear scan of send-limit slots), the last thousand would
     * cost more Keycloak CPU than the first. JIT compiler threads left out, as everywhere.
     */
    static final int WARMUP_MAILS = 2000;

    static Results.MailSeries mailSeries(Probes probes, Agent[] agents, Scenarios scenarios, Path profileDir, int rounds) throws Exception {
        int perRound = 10;
        int batches = perRound * rounds;
        int perBatch = 1000;
        int concurrency = 8;
        System.out.printf("%nMail series: %d magic-link sign-ins (+logout) at %d users, from one address, per thousand ...%n", batches * perBatch, concurrency);
        // each sign-in logs out again: Keycloak's own cost grows with the sessions a user holds, which is not what is measured
        Scenarios.Scenario s = scenarios.magicLink(true);
        List<Double> cpuMs = new ArrayList<>();
        List<Double> gcMs = new ArrayList<>();
        List<Double> pgMs = new ArrayList<>();
        List<Double> perSecond = new ArrayList<>();
        List<Long> singleUse = new ArrayList<>();
        List<Long> sessions = new ArrayList<>();
        List<Double> driverMs = new ArrayList<>();
        List<Double> busy = new ArrayList<>();
        long errorsTotal = 0;
        // the sign-in + logout path is new to the JIT here (the measured scenarios do not log out): 2,000 sign-ins first,
        // not counted, so that the first measured thousand is not a warm-up
        LongAdder warmupErrors = new LongAdder();
        long warm = countedLoad(concurrency, WARMUP_MAILS, 300,
                (agent, i) -> s.signIn(agent, (int) (i % concurrency), concurrency, i / concurrency, new Steps()), agents, warmupErrors);
        long offset = WARMUP_MAILS;
        System.out.printf("  warm-up: %d sign-ins (+logout), %d errors, not counted%n", warm, warmupErrors.sum());
        Map<String, Long> census0 = probes.cacheEntries("actionTokens", "sessions");
        System.out.printf("  before: %s%n", census0);
        for (int b = 0; b < batches; b++) {
            Probes.Snapshot c0 = probes.snapshot();
            long t = System.nanoTime();
            LongAdder errors = new LongAdder();
            long base = offset;
            boolean profile = profileDir != null && (b == batches - perRound || b == batches - 1);
            if (profile) {
                Profiler.start(probes, "tl-mail-" + b);
            }
            long done = countedLoad(concurrency, perBatch, 300,
                    (agent, i) -> s.signIn(agent, (int) (i % concurrency), concurrency, (base + i) / concurrency, new Steps()), agents, errors);
            double secs = seconds(t);
            Probes.Snapshot c1 = probes.snapshot();
            if (profile) {
                Path file = profileDir.resolve("profile-mail-" + (b + 1) + ".jfr").toAbsolutePath();
                Files.deleteIfExists(file);
                Profiler.stop(probes, "tl-mail-" + b, file);
                Profiler.Profile pr = Profiler.analyse("mail series, thousand " + (b + 1), concurrency, 0, file);
                System.out.printf("  profile of thousand %d: %d samples; by component %s%n  top: %s%n  ours: %s%n", b + 1, pr.samples(),
                        pr.byComponentPercent(), pr.topCharged().subList(0, Math.min(12, pr.topCharged().size())), pr.topOursInclusive().subList(0, Math.min(8, pr.topOursInclusive().size())));
            }
            offset += perBatch;
            // Snapshot.keycloak() is already without the JIT compiler threads; the GC's share is shown apart
            double ms = done == 0 ? 0 : Heap.round((c1.keycloak() - c0.keycloak()) * 1000 / done);
            double gc = done == 0 ? 0 : Heap.round((c1.keycloakGc() - c0.keycloakGc()) * 1000 / done);
            double pg = done == 0 ? 0 : Heap.round((c1.postgres() - c0.postgres()) * 1000 / done);
            Map<String, Long> census = probes.cacheEntries("actionTokens", "sessions");
            cpuMs.add(ms);
            gcMs.add(gc);
            pgMs.add(pg);
            driverMs.add(done == 0 ? 0 : Heap.round((c1.driver() - c0.driver()) * 1000 / done));
            busy.add(Heap.round((c1.machineBusy() - c0.machineBusy()) / secs));
            singleUse.add(census.get("actionTokens"));
            sessions.add(census.get("sessions"));
            perSecond.add(Heap.round(done / secs));
            errorsTotal += errors.sum();
            System.out.printf("  mails %5d-%5d: %.2f ms Keycloak CPU per sign-in (JIT left out; GC %.2f, PostgreSQL %.2f, driver %.2f),"
                            + " %.1f sign-ins/s, machine %.2f cores busy, %d errors; entries: single-use %d, user sessions %d%n",
                    b * perBatch + 1, (b + 1) * perBatch, ms, gc, pg, driverMs.get(driverMs.size() - 1), done / secs, busy.get(busy.size() - 1), errors.sum(), census.get("actionTokens"), census.get("sessions"));
        }
        // the report compares the last round's thousands (Report: last / first, last / second, highest / lowest)
        return new Results.MailSeries(batches * perBatch, concurrency, cpuMs, perSecond, errorsTotal, gcMs, pgMs,
                singleUse, sessions, rounds, scenarios.magicAddressCount(), driverMs, busy);
    }

    interface Task {
        void run(Agent agent, long n) throws Exception;
    }

    /** Runs tasks 0..count-1 on {@code concurrency} threads, bounded by {@code maxSeconds}; returns how many succeeded. */
    static long countedLoad(int concurrency, long count, int maxSeconds, Task task, Agent[] agents, LongAdder errorCount) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        LongAdder ok = new LongAdder();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        Thread[] threads = new Thread[concurrency];
        for (int i = 0; i < concurrency; i++) {
            Agent agent = agents[i];
            threads[i] = new Thread(() -> {
                for (long k; (k = next.getAndIncrement()) < count && System.nanoTime() < deadline; ) {
                    try {
                        task.run(agent, k);
                        ok.increment();
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failures.computeIfAbsent(e.getMessage() == null ? e.toString() : e.getMessage().replaceAll(":.*", ""),
                                x -> new LongAdder()).increment();
                        if (errorCount != null) {
                            errorCount.increment();
                        }
                    }
                }
            });
            threads[i].setDaemon(true);
            threads[i].start();
        }
        for (Thread th : threads) {
            th.join(maxSeconds * 1000L + 60_000);
        }
        if (!failures.isEmpty()) {
            System.out.println("  failures: " + failures);
        }
        return ok.sum();
    }

    static void printSteps(Runner.Level l) {
        if (!l.steps().isEmpty()) {
            StringBuilder b = new StringBuilder("      steps (mean/p95 ms):");
            l.steps().forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.1f/%.1f;", k, v.meanMs(), v.p95Ms())));
            System.out.println(b);
        }
    }

    static void print(Runner.Level l) {
        System.out.printf(Locale.ROOT, "  %2d users %5.1f s: %7.1f sign-ins/s  p50 %7.1f  p95 %7.1f  p99 %7.1f ms  errors %d  "
                        + "KC CPU %6.2f ms/sign-in in the window (GC %.2f), %6.2f until idle (+%.1f s), JIT %.1f s  PG %5.2f ms  machine %.2f cores busy (others %.2f), load %.2f%s%n",
                l.concurrency(), l.windowSeconds(), l.throughput(), l.p50Ms(), l.p95Ms(), l.p99Ms(), l.errors(),
                l.keycloakCpuMsPerSignIn(), l.keycloakGcCpuMsPerSignIn(), l.keycloakCpuMsPerSignInToIdle(), l.drainSeconds(), l.keycloakJitCpuSeconds(),
                l.postgresCpuMsPerSignIn(), l.machineBusyCores(),
                l.otherProcessesBusyCores(), l.loadAverage1(), l.errors() > 0 ? "  " + l.errorKinds() + " " + l.errorSamples() : "");
    }

    static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
    }

    private static Map<String, String> toMap(Set<String> ids) {
        Map<String, String> m = new HashMap<>();
        ids.forEach(i -> m.put(i, i));
        return m;
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String key = a.substring(2);
            if (key.contains("=")) {
                args.put(key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
            } else if (Set.of("quick", "publish", "mail-series-only", "mail-series-profile").contains(key)) {
                args.put(key, "true");
            } else {
                args.put(key, argv[++i]);
            }
        }
        if (!args.containsKey("kc-pid") && !args.containsKey("render")) {
            throw new IllegalArgumentException("--kc-pid (Keycloak's java process) is required");
        }
        return args;
    }
}
