package dev.imagine.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
import java.nio.ByteOrder;

/**
 * The memory-bandwidth ceiling that bounds decoding: one streaming read of a 1 GiB off-heap buffer,
 * summed with the Vector API. GB/s = 1.073741824 / (seconds per op).
 * Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar MemoryBandwidth}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MemoryBandwidthBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final long BYTES = 1L << 30;
    private Arena arena;
    private MemorySegment buffer;

    @Setup(Level.Trial)
    public void allocate() {
        arena = Arena.ofShared();
        buffer = arena.allocate(BYTES, 64);
        for (long i = 0; i < BYTES; i += 4) buffer.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i, 1f);
    }

    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }

    /** Sums the whole buffer: buffer[BYTES/4] → one float. Four accumulators keep the loads independent. */
    @Benchmark
    public float streamingRead() {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long step = F.vectorByteSize();
        for (long off = 0; off < BYTES; off += 4 * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, buffer, off, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, buffer, off + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, buffer, off + 2 * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, buffer, off + 3 * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
