package dev.imagine.sandbox;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * IMAGINE's GRPO reward for one model output, with every part recorded:
 * {@code formatFailure} (-1) when the output fails the format check ({@code <think>…</think>} then a JSON
 * plan of day objects with the official keys), otherwise
 * {@code commonsenseWeight × (commonsense met / 8) + hardWeight × (hard met / hard applicable) +
 * (reflectionBonus if the reasoning reflects, else noReflection)}. Constraints the official code cannot
 * score (it raises) count as not met ({@link Evaluation#effective}); hard constraints are judged even when
 * eval.py's gating would skip them, so the signal stays dense.
 *
 * <pre>{@code
 * Reward r = Reward.score(evaluator, query, completion, RewardConfig.imagine());
 * log(r.parts());   // {"format_ok": 1.0, "commonsense": 0.875, "hard": 1.0, "reflection": 0.5, "total": 2.375}
 * }</pre>
 *
 * @param total               the reward
 * @param formatOk            the format check passed
 * @param commonsenseFraction commonsense constraints met / 8 (0 when the format failed)
 * @param hardMet             hard constraints met
 * @param hardApplicable      hard constraints that apply to the query (budget always; local ones if stated)
 * @param reflection          the reasoning contains a reflection marker
 * @param evaluation          the plan's evaluation (null when the format failed)
 * @param formatError         why the format check failed, or null
 */
public record Reward(double total, boolean formatOk, double commonsenseFraction, int hardMet, int hardApplicable,
                     boolean reflection, Evaluation evaluation, String formatError) {

    /** Scores a raw completion for a query. Never throws on bad output. */
    public static Reward score(Evaluator evaluator, Query query, String output, RewardConfig config) {
        ModelOutput parsed = ModelOutput.parse(output);
        boolean reflection = parsed.reasoning() != null && reflects(parsed.reasoning(), config);
        if (!parsed.formatOk())
            return new Reward(config.formatFailure(), false, 0, 0, 0, reflection, null, parsed.error());
        Evaluation e = evaluator.evaluate(query, parsed.plan());
        int commonsenseMet = 0;
        for (String name : Evaluation.COMMONSENSE) if (Boolean.TRUE.equals(e.effective(name).value())) commonsenseMet++;
        int hardMet = 0, hardApplicable = 0;
        for (String name : Evaluation.HARD) {
            Result r = e.effective(name);
            if (r.value() == null) continue;   // not stated in the query
            hardApplicable++;
            if (r.value()) hardMet++;
        }
        double commonsense = commonsenseMet / (double) Evaluation.COMMONSENSE.size();
        double hard = hardApplicable == 0 ? 0 : hardMet / (double) hardApplicable;
        double total = config.commonsenseWeight() * commonsense + config.hardWeight() * hard
                + (reflection ? config.reflectionBonus() : config.noReflection());
        return new Reward(total, true, commonsense, hardMet, hardApplicable, reflection, e, null);
    }

    static boolean reflects(String reasoning, RewardConfig config) {
        String lower = reasoning.toLowerCase(Locale.ROOT);
        for (String marker : config.reflectionMarkers()) if (lower.contains(marker)) return true;
        return false;
    }

    /** Every part, for logging: format_ok, commonsense, hard, hard_met, hard_applicable, reflection, total. */
    public Map<String, Object> parts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format_ok", formatOk);
        m.put("commonsense", commonsenseFraction);
        m.put("hard", hardApplicable == 0 ? 0.0 : hardMet / (double) hardApplicable);
        m.put("hard_met", hardMet);
        m.put("hard_applicable", hardApplicable);
        m.put("reflection", reflection);
        m.put("final_pass", evaluation != null && evaluation.finalPassed());
        m.put("format_error", formatError);
        m.put("total", total);
        return m;
    }
}
