package dev.imagine.mas;

/**
 * The sandbox evaluator's verdict on one plan: delivered, the commonsense / hard pass (all checks of the
 * group true), final pass (both), how many checks passed out of how many were evaluated, and the
 * per-check details as JSON.
 */
public record PlanScore(boolean delivered, boolean commonsensePass, boolean hardPass, boolean finalPass,
                        int checksPassed, int checksEvaluated, String detailsJson) {
}
