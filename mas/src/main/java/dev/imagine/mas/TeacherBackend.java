package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the built-in teacher knows: a correct plan for a query (from the exact planner) and the
 * evaluator's verdict on any plan. The teacher's roles are built on these two.
 */
public interface TeacherBackend {
    /** A plan meeting every constraint of the structured query, as a JSON array (text). */
    String correctPlan(JsonNode query);

    /**
     * The evaluator's score; {@link PlanScore#detailsJson()} holds
     * {@code {"commonsense": {check: [pass, reason]}, "hard": {check: [pass|null, reason]}}} so the
     * Reflector can name what failed.
     */
    PlanScore score(JsonNode query, String planJson);
}
