package dev.imagine.mas;

/**
 * Scores a plan for a query with the sandbox's evaluator (the 13 official constraints). An interface so
 * the orchestrator does not depend on how the evaluator is built; {@link SandboxPlanScorer} is the real one.
 */
public interface PlanScorer {
    /** @param planJson the plan as JSON text, or null when the teacher gave none (scored as undelivered) */
    PlanScore score(MasQuery query, String planJson);
}
