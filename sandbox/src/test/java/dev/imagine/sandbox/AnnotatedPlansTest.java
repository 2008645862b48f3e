package dev.imagine.sandbox;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 45 official annotated train plans, as an official submission file: eval.py gives 100% on all six metrics. */
class AnnotatedPlansTest {
    @Test
    void everyAnnotatedTrainPlanPassesAsOfficially() throws IOException {
        List<Query> queries = Queries.read("train/queries.jsonl", QueryPlanTest.resource("train/queries.jsonl"));
        List<PlanRow> plans = Plans.read("train/annotated_plans.jsonl", QueryPlanTest.resource("train/annotated_plans.jsonl"));
        EvalReport report = EvalReport.run(new Evaluator(Database.builtIn()), queries, plans);
        EvalReport.Family f = report.families().get(EvalReport.SUBMISSION);
        assertEquals(45, f.queries().size());
        for (EvalReport.Row row : report.rows()) assertTrue(row.evaluation().finalPassed(), "plan " + row.queryIdx());
        Metrics m = f.metrics();
        assertNull(m.error());
        assertEquals(new Metrics.Counts(45, 360, 105, 45, 45, 45), m.counts());
        assertEquals(360, m.commonsenseMicroDenominator());
        assertEquals(105, m.hardMicroDenominator());
        for (String name : Metrics.NAMES) assertEquals(1.0, m.rates().get(name), name);
    }
}
