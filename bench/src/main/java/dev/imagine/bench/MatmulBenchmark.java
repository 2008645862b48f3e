package dev.imagine.bench;

import dev.imagine.engine.cpu.Matmul;
import dev.imagine.engine.cpu.WorkerPool;
import dev.imagine.engine.cpu.BlockedBf16;
import dev.imagine.engine.cpu.BlockedQ8;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Float16;
import dev.imagine.engine.tensor.Tensor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code x[T,D] · w[O,D]ᵀ → y[T,O]} through {@link Matmul} on the common worker pool, for the Qwen3-0.6B and
 * Qwen3-8B MLP shapes (shape = O×D), every weight type, decode (T=1), batched decode (T=8) and prefill (T=128).
 * Besides time per call, JMH prints two rates per second as secondary results: {@code gigabytes} (weight bytes
 * streamed; the bound for T=1) and {@code gigaflops} (2·T·O·D; the bound for T=128).
 *
 * <p>Each call uses the next of several copies of the weights, {@link #streamBytes} in all (1 GiB), so that every
 * call streams its weights from DRAM as a decode step does: a single matrix of these sizes stays in this
 * machine's 300 MB L3 between calls and would measure the cache instead.
 * Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar Matmul}, or
 * {@link KernelReport} for the table against the ceilings.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class MatmulBenchmark {
    @Param({"1024x3072", "3072x1024", "4096x12288", "12288x4096"})
    public String shape;
    @Param({"BF16", "BF16_BLOCKED", "Q8_0", "Q8_0_BLOCKED", "F16", "F32"})
    public String dtype;
    @Param({"1", "8", "128"})
    public int rows;
    /** Bytes of weight copies to cycle through (at least one copy). */
    @Param({"1073741824"})
    public long streamBytes;

    private Arena arena;
    Tensor w;
    private Tensor[] copies;
    private int next;
    MemorySegment x, y;

    /** Per-thread rates JMH reports alongside the ops/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public double gigabytes;
        public double gigaflops;
    }

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        String[] od = shape.split("x");
        int out = Integer.parseInt(od[0]), in = Integer.parseInt(od[1]);
        w = randomWeights(arena, DType.valueOf(dtype), out, in, 42);
        int n = (int) Math.max(1, Math.min(64, (streamBytes + w.data().byteSize() - 1) / w.data().byteSize()));
        copies = new Tensor[n];
        copies[0] = w;
        for (int i = 1; i < n; i++) {
            MemorySegment c = arena.allocate(w.data().byteSize(), 64);
            c.copyFrom(w.data());
            copies[i] = new Tensor("w" + i, w.dtype(), w.shape(), c);
        }
        x = arena.allocate((long) rows * in * 4, 64);
        SplittableRandom rnd = new SplittableRandom(7);
        for (long i = 0; i < (long) rows * in; i++) x.set(ValueLayout.JAVA_FLOAT_UNALIGNED, i * 4, (float) rnd.nextDouble(-1, 1));
        y = arena.allocate((long) rows * out * 4, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment matmul(Rates rates) {
        Tensor w = copies[next];
        next = next + 1 == copies.length ? 0 : next + 1;
        Matmul.matmul(WorkerPool.common(), x, rows, w, y);
        rates.gigabytes += w.data().byteSize() / 1e9;
        rates.gigaflops += 2.0 * rows * w.elements() / 1e9;
        return y;
    }

    /**
     * Weights w[out, in] with values uniform in ±0.05 (roughly a trained layer's scale), stored as `type`
     * (Q8_0: per-block scale amax/127). Deterministic in seed.
     */
    static Tensor randomWeights(Arena arena, DType type, int out, int in, long seed) {
        if (type == DType.BF16_BLOCKED) return BlockedBf16.block(randomWeights(arena, DType.BF16, out, in, seed), arena); // as the loader makes it
        if (type == DType.Q8_0_BLOCKED) return BlockedQ8.block(randomWeights(arena, DType.Q8_0, out, in, seed), arena);
        MemorySegment seg = arena.allocate(type.bytes((long) out * in), 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            for (int d = 0; d < in; d++) row[d] = (float) rnd.nextDouble(-0.05, 0.05);
            long base = type.bytes((long) o * in);
            switch (type) {
                case F32 -> MemorySegment.copy(row, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, base, in);
                case BF16 -> { for (int d = 0; d < in; d++) seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, base + 2L * d, Float16.floatToBf16(row[d])); }
                case F16 -> { for (int d = 0; d < in; d++) seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, base + 2L * d, Float16.floatToF16(row[d])); }
                case Q8_0 -> {
                    for (int b = 0; b < in / 32; b++) {
                        float amax = 0;
                        for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(row[b * 32 + i]));
                        short dBits = Float16.floatToF16(amax / 127f);
                        float d = Float16.f16ToFloat(dBits);
                        long blk = base + b * 34L;
                        seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, blk, dBits);
                        for (int i = 0; i < 32; i++) {
                            seg.set(ValueLayout.JAVA_BYTE, blk + 2 + i, (byte) Math.round(d == 0 ? 0 : row[b * 32 + i] / d));
                        }
                    }
                }
            }
        }
        return new Tensor("w", type, new long[]{out, in}, seg);
    }
}
