package dev.imagine.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official evaluation of one plan for one query.
 *
 * <ul>
 *   <li>{@code commonsense}: the 8 commonsense results as eval.py stores them (official names and order),
 *       null when the plan was not delivered or the official code raised;</li>
 *   <li>{@code hard}: the 5 hard results, only when eval.py computes them (is_not_absent and
 *       is_valid_information_in_sandbox both true), else null;</li>
 *   <li>{@code error}: the exception eval.py would have died of, e.g. {@code "commonsense: KeyError:
 *       'transportation'"} (eval.py aborts the whole run; we record it and go on);</li>
 *   <li>{@code perFunction}: each of the 13 checks called alone (hard ones even when eval.py skips them);</li>
 *   <li>{@code totalCost} / {@code totalCostError}: {@code get_total_cost} or the exception it raised.</li>
 * </ul>
 * Where the official code raises, {@link #effective(String)} counts the affected constraint as failed with
 * the error as reason, so callers (rewards, judges) never crash on a malformed plan.
 */
public record Evaluation(boolean delivered, Map<String, Result> commonsense, Map<String, Result> hard,
                         String error, Map<String, Outcome> perFunction, Double totalCost, String totalCostError) {

    /** The official commonsense constraint names, in the order the official evaluation() builds them. */
    public static final List<String> COMMONSENSE = CommonsenseChecks.NAMES;
    /** The official hard constraint names, in the order the official evaluation() builds them. */
    public static final List<String> HARD = HardChecks.NAMES;

    /** Paper names of the 13 constraints (eval.py's paper_term_mapping). */
    public static final Map<String, String> PAPER_NAMES = paperNames();

    /** eval.py computed the hard box for this plan. */
    public boolean hardEvaluated() {
        return hard != null;
    }

    /** All 8 commonsense results true (eval.py's macro test: a null result does not fail). */
    public boolean commonsensePassed() {
        return commonsense != null && commonsense.values().stream().noneMatch(r -> Boolean.FALSE.equals(r.value()));
    }

    /** No hard result false, among a computed hard box. */
    public boolean hardPassed() {
        return hard != null && hard.values().stream().noneMatch(r -> Boolean.FALSE.equals(r.value()));
    }

    /** eval.py's final pass: delivered, commonsense all true and hard box computed with no false. */
    public boolean finalPassed() {
        return commonsensePassed() && hardPassed();
    }

    /**
     * A constraint's result for consumers that must not crash: the eval.py box if it has it, else the check
     * run alone, and where that raised, a failure whose reason is the error. Undelivered plans fail
     * everything ("no plan"). For hard constraints not computed by eval.py, the check run alone.
     */
    public Result effective(String name) {
        if (!delivered) return Result.fail("no plan");
        Map<String, Result> box = COMMONSENSE.contains(name) ? commonsense : hard;
        if (box != null && box.containsKey(name)) return box.get(name);
        Outcome alone = perFunction.get(name);
        if (alone == null) throw new IllegalArgumentException("unknown constraint " + name);
        return alone.effective();
    }

    private static Map<String, String> paperNames() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("is_valid_information_in_current_city", "Within Current City");
        m.put("is_valid_information_in_sandbox", "Within Sandbox");
        m.put("is_reasonable_visiting_city", "Reasonable City Route");
        m.put("is_valid_restaurants", "Diverse Restaurants");
        m.put("is_valid_transportation", "Non-conf. Transportation");
        m.put("is_valid_attractions", "Diverse Attractions");
        m.put("is_valid_accommodation", "Minimum Nights Stay");
        m.put("is_not_absent", "Complete Information");
        m.put("valid_cost", "Budget");
        m.put("valid_room_rule", "Room Rule");
        m.put("valid_cuisine", "Cuisine");
        m.put("valid_room_type", "Room Type");
        m.put("valid_transportation", "Transportation");
        return Map.copyOf(m);
    }
}
