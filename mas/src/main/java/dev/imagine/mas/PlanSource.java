package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;

/** Where the built-in teacher's correct plans come from: the exact planner, or the greedy constructor. */
public interface PlanSource {
    /** A plan (JSON array text) for the structured query, given its reference information (JSON). */
    String plan(JsonNode query, JsonNode referenceInfo);
}
