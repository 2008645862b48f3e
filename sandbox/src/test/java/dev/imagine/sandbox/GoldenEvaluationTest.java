package dev.imagine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every plan of the golden sets (train: 450 plans, visible: 1,370) against the unmodified official
 * evaluator's output: each constraint's value and reason in eval.py's boxes, hard gating, the eval.py error,
 * each check called alone (result or exception) and get_total_cost.
 */
class GoldenEvaluationTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Golden(List<Query> queries, List<PlanRow> plans, List<JsonNode> expected) {
        static Golden load(String set) throws IOException {
            List<Query> queries = Queries.read(set + "/queries.jsonl", QueryPlanTest.resource(set + "/queries.jsonl"));
            List<PlanRow> plans = Plans.read(set + "/plans.jsonl", QueryPlanTest.resource(set + "/plans.jsonl.gz"));
            List<JsonNode> expected = new ArrayList<>();
            for (var line : Queries.JsonLines.read("expected", QueryPlanTest.resource(set + "/expected.jsonl.gz")))
                expected.add(line.json());
            return new Golden(queries, plans, expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "visible"})
    void agreesWithTheOfficialEvaluatorOnEveryPlan(String set) throws IOException {
        Golden g = Golden.load(set);
        assertEquals(g.plans.size(), g.expected.size());
        Evaluator evaluator = new Evaluator(Database.builtIn());
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (int i = 0; i < g.plans.size(); i++) {
            PlanRow row = g.plans.get(i);
            JsonNode exp = g.expected.get(i);
            assertEquals(exp.get("query_idx").intValue(), row.queryIdx());
            Evaluation e = evaluator.evaluate(g.queries.get(row.queryIdx()), row.plan());
            String where = set + " plan " + i + " (query " + row.queryIdx() + ", " + row.variant() + ")";
            compare(mismatches, where + " delivered", exp.get("delivered").booleanValue(), e.delivered());
            compareBox(mismatches, where + " commonsense", exp.get("commonsense"), e.commonsense());
            compareBox(mismatches, where + " hard", exp.get("hard"), e.hard());
            compare(mismatches, where + " hard_evaluated", exp.get("hard_evaluated").booleanValue(), e.hardEvaluated());
            compare(mismatches, where + " error", text(exp.get("error")), e.error());
            JsonNode pf = exp.get("per_function");
            if (pf.isNull()) {
                compare(mismatches, where + " per_function", true, e.perFunction().isEmpty());
            } else {
                for (String family : List.of("commonsense", "hard")) {
                    Iterator<Map.Entry<String, JsonNode>> it = pf.get(family).properties().iterator();
                    while (it.hasNext()) {
                        var f = it.next();
                        Outcome o = e.perFunction().get(f.getKey());
                        compare(mismatches, where + " per_function " + f.getKey() + " error", text(f.getValue().get("error")), o.error());
                        compareResult(mismatches, where + " per_function " + f.getKey(), f.getValue().get("result"), o.result());
                        checked++;
                    }
                }
            }
            JsonNode cost = exp.get("total_cost");
            if (cost.isNull()) compare(mismatches, where + " total_cost", null, e.totalCost());
            else if (cost.isObject()) compare(mismatches, where + " total_cost error", cost.get("error").asText(), e.totalCostError());
            else compare(mismatches, where + " total_cost", cost.doubleValue(), e.totalCost());
        }
        assertTrue(checked > 0);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches, first ones:\n"
                + String.join("\n", mismatches.subList(0, Math.min(40, mismatches.size()))));
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    static void compare(List<String> out, String where, Object expected, Object actual) {
        if (expected == null ? actual != null : !expected.equals(actual))
            out.add(where + ": expected " + expected + ", got " + actual);
    }

    static void compareBox(List<String> out, String where, JsonNode expected, Map<String, Result> actual) {
        if (expected.isNull()) {
            if (actual != null) out.add(where + ": expected null box, got " + actual);
            return;
        }
        if (actual == null) {
            out.add(where + ": expected " + expected + ", got null box");
            return;
        }
        List<String> expectedOrder = new ArrayList<>();
        expected.fieldNames().forEachRemaining(expectedOrder::add);
        compare(out, where + " key order", expectedOrder, new ArrayList<>(actual.keySet()));
        for (String name : expectedOrder) compareResult(out, where + " " + name, expected.get(name), actual.get(name));
    }

    static void compareResult(List<String> out, String where, JsonNode expected, Result actual) {
        if (expected == null || expected.isNull()) {
            if (actual != null) out.add(where + ": expected no result, got " + actual);
            return;
        }
        if (actual == null) {
            out.add(where + ": expected " + expected + ", got no result");
            return;
        }
        Boolean value = expected.get(0).isNull() ? null : expected.get(0).booleanValue();
        compare(out, where + " value", value, actual.value());
        compare(out, where + " reason", text(expected.get(1)), actual.reason());
    }
}
