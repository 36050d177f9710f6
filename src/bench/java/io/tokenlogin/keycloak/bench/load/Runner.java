package io.tokenlogin.keycloak.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop load at one concurrency: N virtual users, each repeating one complete sign-in with no think time.
 * After a ramp, a measurement window: sign-ins completed inside it give throughput and latency, and the CPU counters
 * read at its two ends give CPU per sign-in. Every loop is bounded in iterations and in time.
 */
final class Runner {

    /** One level's numbers. Latencies in milliseconds, CPU in seconds or milliseconds per sign-in. */
    record Level(int concurrency, double windowSeconds, long signIns, double throughput, double meanMs, double p50Ms,
                 double p95Ms, double p99Ms, double maxMs, long errors, long errorsInWindow, Map<String, Long> errorKinds,
                 List<String> errorSamples, long signInsInLevel, double keycloakCpuSeconds, double keycloakCpuMsPerSignIn,
                 double signInsPerKeycloakCpuSecond, double postgresCpuMsPerSignIn, double driverCpuMsPerSignIn,
                 double machineBusyCores, double keycloakBusyCores, double otherProcessesBusyCores, double loadAverage1,
                 Map<String, Step> steps, long signInsFromWindowStart, double keycloakCpuToIdleSeconds, double drainSeconds,
                 double keycloakCpuMsPerSignInToIdle, double keycloakJitCpuSeconds, double keycloakGcCpuMsPerSignIn) {
    }

    /** One step of the sign-ins completed in the window: mean and p95, milliseconds. */
    record Step(double meanMs, double p95Ms) {
    }

    /** Per virtual user: completion time, latency, error kind (null: success) of every sign-in. */
    private static final class Log {
        long[] end = new long[1024];
        long[] nanos = new long[1024];
        String[] error = new String[1024];
        String[][] stepNames = new String[1024][];
        long[][] stepNanos = new long[1024][];
        int n;

        void add(long endNanos, long latency, String err, Steps steps) {
            if (n == end.length) {
                end = Arrays.copyOf(end, n * 2);
                nanos = Arrays.copyOf(nanos, n * 2);
                error = Arrays.copyOf(error, n * 2);
                stepNames = Arrays.copyOf(stepNames, n * 2);
                stepNanos = Arrays.copyOf(stepNanos, n * 2);
            }
            end[n] = endNanos;
            nanos[n] = latency;
            error[n] = err;
            if (err == null && steps.count > 0) {
                stepNames[n] = Arrays.copyOf(steps.names, steps.count);
                stepNanos[n] = Arrays.copyOf(steps.nanos, steps.count);
            }
            n++;
        }
    }

    interface Hook {
        void run() throws Exception;
    }

    private final Probes probes;
    private final Agent[] agents;

    Runner(Probes probes, Agent[] agents) {
        this.probes = probes;
        this.agents = agents;
    }

    Level run(Scenarios.Scenario scenario, int concurrency, double rampSeconds, double windowSeconds, long maxPerUser) throws Exception {
        return run(scenario, concurrency, rampSeconds, windowSeconds, maxPerUser, null, null);
    }

    Level run(Scenarios.Scenario scenario, int concurrency, double rampSeconds, double windowSeconds, long maxPerUser,
              Hook atWindowStart, Hook atWindowEnd) throws Exception {
        if (concurrency > agents.length) {
            throw new IllegalArgumentException("at most " + agents.length + " virtual users");
        }
        AtomicBoolean stop = new AtomicBoolean();
        long hardDeadline = System.nanoTime() + (long) ((rampSeconds + windowSeconds + 60) * 1e9);
        Log[] logs = new Log[concurrency];
        Map<String, LongAdder> kinds = new ConcurrentHashMap<>();
        List<String> samples = Collections.synchronizedList(new ArrayList<>());
        Thread[] users = new Thread[concurrency];
        for (int vu = 0; vu < concurrency; vu++) {
            int id = vu;
            Log log = logs[vu] = new Log();
            users[vu] = new Thread(() -> {
                Steps steps = new Steps();
                for (long i = 0; i < maxPerUser && !stop.get() && System.nanoTime() < hardDeadline; i++) {
                    long start = System.nanoTime();
                    steps.start(start);
                    String error = null;
                    try {
                        scenario.signIn(agents[id], id, concurrency, i, steps);
                    } catch (Scenarios.Unexpected e) {
                        error = e.kind;
                        if (samples.size() < 5) {
                            samples.add(e.getMessage());
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        error = e.getClass().getSimpleName();
                        if (samples.size() < 5) {
                            samples.add(e.toString());
                        }
                    }
                    long end = System.nanoTime();
                    if (error != null) {
                        kinds.computeIfAbsent(error, k -> new LongAdder()).increment();
                    }
                    log.add(end, end - start, error, steps);
                }
            }, "vu-" + scenario.id() + "-" + vu);
            users[vu].setDaemon(true);
            users[vu].start();
        }
        Thread.sleep((long) (rampSeconds * 1000));
        if (atWindowStart != null) {
            atWindowStart.run();
        }
        Probes.Snapshot a = probes.snapshot();
        Thread.sleep((long) (windowSeconds * 1000));
        Probes.Snapshot b = probes.snapshot();
        if (atWindowEnd != null) {
            atWindowEnd.run();
        }
        stop.set(true);
        for (Thread t : users) {
            t.join(45_000);   // a request times out after 30 s, a mail wait after 10 s
            if (t.isAlive()) {
                t.interrupt();
                kinds.computeIfAbsent("hung", k -> new LongAdder()).increment();
            }
        }
        // Keycloak defers some work (e.g. batched writes of persistent sessions): wait until it is idle again, so that
        // no scenario pays for the previous one, and charge that deferred CPU to this run's sign-ins (bounded: 20 s)
        long drainStart = System.nanoTime();
        double previous = probes.snapshot().keycloak();
        while (System.nanoTime() - drainStart < 20_000_000_000L) {
            Thread.sleep(250);
            double now = probes.snapshot().keycloak();
            boolean idle = now - previous < 0.025;   // under 0.1 cores (JIT compiler threads not counted)
            previous = now;
            if (idle) {
                break;
            }
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        double toIdle = previous - a.keycloak();

        List<Long> latencies = new ArrayList<>();
        Map<String, List<Long>> stepLatencies = new java.util.LinkedHashMap<>();
        long errors = 0;
        long errorsInWindow = 0;
        long all = 0;
        long fromWindowStart = 0;
        for (Log log : logs) {
            for (int i = 0; i < log.n; i++) {
                boolean inWindow = log.end[i] >= a.nanos() && log.end[i] <= b.nanos();
                if (log.error[i] != null) {
                    errors++;
                    errorsInWindow += inWindow ? 1 : 0;
                } else {
                    all++;
                    fromWindowStart += log.end[i] >= a.nanos() ? 1 : 0;
                    if (inWindow) {
                        latencies.add(log.nanos[i]);
                        if (log.stepNames[i] != null) {
                            for (int k = 0; k < log.stepNames[i].length; k++) {
                                stepLatencies.computeIfAbsent(log.stepNames[i][k], x -> new ArrayList<>()).add(log.stepNanos[i][k]);
                            }
                        }
                    }
                }
            }
        }
        Collections.sort(latencies);
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        long ops = latencies.size();
        double kc = b.keycloak() - a.keycloak();
        double jit = b.keycloakJit() - a.keycloakJit();
        double gc = b.keycloakGc() - a.keycloakGc();
        double pg = b.postgres() - a.postgres();
        double driver = b.driver() - a.driver();
        double machine = b.machineBusy() - a.machineBusy();
        Map<String, Long> kindCounts = new TreeMap<>();
        kinds.forEach((k, v) -> kindCounts.put(k, v.sum()));
        errors += kindCounts.getOrDefault("hung", 0L);
        Map<String, Step> steps = new java.util.LinkedHashMap<>();
        stepLatencies.forEach((name, values) -> {
            Collections.sort(values);
            steps.put(name, new Step(Math.round(values.stream().mapToLong(Long::longValue).average().orElse(0) / 1e4) / 100.0,
                    Math.round(pct(values, 0.95) * 100) / 100.0));
        });
        return new Level(concurrency, seconds, ops, ops / seconds,
                ops == 0 ? 0 : latencies.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6,
                pct(latencies, 0.50), pct(latencies, 0.95), pct(latencies, 0.99), ops == 0 ? 0 : latencies.get(latencies.size() - 1) / 1e6,
                errors, errorsInWindow, kindCounts, new ArrayList<>(samples), all, kc,
                ops == 0 ? 0 : kc * 1000 / ops, kc == 0 ? 0 : ops / kc,
                ops == 0 ? 0 : pg * 1000 / ops, ops == 0 ? 0 : driver * 1000 / ops,
                machine / seconds, (kc + jit) / seconds, Math.max(0, (machine - kc - jit - pg - driver) / seconds), b.load1(), steps,
                fromWindowStart, toIdle, Math.round(drainSeconds * 100) / 100.0, fromWindowStart == 0 ? 0 : toIdle * 1000 / fromWindowStart, jit, ops == 0 ? 0 : gc * 1000 / ops);
    }

    /** Nearest-rank percentile, milliseconds. */
    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))) / 1e6;
    }
}
