package io.tokenlogin.keycloak.bench.load;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JFR on the Keycloak process during one scenario window ({@code jcmd JFR.start/stop}), then the CPU samples
 * (jdk.ExecutionSample) read back here: each sample is charged to the first frame, from the top of the stack, that
 * is not JDK code (so RSA arithmetic counts for the Keycloak class that signs, HashMap lookups for the cache that
 * does them), and grouped by component; samples with any io.tokenlogin frame on the stack are "under our code".
 */
final class Profiler {

    record Entry(String frame, double percent) {
    }

    record Profile(String scenario, int concurrency, double seconds, long samples, double underOurCodePercent,
                   double ourOwnCodePercent, Map<String, Double> byComponentPercent, List<Entry> topCharged,
                   List<Entry> topOursInclusive, List<Entry> topSelf, String file) {
    }

    private Profiler() {
    }

    static void start(Probes probes, String name) throws Exception {
        probes.jcmd("JFR.start", "name=" + name, "settings=profile");
    }

    static void stop(Probes probes, String name, Path file) throws Exception {
        probes.jcmd("JFR.stop", "name=" + name, "filename=" + file.toAbsolutePath());
    }

    static Profile analyse(String scenario, int concurrency, double seconds, Path file) throws Exception {
        long samples = 0;
        long underOurs = 0;
        Map<String, Long> components = new HashMap<>();
        Map<String, Long> charged = new HashMap<>();
        Map<String, Long> oursInclusive = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!"jdk.ExecutionSample".equals(e.getEventType().getName())) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(name(frames.get(0)), 1L, Long::sum);
            String component = null;
            String chargedTo = null;
            Set<String> ours = new HashSet<>();
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                String c = component(type);
                if (component == null && c != null) {
                    component = c;
                    chargedTo = name(f);
                }
                if (type.startsWith("io.tokenlogin.")) {
                    ours.add(name(f));
                }
            }
            components.merge(component == null ? "JDK only" : component, 1L, Long::sum);
            charged.merge(chargedTo == null ? name(frames.get(0)) : chargedTo, 1L, Long::sum);
            if (!ours.isEmpty()) {
                underOurs++;
                ours.forEach(o -> oursInclusive.merge(o, 1L, Long::sum));
            }
        }
        long total = Math.max(1, samples);
        return new Profile(scenario, concurrency, seconds, samples, 100.0 * underOurs / total,
                100.0 * components.getOrDefault(OURS, 0L) / total, percents(components, total, 20),
                entries(charged, total, 15), entries(oursInclusive, total, 10), entries(self, total, 10), file.toString());
    }

    static final String OURS = "io.tokenlogin (this extension)";

    static String component(String type) {
        if (type.startsWith("io.tokenlogin.")) {
            return OURS;
        }
        if (type.startsWith("org.keycloak.")) {
            return "Keycloak";
        }
        if (type.startsWith("org.infinispan.") || type.startsWith("org.jgroups.")) {
            return "Infinispan/JGroups";
        }
        if (type.startsWith("org.hibernate.") || type.startsWith("org.postgresql.") || type.startsWith("io.agroal.")
                || type.startsWith("com.arjuna.") || type.startsWith("io.quarkus.narayana") || type.startsWith("jakarta.persistence")
                || type.startsWith("net.bytebuddy.")) {
            return "JPA/JDBC (Hibernate, pgjdbc, Agroal, Narayana)";
        }
        if (type.startsWith("freemarker.")) {
            return "FreeMarker (page rendering)";
        }
        if (type.startsWith("org.bouncycastle.")) {
            return "BouncyCastle (crypto, Argon2)";
        }
        if (type.startsWith("com.fasterxml.")) {
            return "Jackson";
        }
        if (type.startsWith("io.vertx.") || type.startsWith("io.netty.") || type.startsWith("io.quarkus.")
                || type.startsWith("org.jboss.resteasy.") || type.startsWith("io.smallrye.") || type.startsWith("org.jboss.threads.")
                || type.startsWith("org.jboss.logmanager.") || type.startsWith("org.jboss.logging.")) {
            return "Quarkus/Vert.x/RESTEasy/logging";
        }
        if (type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun.")
                || type.startsWith("com.sun.")) {
            return null;
        }
        String[] p = type.split("\\.");
        return "other (" + (p.length > 2 ? p[0] + "." + p[1] : type) + ")";
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static Map<String, Double> percents(Map<String, Long> counts, long total, int limit) {
        Map<String, Double> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.put(e.getKey(), round(100.0 * e.getValue() / total)));
        return out;
    }

    private static List<Entry> entries(Map<String, Long> counts, long total, int limit) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .map(e -> new Entry(e.getKey(), round(100.0 * e.getValue() / total))).toList();
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
