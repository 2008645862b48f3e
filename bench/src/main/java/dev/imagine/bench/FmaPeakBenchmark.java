package dev.imagine.bench;

import dev.imagine.engine.cpu.FmaThroughput;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The compute ceiling that bounds prefill: f32 FMA throughput of the Vector API with all operands in
 * registers ({@link FmaThroughput#loop}), on one thread and on two. The {@code gigaflops} secondary result is
 * the rate (summed over threads).
 * Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar FmaPeak}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBenchmark {
    /** FMA loop iterations per call: about a millisecond. */
    static final long ITERATIONS = 200_000;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public double gigaflops;
    }

    @Benchmark
    @Threads(1)
    public float oneThread(Rates rates) {
        return run(rates);
    }

    @Benchmark
    @Threads(2)
    public float twoThreads(Rates rates) {
        return run(rates);
    }

    private static float run(Rates rates) {
        float r = FmaThroughput.loop(ITERATIONS, 1f);
        rates.gigaflops += 2.0 * FmaThroughput.LANES * FmaThroughput.FMAS_PER_ITERATION * ITERATIONS / 1e9;
        return r;
    }
}
