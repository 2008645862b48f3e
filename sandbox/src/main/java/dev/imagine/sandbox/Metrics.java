package dev.imagine.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The six official metrics of eval.py for one submission (one plan per query), counted exactly as eval.py
 * counts them, over the submission's own denominators:
 * <ul>
 *   <li>Delivery Rate = delivered / N;</li>
 *   <li>Commonsense Micro = true commonsense results of delivered plans / 8N;</li>
 *   <li>Commonsense Macro = plans whose hard box was computed and no commonsense result is false / N;</li>
 *   <li>Hard Micro = true hard results (plans with a hard box) / (N + local constraints given: medium
 *       queries count house rule, cuisine, room type; hard queries all four; easy none);</li>
 *   <li>Hard Macro = plans with a hard box and no hard result false / N;</li>
 *   <li>Final Pass Rate = plans meeting both macro conditions / N.</li>
 * </ul>
 * For the official splits these denominators are eval.py's constants (train 45/360/105). If any plan makes
 * the official code raise, eval.py aborts: {@code error} says so and the official metrics are undefined;
 * {@code rates} are still given, counting such plans as failing what they could not be scored on.
 *
 * <pre>{@code
 * Metrics m = Metrics.of(queries, evaluations);   // evaluations.get(i) is the plan for queries.get(i)
 * double finalPass = m.rates().get(Metrics.FINAL);
 * }</pre>
 */
public record Metrics(int queries, int commonsenseMicroDenominator, int hardMicroDenominator, Counts counts,
                      Map<String, Double> rates, String error) {

    public static final String DELIVERY = "Delivery Rate";
    public static final String COMMONSENSE_MICRO = "Commonsense Constraint Micro Pass Rate";
    public static final String COMMONSENSE_MACRO = "Commonsense Constraint Macro Pass Rate";
    public static final String HARD_MICRO = "Hard Constraint Micro Pass Rate";
    public static final String HARD_MACRO = "Hard Constraint Macro Pass Rate";
    public static final String FINAL = "Final Pass Rate";
    public static final List<String> NAMES = List.of(DELIVERY, COMMONSENSE_MICRO, COMMONSENSE_MACRO, HARD_MICRO, HARD_MACRO, FINAL);

    /** eval.py's numerators. */
    public record Counts(int delivered, int commonsenseTrue, int hardTrue, int commonsenseMacro, int hardMacro,
                         int finalPass) {
    }

    /** True when eval.py would have produced these metrics (no plan made it raise). */
    public boolean official() {
        return error == null;
    }

    /** Metrics of a submission: {@code evaluations.get(i)} scores the plan for {@code queries.get(i)}. */
    public static Metrics of(List<Query> queries, List<Evaluation> evaluations) {
        if (queries.size() != evaluations.size())
            throw new IllegalArgumentException(queries.size() + " queries but " + evaluations.size() + " evaluations");
        int n = queries.size();
        int hardDenominator = n;
        for (Query q : queries) hardDenominator += countedLocalConstraints(q);
        int delivered = 0, commonsenseTrue = 0, hardTrue = 0, commonsenseMacro = 0, hardMacro = 0, finalPass = 0;
        String error = null;
        for (Evaluation e : evaluations) {
            if (e.error() != null && error == null) error = "eval.py raises on this submission (" + e.error() + ")";
            if (e.delivered()) delivered++;
            if (e.commonsense() != null)
                for (Result r : e.commonsense().values()) if (Boolean.TRUE.equals(r.value())) commonsenseTrue++;
            if (e.hard() == null) continue;   // eval.py's macro/final loop skips plans without a hard box
            for (Result r : e.hard().values()) if (Boolean.TRUE.equals(r.value())) hardTrue++;
            boolean cs = e.commonsensePassed(), hard = e.hardPassed();
            if (cs) commonsenseMacro++;
            if (hard) hardMacro++;
            if (cs && hard) finalPass++;
        }
        Counts counts = new Counts(delivered, commonsenseTrue, hardTrue, commonsenseMacro, hardMacro, finalPass);
        Map<String, Double> rates = new LinkedHashMap<>();
        rates.put(DELIVERY, ratio(delivered, n));
        rates.put(COMMONSENSE_MICRO, ratio(commonsenseTrue, 8 * n));
        rates.put(COMMONSENSE_MACRO, ratio(commonsenseMacro, n));
        rates.put(HARD_MICRO, ratio(hardTrue, hardDenominator));
        rates.put(HARD_MACRO, ratio(hardMacro, n));
        rates.put(FINAL, ratio(finalPass, n));
        return new Metrics(n, 8 * n, hardDenominator, counts, Map.copyOf(rates), error);
    }

    private static double ratio(int numerator, int denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }

    /** Local constraints eval.py puts in the hard micro denominator: medium 3 kinds, hard 4, easy none. */
    static int countedLocalConstraints(Query q) {
        int count = 0;
        boolean medium = q.level().equals("medium"), hard = q.level().equals("hard");
        if (!medium && !hard) return 0;
        if (q.houseRule() != null) count++;
        if (q.cuisine() != null) count++;
        if (q.roomType() != null) count++;
        if (hard && q.transportation() != null) count++;
        return count;
    }

    /** The metrics of each level (easy, medium, hard) present, each over its own queries. */
    public static Map<String, Metrics> byLevel(List<Query> queries, List<Evaluation> evaluations) {
        Map<String, Metrics> out = new LinkedHashMap<>();
        for (String level : Query.LEVELS) subset(queries, evaluations, q -> q.level().equals(level), level, out);
        return out;
    }

    /** The metrics of each trip length (3, 5, 7 days) present, each over its own queries. */
    public static Map<Integer, Metrics> byDays(List<Query> queries, List<Evaluation> evaluations) {
        Map<Integer, Metrics> out = new LinkedHashMap<>();
        queries.stream().map(Query::days).distinct().sorted()
                .forEach(days -> subset(queries, evaluations, q -> q.days() == days, days, out));
        return out;
    }

    private static <K> void subset(List<Query> queries, List<Evaluation> evaluations, Predicate<Query> keep, K key,
                                   Map<K, Metrics> out) {
        List<Query> qs = new ArrayList<>();
        List<Evaluation> es = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            if (keep.test(queries.get(i))) {
                qs.add(queries.get(i));
                es.add(evaluations.get(i));
            }
        }
        if (!qs.isEmpty()) out.put(key, of(qs, es));
    }

    /** Pass rate of one constraint: plans where it is true, over the queries it applies to. */
    public record ConstraintRate(int passed, int applicable) {
        public double rate() {
            return applicable == 0 ? 0.0 : (double) passed / applicable;
        }
    }

    /**
     * Per-constraint pass rates, counted from eval.py's boxes: commonsense over all N queries, budget over
     * all N, each local constraint over the queries that state it.
     */
    public static Map<String, ConstraintRate> perConstraint(List<Query> queries, List<Evaluation> evaluations) {
        Map<String, ConstraintRate> out = new LinkedHashMap<>();
        for (String name : Evaluation.COMMONSENSE) {
            int passed = 0;
            for (Evaluation e : evaluations)
                if (e.commonsense() != null && Boolean.TRUE.equals(e.commonsense().get(name).value())) passed++;
            out.put(name, new ConstraintRate(passed, queries.size()));
        }
        for (String name : Evaluation.HARD) {
            int passed = 0, applicable = 0;
            for (int i = 0; i < queries.size(); i++) {
                Query q = queries.get(i);
                boolean applies = switch (name) {
                    case "valid_cuisine" -> q.cuisine() != null && !q.cuisine().isEmpty();
                    case "valid_room_rule" -> q.houseRule() != null;
                    case "valid_room_type" -> q.roomType() != null;
                    case "valid_transportation" -> q.transportation() != null;
                    default -> true;
                };
                if (!applies) continue;
                applicable++;
                Evaluation e = evaluations.get(i);
                if (e.hard() != null && Boolean.TRUE.equals(e.hard().get(name).value())) passed++;
            }
            out.put(name, new ConstraintRate(passed, applicable));
        }
        return out;
    }

    /**
     * eval.py's second return value ({"Commonsense Constraint": {level: {days: {paper name: {"true",
     * "false", "total"}}}}, "Hard Constraint": ...}), counted as eval.py counts it (a "total" only where
     * eval.py sets one). Days keys are strings, as in eval.py's JSON dump.
     */
    public static Map<String, Object> officialDetailedScores(List<Query> queries, List<Evaluation> evaluations) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Commonsense Constraint", detailed(queries, evaluations, true));
        out.put("Hard Constraint", detailed(queries, evaluations, false));
        return out;
    }

    private static Map<String, Object> detailed(List<Query> queries, List<Evaluation> evaluations, boolean commonsense) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String level : Query.LEVELS) {
            Map<String, Object> byDay = new LinkedHashMap<>();
            for (int days : new int[]{3, 5, 7}) {
                int queryCount = 0;
                Map<String, Integer> given = new LinkedHashMap<>();
                Map<String, Map<String, Integer>> stats = new LinkedHashMap<>();
                for (int i = 0; i < queries.size(); i++) {
                    Query q = queries.get(i);
                    if (!q.level().equals(level) || q.days() != days) continue;
                    queryCount++;
                    if (q.houseRule() != null) given.merge("valid_room_rule", 1, Integer::sum);
                    if (q.cuisine() != null) given.merge("valid_cuisine", 1, Integer::sum);
                    if (q.roomType() != null) given.merge("valid_room_type", 1, Integer::sum);
                    if (q.transportation() != null) given.merge("valid_transportation", 1, Integer::sum);
                    Evaluation e = evaluations.get(i);
                    Map<String, Result> box = commonsense ? e.commonsense() : e.hard();
                    if (box == null) continue;
                    for (var r : box.entrySet()) {
                        Map<String, Integer> s = stats.computeIfAbsent(r.getKey(), k -> newCounts());
                        if (Boolean.TRUE.equals(r.getValue().value())) s.merge("true", 1, Integer::sum);
                        if (Boolean.FALSE.equals(r.getValue().value())) s.merge("false", 1, Integer::sum);
                    }
                }
                Map<String, Object> remapped = new LinkedHashMap<>();
                for (var s : stats.entrySet()) {
                    String name = s.getKey();
                    Map<String, Integer> counts = s.getValue();
                    if (commonsense) {
                        counts.put("total", queryCount);
                    } else if (level.equals("hard") && !name.equals("valid_cost")
                            || level.equals("medium") && List.of("valid_room_rule", "valid_cuisine", "valid_room_type").contains(name)) {
                        counts.put("total", given.getOrDefault(name, 0));
                    } else if (name.equals("valid_cost")) {
                        counts.put("total", queryCount);
                    }
                    remapped.put(Evaluation.PAPER_NAMES.get(name), counts);
                }
                byDay.put(Integer.toString(days), remapped);
            }
            out.put(level, byDay);
        }
        return out;
    }

    private static Map<String, Integer> newCounts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("true", 0);
        m.put("false", 0);
        return m;
    }
}
