package io.tokenlogin.keycloak.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH with the usual command-line options (see {@code scripts/bench-jmh.sh}) and then prints a markdown table of
 * the results and the ratio policy / bare nimbus, both computed from this one run. Benchmarks are not tests: the
 * target is reported, never enforced.
 */
public final class BenchMain {

    /** Our verify may take at most this many times as long as bare nimbus. */
    static final double TARGET_TIME_FACTOR = 2.0;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions options = new CommandLineOptions(args);
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        double loadBefore = loadAverage();
        Collection<RunResult> results = new Runner(options).run();
        double loadAfter = loadAverage();
        System.out.println();
        System.out.print(table(new ArrayList<>(results)));
        // Other processes on the machine skew the numbers, and the ratio when the load changes between benchmarks.
        System.out.printf(Locale.ROOT, "%nJava %s, %d CPUs, system load average (1 min): %.2f before, %.2f after%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
    }

    static String table(List<RunResult> results) {
        results.sort((a, b) -> a.getParams().getBenchmark().compareTo(b.getParams().getBenchmark()));
        boolean gc = results.stream().anyMatch(r -> r.getSecondaryResults().containsKey("gc.alloc.rate.norm"));
        StringBuilder out = new StringBuilder();
        out.append("| Benchmark | Score | ± Error (99.9%) | Unit | µs/op |").append(gc ? " alloc B/op |" : "")
                .append('\n').append("|---|---:|---:|---|---:|").append(gc ? "---:|" : "").append('\n');
        for (RunResult r : results) {
            Result<?> p = r.getPrimaryResult();
            out.append("| ").append(shortName(r)).append(" | ").append(fmt(p.getScore())).append(" | ")
                    .append(fmt(p.getScoreError())).append(" | ").append(p.getScoreUnit()).append(" | ")
                    .append(microsPerOp(p)).append(" |");
            if (gc) {
                Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
                out.append(' ').append(alloc == null ? "" : fmt(alloc.getScore())).append(" |");
            }
            out.append('\n');
        }
        out.append('\n');
        ratio(out, results, "Nested", "nested (Publica.la) token");
        ratio(out, results, "Flat", "flat (Invoiced) token");
        return out.toString();
    }

    private static void ratio(StringBuilder out, List<RunResult> results, String shape, String label) {
        Result<?> policy = find(results, "PartnerTokenBench.policy" + shape);
        Result<?> nimbus = find(results, "PartnerTokenBench.nimbus" + shape);
        if (policy == null || nimbus == null || !policy.getScoreUnit().equals(nimbus.getScoreUnit())
                || !policy.getScoreUnit().endsWith("/s") || !policy.getScoreUnit().startsWith("ops")) {
            return; // ratio only for a throughput run that has both sides
        }
        double ratio = policy.getScore() / nimbus.getScore();
        // First-order propagation of the two relative errors (an indication, not a confidence interval).
        double error = ratio * Math.hypot(rel(policy), rel(nimbus));
        out.append(String.format(Locale.ROOT,
                "Ratio policy / bare nimbus, %s: throughput %.3f ± %s (policy takes %.2f× the time of nimbus;"
                        + " target ≤ %.1f×: %s)%n",
                label, ratio, Double.isNaN(error) ? "n/a" : String.format(Locale.ROOT, "%.3f", error), 1 / ratio,
                TARGET_TIME_FACTOR,
                1 / ratio <= TARGET_TIME_FACTOR ? "met" : "NOT met"));
    }

    private static double rel(Result<?> r) {
        return r.getScoreError() / r.getScore();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static Result<?> find(List<RunResult> results, String suffix) {
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith(suffix)) {
                return r.getPrimaryResult();
            }
        }
        return null;
    }

    private static String shortName(RunResult r) {
        String name = r.getParams().getBenchmark();
        String prefix = BenchMain.class.getPackageName() + ".";
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    private static String microsPerOp(Result<?> r) {
        String unit = r.getScoreUnit();
        double perSecond = switch (unit) {
            case "ops/s" -> r.getScore();
            case "ops/ms" -> r.getScore() * 1e3;
            case "ops/us" -> r.getScore() * 1e6;
            default -> Double.NaN;
        };
        return Double.isNaN(perSecond) ? "" : String.format(Locale.ROOT, "%.3f", 1e6 / perSecond);
    }

    private static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.3f", value);
    }
}
