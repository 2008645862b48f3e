package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.sandbox.ExactPlanner;
import dev.imagine.sandbox.PlanResult;
import dev.imagine.sandbox.Query;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Correct plans from the sandbox's {@link ExactPlanner} (the cheapest plan meeting all 13 constraints).
 * The exact planner picks its own route for 5/7-day queries, while the reference information the
 * teachers and the student see covers the query's route only; a plan through other cities would teach
 * the student to use data it was not given. So when the query names a route and the planner's differs,
 * or the planner finds no feasible plan, the greedy constructor plans over the given reference
 * information instead; {@link #toString()} counts how often each was used.
 */
final class ExactPlanSource implements PlanSource {
    private final ExactPlanner planner;
    final AtomicInteger exact = new AtomicInteger();
    final AtomicInteger greedy = new AtomicInteger();

    ExactPlanSource(ExactPlanner planner) {
        this.planner = planner;
    }

    @Override
    public String plan(JsonNode queryNode, JsonNode referenceInfo) {
        Query q = MasSandbox.query(queryNode);
        PlanResult r = planner.plan(q);
        List<String> wanted = q.routeOrDefault();
        if (r.feasible() && (wanted == null || strip(wanted).equals(strip(r.route())))) {
            exact.incrementAndGet();
            return r.plan().toJson();
        }
        greedy.incrementAndGet();
        return GreedyPlanner.plan(queryNode, referenceInfo);
    }

    @Override
    public String toString() {
        return "plans: " + exact.get() + " from the exact planner, " + greedy.get() + " from the greedy constructor";
    }

    private static List<String> strip(List<String> cities) {
        return cities.stream().map(c -> c.contains("(") ? c.substring(0, c.indexOf('(')).strip() : c.strip()).toList();
    }
}
