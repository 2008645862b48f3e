package dev.imagine.mas;

import dev.imagine.mas.FaultyServer.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class OrchestratorTest {
    @TempDir
    Path tmp;

    static final RetryPolicy FAST = new RetryPolicy(10, Duration.ofMillis(2), Duration.ofMillis(20), Duration.ofMillis(50), 3);

    static List<MasQuery> queries(int n) {
        List<MasQuery> qs = new ArrayList<>();
        for (int i = 0; i < n; i++) qs.add(new MasQuery("id-" + i, "query " + i, "{\"n\":" + i + "}", "{\"ref\":" + i + "}"));
        return qs;
    }

    static MasConfig config(FaultyServer server, int concurrency) {
        return MasConfig.sameServer(server.base(), null, concurrency).withRetry(FAST);
    }

    /** Faults on about a third of the requests, seeded; runs of faults are short enough for 10 attempts. */
    static Fault randomFault(int request) {
        Random r = new Random(request * 7919L + 17);
        Fault[] bad = {Fault.TOO_MANY, Fault.SERVER_ERROR, Fault.TRUNCATED, Fault.MALFORMED, Fault.RESET};
        return r.nextDouble() < 0.35 ? bad[r.nextInt(bad.length)] : Fault.OK;
    }

    /** A row without what legitimately differs between runs: latencies and attempt counts. */
    static TraceRow normalized(TraceRow r) {
        return new TraceRow(r.queryId(), r.query(), r.queryJson(), r.referenceInfo(), norm(r.reasoner()), norm(r.judge1()),
                norm(r.judge2()), norm(r.reflector()), r.judge1Verdict(), r.judge2Verdict(), r.reflection(),
                r.reasonerPlanJson(), r.finalPlanJson(), r.trainingPrompt(), r.trainingText(), r.trainingPromptTokens(), r.trainingTokens(), r.reasonerScore(),
                r.finalScore(), r.error() == null ? null : r.error().replaceAll("after \\d+ attempts.*", "after N attempts"));
    }

    private static RoleCall norm(RoleCall c) {
        return c == null ? null : new RoleCall(c.model(), c.request(), c.response(), c.reasoning(), c.promptTokens(),
                c.completionTokens(), 0, 0);
    }

    static List<TraceRow> sortedNormalized(Path dir) {
        return TraceReader.readAll(dir).stream().map(OrchestratorTest::normalized)
                .sorted(Comparator.comparing(TraceRow::queryId)).toList();
    }

    @Test
    void everyQueryEndsOnceThroughFaults() throws Exception {
        List<MasQuery> qs = new ArrayList<>(queries(24));
        qs.add(new MasQuery("poison", "query 99 poison", "{}", "{}"));
        try (var server = new FaultyServer(OrchestratorTest::randomFault, body -> body.contains("poison")
                ? "not json at all" : ScriptedTeacher.answer(body));
             TraceStore store = TraceStore.open(tmp.resolve("t"))) {
            AtomicInteger calls = new AtomicInteger();
            var outcome = new Orchestrator(config(server, 6), ScriptedTeacher::score).run(qs, store, (row, k, n) -> calls.incrementAndGet());
            assertEquals(new Orchestrator.Outcome(0, 24, 1), outcome);
            assertEquals(25, calls.get());
            assertTrue(server.maxActive.get() <= 12, "requests in flight bounded by 2×concurrency, saw " + server.maxActive.get());
        }
        List<TraceRow> rows = TraceReader.readAll(tmp.resolve("t"));
        assertEquals(25, rows.size());
        assertEquals(25, rows.stream().map(TraceRow::queryId).distinct().count(), "no query twice");
        for (TraceRow r : rows) {
            if (r.queryId().equals("poison")) {
                assertTrue(r.error().startsWith("reasoner: teacher"), r.error());
                assertTrue(r.error().contains("failed after 10 attempts"), r.error());
                continue;
            }
            assertNull(r.error(), r.error());
            int n = Integer.parseInt(r.queryId().substring(3));
            boolean bad = n % 2 == 1;
            assertEquals(bad ? "Errors exist." : "No errors.", r.judge1Verdict());
            assertEquals(r.judge1Verdict(), r.judge2Verdict());
            assertEquals(bad, r.reflected());
            assertTrue(r.finalPlanJson().contains("\"good\""), r.finalPlanJson());
            assertEquals(!bad, r.reasonerScore().finalPass());
            assertTrue(r.finalScore().finalPass());
            assertTrue(r.trainingText().startsWith(r.trainingPrompt()));
            assertTrue(r.trainingText().contains("Step 1: think about query " + n));
            assertTrue(r.trainingText().contains(TraceAssembler.REFLECTION_MARKER + "\n" + (bad ? "The mark was bad; it must be good." : "No errors.")),
                    r.trainingText());
            assertTrue(r.trainingText().endsWith(TraceAssembler.FINAL_MARKER + "\n</think>\n\n" + r.finalPlanJson() + "<|im_end|>\n"), r.trainingText());
            assertEquals(11, r.reasoner().promptTokens());
        }
        RunSummary s = RunSummary.of(rows);
        assertEquals(24, s.done());
        assertEquals(1, s.failed());
        assertEquals(0.5, s.judgeErrorRate(), 1e-9);
        assertEquals(0.5, s.reflectionRate(), 1e-9);
        assertEquals(24, s.finalPlan().fin());
        assertEquals(12, s.reasonerPlan().fin());
    }

    @Test
    void anAbortedAndResumedRunWritesTheSameTracesAsAnUninterruptedOne() throws Exception {
        List<MasQuery> qs = queries(30);
        Path whole = tmp.resolve("whole");
        Path resumed = tmp.resolve("resumed");
        try (var server = new FaultyServer(OrchestratorTest::randomFault, ScriptedTeacher::answer)) {
            server.slowMillis = 20;
            try (TraceStore store = TraceStore.open(whole)) {
                new Orchestrator(config(server, 4), ScriptedTeacher::score).run(qs, store, (r, k, n) -> { });
            }
            // First attempt: abort (interrupt) the run after 8 queries ended, as a kill would.
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread runner = Thread.ofPlatform().start(() -> {
                try (TraceStore store = TraceStore.open(resumed)) {
                    new Orchestrator(config(server, 4), ScriptedTeacher::score).run(qs, store, (r, k, n) -> {
                        if (k == 8) Thread.currentThread().interrupt();
                    });
                } catch (Throwable t) {
                    ended.set(t);
                }
            });
            // the listener interrupts a worker, not the runner: interrupt the runner too, like a signal would
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((!Files.isDirectory(resumed) || TracePart.list(resumed).size() < 8) && System.nanoTime() < deadline) Thread.sleep(5);
            runner.interrupt();
            runner.join(30_000);
            assertTrue(!runner.isAlive(), "the aborted run stopped");
            assertNotNull(ended.get(), "the aborted run ended with an interrupt");
            int partial = TraceReader.readAll(resumed).size();
            assertTrue(partial >= 8 && partial < 30, "aborted mid-run: " + partial + " rows");
            // A crash could also leave a temp file and a damaged part behind.
            List<Path> parts = TracePart.list(resumed);
            byte[] last = Files.readAllBytes(parts.getLast());
            Files.write(TracePart.temp(resumed, 999), Arrays.copyOf(last, last.length / 3));
            Files.write(parts.getFirst(), Arrays.copyOf(last, last.length - 7));

            try (TraceStore store = TraceStore.open(resumed)) {
                assertEquals(2, store.notices().size(), store.notices().toString());
                assertTrue(store.notices().get(1).contains("part-000000.arrow.damaged"), store.notices().toString());
                var outcome = new Orchestrator(config(server, 4), ScriptedTeacher::score).run(qs, store, (r, k, n) -> { });
                assertEquals(30, outcome.skipped() + outcome.done());
                assertTrue(outcome.skipped() > 0 && outcome.skipped() < 30);
            }
            // A third run finds everything finished.
            try (TraceStore store = TraceStore.open(resumed)) {
                assertEquals(new Orchestrator.Outcome(30, 0, 0),
                        new Orchestrator(config(server, 4), ScriptedTeacher::score).run(qs, store, (r, k, n) -> { }));
            }
        }
        assertEquals(sortedNormalized(whole), sortedNormalized(resumed));
        assertEquals(30, sortedNormalized(resumed).size());
    }
}
