package dev.imagine.engine.cpu;

import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.model.Batch;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Float16;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Causal grouped-query attention over the paged cache against a double-precision loop over the same cached keys
 * and values: head sizes with and without a whole number of 4-vector chunks and a scalar tail, blocks smaller
 * than a head's 4-position steps, both cache types, a prefill of one sequence alone and a prefill batch of two
 * (every row its own causal length), a decode batch of two sequences, and decode batches of eight completions
 * forked from one prompt.
 */
class AttentionTest {
    @Test
    void matchesADoubleLoopForEveryHeadSizeBlockSizeAndCacheType() {
        for (DType dtype : new DType[]{DType.F32, DType.BF16}) {
            for (int headDim : new int[]{128, 40, 6}) {
                for (int blockSize : new int[]{16, 5}) {
                    check(dtype, headDim, blockSize, 4, 2, null);
                }
            }
        }
    }

    /**
     * The same batches on pools of 2 and 3 threads, with the inputs in shared memory so that the tasks run on the
     * workers: Qwen3-0.6B's heads (16 query heads on 8 KV heads), so that a task takes 4 or 2 KV heads.
     */
    @Test
    void matchesADoubleLoopWhenTheTasksRunOnAPool() {
        for (int threads : new int[]{2, 3}) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (DType dtype : new DType[]{DType.F32, DType.BF16}) check(dtype, 128, 16, 16, 8, pool);
            }
        }
    }

    @Test
    void aTaskTakesAsManyKvHeadsAsLeaveATaskPerThread() {
        assertEquals(8, Attention.headsPerTask(8, 1, 1));
        assertEquals(4, Attention.headsPerTask(8, 1, 2));
        assertEquals(2, Attention.headsPerTask(8, 1, 3));
        assertEquals(8, Attention.headsPerTask(8, 2, 2));
        assertEquals(1, Attention.headsPerTask(8, 1, 16));
        assertEquals(1, Attention.headsPerTask(7, 1, 2));
    }

    /** pool: null for the common pool with inputs in confined memory (every task on the calling thread). */
    private static void check(DType dtype, int headDim, int blockSize, int heads, int kvHeads, WorkerPool pool) {
        int group = heads / kvHeads, kvDim = kvHeads * headDim, qDim = heads * headDim;
        Qwen3Config config = new Qwen3Config(64, 96, 1, heads, kvHeads, headDim, 300, 10000, 1e-5, true, 512, new int[]{299});
        SplittableRandom rng = new SplittableRandom(headDim * 31L + blockSize);
        String what = dtype + " headDim " + headDim + " block " + blockSize + " heads " + heads + "/" + kvHeads
                + (pool == null ? "" : " on " + pool.threads() + " threads");
        try (KvCache cache = new KvCache(config, blockSize, 64, dtype); Arena arena = pool == null ? Arena.ofConfined() : Arena.ofShared()) {
            KvCache.Sequence a = cache.newSequence(), b = cache.newSequence(), c = cache.newSequence();
            // prefill of one sequence alone: its last task (rows 16-22) reads blocks 0 and 1 as one run of rows,
            // the two-block score kernel with a rest of queries outside its chunks of 8
            Batch alone = new Batch();
            alone.add(c, new int[23], true);
            run(pool, cache, alone, qDim, kvDim, heads, kvHeads, headDim, group, rng, arena, what + " prefill alone");
            // prefill: 23 tokens of a, 9 of b in one batch
            Batch prefill = new Batch();
            prefill.add(a, new int[23], true);
            prefill.add(b, new int[9], true);
            run(pool, cache, prefill, qDim, kvDim, heads, kvHeads, headDim, group, rng, arena, what + " prefill");
            // decode: one more token of each
            Batch decode = new Batch();
            decode.add(a, 1);
            decode.add(b, 2);
            run(pool, cache, decode, qDim, kvDim, heads, kvHeads, headDim, group, rng, arena, what + " decode");
            // 8 completions forked from a (sharing its blocks; its partly filled last block is copied on write) and b:
            // more rows than one attention task takes, twice, so that the forks diverge after the shared prompt
            KvCache.Sequence[] forks = new KvCache.Sequence[8];
            for (int i = 0; i < forks.length; i++) forks[i] = cache.fork(a);
            for (int step = 0; step < 2; step++) {
                Batch group8 = new Batch();
                for (int i = 0; i < forks.length; i++) group8.add(forks[i], 3 + i);
                group8.add(b, 3);
                run(pool, cache, group8, qDim, kvDim, heads, kvHeads, headDim, group, rng, arena, what + " forks, step " + step);
            }
        }
    }

    private static void run(WorkerPool pool, KvCache cache, Batch batch, int qDim, int kvDim, int heads, int kvHeads, int headDim, int group,
                            SplittableRandom rng, Arena arena, String what) {
        int rows = batch.rows();
        for (int t = 0; t < rows; t++) {
            if (t == 0 || batch.sequence(t) != batch.sequence(t - 1)) cache.reserve(batch.sequence(t), count(batch, t));
        }
        MemorySegment q = random(arena, rows * qDim, rng), k = random(arena, rows * kvDim, rng), v = random(arena, rows * kvDim, rng);
        MemorySegment out = arena.allocate((long) rows * qDim * 4);
        Attention.store(cache, 0, batch, k, v);
        Attention.attend(pool == null ? WorkerPool.common() : pool, cache, 0, batch, q, out, heads, kvHeads, headDim);
        MemorySegment keys = cache.keys(0), values = cache.values(0);
        for (int t = 0; t < rows; t++) {
            KvCache.Sequence s = batch.sequence(t);
            int len = batch.position(t) + 1;
            for (int h = 0; h < heads; h++) {
                int g = h / group;
                double[] p = new double[len];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < len; j++) {
                    long kOff = cache.keyOffset(s, j, g);
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) dot += q.getAtIndex(ValueLayout.JAVA_FLOAT, (long) t * qDim + h * headDim + d) * cached(keys, kOff + (long) d * cache.blockSize(), cache.dtype());
                    p[j] = dot / Math.sqrt(headDim);
                    max = Math.max(max, p[j]);
                }
                for (int j = 0; j < len; j++) sum += p[j] = Math.exp(p[j] - max);
                for (int d = 0; d < headDim; d++) {
                    double want = 0;
                    for (int j = 0; j < len; j++) want += p[j] / sum * cached(values, cache.offset(s, j, g) + d, cache.dtype());
                    float got = out.getAtIndex(ValueLayout.JAVA_FLOAT, (long) t * qDim + h * headDim + d);
                    assertEquals(want, got, 2e-5, what + ": row " + t + " head " + h + " dim " + d);
                }
            }
        }
        for (int t = 0; t < rows; t++) {
            if (t == 0 || batch.sequence(t) != batch.sequence(t - 1)) cache.advance(batch.sequence(t), count(batch, t));
        }
    }

    /** Rows of the batch from row t on that belong to the same sequence. */
    private static int count(Batch batch, int t) {
        int n = 0;
        while (t + n < batch.rows() && batch.sequence(t + n) == batch.sequence(t)) n++;
        return n;
    }

    private static double cached(MemorySegment layer, long i, DType dtype) {
        return dtype == DType.F32 ? layer.getAtIndex(ValueLayout.JAVA_FLOAT, i) : Float16.bf16ToFloat(layer.getAtIndex(ValueLayout.JAVA_SHORT, i));
    }

    private static MemorySegment random(Arena arena, int n, SplittableRandom rng) {
        MemorySegment m = arena.allocate(4L * n, 64);
        for (int i = 0; i < n; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rng.nextGaussian());
        return m;
    }
}
