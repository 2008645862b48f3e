package dev.imagine.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a plans file against its queries and groups the plans into submissions ("families"), one per
 * variant label: rows {@code {"query_idx", "variant", "plan"}} are matched by query_idx; official
 * submission rows {@code {"idx", "query", "plan"}} (no query_idx) are matched by position and form the
 * family {@value #SUBMISSION}. Each family is scored over the queries it has plans for, in query order.
 *
 * <pre>{@code
 * EvalReport report = EvalReport.run(new Evaluator(db), queries, Plans.read(plansFile));
 * report.families().forEach((name, f) -> System.out.println(name + " " + f.metrics().rates()));
 * }</pre>
 */
public record EvalReport(List<Row> rows, Map<String, Family> families) {
    public static final String SUBMISSION = "submission";

    /** One evaluated plan: its row, the matched query's index and the evaluation. */
    public record Row(PlanRow plan, int queryIdx, String family, Evaluation evaluation) {
    }

    /** One family's plans (ordered by query index) and metrics. */
    public record Family(List<Integer> queryIdx, List<Query> queries, List<Evaluation> evaluations, Metrics metrics) {
    }

    /** Evaluates every row (single-threaded; see {@link #run(Evaluator, List, List, int)}). */
    public static EvalReport run(Evaluator evaluator, List<Query> queries, List<PlanRow> plans) {
        return run(evaluator, queries, plans, 1);
    }

    /** Evaluates every row on {@code threads} threads (the evaluator is a pure function). */
    public static EvalReport run(Evaluator evaluator, List<Query> queries, List<PlanRow> plans, int threads) {
        int[] queryOf = new int[plans.size()];
        for (int i = 0; i < plans.size(); i++) {
            PlanRow row = plans.get(i);
            int q = row.queryIdx() != null ? row.queryIdx() : i;
            if (q >= queries.size())
                throw new SandboxException("plans line " + row.line() + ": "
                        + (row.queryIdx() != null ? "query_idx " + q : "row " + (i + 1)) + " has no query (" + queries.size() + " queries)");
            queryOf[i] = q;
        }
        Evaluation[] evaluations = new Evaluation[plans.size()];
        java.util.stream.IntStream indexes = java.util.stream.IntStream.range(0, plans.size());
        if (threads > 1) {
            try (var pool = new java.util.concurrent.ForkJoinPool(threads)) {
                pool.submit(() -> indexes.parallel().forEach(i -> evaluations[i] = evaluator.evaluate(queries.get(queryOf[i]), plans.get(i).plan()))).join();
            }
        } else {
            indexes.forEach(i -> evaluations[i] = evaluator.evaluate(queries.get(queryOf[i]), plans.get(i).plan()));
        }
        List<Row> rows = new ArrayList<>();
        Map<String, List<Row>> grouped = new LinkedHashMap<>();
        for (int i = 0; i < plans.size(); i++) {
            PlanRow p = plans.get(i);
            String family = p.queryIdx() == null ? SUBMISSION : p.variant() == null ? "plans" : p.variant();
            Row row = new Row(p, queryOf[i], family, evaluations[i]);
            rows.add(row);
            grouped.computeIfAbsent(family, f -> new ArrayList<>()).add(row);
        }
        Map<String, Family> families = new java.util.TreeMap<>();
        for (var e : grouped.entrySet()) {
            List<Row> members = new ArrayList<>(e.getValue());
            members.sort(Comparator.comparingInt(Row::queryIdx));
            List<Integer> idx = members.stream().map(Row::queryIdx).toList();
            List<Query> qs = idx.stream().map(queries::get).toList();
            List<Evaluation> es = members.stream().map(Row::evaluation).toList();
            families.put(e.getKey(), new Family(idx, qs, es, Metrics.of(qs, es)));
        }
        return new EvalReport(List.copyOf(rows), java.util.Collections.unmodifiableMap(families));
    }

    /** The {@code --details} line of a row: {"query_idx", "variant", "commonsense", "hard", "error"}. */
    public static String detailsJson(Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        Evaluation e = row.evaluation();
        out.put("query_idx", row.queryIdx());
        out.put("variant", row.plan().variant());
        out.put("delivered", e.delivered());
        out.put("commonsense", box(e.commonsense()));
        out.put("hard", box(e.hard()));
        out.put("error", e.error());
        out.put("total_cost", e.totalCost());
        return PyJson.dumps(out);
    }

    private static Map<String, Object> box(Map<String, Result> box) {
        if (box == null) return null;
        Map<String, Object> out = new LinkedHashMap<>();
        box.forEach((name, r) -> out.put(name, java.util.Arrays.asList(r.value(), r.reason())));
        return out;
    }
}
