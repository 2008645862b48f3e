package dev.imagine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every family of expected_metrics.json: denominators, numerators, the six metrics, the "raises" families. */
class GoldenMetricsTest {
    @ParameterizedTest
    @ValueSource(strings = {"train", "visible"})
    void familiesScoreAsEvalPyScoresThem(String set) throws IOException {
        GoldenEvaluationTest.Golden g = GoldenEvaluationTest.Golden.load(set);
        EvalReport report = EvalReport.run(new Evaluator(Database.builtIn()), g.queries(), g.plans());
        JsonNode expected = GoldenEvaluationTest.JSON.readTree(QueryPlanTest.resource(set + "/expected_metrics.json"));
        JsonNode families = expected.get("families");
        List<String> names = new ArrayList<>();
        families.fieldNames().forEachRemaining(names::add);
        assertEquals(names.stream().sorted().toList(), new ArrayList<>(report.families().keySet()));
        int raising = 0;
        for (String name : names) {
            JsonNode exp = families.get(name);
            EvalReport.Family f = report.families().get(name);
            Metrics m = f.metrics();
            String where = set + " " + name;
            assertEquals(exp.get("n_queries").intValue(), m.queries(), where);
            List<Integer> idx = new ArrayList<>();
            exp.get("query_idx").forEach(n -> idx.add(n.intValue()));
            assertEquals(idx, f.queryIdx(), where);
            assertEquals(exp.get("denominators").get("commonsense_micro").intValue(), m.commonsenseMicroDenominator(), where);
            assertEquals(exp.get("denominators").get("hard_micro").intValue(), m.hardMicroDenominator(), where);
            if (!exp.get("error").isNull()) {
                raising++;
                assertEquals(exp.get("error").asText(), m.error(), where);
                assertTrue(exp.get("metrics").isNull());
                continue;
            }
            assertNull(m.error(), where);
            JsonNode num = exp.get("numerators");
            Metrics.Counts c = m.counts();
            assertEquals(List.of(num.get("delivered").intValue(), num.get("commonsense_true").intValue(), num.get("hard_true").intValue(),
                            num.get("commonsense_macro").intValue(), num.get("hard_macro").intValue(), num.get("final").intValue()),
                    List.of(c.delivered(), c.commonsenseTrue(), c.hardTrue(), c.commonsenseMacro(), c.hardMacro(), c.finalPass()), where);
            for (String metric : Metrics.NAMES)
                assertEquals(exp.get("metrics").get(metric).doubleValue(), m.rates().get(metric), where + " " + metric);
            if (exp.has("official_eval_score_train"))
                for (String metric : Metrics.NAMES)
                    assertEquals(exp.get("official_eval_score_train").get(metric).doubleValue(), m.rates().get(metric), where + " eval_score " + metric);
            if (exp.has("official_detailed_scores")) {
                JsonNode mine = GoldenEvaluationTest.JSON.valueToTree(Metrics.officialDetailedScores(f.queries(), f.evaluations()));
                assertEquals(exp.get("official_detailed_scores"), mine, where + " detailed scores");
            }
        }
        assertEquals(6, raising, "six families raise in every set");
        Map<String, Metrics> byLevel = Metrics.byLevel(report.families().get("greedy").queries(), report.families().get("greedy").evaluations());
        assertEquals(3, byLevel.size());
        assertEquals(report.families().get("greedy").metrics().queries(), byLevel.values().stream().mapToInt(Metrics::queries).sum());
    }
}
