package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MAS against the real sandbox: reference information, evaluator scores, the built-in teacher end to end. */
@Timeout(120)
class MasSandboxTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static MasSandbox sandbox;
    static List<MasQuery> queries;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load(@TempDir Path dir) {
        sandbox = MasSandbox.builtIn();
        queries = QueryFile.read(DemoQueries.write(dir.resolve("q.jsonl")), sandbox);
    }

    @Test
    void referenceInformationIsTheOfficialOne() throws Exception {
        List<String> shipped = GreedyPlannerTest.lines("/dev/imagine/mas/demo/reference_information.jsonl.gz", true);
        assertEquals(shipped.size(), queries.size());
        for (int i = 0; i < shipped.size(); i++) assertEquals(shipped.get(i), queries.get(i).referenceInfo(), queries.get(i).id());
    }

    @Test
    void teacherAndGreedyPlansPassTheEvaluatorAndMistakesDoNot() throws Exception {
        for (MasQuery q : queries) {
            JsonNode node = JSON.readTree(q.queryJson());
            String greedy = GreedyPlanner.plan(node, JSON.readTree(q.referenceInfo()));
            PlanScore greedyScore = sandbox.score(q, greedy);
            assertTrue(greedyScore.finalPass(), q.id() + " greedy plan fails: " + BuiltInTeacher.findings(greedyScore) + "\n" + greedy);
            String plan = sandbox.correctPlan(node);
            PlanScore score = sandbox.score(q, plan);
            assertTrue(score.finalPass(), q.id() + " teacher plan fails: " + BuiltInTeacher.findings(score) + "\n" + plan);
            assertEquals(score.checksPassed(), score.checksEvaluated());

            var mutated = (com.fasterxml.jackson.databind.node.ArrayNode) JSON.readTree(plan);
            String mistake = PlanMistakes.apply(mutated, new java.util.Random(q.id().hashCode()));
            PlanScore bad = sandbox.score(q, mutated.toString());
            assertFalse(bad.finalPass(), q.id() + ": mistake '" + mistake + "' passed the evaluator");
            assertFalse(BuiltInTeacher.findings(bad).isEmpty());
        }
        PlanScore none = sandbox.score(queries.getFirst(), null);
        assertFalse(none.delivered());
        assertFalse(sandbox.score(queries.getFirst(), "{not json").delivered());
    }

    @Test
    void theWholeSystemOverHttpAgainstTheBuiltInTeacher() throws Exception {
        try (TeacherServer server = TeacherServer.start(new BuiltInTeacher(sandbox, 0.5, 11), 0);
             TraceStore store = TraceStore.open(tmp)) {
            var outcome = new Orchestrator(MasConfig.sameServer(server.baseUrl(), null, 4), sandbox).run(queries, store, (r, k, n) -> { });
            assertEquals(new Orchestrator.Outcome(0, queries.size(), 0), outcome);
        }
        List<TraceRow> rows = TraceReader.readAll(tmp);
        assertEquals(queries.size(), rows.size());
        int reflected = 0;
        for (TraceRow r : rows) {
            assertNull(r.error(), r.error());
            assertEquals(r.reasonerScore().finalPass() ? "No errors." : "Errors exist.", r.judge1Verdict());
            assertTrue(r.finalScore().finalPass(), r.queryId() + ": " + r.finalPlanJson());
            if (r.reflected()) {
                reflected++;
                assertTrue(r.reflection().startsWith("The plan has errors:"), r.reflection());
            }
            assertTrue(r.trainingText().contains(TraceAssembler.REFLECTION_MARKER));
            assertTrue(r.trainingPrompt().contains(r.query()));
            assertEquals(dev.imagine.tokenizer.Tokenizer.qwen3().encode(r.trainingText()).length, r.trainingTokens());
            assertTrue(r.trainingPromptTokens() > 1000 && r.trainingPromptTokens() < r.trainingTokens(), r.trainingPromptTokens() + " / " + r.trainingTokens());
            assertTrue(r.reasoner().promptTokens() > r.trainingPromptTokens(), "the Reasoner's prompt holds the system prompt and the query JSON too");
        }
        assertTrue(reflected > 0 && reflected < queries.size(), "some but not all reasoner plans carry mistakes: " + reflected);
        RunSummary s = RunSummary.of(rows);
        assertEquals(queries.size(), s.finalPlan().fin());
        assertEquals("plans: " + queries.size() + " from the exact planner, 0 from the greedy constructor", sandbox.planSourceReport(),
                "every demo query has a feasible plan on its own route");
    }

    @Test
    void faultsBetweenMasAndTeacherDoNotChangeTheTraces() throws Exception {
        Path direct = tmp.resolve("direct");
        Path faulty = tmp.resolve("faulty");
        try (TeacherServer teacher = TeacherServer.start(new BuiltInTeacher(sandbox, 0.5, 5), 0);
             java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
             // a proxy in front of the teacher that fails about a third of the requests (seeded)
             FaultyServer proxy = new FaultyServer(OrchestratorTest::randomFault, body -> {
                 try {
                     return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(teacher.baseUrl() + "/chat/completions"))
                             .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                             java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                 } catch (Exception e) {
                     throw new IllegalStateException(e);
                 }
             })) {
            try (TraceStore store = TraceStore.open(direct)) {
                new Orchestrator(MasConfig.sameServer(teacher.baseUrl(), null, 4), sandbox).run(queries, store, (r, k, n) -> { });
            }
            try (TraceStore store = TraceStore.open(faulty)) {
                var outcome = new Orchestrator(MasConfig.sameServer(proxy.base(), null, 4).withRetry(OrchestratorTest.FAST), sandbox)
                        .run(queries, store, (r, k, n) -> { });
                assertEquals(new Orchestrator.Outcome(0, queries.size(), 0), outcome);
            }
            assertTrue(proxy.requests.get() > queries.size() * 3, "faults caused retries: " + proxy.requests.get() + " requests");
        }
        List<TraceRow> a = OrchestratorTest.sortedNormalized(direct);
        List<TraceRow> b = OrchestratorTest.sortedNormalized(faulty);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            // the proxy reports the model it was asked for, like the teacher; only latencies and attempts differ
            assertEquals(a.get(i), b.get(i), a.get(i).queryId());
        }
        assertTrue(TraceReader.readAll(faulty).stream().anyMatch(r -> r.reasoner().attempts() > 1 || r.judge1().attempts() > 1
                || r.judge2().attempts() > 1), "some calls needed retries");
    }
}
