package dev.imagine.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an {@link EvalReport} as the text table {@code imagine eval} prints, or as JSON
 * ({@link #json(EvalReport, boolean)}). Rates are percentages; a family on which eval.py raises shows
 * "raises" and the error (our evaluation of its other plans is still in the details).
 *
 * <pre>{@code System.out.print(MetricsTable.text(report, true));}</pre>
 */
public final class MetricsTable {
    private MetricsTable() {
    }

    private static final String HEADER = String.format(Locale.ROOT, "%-34s %5s %9s %9s %9s %9s %9s %9s%n",
            "family", "N", "delivery", "cs-micro", "cs-macro", "hd-micro", "hd-macro", "final");

    /** The metrics table; with {@code breakdowns}, also by level, by trip length and per constraint for each family. */
    public static String text(EvalReport report, boolean breakdowns) {
        StringBuilder out = new StringBuilder(HEADER);
        report.families().forEach((name, f) -> row(out, name, f.metrics()));
        if (!breakdowns) return out.toString();
        report.families().forEach((name, f) -> {
            out.append(String.format(Locale.ROOT, "%n== %s: by level and trip length%n", name)).append(HEADER);
            Metrics.byLevel(f.queries(), f.evaluations()).forEach((level, m) -> row(out, "  " + level, m));
            Metrics.byDays(f.queries(), f.evaluations()).forEach((days, m) -> row(out, "  " + days + " days", m));
            out.append(String.format(Locale.ROOT, "== %s: pass rate per constraint%n", name));
            Metrics.perConstraint(f.queries(), f.evaluations()).forEach((c, r) -> out.append(String.format(Locale.ROOT,
                    "  %-38s %-26s %6.1f%%  (%d/%d)%n", c, Evaluation.PAPER_NAMES.get(c), 100 * r.rate(), r.passed(), r.applicable())));
        });
        return out.toString();
    }

    private static void row(StringBuilder out, String name, Metrics m) {
        out.append(String.format(Locale.ROOT, "%-34s %5d", name, m.queries()));
        if (m.error() != null) {
            out.append("  raises: ").append(m.error().replace("eval.py raises on this submission ", "")).append('\n');
            return;
        }
        for (String metric : Metrics.NAMES) out.append(String.format(Locale.ROOT, " %8.1f%%", 100 * m.rates().get(metric)));
        out.append('\n');
    }

    /** The report as JSON: per family its metrics, numerators, denominators and error (and breakdowns). */
    public static String json(EvalReport report, boolean breakdowns) {
        Map<String, Object> families = new LinkedHashMap<>();
        report.families().forEach((name, f) -> {
            Map<String, Object> family = metricsJson(f.metrics());
            family.put("query_idx", f.queryIdx());
            if (breakdowns) {
                Map<String, Object> levels = new LinkedHashMap<>();
                Metrics.byLevel(f.queries(), f.evaluations()).forEach((level, m) -> levels.put(level, metricsJson(m)));
                Map<String, Object> days = new LinkedHashMap<>();
                Metrics.byDays(f.queries(), f.evaluations()).forEach((d, m) -> days.put(Integer.toString(d), metricsJson(m)));
                Map<String, Object> constraints = new LinkedHashMap<>();
                Metrics.perConstraint(f.queries(), f.evaluations()).forEach((c, r) ->
                        constraints.put(c, new LinkedHashMap<>(Map.of("passed", r.passed(), "applicable", r.applicable(), "rate", r.rate()))));
                family.put("by_level", levels);
                family.put("by_days", days);
                family.put("per_constraint", constraints);
            }
            families.put(name, family);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plans", report.rows().size());
        out.put("families", families);
        return PyJson.dumps(out);
    }

    private static Map<String, Object> metricsJson(Metrics m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n_queries", m.queries());
        Map<String, Object> denominators = new LinkedHashMap<>();
        denominators.put("queries", m.queries());
        denominators.put("commonsense_micro", m.commonsenseMicroDenominator());
        denominators.put("hard_micro", m.hardMicroDenominator());
        out.put("denominators", denominators);
        out.put("error", m.error());
        Metrics.Counts c = m.counts();
        Map<String, Object> numerators = new LinkedHashMap<>();
        numerators.put("delivered", c.delivered());
        numerators.put("commonsense_true", c.commonsenseTrue());
        numerators.put("hard_true", c.hardTrue());
        numerators.put("commonsense_macro", c.commonsenseMacro());
        numerators.put("hard_macro", c.hardMacro());
        numerators.put("final", c.finalPass());
        out.put("numerators", m.error() == null ? numerators : null);
        Map<String, Object> rates = new LinkedHashMap<>();
        for (String name : Metrics.NAMES) rates.put(name, m.rates().get(name));
        out.put("metrics", m.error() == null ? rates : null);
        // what the metrics would be with raising plans scored as failing (eval.py itself has none)
        if (m.error() != null) out.put("metrics_scoring_raising_plans_as_failed", rates);
        return out;
    }

    /** Names of families whose metrics eval.py could not compute. */
    public static List<String> raising(EvalReport report) {
        List<String> out = new ArrayList<>();
        report.families().forEach((name, f) -> {
            if (f.metrics().error() != null) out.add(name);
        });
        return out;
    }
}
