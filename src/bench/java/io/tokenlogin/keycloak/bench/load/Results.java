package io.tokenlogin.keycloak.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run measured; written as target/bench/results.json and rendered by {@link Report}. */
final class Results {

    record Warmup(int concurrency, double seconds, long signIns, long errors, Map<String, Long> errorKinds) {
    }

    record ScenarioResult(String id, String title, Warmup warmup, List<Runner.Level> levels) {
        double pooledSignInsPerCpuSecond() {
            double ops = 0;
            double cpu = 0;
            for (Runner.Level l : levels) {
                ops += l.signIns();
                cpu += l.keycloakCpuSeconds();
            }
            return cpu == 0 ? 0 : ops / cpu;
        }
    }

    record Target(String name, String rule, String measured, List<String> perLevel, boolean pass, List<String> scenarios) {
    }

    record HeapPhase(int signInsRequested, long signIns, long errors, double seconds, double throughput, int concurrency,
                     String note, List<Heap.Point> points, List<String> singleUseClasses, double growthMb,
                     double toleranceMb, boolean pass) {
    }

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
