package dev.imagine.bench;

import dev.imagine.engine.cpu.MemoryBandwidth;
import dev.imagine.engine.cpu.WorkerPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The memory bandwidth one thread can reach: one streaming read of a 1 GiB off-heap buffer on a single thread
 * ({@link MemoryBandwidth#stream} on a one-thread pool). {@link CeilingsBenchmark} measures the same read on all
 * the common pool's threads. GB/s = 1.073741824 / (seconds per op).
 * Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar MemoryBandwidth}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MemoryBandwidthBenchmark {
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

    /** Sums the whole buffer on the calling thread: buffer[BYTES/4] → one sum. */
    @Benchmark
    public double streamingRead() {
        return MemoryBandwidth.stream(oneThread, buffer);
    }
}
