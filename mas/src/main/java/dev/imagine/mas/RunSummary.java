package dev.imagine.mas;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The numbers of a trace directory: queries done and failed, how often judges flagged errors, how often
 * the Reflector ran, and the evaluator's pass rates of the Reasoner's and the final plans (over done
 * queries).
 *
 * <p>Usage: {@code RunSummary.of(TraceReader.readAll(dir)).lines().forEach(System.out::println)}
 */
public record RunSummary(int rows, int done, int failed, int verdicts, int verdictsFlaggingErrors, int reflected,
                         Rates reasonerPlan, Rates finalPlan, long promptTokens, long completionTokens) {

    /** Counts of plans delivered / passing commonsense / hard / everything, over {@code n} scored plans. */
    public record Rates(int n, int delivered, int commonsense, int hard, int fin) {
        void line(List<String> out, String label) {
            out.add(String.format(Locale.ROOT, "  %-14s delivery %s  commonsense %s  hard %s  final pass %s", label,
                    pct(delivered, n), pct(commonsense, n), pct(hard, n), pct(fin, n)));
        }
    }

    /** A summary that counts rows one at a time (for streaming over big directories). */
    public static final class Counter {
        private int rows, done, failed, verdicts, flagged, reflected;
        private final int[] reasoner = new int[5];
        private final int[] fin = new int[5];
        private long promptTokens, completionTokens;

        public void add(TraceRow r) {
            rows++;
            for (RoleCall c : new RoleCall[]{r.reasoner(), r.judge1(), r.judge2(), r.reflector()}) {
                if (c == null) continue;
                promptTokens += Math.max(0, c.promptTokens());
                completionTokens += Math.max(0, c.completionTokens());
            }
            if (!r.done()) {
                failed++;
                return;
            }
            done++;
            for (String v : new String[]{r.judge1Verdict(), r.judge2Verdict()}) {
                if (v == null) continue;
                verdicts++;
                if (!Verdict.NO_ERRORS.text.equals(v)) flagged++;
            }
            if (r.reflected()) reflected++;
            count(reasoner, r.reasonerScore());
            count(fin, r.finalScore());
        }

        private static void count(int[] c, PlanScore s) {
            if (s == null) return;
            c[0]++;
            if (s.delivered()) c[1]++;
            if (s.commonsensePass()) c[2]++;
            if (s.hardPass()) c[3]++;
            if (s.finalPass()) c[4]++;
        }

        public RunSummary summary() {
            return new RunSummary(rows, done, failed, verdicts, flagged, reflected,
                    new Rates(reasoner[0], reasoner[1], reasoner[2], reasoner[3], reasoner[4]),
                    new Rates(fin[0], fin[1], fin[2], fin[3], fin[4]), promptTokens, completionTokens);
        }
    }

    public static RunSummary of(Iterable<TraceRow> rows) {
        Counter c = new Counter();
        rows.forEach(c::add);
        return c.summary();
    }

    public double judgeErrorRate() {
        return verdicts == 0 ? 0 : (double) verdictsFlaggingErrors / verdicts;
    }

    public double reflectionRate() {
        return done == 0 ? 0 : (double) reflected / done;
    }

    /** The summary as printed by {@code imagine mas run} and {@code imagine traces stats}. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "queries: %d done, %d failed (%d rows)", done, failed, rows));
        out.add(String.format(Locale.ROOT, "judge error rate: %s of %d verdicts said \"Errors exist.\"", pct(verdictsFlaggingErrors, verdicts), verdicts));
        out.add(String.format(Locale.ROOT, "reflection rate: %s (%d of %d done queries)", pct(reflected, done), reflected, done));
        out.add("plan pass rates (sandbox evaluator):");
        reasonerPlan.line(out, "reasoner plan");
        finalPlan.line(out, "final plan");
        out.add(String.format(Locale.ROOT, "tokens: %d prompt, %d completion", promptTokens, completionTokens));
        return out;
    }

    private static String pct(int k, int n) {
        return n == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * k / n);
    }
}
