package io.tokenlogin.keycloak.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Keycloak heap after a full GC ({@code jcmd GC.run}, {@code GC.heap_info}) and a class histogram
 * ({@code GC.class_histogram}, itself after a full GC): live bytes, Keycloak's single-use entries (where our
 * replay markers and magic links live), sessions, and every io.tokenlogin instance.
 */
final class Heap {

    record Point(String label, double secondsSinceStart, double heapUsedMb, double heapCommittedMb, double liveMb,
                 long singleUseEntries, long userSessionEntities, long authenticationSessionEntities,
                 long tokenLoginInstances, long tokenLoginBytes) {
    }

    private static final Pattern HEAP = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

    private final Probes probes;
    private final long start = System.nanoTime();
    final List<Point> points = new ArrayList<>();
    final List<String> singleUseClasses = new ArrayList<>();

    Heap(Probes probes) {
        this.probes = probes;
    }

    Point measure(String label) throws Exception {
        probes.jcmd("GC.run");
        String info = probes.jcmd("GC.heap_info");
        Matcher h = HEAP.matcher(info);
        double committed = 0;
        double used = 0;
        if (h.find()) {
            committed = Long.parseLong(h.group(1)) / 1024.0;
            used = Long.parseLong(h.group(2)) / 1024.0;
        }
        long live = 0;
        long singleUse = 0;
        long userSessions = 0;
        long authSessions = 0;
        long ours = 0;
        long oursBytes = 0;
        for (String line : probes.jcmd("GC.class_histogram").split("\n")) {
            Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                live = Long.parseLong(t.group(2));
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (!m.find()) {
                continue;
            }
            long instances = Long.parseLong(m.group(1));
            String type = m.group(3);
            String simple = type.substring(type.lastIndexOf('.') + 1);
            if (simple.contains("SingleUseObject") && simple.endsWith("Entity")) {
                singleUse += instances;
                if (!singleUseClasses.contains(type)) {
                    singleUseClasses.add(type);
                }
            } else if (simple.equals("UserSessionEntity")) {
                userSessions += instances;
            } else if (simple.equals("AuthenticationSessionEntity")) {
                authSessions += instances;
            }
            if (type.startsWith("io.tokenlogin.")) {
                ours += instances;
                oursBytes += Long.parseLong(m.group(2));
            }
        }
        Point p = new Point(label, Math.round((System.nanoTime() - start) / 1e8) / 10.0, round(used), round(committed),
                round(live / 1048576.0), singleUse, userSessions, authSessions, ours, oursBytes);
        points.add(p);
        System.out.printf("  heap %-34s used %7.1f MB (live %7.1f MB), single-use entries %6d, user sessions %6d, io.tokenlogin objects %d%n",
                label, p.heapUsedMb(), p.liveMb(), singleUse, userSessions, ours);
        return p;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
