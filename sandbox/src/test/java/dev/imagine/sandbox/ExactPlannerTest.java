package dev.imagine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExactPlannerTest {
    static final Database DB = Database.builtIn();
    static final ExactPlanner PLANNER = new ExactPlanner(DB);
    static final Evaluator EVALUATOR = new Evaluator(DB);
    static final Evaluator STRICT = new Evaluator(DB, EvaluationMode.STRICT);

    static List<Query> queries(String set) throws IOException {
        return Queries.read(set + "/queries.jsonl", QueryPlanTest.resource(set + "/queries.jsonl"));
    }

    static List<Query> queriesUnchecked(String set) {
        try {
            return queries(set);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<Double> greedyCosts(String set) throws IOException {
        List<Double> out = new ArrayList<>();
        for (var line : Queries.JsonLines.read("meta", QueryPlanTest.resource(set + "/query_meta.jsonl"))) {
            JsonNode c = line.json().get("greedy_cost");
            out.add(c == null || c.isNull() ? null : c.asDouble());
        }
        return out;
    }

    /** Every plan passes all 13 constraints, and is no dearer than the golden greedy plan (same itinerary family). */
    static void checkSet(String set) throws IOException {
        List<Query> qs = queries(set);
        List<Double> greedy = greedyCosts(set);
        for (int i = 0; i < qs.size(); i++) {
            Query q = qs.get(i);
            PlanResult r = PLANNER.plan(q);
            assertEquals(PlanResult.Status.FEASIBLE, r.status(), set + " query " + i + ": " + r.reason());
            assertAllPass(q, r.plan(), set + " query " + i);
            assertEquals(r.cost(), EVALUATOR.evaluate(q, r.plan()).totalCost(), 1e-6);
            // the plans are honest: they also pass with the official bugs fixed
            Evaluation strict = STRICT.evaluate(q, r.plan());
            assertTrue(strict.finalPassed(), set + " query " + i + " strict: " + strict.commonsense() + " " + strict.hard());
            assertEquals(r.cost(), strict.totalCost(), 1e-6);
            if (greedy.get(i) != null)
                assertTrue(r.cost() <= greedy.get(i) + 1e-6, set + " query " + i + ": exact " + r.cost() + " > greedy " + greedy.get(i));
        }
    }

    static void assertAllPass(Query q, Plan plan, String where) {
        Evaluation e = EVALUATOR.evaluate(q, plan);
        assertTrue(e.finalPassed(), where + ": " + e.commonsense() + " " + e.hard() + " " + plan.toJson());
        for (String name : Evaluation.COMMONSENSE) assertEquals(Boolean.TRUE, e.commonsense().get(name).value(), where + " " + name);
        for (String name : Evaluation.HARD) assertFalse(Boolean.FALSE.equals(e.hard().get(name).value()), where + " " + name);
    }

    @Test
    void visibleQueriesGetPassingPlansNoDearerThanGreedy() throws IOException {
        checkSet("visible");
    }

    @Test
    void trainQueriesGetPassingPlansNoDearerThanGreedy() throws IOException {
        checkSet("train");
    }

    @Test
    void onTheGivenRouteThePlanIsNoDearerThanGreedyOnThatRoute() throws IOException {
        for (String set : List.of("visible", "train")) {
            List<Query> qs = queries(set);
            List<Double> greedy = greedyCosts(set);
            var meta = Queries.JsonLines.read("meta", QueryPlanTest.resource(set + "/query_meta.jsonl"));
            for (int i = 0; i < qs.size(); i++) {
                List<String> route = new ArrayList<>();
                meta.get(i).json().get("route").forEach(c -> route.add(c.asText()));
                Query q = qs.get(i).withRoute(route, null);
                PlanResult onRoute = PLANNER.planOnRoute(q), free = PLANNER.plan(q);
                assertEquals(PlanResult.Status.FEASIBLE, onRoute.status(), set + " " + i + ": " + onRoute.reason());
                assertEquals(route, onRoute.route());
                assertAllPass(q, onRoute.plan(), set + " query " + i);
                assertTrue(onRoute.cost() <= greedy.get(i) + 1e-6, set + " " + i);
                assertTrue(free.cost() <= onRoute.cost() + 1e-6, set + " " + i);
            }
        }
        Query q = queries("visible").stream().filter(x -> x.days() == 5).findFirst().orElseThrow();
        assertEquals(PlanResult.Status.UNSUPPORTED, PLANNER.planOnRoute(q.withRoute(null, null)).status());
        assertEquals(PlanResult.Status.UNSUPPORTED, PLANNER.planOnRoute(q.withRoute(List.of("Bangor", "Bangor"), null)).status());
    }

    @Test
    void anySplitItinerariesPassAndAreNeverDearer() throws IOException {
        ExactPlanner any = new ExactPlanner(DB, ExactPlanner.Itineraries.ANY_SPLIT);
        int cheaper = 0;
        for (String set : List.of("visible", "train")) {
            List<Query> qs = queries(set);
            for (int i = 0; i < qs.size(); i += 3) {   // every third query: all levels and lengths, a third of the time
                Query q = qs.get(i);
                PlanResult standard = PLANNER.plan(q), r = any.plan(q);
                assertEquals(PlanResult.Status.FEASIBLE, r.status(), r.reason());
                assertAllPass(q, r.plan(), set + " any split");
                assertTrue(r.cost() <= standard.cost() + 1e-6);
                if (r.cost() < standard.cost() - 1e-6) cheaper++;
            }
        }
        assertTrue(cheaper > 0, "some non-standard split is cheaper somewhere");
    }

    @Test
    void budgetOfOneIsProvedInfeasible() throws IOException {
        for (Query q : queries("visible").subList(0, 30)) {
            PlanResult feasible = PLANNER.plan(q);
            PlanResult r = PLANNER.plan(q.withBudget(1));
            assertEquals(PlanResult.Status.OVER_BUDGET, r.status());
            assertTrue(r.feasiblePlan().isEmpty());
            assertEquals(feasible.cost(), r.cost(), 1e-9, "the cheapest plan does not depend on the budget");
            // the budget right at the optimum is feasible, one dollar less is not: the optimum is tight
            assertEquals(PlanResult.Status.FEASIBLE, PLANNER.plan(q.withBudget((int) Math.ceil(feasible.cost()))).status());
            if (feasible.cost() == Math.rint(feasible.cost()))
                assertEquals(PlanResult.Status.OVER_BUDGET, PLANNER.plan(q.withBudget((int) feasible.cost() - 1)).status());
        }
    }
}
