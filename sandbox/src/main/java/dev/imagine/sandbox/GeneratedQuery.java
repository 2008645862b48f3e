package dev.imagine.sandbox;

import com.fasterxml.jackson.core.type.TypeReference;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A query made by {@link QueryGenerator} with its label from the {@link ExactPlanner}: {@code feasible}
 * (some plan meets all 13 constraints) and {@code plannerCost} (the cheapest plan's official cost, which the
 * budget was derived from). The query carries the cheapest plan's route and legs, so that reference
 * information can be built for it.
 *
 * <p>JSON line: the official query keys, then {@code route}, {@code legs}, {@code feasible},
 * {@code planner_cost}; {@link Queries#read} reads it back as a plain query (extra keys are ignored).
 */
public record GeneratedQuery(Query query, boolean feasible, double plannerCost) {

    /** The query as one JSON line (Python json.dumps layout) with the label fields appended. */
    public String toJson() {
        Map<String, Object> out;
        try {
            out = Queries.JSON.readValue(query.toJson(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Query.toJson wrote invalid JSON", e);
        }
        out.put("feasible", feasible);
        out.put("planner_cost", plannerCost);
        return PyJson.dumps(out);
    }
}
