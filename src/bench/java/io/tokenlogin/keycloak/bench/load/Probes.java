package io.tokenlogin.keycloak.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * CPU time from /proc: Keycloak's java process (utime+stime), PostgreSQL (postmaster, its backends and the reaped
 * ones), this driver JVM, and the whole machine (to see what the other processes on the box took meanwhile).
 */
final class Probes {

    /**
     * One reading of every counter, in CPU seconds (machine: busy core-seconds since boot). {@code keycloak} is the
     * Keycloak process without its JIT compiler threads, {@code keycloakJit} those threads alone: compiling is warm-up,
     * not a cost of the sign-ins running meanwhile, and on 2 cores it goes on for minutes.
     */
    record Snapshot(long nanos, double keycloak, double keycloakJit, double keycloakGc, double postgres, double driver,
                    double machineBusy, double load1) {
    }

    private final long keycloakPid;
    private final long postmasterPid;
    private final double ticks;
    private String metricsUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    Probes(long keycloakPid, long postmasterPid, long clockTicks) {
        this.keycloakPid = keycloakPid;
        this.postmasterPid = postmasterPid;
        this.ticks = clockTicks;
    }

    /** Keycloak's management {@code /metrics} (started with {@code --metrics-enabled=true}); null: no cache census. */
    void metricsUrl(String url) {
        this.metricsUrl = url;
    }

    /**
     * Entries Keycloak's embedded Infinispan holds in the named caches right now
     * ({@code vendor_statistics_approximate_entries{cache=...}}), -1 for a cache it does not report or without metrics.
     * Read from the metrics endpoint, so nothing is collected or paused to count them.
     */
    Map<String, Long> cacheEntries(String... caches) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String c : caches) {
            out.put(c, -1L);
        }
        if (metricsUrl == null) {
            return out;
        }
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (!line.startsWith("vendor_statistics_approximate_entries{")) {
                    continue;
                }
                for (String c : caches) {
                    if (line.contains("cache=\"" + c + "\"")) {
                        out.put(c, (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no census for this point
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    long keycloakPid() {
        return keycloakPid;
    }

    Snapshot snapshot() {
        double[] threads = threadGroups(keycloakPid);
        return new Snapshot(System.nanoTime(), own(keycloakPid) - threads[0], threads[0], threads[1],
                postmasterPid > 0 ? tree(postmasterPid) : 0, own(ProcessHandle.current().pid()), machineBusy(), loadAverage());
    }

    /**
     * CPU of the process's C1/C2 compiler threads ("C1 CompilerThre", "C2 CompilerThre") and of its garbage collector
     * and VM threads ("GC Thread#", "G1 ...", "VM Thread"); the GC stays part of the sign-ins' cost, it is only shown apart.
     */
    double[] threadGroups(long pid) {
        double jit = 0;
        double gc = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    boolean compiler = comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
                    boolean collector = comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread");
                    if (compiler || collector) {
                        String st = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                        String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                        double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticks;
                        if (compiler) {
                            jit += cpu;
                        } else {
                            gc += cpu;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return new double[] {0, 0};
        }
        return new double[] {jit, gc};
    }

    /** utime + stime of one process, seconds. */
    double own(long pid) {
        long[] f = stat(pid);
        return f == null ? 0 : (f[0] + f[1]) / ticks;
    }

    /** A process, its reaped children (cutime, cstime) and its live children: PostgreSQL's backends. */
    double tree(long pid) {
        long[] f = stat(pid);
        if (f == null) {
            return 0;
        }
        double sum = (f[0] + f[1] + f[2] + f[3]) / ticks;
        for (long child : children(pid)) {
            long[] c = stat(child);
            if (c != null) {
                sum += (c[0] + c[1] + c[2] + c[3]) / ticks;
            }
        }
        return sum;
    }

    /** utime, stime, cutime, cstime in clock ticks, or null when the process is gone. */
    static long[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        try {
            for (String c : Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children")).trim().split("\\s+")) {
                if (!c.isEmpty()) {
                    out.add(Long.parseLong(c));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no children file: count none
        }
        return out;
    }

    /** Busy core-seconds of the whole machine since boot (/proc/stat: everything but idle and iowait). */
    double machineBusy() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return (total - idle) / ticks;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Runs {@code jcmd <keycloak pid> args...} (bounded to 3 minutes) and returns its output. */
    String jcmd(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("jcmd", Long.toString(keycloakPid)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + String.join(" ", args) + " timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", args) + " failed: " + text);
        }
        return text;
    }
}
