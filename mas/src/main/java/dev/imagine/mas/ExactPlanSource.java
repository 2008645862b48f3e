package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.sandbox.ExactPlanner;
import dev.imagine.sandbox.PlanResult;
import dev.imagine.sandbox.Query;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Correct plans from the sandbox's {@link ExactPlanner}: the cheapest plan meeting all 13 constraints on
 * the query's own route ({@link ExactPlanner#planOnRoute}), because the reference information the teachers
 * and the student see covers that route only, and a plan through other cities would teach the student to
 * use data it was not given. When the planner finds no feasible plan on the route (over budget, or a
 * query outside its itinerary family), the greedy constructor plans over the given reference information
 * instead; {@link #toString()} counts how often each was used.
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
        PlanResult r = planner.planOnRoute(q);
        if (r.feasible()) {
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
}
