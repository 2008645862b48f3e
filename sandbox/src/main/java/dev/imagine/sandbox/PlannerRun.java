package dev.imagine.sandbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Statistics of a planner over many queries: how many got each {@link PlanResult.Status} and the time per
 * query (percentiles), plus the plans-file row format that {@code imagine eval} reads.
 *
 * <pre>{@code
 * PlannerRun run = new PlannerRun();
 * for (Query q : queries) run.add(planner.plan(q));
 * System.out.print(run.summary());
 * }</pre>
 */
public final class PlannerRun {
    private final Map<PlanResult.Status, Integer> counts = new EnumMap<>(PlanResult.Status.class);
    private final List<Long> nanos = new ArrayList<>(), cpuNanos = new ArrayList<>();

    public void add(PlanResult r) {
        counts.merge(r.status(), 1, Integer::sum);
        nanos.add(r.nanos());
        if (r.cpuNanos() >= 0) cpuNanos.add(r.cpuNanos());
    }

    public int count(PlanResult.Status status) {
        return counts.getOrDefault(status, 0);
    }

    /** The q-quantile (0..1, nearest rank) of the wall-clock time per query in seconds; NaN if empty. */
    public double quantileSeconds(double q) {
        return quantile(nanos, q);
    }

    /** The q-quantile of the CPU time per query in seconds (robust to a loaded machine); NaN if not measured. */
    public double quantileCpuSeconds(double q) {
        return quantile(cpuNanos, q);
    }

    private static double quantile(List<Long> times, double q) {
        if (times.isEmpty()) return Double.NaN;
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e9;
    }

    /** Fraction of queries answered within {@code seconds}. */
    public double fractionWithin(double seconds) {
        if (nanos.isEmpty()) return Double.NaN;
        long limit = (long) (seconds * 1e9);
        return nanos.stream().filter(n -> n <= limit).count() / (double) nanos.size();
    }

    /** Multi-line summary: counts by status, time percentiles and the share answered within 1 s. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        int total = nanos.size();
        s.append(String.format("queries %d: feasible %d, infeasible %d (over budget %d, no plan %d), unsupported %d%n", total,
                count(PlanResult.Status.FEASIBLE), count(PlanResult.Status.OVER_BUDGET) + count(PlanResult.Status.NO_PLAN),
                count(PlanResult.Status.OVER_BUDGET), count(PlanResult.Status.NO_PLAN), count(PlanResult.Status.UNSUPPORTED)));
        if (total > 0) {
            double sum = nanos.stream().mapToLong(Long::longValue).sum() / 1e9;
            s.append(String.format("wall time per query: mean %.1f ms, p50 %.1f ms, p90 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; "
                            + "within 1 s: %.1f%%%n", 1000 * sum / total, 1000 * quantileSeconds(0.5), 1000 * quantileSeconds(0.9),
                    1000 * quantileSeconds(0.95), 1000 * quantileSeconds(0.99), 1000 * quantileSeconds(1.0), 100 * fractionWithin(1.0)));
            if (!cpuNanos.isEmpty())
                s.append(String.format("CPU time per query: p50 %.1f ms, p90 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        1000 * quantileCpuSeconds(0.5), 1000 * quantileCpuSeconds(0.9), 1000 * quantileCpuSeconds(0.95),
                        1000 * quantileCpuSeconds(0.99), 1000 * quantileCpuSeconds(1.0)));
        }
        return s.toString();
    }

    /**
     * One plans-file row: {@code {"query_idx", "variant", "plan", "status", "cost", "reason"}}; the plan is null
     * (not delivered) unless the query is feasible, cost is the cheapest plan's official cost (null if none).
     */
    public static String rowJson(int queryIdx, String variant, PlanResult r) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("query_idx", queryIdx);
        row.put("variant", variant);
        row.put("plan", r.feasible() ? r.plan().raw() : null);
        row.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
        row.put("cost", Double.isNaN(r.cost()) ? null : r.cost());
        row.put("reason", r.reason());
        return PyJson.dumps(row);
    }

    @Override
    public String toString() {
        return summary() + Arrays.toString(counts.entrySet().toArray());
    }
}
