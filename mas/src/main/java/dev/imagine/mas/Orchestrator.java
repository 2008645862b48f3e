package dev.imagine.mas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs IMAGINE's multi-agent system over a list of queries: per query the Reasoner writes reasoning and a
 * plan, two Judges check it in parallel, and if either flags errors the Reflector corrects it; the
 * evaluator scores the Reasoner's and the final plan, and the trace row (with the training text) goes to
 * the store. At most {@code concurrency} queries run at once, each on a virtual thread.
 *
 * <p>Every query ends either done or recorded with its error, exactly once: queries the store already
 * holds are skipped (resume), a failing teacher (after the client's retries) or a plan the evaluator
 * chokes on ends that query only. Interrupting the calling thread aborts the run: queries in flight are
 * dropped unrecorded, to be redone by the next run.
 *
 * <p>Usage: {@code new Orchestrator(config, scorer).run(queries, store, listener)}
 */
public final class Orchestrator {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Told about each query as it ends (from worker threads). */
    public interface Listener {
        void finished(TraceRow row, int finishedThisRun, int toDoThisRun);
    }

    /** What one run did: queries skipped as already finished, done and failed by this run. */
    public record Outcome(int skipped, int done, int failed) {
    }

    private final MasConfig config;
    private final PlanScorer scorer;

    public Orchestrator(MasConfig config, PlanScorer scorer) {
        this.config = config;
        this.scorer = scorer;
    }

    /** Runs every query the store does not hold yet. Blocks until all end; throws if the store fails. */
    public Outcome run(List<MasQuery> queries, TraceStore store, Listener listener) throws InterruptedException {
        Set<String> seen = new HashSet<>();
        for (MasQuery q : queries)
            if (!seen.add(q.id())) throw new MasException("query id " + q.id() + " appears twice in the queries");
        List<MasQuery> todo = queries.stream().filter(q -> !store.isFinished(q.id())).toList();
        int skipped = queries.size() - todo.size();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Semaphore slots = new Semaphore(config.concurrency());
        try (ChatClient client = new ChatClient(config.retry(), config.maxRequestsInFlight())) {
            // The pool ends before the client closes: HttpClient.close() waits for requests still running.
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            try {
                List<Future<?>> running = new ArrayList<>();
                for (MasQuery q : todo) {
                    slots.acquire();
                    running.add(pool.submit(() -> {
                        try {
                            TraceRow row = process(q, client, pool);
                            // Aborted while finishing: the row may carry an error caused by the abort; drop it, the next run redoes the query.
                            if (Thread.currentThread().isInterrupted()) throw new InterruptedException("run aborted");
                            store.append(row);
                            if (!row.done()) failed.incrementAndGet();
                            listener.finished(row, finished.incrementAndGet(), todo.size());
                        } finally {
                            slots.release();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof InterruptedException) continue;  // aborted with the run
                        if (e.getCause() instanceof RuntimeException r) throw r;    // the store failed: stop the run
                        throw new MasException("MAS worker failed: " + e.getCause(), e.getCause());
                    }
                }
            } finally {
                pool.shutdownNow();   // on abort: interrupt queries in flight (their HTTP calls and waits)
                pool.close();
            }
        }
        return new Outcome(skipped, finished.get() - failed.get(), failed.get());
    }

    /** One query through Reasoner → Judges → Reflector → evaluator. Never throws except on interrupt. */
    TraceRow process(MasQuery q, ChatClient client, ExecutorService pool) throws InterruptedException {
        Work w = new Work(q);
        try {
            Map<String, String> values = new HashMap<>();
            values.put("query", q.text());
            values.put("query_json", q.queryJson());
            values.put("reference_information", q.referenceInfo());

            w.stage = "reasoner";
            List<ChatMessage> reasonerMessages = config.prompts().messages(Role.REASONER, values);
            ChatResponse reasoner = client.complete(config.reasoner(), reasonerMessages);
            w.reasoner = call(reasoner, reasonerMessages);
            PlanText.Found draft = PlanText.find(reasoner.content());
            w.reasonerPlan = draft == null ? null : draft.planJson();
            // What the student imitates: the reasoning, then the answer it led to (the draft plan).
            w.reasoning = (reasoner.reasoning() + "\n\n" + reasoner.content()).strip();
            values.put("reasoning", reasoner.reasoning().isEmpty() && draft != null ? draft.prose() : reasoner.reasoning());
            values.put("plan", w.reasonerPlan == null ? "(no plan found in the answer)" : w.reasonerPlan);

            w.stage = "judges";
            List<ChatMessage> judgeMessages = config.prompts().messages(Role.JUDGE, values);
            Future<ChatResponse> second = pool.submit(() -> client.complete(config.judge2(), judgeMessages));
            ChatResponse judge1;
            ChatResponse judge2;
            try {
                judge1 = client.complete(config.judge1(), judgeMessages);
                judge2 = second.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new MasException("judge 2: " + e.getCause(), e.getCause());
            } finally {
                second.cancel(true);
            }
            w.judge1 = call(judge1, judgeMessages);
            w.judge2 = call(judge2, judgeMessages);
            Verdict v1 = Verdict.parse(judge1.content());
            Verdict v2 = Verdict.parse(judge2.content());
            w.verdict1 = v1.text == null ? "unclear" : v1.text;
            w.verdict2 = v2.text == null ? "unclear" : v2.text;

            w.finalPlan = w.reasonerPlan;
            if (v1.flagsErrors() || v2.flagsErrors()) {
                w.stage = "reflector";
                values.put("judge1_verdict", judge1.content());
                values.put("judge2_verdict", judge2.content());
                List<ChatMessage> reflectorMessages = config.prompts().messages(Role.REFLECTOR, values);
                ChatResponse reflector = client.complete(config.reflector(), reflectorMessages);
                w.reflector = call(reflector, reflectorMessages);
                PlanText.Found corrected = PlanText.find(reflector.content());
                if (corrected != null) {
                    w.finalPlan = corrected.planJson();
                    w.reflection = corrected.prose().isEmpty() ? reflector.reasoning() : corrected.prose();
                } else {
                    w.reflection = reflector.content();
                }
            }
            if (w.finalPlan == null) throw new MasException("no plan in the Reasoner's" + (w.reflector == null ? "" : " or the Reflector's") + " answer");

            w.stage = "evaluator";
            w.reasonerScore = scorer.score(q, w.reasonerPlan);
            w.finalScore = scorer.score(q, w.finalPlan);
            String student = config.prompts().student(values);
            TraceAssembler.Text text = TraceAssembler.assemble(student, w.reasoning, w.reflection, w.finalPlan);
            w.trainingPrompt = text.prompt();
            w.trainingText = text.full();
            w.trainingPromptTokens = text.promptTokens();
            w.trainingTokens = text.tokens();
            return w.row(null);
        } catch (RejectedExecutionException e) {   // the pool was shut down: the run is being aborted
            throw new InterruptedException("run aborted");
        } catch (MasException | IllegalStateException | IllegalArgumentException e) {
            return w.row(w.stage + ": " + e.getMessage());
        } catch (RuntimeException e) {   // a bug somewhere must not take the other queries down
            return w.row(w.stage + ": " + e);
        }
    }

    private static RoleCall call(ChatResponse r, List<ChatMessage> request) {
        ArrayNode messages = JSON.createArrayNode();
        for (ChatMessage m : request) messages.addObject().put("role", m.role()).put("content", m.content());
        String requestJson;
        try {
            requestJson = JSON.writeValueAsString(messages);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new RoleCall(r.model(), requestJson, r.content(), r.reasoning(), r.promptTokens(), r.completionTokens(),
                r.latencyMillis(), r.attempts());
    }

    /** The fields of a row as far as the query got. */
    private static final class Work {
        final MasQuery q;
        String stage = "start";
        RoleCall reasoner, judge1, judge2, reflector;
        String reasoning, verdict1, verdict2, reflection, reasonerPlan, finalPlan, trainingPrompt, trainingText;
        PlanScore reasonerScore, finalScore;
        Integer trainingPromptTokens, trainingTokens;

        Work(MasQuery q) {
            this.q = q;
        }

        TraceRow row(String error) {
            return new TraceRow(q.id(), q.text(), q.queryJson(), q.referenceInfo(), reasoner, judge1, judge2, reflector,
                    verdict1, verdict2, reflection, reasonerPlan, finalPlan, trainingPrompt, trainingText,
                    trainingPromptTokens, trainingTokens, reasonerScore, finalScore, error);
        }
    }
}
