package dev.imagine.sandbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The official TravelPlanner evaluator (evaluation/eval.py + commonsense_constraint.py +
 * hard_constraint.py, OSU-NLP-Group/TravelPlanner HEAD da7c1d4), quirks included, as a pure function of
 * (database, query, plan): thread-safe, no I/O, never throws on a malformed plan.
 *
 * <pre>{@code
 * Evaluator evaluator = new Evaluator(Database.builtIn());
 * Evaluation e = evaluator.evaluate(query, plan);
 * boolean pass = e.finalPassed();
 * }</pre>
 */
public final class Evaluator {
    private final SandboxLookup lookup;
    private final EvaluationMode mode;

    /** The official evaluator. */
    public Evaluator(Database db) {
        this(db, EvaluationMode.OFFICIAL);
    }

    /** An evaluator in the given mode ({@link EvaluationMode#STRICT} fixes the official bugs it lists). */
    public Evaluator(Database db, EvaluationMode mode) {
        this.lookup = new SandboxLookup(db);
        this.mode = mode;
    }

    public EvaluationMode mode() {
        return mode;
    }

    public Database database() {
        return lookup.db();
    }

    /** Evaluates one plan the way eval.py does, plus each check alone and the total cost. */
    public Evaluation evaluate(Query query, Plan plan) {
        if (!plan.delivered()) return new Evaluation(false, null, null, null, Map.of(), null, null);
        Object raw = plan.raw();
        CommonsenseChecks commonsense = new CommonsenseChecks(lookup, query, raw, mode);
        HardChecks hard = new HardChecks(lookup, query, raw, mode);
        boolean strict = mode == EvaluationMode.STRICT;

        Map<String, Outcome> perFunction = new LinkedHashMap<>();
        for (String name : CommonsenseChecks.NAMES) perFunction.put(name, call(() -> commonsense.run(name)));
        for (String name : HardChecks.NAMES) perFunction.put(name, call(() -> hard.run(name)));

        // eval.py: the commonsense box is the 8 checks in order; the first exception aborts it
        String error = null;
        Map<String, Result> commonsenseBox = new LinkedHashMap<>();
        for (String name : CommonsenseChecks.NAMES) {
            Outcome o = perFunction.get(name);
            if (o.error() != null && !strict) {
                error = "commonsense: " + o.error();
                commonsenseBox = null;
                break;
            }
            commonsenseBox.put(name, o.effective());   // strict S7: a raising check counts as failed
        }
        Map<String, Result> hardBox = null;
        if (commonsenseBox != null && Boolean.TRUE.equals(commonsenseBox.get("is_not_absent").value())
                && Boolean.TRUE.equals(commonsenseBox.get("is_valid_information_in_sandbox").value())) {
            hardBox = new LinkedHashMap<>();
            for (String name : HardChecks.NAMES) {
                Outcome o = perFunction.get(name);
                if (o.error() != null && !strict) {
                    error = "hard: " + o.error();
                    hardBox = null;
                    break;
                }
                hardBox.put(name, o.effective());
            }
        }
        Double cost = null;
        String costError = null;
        try {
            cost = hard.totalCost();
        } catch (Py.PyError e) {
            costError = e.getMessage();
        } catch (RuntimeException e) {
            costError = "InternalError: " + e;
        }
        return new Evaluation(true, freeze(commonsenseBox), freeze(hardBox), error,
                Collections.unmodifiableMap(perFunction), cost, costError);
    }

    private static Map<String, Result> freeze(Map<String, Result> m) {
        return m == null ? null : Collections.unmodifiableMap(m);
    }

    private static Outcome call(java.util.function.Supplier<Result> check) {
        try {
            return new Outcome(check.get(), null);
        } catch (Py.PyError e) {
            return new Outcome(null, e.getMessage());
        } catch (RuntimeException e) {
            // not a path the official code has (a bug of ours): recorded, never thrown at the caller
            return new Outcome(null, "InternalError: " + e);
        }
    }
}
