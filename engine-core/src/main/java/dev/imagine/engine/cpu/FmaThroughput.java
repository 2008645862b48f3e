package dev.imagine.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.imagine.engine.cpu.WeightLanes.F;
import static dev.imagine.engine.cpu.WeightLanes.L;

/**
 * The ceiling that bounds prefill and batched decode: f32 fused multiply-adds per second from the Vector API,
 * with everything in registers. Twelve independent accumulators cover the FMA latency (4 cycles) times the
 * FMA ports (2) with room to spare.
 *
 * <p>Usage: {@code double gflops = FmaThroughput.measure(WorkerPool.common(), 200_000_000L).gflops();}
 */
public final class FmaThroughput {
    /** Vector FMAs per inner iteration. */
    public static final int FMAS_PER_ITERATION = 12;
    /** f32 lanes per vector FMA. */
    public static final int LANES = L;

    /** flops counts 2 per lane per FMA. */
    public record Result(double flops, double seconds, double gflops, float checksum) {
    }

    private FmaThroughput() {
    }

    /** Runs about {@code iterations} × 12 vector FMAs on each pool thread and reports the total rate. */
    public static Result measure(WorkerPool pool, long iterations) {
        int threads = pool.threads();
        float[] sums = new float[threads];
        // compile the loop as a whole method first (a single long call would run mostly unoptimised)
        for (int i = 0; i < 200; i++) pool.forEach(threads, c -> sums[c] = loop(2_000, 1f + c));
        return run(pool, iterations);
    }

    /** One timed run of {@code iterations} × 12 vector FMAs on each pool thread, without warm-up (for benchmarks). */
    public static Result run(WorkerPool pool, long iterations) {
        int threads = pool.threads();
        float[] sums = new float[threads];
        long start = System.nanoTime();
        pool.forEach(threads, c -> sums[c] = loop(iterations, 1f + c));
        double seconds = (System.nanoTime() - start) / 1e9;
        double flops = 2.0 * L * FMAS_PER_ITERATION * iterations * threads;
        float checksum = 0;
        for (float s : sums) checksum += s;
        return new Result(flops, seconds, flops / seconds / 1e9, checksum);
    }

    /**
     * iterations × 12 FMAs a·b + c on register values: every accumulator follows c ← c·m + a with m slightly
     * below 1, so values stay finite and the loop cannot be folded away.
     */
    public static float loop(long iterations, float seed) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f), a = FloatVector.broadcast(F, 1e-3f);
        FloatVector c0 = FloatVector.broadcast(F, seed), c1 = c0.add(1), c2 = c0.add(2), c3 = c0.add(3);
        FloatVector c4 = c0.add(4), c5 = c0.add(5), c6 = c0.add(6), c7 = c0.add(7);
        FloatVector c8 = c0.add(8), c9 = c0.add(9), c10 = c0.add(10), c11 = c0.add(11);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(m, a); c1 = c1.fma(m, a); c2 = c2.fma(m, a); c3 = c3.fma(m, a);
            c4 = c4.fma(m, a); c5 = c5.fma(m, a); c6 = c6.fma(m, a); c7 = c7.fma(m, a);
            c8 = c8.fma(m, a); c9 = c9.fma(m, a); c10 = c10.fma(m, a); c11 = c11.fma(m, a);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
