package dev.imagine.bench;

import dev.imagine.engine.cpu.FmaThroughput;
import dev.imagine.engine.cpu.MemoryBandwidth;
import dev.imagine.engine.cpu.WorkerPool;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * The machine's two ceilings measured the way the kernels run: on the common worker pool (all its threads), a
 * streaming read of a 1 GiB buffer (the bound for decoding) and register-only f32 FMAs (the bound for prefill).
 * Also the same read on one thread, which on this machine reaches about half of the pool's.
 * Secondary results: {@code gigabytes} and {@code gigaflops} per second. {@link KernelReport} divides each
 * kernel's rate by the ceiling that bounds it.
 * Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar Ceilings}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class CeilingsBenchmark {
    private static final long BYTES = 1L << 30;
    private final WorkerPool oneThread = new WorkerPool(1);
    private Arena arena;
    private MemorySegment buffer;

    @Setup(Level.Trial)
    public void allocate() {
        arena = Arena.ofShared();
        buffer = arena.allocate(BYTES, 64);
        buffer.fill((byte) 0x3f); // every page touched before timing
    }

    @TearDown(Level.Trial)
    public void free() {
        arena.close();
        oneThread.close();
    }

    /** Per-thread rates JMH reports alongside the ops/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public double gigabytes;
        public double gigaflops;
    }

    @Benchmark
    public double streamingRead(Rates rates) {
        double sum = MemoryBandwidth.stream(WorkerPool.common(), buffer);
        rates.gigabytes += BYTES / 1e9;
        return sum;
    }

    @Benchmark
    public double streamingReadOneThread(Rates rates) {
        double sum = MemoryBandwidth.stream(oneThread, buffer);
        rates.gigabytes += BYTES / 1e9;
        return sum;
    }

    @Benchmark
    public float fmaPeak(Rates rates) {
        FmaThroughput.Result r = FmaThroughput.run(WorkerPool.common(), 2_000_000L);
        rates.gigaflops += r.flops() / 1e9;
        return r.checksum();
    }
}
