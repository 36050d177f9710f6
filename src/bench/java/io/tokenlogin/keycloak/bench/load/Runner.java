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
                 double machineBusyCores, double keycloakBusyCores, double otherProcessesBusyCores, double loadAverage1) {
    }

    /** Per virtual user: completion time, latency, error kind (null: success) of every sign-in. */
    private static final class Log {
        long[] end = new long[1024];
        long[] nanos = new long[1024];
        String[] error = new String[1024];
        int n;

        void add(long endNanos, long latency, String err) {
            if (n == end.length) {
                end = Arrays.copyOf(end, n * 2);
                nanos = Arrays.copyOf(nanos, n * 2);
                error = Arrays.copyOf(error, n * 2);
            }
            end[n] = endNanos;
            nanos[n] = latency;
            error[n] = err;
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
                for (long i = 0; i < maxPerUser && !stop.get() && System.nanoTime() < hardDeadline; i++) {
                    long start = System.nanoTime();
                    String error = null;
                    try {
                        scenario.signIn(agents[id], id, concurrency, i);
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
                    log.add(end, end - start, error);
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

        List<Long> latencies = new ArrayList<>();
        long errors = 0;
        long errorsInWindow = 0;
        long all = 0;
        for (Log log : logs) {
            for (int i = 0; i < log.n; i++) {
                boolean inWindow = log.end[i] >= a.nanos() && log.end[i] <= b.nanos();
                if (log.error[i] != null) {
                    errors++;
                    errorsInWindow += inWindow ? 1 : 0;
                } else {
                    all++;
                    if (inWindow) {
                        latencies.add(log.nanos[i]);
                    }
                }
            }
        }
        Collections.sort(latencies);
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        long ops = latencies.size();
        double kc = b.keycloak() - a.keycloak();
        double pg = b.postgres() - a.postgres();
        double driver = b.driver() - a.driver();
        double machine = b.machineBusy() - a.machineBusy();
        Map<String, Long> kindCounts = new TreeMap<>();
        kinds.forEach((k, v) -> kindCounts.put(k, v.sum()));
        errors += kindCounts.getOrDefault("hung", 0L);
        return new Level(concurrency, seconds, ops, ops / seconds,
                ops == 0 ? 0 : latencies.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6,
                pct(latencies, 0.50), pct(latencies, 0.95), pct(latencies, 0.99), ops == 0 ? 0 : latencies.get(latencies.size() - 1) / 1e6,
                errors, errorsInWindow, kindCounts, new ArrayList<>(samples), all, kc,
                ops == 0 ? 0 : kc * 1000 / ops, kc == 0 ? 0 : ops / kc,
                ops == 0 ? 0 : pg * 1000 / ops, ops == 0 ? 0 : driver * 1000 / ops,
                machine / seconds, kc / seconds, Math.max(0, (machine - kc - pg - driver) / seconds), b.load1());
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
