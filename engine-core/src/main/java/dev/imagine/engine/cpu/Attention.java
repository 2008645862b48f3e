package dev.imagine.engine.cpu;

import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.model.Batch;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Float16;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Causal grouped-query attention over the paged {@link KvCache}, and the writes of new keys and values into it.
 * One task per (group of KV heads, up to 8 rows), so that each cached K and V row is read once for all the query
 * heads sharing it, and once for all the task's rows that share its block; tasks run on the {@link WorkerPool} when
 * there is enough work to split, with as many KV heads per task as still leave a task per thread. Rows of a task
 * that read the same physical block (the rows of one prefill, or completions forked from one prompt) are taken
 * together, as small matrix products: their queries, 8 at a time, share each load of the block's keys
 * ({@link #blockScores8}; two blocks per query load where the same rows read both, {@link #blockScores8x2}), and 4
 * at a time each load of its values; a row alone's two queries of a KV head share each value row
 * ({@link #weighted2x8}). Scores go
 * into a per-thread array, softmax runs on whole vectors (the Vector API's exp), and the weighted sum of V
 * accumulates in a per-thread array before one write to the output.
 *
 * <p>Measured (Qwen3-0.6B heads, 2 threads, f32 cache, one layer): prefill attention of 2048 rows 319-323 → 178-213 ms
 * (median 197: 53 → 87 GFLOP/s), of 512 rows 16-19 → 12 ms; a decode step of 8 forks at a 2048-token prompt
 * 2.1-2.6 → 1.4-2.3 ms (median 1.75); with two blocks per query load, 155-174 → 137-150 ms and 1.32-1.64 →
 * 1.29-1.43 ms (five alternated rounds). Tasks of several KV heads walked run by run, and {@link #weighted2x8}
 * (twelfth session; one decode step's attention over 28 layers, the cache streamed from DRAM, against the previous
 * build in one process): 8 forks at a 128-token prompt 12.6 → 10.5 ms, one row 4.37 → 3.49 ms, one row at a
 * 1024-token prompt 23.7 → 17.4 ms; end to end at that prompt (Q8_0) decode 16.7 → 19.3 tokens/s.
 *
 * <p>Usage: {@code Attention.attend(pool, cache, layer, batch, q, out, heads, kvHeads, headDim);}
 */
final class Attention {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT;
    private static final VectorSpecies<Float> S = WeightLanes.F;
    private static final int SL = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Shorts and ints with as many lanes as S has floats (for bf16). */
    private static final VectorSpecies<Short> SHORTS = WeightLanes.S;
    private static final VectorSpecies<Integer> INTS = WeightLanes.I;
    /** Below this many multiply-adds attention stays on the calling thread (short contexts: a hand-off costs more). */
    private static final long PARALLEL_WORK = 1L << 16;

    private Attention() {
    }

    /** Per-thread runs of rows per block (see {@link #attendRows}): [first row, row after, slots] per run, and runs per block. */
    private static final ThreadLocal<int[][]> RUNS = ThreadLocal.withInitial(() -> new int[][]{new int[48], new int[16]});

    /**
     * Per-thread scratch: scores [rows, group, len], the output accumulators [rows, group, headDim], the task's
     * queries [rows, group, headDim] copied to the heap (a broadcast from an array compiles to one
     * broadcast-from-memory; from a segment, to a load and a shuffle), and the same queries by chunks of
     * {@link #QUERIES} with their dims interleaved, [chunk, headDim, 8], for {@link #blockScores8}.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[256], new float[256], new float[256], new float[256]});

    /** The arguments of one call, reused by the calling thread so that a call allocates nothing. */
    private static final class Call {
        KvCache cache;
        Batch batch;
        MemorySegment q, out;
        int layer, heads, kvHeads, headDim, headsPerTask;
        final WorkerPool.Chunk task = this::run;

        void run(int task) {
            attendRows(cache, layer, batch, q, out, heads, kvHeads, headDim, headsPerTask, task, SCRATCH.get());
        }
    }

    private static final ThreadLocal<Call> CALLS = ThreadLocal.withInitial(Call::new);

    /**
     * out[t, h, :] = softmax(q[t,h,:]·K[0..p]ᵀ / sqrt(headDim)) · V[0..p] for every row t (sequence s, position p)
     * of the batch and query head h, reading KV head h / (heads/kvHeads) of s.
     */
    static void attend(WorkerPool pool, KvCache cache, int layer, Batch batch, MemorySegment q, MemorySegment out,
                       int heads, int kvHeads, int headDim) {
        int rows = batch.rows();
        long work = 0; // multiply-adds, to decide whether splitting over threads pays
        for (int t = 0; t < rows; t++) work += (long) (batch.position(t) + 1) * heads * headDim * 2;
        boolean shared = pool.workersCanAccess(q) && pool.workersCanAccess(out);
        boolean parallel = work >= PARALLEL_WORK && shared && pool.threads() > 1;
        int headsPerTask = headsPerTask(kvHeads, rowChunks(rows), parallel ? pool.threads() : 1);
        int tasks = rowChunks(rows) * (kvHeads / headsPerTask);
        Call call = CALLS.get();
        call.cache = cache;
        call.batch = batch;
        call.q = q;
        call.out = out;
        call.layer = layer;
        call.heads = heads;
        call.kvHeads = kvHeads;
        call.headDim = headDim;
        call.headsPerTask = headsPerTask;
        try {
            if (!parallel || tasks == 1) {
                for (int task = 0; task < tasks; task++) call.run(task);
            } else {
                pool.forEach(tasks, call.task);
            }
        } finally {
            call.cache = null;
            call.batch = null;
            call.q = call.out = null;
        }
    }

    /**
     * KV heads per task: as many as still leave a task per thread (a divisor of kvHeads). A task walks the cache
     * block by block across its heads, and a block's heads lie side by side in the cache, so more heads per task
     * means longer runs of consecutive memory for the prefetcher: one head per task read 8 KiB runs 64 KiB apart.
     */
    static int headsPerTask(int kvHeads, int rowChunks, int threads) {
        for (int d = kvHeads; d > 1; d--) {
            if (kvHeads % d == 0 && (long) rowChunks * (kvHeads / d) >= threads) return d;
        }
        return 1;
    }

    /** Rows per task: a decode batch of a GRPO group (8 completions) is one chunk of rows. */
    private static final int TASK_ROWS = 8;

    private static int rowChunks(int rows) {
        return (rows + TASK_ROWS - 1) / TASK_ROWS;
    }

    /**
     * Attention of rows [t0, t1) for the query heads sharing KV heads [g0, g0 + n) (task = chunk·(kvHeads/n) + g0/n,
     * n = headsPerTask). Both passes walk the cache block-major: for each block index, every run of the task's rows
     * that reach it (in row order), and each of the task's KV heads in turn, which lie side by side in the block, so
     * that a row's own block is read as one piece. Rows whose sequences share that block (the completions forked
     * from one prompt, or the rows of one prefill) then read its keys and values from L1 after the first, where a
     * row-major walk streamed the whole shared prompt from memory once per row. At a 2048-token prompt (Qwen3-0.6B
     * shape, BF16, 2 threads) 8 forked completions went from 19-20 to 24-26 tokens/s in aggregate and the prefill
     * from 61-63 to 85-88 tokens/s; at 128 tokens, where the whole cache fits in L2/L3, nothing changed. Rows that
     * read the same block are taken as one run, whose queries share each load of it ({@link #blockScores8},
     * {@link #weighted4x4}); a row alone keeps the one- and two-query kernels. The task's queries are numbered
     * head-major, qi = (i·m + t - t0)·group + h for its i-th KV head, so that a run's queries of one KV head are
     * consecutive.
     */
    private static void attendRows(KvCache cache, int layer, Batch batch, MemorySegment q, MemorySegment out,
                                   int heads, int kvHeads, int headDim, int headsPerTask, int task, float[][] scratch) {
        int perChunk = kvHeads / headsPerTask, chunk = task / perChunk, g0 = task % perChunk * headsPerTask;
        int group = heads / kvHeads, nh = headsPerTask;
        int t0 = chunk * TASK_ROWS, t1 = Math.min(batch.rows(), t0 + TASK_ROWS), m = t1 - t0, perHead = m * group;
        int blockSize = cache.blockSize();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        MemorySegment keys = cache.keys(layer), values = cache.values(layer);
        boolean f32 = cache.dtype() == DType.F32;
        int maxLen = 0; // causal: row t sees positions 0..p(t)
        for (int t = t0; t < t1; t++) maxLen = Math.max(maxLen, batch.position(t) + 1);
        int queries = nh * perHead, scoreFloats = queries * maxLen, accFloats = queries * headDim;
        if (scratch[0].length < scoreFloats) scratch[0] = new float[Math.max(scoreFloats, scratch[0].length * 2)];
        if (scratch[1].length < accFloats) scratch[1] = new float[Math.max(accFloats, scratch[1].length * 2)];
        if (scratch[2].length < accFloats) scratch[2] = new float[Math.max(accFloats, scratch[2].length * 2)];
        float[] scores = scratch[0], acc = scratch[1], qa = scratch[2]; // [nh, m, group, maxLen], [nh, m, group, headDim] ×2
        for (int i = 0; i < nh; i++) {
            for (int t = t0; t < t1; t++) {
                long q0 = ((long) t * heads + (long) (g0 + i) * group) * headDim;
                MemorySegment.copy(q, ValueLayout.JAVA_FLOAT, q0 * 4, qa, (i * perHead + (t - t0) * group) * headDim, group * headDim);
            }
        }
        int blocks = (maxLen + blockSize - 1) / blockSize;
        boolean wholeVectors = blockSize % SL == 0;
        // chunks of 8 consecutive queries; scoreRun takes only those inside one KV head's run, so only those are
        // transposed (a row alone's 2 queries per head make none)
        int chunks = wholeVectors ? queries / QUERIES : 0;
        if (chunks > 0) {
            if (scratch[3].length < chunks * QUERIES * headDim) scratch[3] = new float[Math.max(chunks * QUERIES * headDim, scratch[3].length * 2)];
            float[] qt = scratch[3];
            for (int c = 0; c < chunks; c++) {
                if (c * QUERIES / perHead != (c * QUERIES + QUERIES - 1) / perHead) continue; // spans two KV heads
                for (int i = 0; i < QUERIES; i++) {
                    int from = (c * QUERIES + i) * headDim, to = c * QUERIES * headDim + i;
                    for (int d = 0; d < headDim; d++) qt[to + d * QUERIES] = qa[from + d];
                }
            }
        }
        // Rows that read the same physical block (one prefill's rows; completions forked from one prompt) go
        // together as a run, found once per block for both passes and every KV head: runs[(b·m + r)·3 ..] = its
        // first row, the row after it, and the filled slots of its longest row.
        int[][] rs = RUNS.get();
        if (rs[0].length < blocks * m * 3) rs[0] = new int[Math.max(blocks * m * 3, rs[0].length * 2)];
        if (rs[1].length < blocks) rs[1] = new int[Math.max(blocks, rs[1].length * 2)];
        int[] runs = rs[0], runCount = rs[1];
        for (int b = 0; b < blocks; b++) {
            int j0 = b * blockSize, c = 0;
            for (int t = t0, u; t < t1; t = u) {
                u = t + 1;
                if (j0 >= batch.position(t) + 1) continue;
                u = runEnd(batch, t, t1, b, j0, batch.sequence(t).block(b));
                int at = (b * m + c++) * 3;
                runs[at] = t;
                runs[at + 1] = u;
                runs[at + 2] = runSlots(batch, t, u, j0, blockSize);
            }
            runCount[b] = c;
        }
        // scores[qi,j] = q[qi,:] · k[j,g,:] · scale, a vector of positions per FMA (keys transposed in the block);
        // a run's queries, in chunks of 8, share each load of the block's keys. A run computes its longest row's n
        // slots for every row: a shorter row's extra scores lie past its length, where softmax does not look, and
        // are zeroed before the V pass.
        for (int b = 0; b < blocks; b++) {
            int j0 = b * blockSize;
            boolean pair = wholeVectors && b + 1 < blocks && runCount[b] == 1 && runCount[b + 1] == 1
                    && runs[b * m * 3] == runs[(b + 1) * m * 3] && runs[b * m * 3 + 1] == runs[(b + 1) * m * 3 + 1];
            if (pair) {
                // the same rows read blocks b and b+1 (b then full): each query broadcast feeds both blocks' keys
                int t = runs[b * m * 3], u = runs[b * m * 3 + 1], nB = runs[(b + 1) * m * 3 + 2];
                for (int i = 0; i < nh; i++) {
                    int g = g0 + i, q0 = i * perHead;
                    long headA = cache.headStart(batch.sequence(t).block(b), g), headB = cache.headStart(batch.sequence(t).block(b + 1), g);
                    scoreRun(qa, scratch[3], chunks, q0 + (t - t0) * group, q0 + (u - t0) * group, keys, headA, blockSize, headB, nB,
                            blockSize, headDim, f32, scale, scores, maxLen, j0);
                }
            } else {
                // run by run, each run's heads in turn: the heads of one physical block lie side by side
                for (int r = 0; r < runCount[b]; r++) {
                    int t = runs[(b * m + r) * 3], u = runs[(b * m + r) * 3 + 1], n = runs[(b * m + r) * 3 + 2];
                    for (int i = 0; i < nh; i++) {
                        int g = g0 + i, q0 = i * perHead;
                        long headBase = cache.headStart(batch.sequence(t).block(b), g); // k[d][slot] of head g in block b
                        scoreRun(qa, scratch[3], chunks, q0 + (t - t0) * group, q0 + (u - t0) * group, keys, headBase, n, -1, 0,
                                blockSize, headDim, f32, scale, scores, maxLen, j0);
                    }
                }
            }
            if (pair) b++;
        }
        for (int i = 0; i < nh; i++) {
            for (int t = t0; t < t1; t++) {
                for (int h = 0; h < group; h++) {
                    int from = (i * perHead + (t - t0) * group + h) * maxLen, len = batch.position(t) + 1;
                    softmax(scores, from, len);
                    java.util.Arrays.fill(scores, from + len, from + maxLen, 0f); // see the runs above
                }
            }
        }
        // acc[qi,:] = Σ_j softmax[qi,j] · v[j,g,:], block by block, in the same runs of rows: four queries × four
        // vectors of dims stay in registers while the block's positions stream past, so each load of V serves four
        // queries
        int dv = S.loopBound(headDim);
        for (int b = 0; b < blocks; b++) {
            int j0 = b * blockSize;
            for (int r = 0; r < runCount[b]; r++) {
                int t = runs[(b * m + r) * 3], u = runs[(b * m + r) * 3 + 1], n = runs[(b * m + r) * 3 + 2];
                for (int i = 0; i < nh; i++) {
                    int g = g0 + i, q0 = i * perHead;
                    long headBase = cache.headStart(batch.sequence(t).block(b), g);
                    int qi = q0 + (t - t0) * group, qEnd = q0 + (u - t0) * group;
                    for (; qi + 4 <= qEnd; qi += 4) {
                        int pAt = qi * maxLen + j0, a = qi * headDim, d0 = 0;
                        for (; d0 + 4 * SL <= dv; d0 += 4 * SL) weighted4x4(values, headBase + d0, headDim, n, f32, scores, pAt, maxLen, acc, a + d0, headDim, b == 0);
                        for (int k = 0; k < 4; k++) weightedRest(values, headBase, headDim, n, f32, scores, pAt + k * maxLen, acc, a + k * headDim, d0, dv, b == 0);
                    }
                    for (; qi + 2 <= qEnd; qi += 2) {
                        int pAt = qi * maxLen + j0, a = qi * headDim, d0 = 0;
                        for (; d0 + 8 * SL <= dv; d0 += 8 * SL) weighted2x8(values, headBase + d0, headDim, n, f32, scores, pAt, maxLen, acc, a + d0, headDim, b == 0);
                        for (int k = 0; k < 2; k++) weightedRest(values, headBase, headDim, n, f32, scores, pAt + k * maxLen, acc, a + k * headDim, d0, dv, b == 0);
                    }
                    for (; qi < qEnd; qi++) weightedRest(values, headBase, headDim, n, f32, scores, qi * maxLen + j0, acc, qi * headDim, 0, dv, b == 0);
                }
            }
        }
        for (int i = 0; i < nh; i++) {
            for (int t = t0; t < t1; t++) {
                long q0 = ((long) t * heads + (long) (g0 + i) * group) * headDim;
                MemorySegment.copy(acc, (i * perHead + (t - t0) * group) * headDim, out, ValueLayout.JAVA_FLOAT, q0 * 4, group * headDim);
            }
        }
    }

    /**
     * The row after the run that starts at row t (which reaches block index b, physical block {@code block}): the
     * rows t, t+1, ... before t1 that reach block index b (it starts at position j0) and read that same block.
     */
    private static int runEnd(Batch batch, int t, int t1, int b, int j0, int block) {
        int u = t + 1;
        while (u < t1 && batch.position(u) + 1 > j0 && batch.sequence(u).block(b) == block) u++;
        return u;
    }

    /** The filled slots of the block at j0 for the longest row of the run [t, u). */
    private static int runSlots(Batch batch, int t, int u, int j0, int blockSize) {
        int n = 0;
        for (int r = t; r < u; r++) n = Math.max(n, Math.min(batch.position(r) + 1, j0 + blockSize) - j0);
        return n;
    }

    /** Queries per chunk of {@link #blockScores8}. */
    static final int QUERIES = 8;

    /**
     * Scores of a run's queries [qi, qEnd) against the block at headA (nA filled slots, scores from j0) and, when
     * headB ≥ 0, the next block at headB as well (headA's block then full; nB slots, scores from j0 + blockSize).
     * Whole chunks of {@link #QUERIES} (chunks start at multiples of 8 in the task, qt holds them, there are
     * {@code chunks}) go through {@link #blockScores8} or {@link #blockScores8x2}; the queries outside them one or
     * two at a time.
     */
    private static void scoreRun(float[] qa, float[] qt, int chunks, int qi, int qEnd, MemorySegment keys, long headA, int nA,
                                 long headB, int nB, int blockSize, int headDim, boolean f32, float scale, float[] scores,
                                 int maxLen, int j0) {
        boolean two = headB >= 0;
        for (int c = (qi + QUERIES - 1) / QUERIES; (c + 1) * QUERIES <= qEnd && c < chunks; c++) {
            if (c * QUERIES > qi) {
                scoresOneByOne(qa, qi, c * QUERIES, keys, headA, blockSize, nA, headDim, f32, scale, scores, maxLen, j0);
                if (two) scoresOneByOne(qa, qi, c * QUERIES, keys, headB, blockSize, nB, headDim, f32, scale, scores, maxLen, j0 + blockSize);
            }
            int qOff = c * QUERIES * headDim, at = c * QUERIES * maxLen + j0;
            if (two) blockScores8x2(qt, qOff, keys, headA, headB, blockSize, nB, headDim, f32, scale, scores, at, maxLen);
            else blockScores8(qt, qOff, keys, headA, blockSize, nA, headDim, f32, scale, scores, at, maxLen);
            qi = (c + 1) * QUERIES;
        }
        scoresOneByOne(qa, qi, qEnd, keys, headA, blockSize, nA, headDim, f32, scale, scores, maxLen, j0);
        if (two) scoresOneByOne(qa, qi, qEnd, keys, headB, blockSize, nB, headDim, f32, scale, scores, maxLen, j0 + blockSize);
    }

    /**
     * Scores of queries [from, to) of a task (qa[qi·headDim ..], scores[qi·maxLen + j0 ..]) against one block, two
     * heads per load of the block's keys where two are left, else one.
     */
    private static void scoresOneByOne(float[] qa, int from, int to, MemorySegment keys, long headBase, int blockSize, int n,
                                       int headDim, boolean f32, float scale, float[] scores, int maxLen, int j0) {
        int qi = from;
        if (blockSize % SL == 0) {
            for (; qi + 2 <= to; qi += 2) {
                blockScores2(qa, qi * headDim, (qi + 1) * headDim, keys, headBase, blockSize, n, headDim, f32, scale, scores, qi * maxLen + j0, (qi + 1) * maxLen + j0);
            }
        }
        for (; qi < to; qi++) {
            if (blockSize % SL == 0) blockScores(qa, qi * headDim, keys, headBase, blockSize, n, headDim, f32, scale, scores, qi * maxLen + j0);
            else blockScoresScalar(qa, qi * headDim, keys, headBase, blockSize, n, headDim, f32, scale, scores, qi * maxLen + j0);
        }
    }

    /**
     * {@link #blockScores} for eight queries sharing each load of the block's keys: per vector of slots, eight
     * accumulators over d, one key load and eight broadcast FMAs per d. qt holds the eight queries with their
     * dims interleaved, qt[qOff + d·8 + i]; query i's scores go to scores[at + i·stride ..].
     */
    static void blockScores8(float[] qt, int qOff, MemorySegment k, long kBase, int blockSize, int n, int headDim,
                             boolean f32, float scale, float[] scores, int at, int stride) {
        for (int s0 = 0; s0 < n; s0 += SL) {
            long col = kBase + s0;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int d = 0, qd = qOff; d < headDim; d++, col += blockSize, qd += QUERIES) {
                // k[d][s0..s0+SL) · q[0..8][d] → 8 partial score vectors
                FloatVector kv = f32 ? FloatVector.fromMemorySegment(S, k, col * 4, NATIVE) : bf16Vector(k, col * 2);
                a0 = kv.fma(FloatVector.broadcast(S, qt[qd]), a0);
                a1 = kv.fma(FloatVector.broadcast(S, qt[qd + 1]), a1);
                a2 = kv.fma(FloatVector.broadcast(S, qt[qd + 2]), a2);
                a3 = kv.fma(FloatVector.broadcast(S, qt[qd + 3]), a3);
                a4 = kv.fma(FloatVector.broadcast(S, qt[qd + 4]), a4);
                a5 = kv.fma(FloatVector.broadcast(S, qt[qd + 5]), a5);
                a6 = kv.fma(FloatVector.broadcast(S, qt[qd + 6]), a6);
                a7 = kv.fma(FloatVector.broadcast(S, qt[qd + 7]), a7);
            }
            int o = at + s0;
            VectorMask<Float> filled = S.indexInRange(0, n - s0); // all lanes but in the last, partial vector
            a0.mul(scale).intoArray(scores, o, filled);
            a1.mul(scale).intoArray(scores, o + stride, filled);
            a2.mul(scale).intoArray(scores, o + 2 * stride, filled);
            a3.mul(scale).intoArray(scores, o + 3 * stride, filled);
            a4.mul(scale).intoArray(scores, o + 4 * stride, filled);
            a5.mul(scale).intoArray(scores, o + 5 * stride, filled);
            a6.mul(scale).intoArray(scores, o + 6 * stride, filled);
            a7.mul(scale).intoArray(scores, o + 7 * stride, filled);
        }
    }

    /**
     * {@link #blockScores8} over two blocks at once, the full block at kA (scores from at) and the next one at kB
     * with nB filled slots (scores from at + blockSize): each query broadcast feeds both blocks' FMAs, which C2 then
     * broadcasts straight from memory; used once, it went through a register and the shuffle port.
     */
    static void blockScores8x2(float[] qt, int qOff, MemorySegment k, long kA, long kB, int blockSize, int nB, int headDim,
                               boolean f32, float scale, float[] scores, int at, int stride) {
        for (int s0 = 0; s0 < blockSize; s0 += SL) {
            long ca = kA + s0, cb = kB + s0;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
            for (int d = 0, qd = qOff; d < headDim; d++, ca += blockSize, cb += blockSize, qd += QUERIES) {
                // k_A[d][s0..s0+SL), k_B[d][s0..s0+SL) · q[0..8][d] → 2 × 8 partial score vectors
                FloatVector ka = f32 ? FloatVector.fromMemorySegment(S, k, ca * 4, NATIVE) : bf16Vector(k, ca * 2);
                FloatVector kb = f32 ? FloatVector.fromMemorySegment(S, k, cb * 4, NATIVE) : bf16Vector(k, cb * 2);
                FloatVector w = FloatVector.broadcast(S, qt[qd]); a0 = ka.fma(w, a0); b0 = kb.fma(w, b0);
                w = FloatVector.broadcast(S, qt[qd + 1]); a1 = ka.fma(w, a1); b1 = kb.fma(w, b1);
                w = FloatVector.broadcast(S, qt[qd + 2]); a2 = ka.fma(w, a2); b2 = kb.fma(w, b2);
                w = FloatVector.broadcast(S, qt[qd + 3]); a3 = ka.fma(w, a3); b3 = kb.fma(w, b3);
                w = FloatVector.broadcast(S, qt[qd + 4]); a4 = ka.fma(w, a4); b4 = kb.fma(w, b4);
                w = FloatVector.broadcast(S, qt[qd + 5]); a5 = ka.fma(w, a5); b5 = kb.fma(w, b5);
                w = FloatVector.broadcast(S, qt[qd + 6]); a6 = ka.fma(w, a6); b6 = kb.fma(w, b6);
                w = FloatVector.broadcast(S, qt[qd + 7]); a7 = ka.fma(w, a7); b7 = kb.fma(w, b7);
            }
            int o = at + s0;
            a0.mul(scale).intoArray(scores, o);
            a1.mul(scale).intoArray(scores, o + stride);
            a2.mul(scale).intoArray(scores, o + 2 * stride);
            a3.mul(scale).intoArray(scores, o + 3 * stride);
            a4.mul(scale).intoArray(scores, o + 4 * stride);
            a5.mul(scale).intoArray(scores, o + 5 * stride);
            a6.mul(scale).intoArray(scores, o + 6 * stride);
            a7.mul(scale).intoArray(scores, o + 7 * stride);
            if (nB <= s0) continue;
            o += blockSize;
            VectorMask<Float> filled = S.indexInRange(0, nB - s0);
            b0.mul(scale).intoArray(scores, o, filled);
            b1.mul(scale).intoArray(scores, o + stride, filled);
            b2.mul(scale).intoArray(scores, o + 2 * stride, filled);
            b3.mul(scale).intoArray(scores, o + 3 * stride, filled);
            b4.mul(scale).intoArray(scores, o + 4 * stride, filled);
            b5.mul(scale).intoArray(scores, o + 5 * stride, filled);
            b6.mul(scale).intoArray(scores, o + 6 * stride, filled);
            b7.mul(scale).intoArray(scores, o + 7 * stride, filled);
        }
    }

    /**
     * {@link #weighted4} for four queries (probabilities at p[pAt + i·stride ..], sums at acc[a + i·accStride ..])
     * sharing each load of V: per position, four V loads, four broadcasts and sixteen FMAs into sixteen accumulators.
     */
    private static void weighted4x4(MemorySegment values, long row, int headDim, int n, boolean f32, float[] p, int pAt, int stride,
                                    float[] acc, int a, int accStride, boolean first) {
        int a1 = a + accStride, a2 = a1 + accStride, a3 = a2 + accStride;
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (first) {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, acc, a); c01 = FloatVector.fromArray(S, acc, a + SL);
            c02 = FloatVector.fromArray(S, acc, a + 2 * SL); c03 = FloatVector.fromArray(S, acc, a + 3 * SL);
            c10 = FloatVector.fromArray(S, acc, a1); c11 = FloatVector.fromArray(S, acc, a1 + SL);
            c12 = FloatVector.fromArray(S, acc, a1 + 2 * SL); c13 = FloatVector.fromArray(S, acc, a1 + 3 * SL);
            c20 = FloatVector.fromArray(S, acc, a2); c21 = FloatVector.fromArray(S, acc, a2 + SL);
            c22 = FloatVector.fromArray(S, acc, a2 + 2 * SL); c23 = FloatVector.fromArray(S, acc, a2 + 3 * SL);
            c30 = FloatVector.fromArray(S, acc, a3); c31 = FloatVector.fromArray(S, acc, a3 + SL);
            c32 = FloatVector.fromArray(S, acc, a3 + 2 * SL); c33 = FloatVector.fromArray(S, acc, a3 + 3 * SL);
        }
        for (int j = 0; j < n; j++, row += headDim) {
            // v[j][d0..d0+4·SL) · p[0..4][j] → 4 × 4 accumulators
            FloatVector v0 = cached(values, row, f32), v1 = cached(values, row + SL, f32);
            FloatVector v2 = cached(values, row + 2 * SL, f32), v3 = cached(values, row + 3 * SL, f32);
            FloatVector w = FloatVector.broadcast(S, p[pAt + j]);
            c00 = v0.fma(w, c00); c01 = v1.fma(w, c01); c02 = v2.fma(w, c02); c03 = v3.fma(w, c03);
            w = FloatVector.broadcast(S, p[pAt + stride + j]);
            c10 = v0.fma(w, c10); c11 = v1.fma(w, c11); c12 = v2.fma(w, c12); c13 = v3.fma(w, c13);
            w = FloatVector.broadcast(S, p[pAt + 2 * stride + j]);
            c20 = v0.fma(w, c20); c21 = v1.fma(w, c21); c22 = v2.fma(w, c22); c23 = v3.fma(w, c23);
            w = FloatVector.broadcast(S, p[pAt + 3 * stride + j]);
            c30 = v0.fma(w, c30); c31 = v1.fma(w, c31); c32 = v2.fma(w, c32); c33 = v3.fma(w, c33);
        }
        c00.intoArray(acc, a); c01.intoArray(acc, a + SL); c02.intoArray(acc, a + 2 * SL); c03.intoArray(acc, a + 3 * SL);
        c10.intoArray(acc, a1); c11.intoArray(acc, a1 + SL); c12.intoArray(acc, a1 + 2 * SL); c13.intoArray(acc, a1 + 3 * SL);
        c20.intoArray(acc, a2); c21.intoArray(acc, a2 + SL); c22.intoArray(acc, a2 + 2 * SL); c23.intoArray(acc, a2 + 3 * SL);
        c30.intoArray(acc, a3); c31.intoArray(acc, a3 + SL); c32.intoArray(acc, a3 + 2 * SL); c33.intoArray(acc, a3 + 3 * SL);
    }

    /**
     * {@link #weighted4} for two queries (a GQA pair of one row: probabilities at p[pAt ..] and p[pAt + stride ..],
     * sums at acc[a ..] and acc[a + accStride ..]) over eight vectors of dims, so that a head of 8 vectors (128 dims
     * at 512 bits) is read row after row, once: per position, eight V loads, two broadcasts and sixteen FMAs. Where
     * {@link #weightedRest} took each query alone, four vectors at a time, it read every row's halves in two
     * strided passes per query. One thread's V pass of a decode step at a 1024-token f32 cache (0.6B heads, 28
     * layers) went from 14.8 to 9.0 ms.
     */
    private static void weighted2x8(MemorySegment values, long row, int headDim, int n, boolean f32, float[] p, int pAt, int stride,
                                    float[] acc, int a, int accStride, boolean first) {
        int b = a + accStride;
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7, e0, e1, e2, e3, e4, e5, e6, e7;
        if (first) {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = e0 = e1 = e2 = e3 = e4 = e5 = e6 = e7 = FloatVector.zero(S);
        } else {
            c0 = FloatVector.fromArray(S, acc, a); c1 = FloatVector.fromArray(S, acc, a + SL);
            c2 = FloatVector.fromArray(S, acc, a + 2 * SL); c3 = FloatVector.fromArray(S, acc, a + 3 * SL);
            c4 = FloatVector.fromArray(S, acc, a + 4 * SL); c5 = FloatVector.fromArray(S, acc, a + 5 * SL);
            c6 = FloatVector.fromArray(S, acc, a + 6 * SL); c7 = FloatVector.fromArray(S, acc, a + 7 * SL);
            e0 = FloatVector.fromArray(S, acc, b); e1 = FloatVector.fromArray(S, acc, b + SL);
            e2 = FloatVector.fromArray(S, acc, b + 2 * SL); e3 = FloatVector.fromArray(S, acc, b + 3 * SL);
            e4 = FloatVector.fromArray(S, acc, b + 4 * SL); e5 = FloatVector.fromArray(S, acc, b + 5 * SL);
            e6 = FloatVector.fromArray(S, acc, b + 6 * SL); e7 = FloatVector.fromArray(S, acc, b + 7 * SL);
        }
        for (int j = 0; j < n; j++, row += headDim) {
            // v[j][d0..d0+8·SL) · p[0..2][j] → 2 × 8 accumulators
            FloatVector v0 = cached(values, row, f32), v1 = cached(values, row + SL, f32);
            FloatVector v2 = cached(values, row + 2 * SL, f32), v3 = cached(values, row + 3 * SL, f32);
            FloatVector v4 = cached(values, row + 4 * SL, f32), v5 = cached(values, row + 5 * SL, f32);
            FloatVector v6 = cached(values, row + 6 * SL, f32), v7 = cached(values, row + 7 * SL, f32);
            FloatVector w = FloatVector.broadcast(S, p[pAt + j]);
            c0 = v0.fma(w, c0); c1 = v1.fma(w, c1); c2 = v2.fma(w, c2); c3 = v3.fma(w, c3);
            c4 = v4.fma(w, c4); c5 = v5.fma(w, c5); c6 = v6.fma(w, c6); c7 = v7.fma(w, c7);
            w = FloatVector.broadcast(S, p[pAt + stride + j]);
            e0 = v0.fma(w, e0); e1 = v1.fma(w, e1); e2 = v2.fma(w, e2); e3 = v3.fma(w, e3);
            e4 = v4.fma(w, e4); e5 = v5.fma(w, e5); e6 = v6.fma(w, e6); e7 = v7.fma(w, e7);
        }
        c0.intoArray(acc, a); c1.intoArray(acc, a + SL); c2.intoArray(acc, a + 2 * SL); c3.intoArray(acc, a + 3 * SL);
        c4.intoArray(acc, a + 4 * SL); c5.intoArray(acc, a + 5 * SL); c6.intoArray(acc, a + 6 * SL); c7.intoArray(acc, a + 7 * SL);
        e0.intoArray(acc, b); e1.intoArray(acc, b + SL); e2.intoArray(acc, b + 2 * SL); e3.intoArray(acc, b + 3 * SL);
        e4.intoArray(acc, b + 4 * SL); e5.intoArray(acc, b + 5 * SL); e6.intoArray(acc, b + 6 * SL); e7.intoArray(acc, b + 7 * SL);
    }

    /**
     * One query's weighted sum over one block for dims [from, headDim): four vectors at a time, then one, then the
     * dims past the last whole vector (dv = headDim rounded down to vectors).
     */
    private static void weightedRest(MemorySegment values, long headBase, int headDim, int n, boolean f32, float[] p, int pAt,
                                     float[] acc, int a, int from, int dv, boolean first) {
        int d0 = from;
        for (; d0 + 4 * SL <= dv; d0 += 4 * SL) weighted4(values, headBase + d0, headDim, n, f32, p, pAt, acc, a + d0, first);
        for (; d0 < dv; d0 += SL) weighted1(values, headBase + d0, headDim, n, f32, p, pAt, acc, a + d0, first);
        for (; d0 < headDim; d0++) { // dims past the last whole vector
            float sum = first ? 0 : acc[a + d0];
            for (int j = 0; j < n; j++) {
                long v = headBase + (long) j * headDim + d0;
                sum += p[pAt + j] * (f32 ? values.getAtIndex(F32, v) : Float16.bf16ToFloat(values.getAtIndex(I16, v)));
            }
            acc[a + d0] = sum;
        }
    }

    /**
     * scores[at+j] = scale · Σ_d q[qOff+d] · k[kBase + d·blockSize + j] for the n ≤ blockSize filled slots of one
     * block (blockSize a multiple of the vector length; offsets in elements). A vector of slots per FMA, q[d]
     * broadcast; four accumulators over d so the FMAs do not wait on each other. Slots past n hold stale values:
     * they are computed with the rest and not stored.
     */
    static void blockScores(float[] q, int qOff, MemorySegment k, long kBase, int blockSize, int n, int headDim,
                            boolean f32, float scale, float[] scores, int at) {
        int d4 = headDim - headDim % 4;
        for (int s0 = 0; s0 < n; s0 += SL) {
            long col = kBase + s0;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int d = 0;
            if (f32) {
                for (; d < d4; d += 4, col += 4L * blockSize) {
                    // k[d..d+4][s0..s0+SL) · q[d..d+4] → 4 partial score vectors
                    a0 = FloatVector.fromMemorySegment(S, k, col * 4, NATIVE).fma(FloatVector.broadcast(S, q[qOff + d]), a0);
                    a1 = FloatVector.fromMemorySegment(S, k, (col + blockSize) * 4, NATIVE).fma(FloatVector.broadcast(S, q[qOff + d + 1]), a1);
                    a2 = FloatVector.fromMemorySegment(S, k, (col + 2L * blockSize) * 4, NATIVE).fma(FloatVector.broadcast(S, q[qOff + d + 2]), a2);
                    a3 = FloatVector.fromMemorySegment(S, k, (col + 3L * blockSize) * 4, NATIVE).fma(FloatVector.broadcast(S, q[qOff + d + 3]), a3);
                }
                for (; d < headDim; d++, col += blockSize) {
                    a0 = FloatVector.fromMemorySegment(S, k, col * 4, NATIVE).fma(FloatVector.broadcast(S, q[qOff + d]), a0);
                }
            } else {
                for (; d < d4; d += 4, col += 4L * blockSize) {
                    a0 = bf16Vector(k, col * 2).fma(FloatVector.broadcast(S, q[qOff + d]), a0);
                    a1 = bf16Vector(k, (col + blockSize) * 2).fma(FloatVector.broadcast(S, q[qOff + d + 1]), a1);
                    a2 = bf16Vector(k, (col + 2L * blockSize) * 2).fma(FloatVector.broadcast(S, q[qOff + d + 2]), a2);
                    a3 = bf16Vector(k, (col + 3L * blockSize) * 2).fma(FloatVector.broadcast(S, q[qOff + d + 3]), a3);
                }
                for (; d < headDim; d++, col += blockSize) {
                    a0 = bf16Vector(k, col * 2).fma(FloatVector.broadcast(S, q[qOff + d]), a0);
                }
            }
            FloatVector sum = a0.add(a1).add(a2.add(a3)).mul(scale);
            if (n - s0 >= SL) sum.intoArray(scores, at + s0);
            else sum.intoArray(scores, at + s0, S.indexInRange(0, n - s0));
        }
    }

    /**
     * {@link #blockScores} for two query heads (q at qa and qb, scores at atA and atB) sharing each load of the
     * block's keys: two loads of q per load of k instead of one, and half the bf16 conversions.
     */
    static void blockScores2(float[] q, int qa, int qb, MemorySegment k, long kBase, int blockSize, int n, int headDim,
                             boolean f32, float scale, float[] scores, int atA, int atB) {
        int d2 = headDim - headDim % 2;
        for (int s0 = 0; s0 < n; s0 += SL) {
            long col = kBase + s0;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0;
            int d = 0;
            for (; d < d2; d += 2, col += 2L * blockSize) {
                // k[d..d+2][s0..s0+SL) · (qa, qb)[d..d+2] → 2 partial score vectors per head
                FloatVector k0 = f32 ? FloatVector.fromMemorySegment(S, k, col * 4, NATIVE) : bf16Vector(k, col * 2);
                FloatVector k1 = f32 ? FloatVector.fromMemorySegment(S, k, (col + blockSize) * 4, NATIVE) : bf16Vector(k, (col + blockSize) * 2);
                a0 = k0.fma(FloatVector.broadcast(S, q[qa + d]), a0);
                b0 = k0.fma(FloatVector.broadcast(S, q[qb + d]), b0);
                a1 = k1.fma(FloatVector.broadcast(S, q[qa + d + 1]), a1);
                b1 = k1.fma(FloatVector.broadcast(S, q[qb + d + 1]), b1);
            }
            if (d < headDim) {
                FloatVector k0 = f32 ? FloatVector.fromMemorySegment(S, k, col * 4, NATIVE) : bf16Vector(k, col * 2);
                a0 = k0.fma(FloatVector.broadcast(S, q[qa + d]), a0);
                b0 = k0.fma(FloatVector.broadcast(S, q[qb + d]), b0);
            }
            FloatVector sa = a0.add(a1).mul(scale), sb = b0.add(b1).mul(scale);
            if (n - s0 >= SL) {
                sa.intoArray(scores, atA + s0);
                sb.intoArray(scores, atB + s0);
            } else {
                VectorMask<Float> filled = S.indexInRange(0, n - s0);
                sa.intoArray(scores, atA + s0, filled);
                sb.intoArray(scores, atB + s0, filled);
            }
        }
    }

    /** {@link #blockScores} for block sizes that are not a multiple of the vector length: one slot at a time. */
    private static void blockScoresScalar(float[] q, int qOff, MemorySegment k, long kBase, int blockSize, int n,
                                          int headDim, boolean f32, float scale, float[] scores, int at) {
        for (int j = 0; j < n; j++) {
            float sum = 0;
            for (int d = 0; d < headDim; d++) {
                long kd = kBase + (long) d * blockSize + j;
                sum += q[qOff + d] * (f32 ? k.getAtIndex(F32, kd) : Float16.bf16ToFloat(k.getAtIndex(I16, kd)));
            }
            scores[at + j] = sum * scale;
        }
    }

    /**
     * acc[a..a+4·SL) (+)= Σ_{j<n} p[pAt+j] · v[row + j·headDim ..+4·SL) over the n positions of one block (offsets in
     * elements; {@code first}: start from zero): four vectors of dims accumulate in registers while the positions
     * stream past.
     */
    private static void weighted4(MemorySegment values, long row, int headDim, int n, boolean f32, float[] p, int pAt,
                                  float[] acc, int a, boolean first) {
        FloatVector c0, c1, c2, c3;
        if (first) {
            c0 = c1 = c2 = c3 = FloatVector.zero(S);
        } else {
            c0 = FloatVector.fromArray(S, acc, a);
            c1 = FloatVector.fromArray(S, acc, a + SL);
            c2 = FloatVector.fromArray(S, acc, a + 2 * SL);
            c3 = FloatVector.fromArray(S, acc, a + 3 * SL);
        }
        for (int j = 0; j < n; j++, row += headDim) {
            FloatVector w = FloatVector.broadcast(S, p[pAt + j]);
            if (f32) {
                c0 = FloatVector.fromMemorySegment(S, values, row * 4, NATIVE).fma(w, c0);
                c1 = FloatVector.fromMemorySegment(S, values, (row + SL) * 4, NATIVE).fma(w, c1);
                c2 = FloatVector.fromMemorySegment(S, values, (row + 2 * SL) * 4, NATIVE).fma(w, c2);
                c3 = FloatVector.fromMemorySegment(S, values, (row + 3 * SL) * 4, NATIVE).fma(w, c3);
            } else {
                c0 = bf16Vector(values, row * 2).fma(w, c0);
                c1 = bf16Vector(values, (row + SL) * 2).fma(w, c1);
                c2 = bf16Vector(values, (row + 2 * SL) * 2).fma(w, c2);
                c3 = bf16Vector(values, (row + 3 * SL) * 2).fma(w, c3);
            }
        }
        c0.intoArray(acc, a);
        c1.intoArray(acc, a + SL);
        c2.intoArray(acc, a + 2 * SL);
        c3.intoArray(acc, a + 3 * SL);
    }

    /** {@link #weighted4} for one vector of dims (head sizes that are not a multiple of 4 vectors). */
    private static void weighted1(MemorySegment values, long row, int headDim, int n, boolean f32, float[] p, int pAt,
                                  float[] acc, int a, boolean first) {
        FloatVector c = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, a);
        for (int j = 0; j < n; j++, row += headDim) {
            FloatVector v = f32 ? FloatVector.fromMemorySegment(S, values, row * 4, NATIVE) : bf16Vector(values, row * 2);
            c = v.fma(FloatVector.broadcast(S, p[pAt + j]), c);
        }
        c.intoArray(acc, a);
    }

    /** s[from..from+n) ← softmax of itself: max, exp(s - max) on whole vectors, normalise. */
    static void softmax(float[] s, int from, int n) {
        int end = from + n, vend = from + S.loopBound(n);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = from;
        for (; i < vend; i += SL) m = m.max(FloatVector.fromArray(S, s, i));
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < end; i++) max = Math.max(max, s[i]);
        FloatVector mv = FloatVector.broadcast(S, max), sum = FloatVector.zero(S);
        for (i = from; i < vend; i += SL) {
            FloatVector e = FloatVector.fromArray(S, s, i).sub(mv).lanewise(VectorOperators.EXP);
            e.intoArray(s, i);
            sum = sum.add(e);
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        for (; i < end; i++) {
            float e = (float) Math.exp(s[i] - max);
            s[i] = e;
            total += e;
        }
        float inv = 1f / total;
        for (i = from; i < vend; i += SL) FloatVector.fromArray(S, s, i).mul(inv).intoArray(s, i);
        for (; i < end; i++) s[i] *= inv;
    }

    /** S.length() cached values from element {@code element} of an f32 or bf16 cache, as f32 lanes. */
    private static FloatVector cached(MemorySegment cache, long element, boolean f32) {
        return f32 ? FloatVector.fromMemorySegment(S, cache, element * 4, NATIVE) : bf16Vector(cache, element * 2);
    }

    /** S.length() bf16 values at byte offset {@code byteOffset}, widened to f32 lanes. */
    private static FloatVector bf16Vector(MemorySegment b, long byteOffset) {
        return ((IntVector) ShortVector.fromMemorySegment(SHORTS, b, byteOffset, NATIVE)
                .convertShape(VectorOperators.ZERO_EXTEND_S2I, INTS, 0))
                .lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }

    /** Writes k and v ({@code [T, kvDim]}) into the cache at each row's sequence and position. */
    static void store(KvCache cache, int layer, Batch batch, MemorySegment k, MemorySegment v) {
        store(cache, layer, batch, k, v, 0, batch.rows());
    }

    /** {@link #store} for rows [t0, t1) of the batch (ranges of rows may be stored in parallel). */
    static void store(KvCache cache, int layer, Batch batch, MemorySegment k, MemorySegment v, int t0, int t1) {
        // k, v [T, kvHeads·headDim] → keys [block, kvHead, headDim, slot], values [block, kvHead, slot, headDim]
        int kvDim = cache.kvDim(), hd = cache.headDim(), kvHeads = kvDim / hd, bs = cache.blockSize();
        MemorySegment keys = cache.keys(layer), values = cache.values(layer);
        for (int t = t0; t < t1; t++) {
            for (int g = 0; g < kvHeads; g++) {
                long dst = cache.offset(batch.sequence(t), batch.position(t), g), src = (long) t * kvDim + (long) g * hd;
                long kDst = cache.keyOffset(batch.sequence(t), batch.position(t), g);
                if (cache.dtype() == DType.F32) {
                    for (int d = 0; d < hd; d++) keys.setAtIndex(F32, kDst + (long) d * bs, k.getAtIndex(F32, src + d));
                    MemorySegment.copy(v, src * 4, values, dst * 4, hd * 4L);
                } else {
                    for (int d = 0; d < hd; d++) keys.setAtIndex(I16, kDst + (long) d * bs, Float16.floatToBf16(k.getAtIndex(F32, src + d)));
                    toBf16(v, src, values, dst, hd);
                }
            }
        }
    }

    /** dst[dOff+i] = bf16(src[sOff+i]) with round-to-nearest-even, NaN kept NaN, as {@link Float16#floatToBf16}. */
    static void toBf16(MemorySegment src, long sOff, MemorySegment dst, long dOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += SL) {
            IntVector bits = FloatVector.fromMemorySegment(S, src, (sOff + i) * 4, NATIVE).reinterpretAsInts();
            VectorMask<Integer> nan = bits.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000);
            IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7fff)).lanewise(VectorOperators.LSHR, 16);
            IntVector quiet = bits.lanewise(VectorOperators.LSHR, 16).or(0x40);
            ((ShortVector) rounded.blend(quiet, nan).convertShape(VectorOperators.I2S, SHORTS, 0))
                    .intoMemorySegment(dst, (dOff + i) * 2, NATIVE);
        }
        for (; i < n; i++) dst.setAtIndex(I16, dOff + i, Float16.floatToBf16(src.getAtIndex(F32, sOff + i)));
    }
}
