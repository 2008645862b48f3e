package dev.imagine.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.imagine.engine.cpu.WeightLanes.F;
import static dev.imagine.engine.cpu.WeightLanes.ORDER;

/**
 * The ceiling that bounds decoding: how fast this process can stream a buffer much larger than the caches
 * through the worker pool, the way the matvec kernels stream weights. Reads only (no writes), summed with the
 * Vector API so nothing is optimised away.
 *
 * <p>Usage: {@code double gbPerS = MemoryBandwidth.measure(WorkerPool.common(), 1L << 30, 5).bestGbPerS();}
 */
public final class MemoryBandwidth {
    /** Chunks of this many bytes are handed to the workers. */
    private static final long CHUNK_BYTES = 1L << 20;

    /** The outcome: bytes per pass, every pass's GB/s (10^9 bytes/s), the best and the median. */
    public record Result(long bytes, double[] gbPerS, double bestGbPerS, double medianGbPerS, double checksum) {
    }

    private MemoryBandwidth() {
    }

    /** Streams a fresh {@code bytes}-byte buffer (rounded up to 1 MiB) {@code passes} times on the pool. */
    public static Result measure(WorkerPool pool, long bytes, int passes) {
        if (passes < 1) throw new IllegalArgumentException("passes must be >= 1, got " + passes);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = allocate(arena, bytes);
            stream(pool, buffer); // warm-up: compiles the loop
            double checksum = 0;
            double[] rates = new double[passes];
            for (int p = 0; p < passes; p++) {
                long start = System.nanoTime();
                checksum += stream(pool, buffer);
                rates[p] = buffer.byteSize() / (double) (System.nanoTime() - start);
            }
            double[] sorted = rates.clone();
            java.util.Arrays.sort(sorted);
            return new Result(buffer.byteSize(), rates, sorted[passes - 1], sorted[passes / 2], checksum);
        }
    }

    /**
     * A buffer of {@code bytes} rounded up to 1 MiB, every page touched (so no pass times page faults), for
     * {@link #stream} and {@link #bestGbPerS}.
     */
    public static MemorySegment allocate(Arena arena, long bytes) {
        if (bytes < 1) throw new IllegalArgumentException("the buffer must have at least 1 byte, got " + bytes);
        MemorySegment buffer = arena.allocate((bytes + CHUNK_BYTES - 1) / CHUNK_BYTES * CHUNK_BYTES, 64);
        buffer.fill((byte) 0x3f);
        return buffer;
    }

    /**
     * The best GB/s of {@code passes} streaming reads of a buffer from {@link #allocate}: for measuring the bandwidth
     * right next to a run, at the same moment of a shared host.
     */
    public static double bestGbPerS(WorkerPool pool, MemorySegment buffer, int passes) {
        if (passes < 1) throw new IllegalArgumentException("passes must be >= 1, got " + passes);
        double best = 0;
        for (int p = 0; p < passes; p++) {
            long start = System.nanoTime();
            stream(pool, buffer);
            best = Math.max(best, buffer.byteSize() / (double) (System.nanoTime() - start));
        }
        return best;
    }

    /**
     * One streaming read of the whole buffer (a multiple of 1 MiB, readable by the pool's workers) on the pool;
     * returns the sum of its floats. For benchmarks that time passes themselves.
     */
    public static double stream(WorkerPool pool, MemorySegment buffer) {
        int chunks = Math.toIntExact(buffer.byteSize() / CHUNK_BYTES);
        double[] partial = new double[chunks];
        pool.forEach(chunks, c -> partial[c] = sum(buffer, c * CHUNK_BYTES, CHUNK_BYTES));
        double total = 0;
        for (double v : partial) total += v;
        return total;
    }

    /** Σ of the floats in seg[offset, offset+bytes); bytes a multiple of 4 vectors. */
    static double sum(MemorySegment seg, long offset, long bytes) {
        long step = F.vectorByteSize();
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (long off = offset, end = offset + bytes; off < end; off += 4 * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, seg, off, ORDER));
            a1 = a1.add(FloatVector.fromMemorySegment(F, seg, off + step, ORDER));
            a2 = a2.add(FloatVector.fromMemorySegment(F, seg, off + 2 * step, ORDER));
            a3 = a3.add(FloatVector.fromMemorySegment(F, seg, off + 3 * step, ORDER));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
