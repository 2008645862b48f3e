package dev.imagine.engine.cpu;

import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.model.Batch;
import dev.imagine.engine.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The row-wise operations the backend splits across its pool (prefill sizes) give the bits the single-thread
 * {@link RowOps} and {@link Attention#store} give, whatever the split.
 */
class CpuBackendTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    /** 130 rows of 1024: above the split threshold, and 130 does not divide into the pool's ranges evenly. */
    private static final int ROWS = 130, DIM = 1024;

    @Test
    void splitRowOperationsMatchTheSingleThreadOnes() {
        assertTrue((long) ROWS * DIM >= CpuBackend.PARALLEL_FLOATS, "the test must take the split path");
        SplittableRandom rng = new SplittableRandom(3);
        try (WorkerPool two = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            CpuBackend backend = new CpuBackend(two);
            MemorySegment x = random(arena, rng, ROWS * DIM), d = random(arena, rng, ROWS * DIM), w = random(arena, rng, DIM);
            MemorySegment x2 = copy(arena, x), out = arena.allocate(4L * ROWS * DIM), out2 = arena.allocate(4L * ROWS * DIM);

            backend.rmsnorm(x, w, out, ROWS, DIM, 1e-6f);
            RowOps.rmsnorm(x2, w, out2, ROWS, DIM, 1e-6f);
            assertSame(out2, out, "rmsnorm");

            backend.addRmsnorm(x, d, w, out, ROWS, DIM, 1e-6f);
            RowOps.addRmsnorm(x2, d, w, out2, ROWS, DIM, 1e-6f);
            assertSame(x2, x, "addRmsnorm's residual");
            assertSame(out2, out, "addRmsnorm");

            // [T, 8 heads, 128] with cos/sin [T, 64]
            MemorySegment cos = random(arena, rng, ROWS * 64), sin = random(arena, rng, ROWS * 64), hw = random(arena, rng, 128);
            backend.headNormRope(x, hw, ROWS, 8, 128, 1e-6f, cos, sin);
            RowOps.headNormRope(x2, hw, ROWS, 8, 128, 1e-6f, cos, sin);
            assertSame(x2, x, "headNormRope");

            // flat element-wise work, with a length that ends inside a piece and inside a vector
            long n = (long) ROWS * DIM - 13;
            backend.swiglu(x, d, out, n);
            RowOps.swiglu(x2, d, out2, n);
            assertSame(out2, out, "swiglu");
        }
    }

    @Test
    void splitKvStoreWritesWhatTheSingleThreadOneWrites() {
        // hidden 64, intermediate 128, 1 layer, 4/2 heads of 16, vocab 32
        Qwen3Config c = new Qwen3Config(64, 128, 1, 4, 2, 16, 32, 1e6, 1e-6, true, 4096, new int[0]);
        int rows = 2100; // 2100 × kvDim 32 floats: above the threshold; rows end inside a block of 16
        assertTrue((long) rows * c.kvDim() >= CpuBackend.PARALLEL_FLOATS, "the test must take the split path");
        SplittableRandom rng = new SplittableRandom(4);
        try (WorkerPool two = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            MemorySegment k = random(arena, rng, rows * c.kvDim()), v = random(arena, rng, rows * c.kvDim());
            for (DType type : new DType[]{DType.F32, DType.BF16}) {
                try (KvCache split = new KvCache(c, 16, 200, type); KvCache one = new KvCache(c, 16, 200, type)) {
                    Batch a = batch(split, rows), b = batch(one, rows);
                    new CpuBackend(two).storeKv(split, 0, a, k, v);
                    Attention.store(one, 0, b, k, v);
                    assertArrayEquals(one.keys(0).toArray(ValueLayout.JAVA_BYTE), split.keys(0).toArray(ValueLayout.JAVA_BYTE), type + " keys");
                    assertArrayEquals(one.values(0).toArray(ValueLayout.JAVA_BYTE), split.values(0).toArray(ValueLayout.JAVA_BYTE), type + " values");
                }
            }
        }
    }

    /** One new sequence of `rows` tokens, its blocks reserved (as the model's forward does). */
    private static Batch batch(KvCache cache, int rows) {
        KvCache.Sequence s = cache.newSequence();
        Batch batch = new Batch();
        batch.add(s, new int[rows], false);
        cache.reserve(s, rows);
        return batch;
    }

    private static MemorySegment random(Arena arena, SplittableRandom rng, long n) {
        MemorySegment s = arena.allocate(4 * n, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(F32, i, (float) (rng.nextDouble() * 2 - 1));
        return s;
    }

    private static MemorySegment copy(Arena arena, MemorySegment s) {
        MemorySegment c = arena.allocate(s.byteSize(), 64);
        c.copyFrom(s);
        return c;
    }

    private static void assertSame(MemorySegment expected, MemorySegment actual, String what) {
        assertArrayEquals(expected.toArray(F32), actual.toArray(F32), what);
    }
}
