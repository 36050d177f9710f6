package io.tokenlogin.keycloak.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run measured; written as target/bench/results.json and rendered by {@link Report}. */
final class Results {

    record ScenarioResult(String id, String title, List<Runner.Level> levels) {
        /** All sign-ins from the windows' starts until Keycloak was idle again, over all Keycloak CPU seconds in that time. */
        double pooledSignInsPerCpuSecond() {
            double ops = 0;
            double cpu = 0;
            for (Runner.Level l : levels) {
                ops += l.signInsFromWindowStart();
                cpu += l.keycloakCpuToIdleSeconds();
            }
            return cpu == 0 ? 0 : ops / cpu;
        }
    }

    record Target(String name, String rule, String measured, List<String> perLevel, boolean pass, List<String> scenarios) {
    }

    record HeapPhase(int signInsRequested, long signIns, long errors, double seconds, double throughput,
                     double keycloakCpuMsPerSignIn, int concurrency,
                     String note, List<Heap.Point> points, List<String> singleUseClasses, double growthMb,
                     double toleranceMb, boolean pass) {
    }

    /** Magic-link sign-ins in a row, Keycloak CPU per sign-in per thousand. */
    record MailSeries(int signIns, int concurrency, List<Double> cpuMsPerThousand, List<Double> signInsPerSecond, long errors,
                      List<Double> gcMsPerThousand,
                      List<Double> postgresMsPerThousand, List<Long> singleUseEntries, List<Long> userSessionEntries, int rounds,
                      int addresses, List<Double> driverMsPerThousand, List<Double> machineBusyCores) {
    }

    public MailSeries mailSeries;
    public String mode;
    public String command;
    public String startedAt;
    public String keycloakVersion;
    public String javaVersion;
    public String machine;
    public Map<String, Object> setup = new LinkedHashMap<>();
    public List<ScenarioResult> scenarios = new ArrayList<>();
    public List<Target> targets = new ArrayList<>();
    public HeapPhase heap;
    public List<Profiler.Profile> profiles = new ArrayList<>();
    /** Extra measurements that split a scenario (not part of the targets). */
    public List<ScenarioResult> diagnostics = new ArrayList<>();
    public double totalSecondsToReport;

    ScenarioResult scenario(String id) {
        return scenarios.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }
}
