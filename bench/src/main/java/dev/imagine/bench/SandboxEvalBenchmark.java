package dev.imagine.bench;

import dev.imagine.sandbox.Database;
import dev.imagine.sandbox.Evaluation;
import dev.imagine.sandbox.Evaluator;
import dev.imagine.sandbox.Examples;
import dev.imagine.sandbox.PlanRow;
import dev.imagine.sandbox.Query;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;

/**
 * Plans evaluated per second on one core by the official-semantics evaluator: the 450 built-in train plans
 * (official annotated, greedy and 47 mutation families, malformed ones included), all 13 checks, eval.py
 * gating and get_total_cost per plan. The score is plans/s (one op = one plan). Target: at least 2,000.
 * {@code evaluateTrainPlans} reuses the evaluator (warm caches, as GRPO rollouts of the same queries do);
 * {@code evaluateTrainPlansColdCaches} starts each pass with empty caches.
 * Run: {@code java -jar bench/target/benchmarks.jar SandboxEval}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class SandboxEvalBenchmark {
    private static final int PLANS = 450;
    private Evaluator evaluator;
    private List<Query> queries;
    private List<PlanRow> plans;

    @Setup
    public void load() {
        evaluator = new Evaluator(Database.builtIn());
        queries = Examples.trainQueries();
        plans = Examples.trainPlans();
        if (plans.size() != PLANS) throw new IllegalStateException("expected " + PLANS + " plans, found " + plans.size());
    }

    /** Steady state: the evaluator's parse/lookup caches are warm (the same 450 plans again and again). */
    @Benchmark
    @OperationsPerInvocation(PLANS)
    public void evaluateTrainPlans(Blackhole sink) {
        for (PlanRow row : plans) {
            Evaluation e = evaluator.evaluate(queries.get(row.queryIdx()), row.plan());
            sink.consume(e);
        }
    }

    /** Cold caches: a fresh evaluator for every pass over the 450 plans, so every text is parsed and looked up anew once. */
    @Benchmark
    @OperationsPerInvocation(PLANS)
    public void evaluateTrainPlansColdCaches(Blackhole sink) {
        Evaluator fresh = new Evaluator(evaluator.database());
        for (PlanRow row : plans) sink.consume(fresh.evaluate(queries.get(row.queryIdx()), row.plan()));
    }
}
