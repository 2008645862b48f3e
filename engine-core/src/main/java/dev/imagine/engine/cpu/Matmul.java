package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Matrix multiplication against weight tensors: {@code x[T,D] · w[O,D]ᵀ → y[T,O]}, x and y f32, w in any
 * {@link DType}. One row (decoding) runs the bandwidth-bound kernels of {@link MatVec}, which convert weights in
 * registers; up to {@link #SMALL_ROWS} rows (batched decoding) run {@link BatchMatVec}; both read each weight once
 * per call. More rows (prefill) run the register-tiled {@link Gemm}. Several weights that share one input (q/k/v, gate/up)
 * can go in one call: the input is prepared once and all their rows are split across the {@link WorkerPool} in
 * one parallel loop, so a decode step pays one hand-off per input instead of one per matrix. Nothing is
 * allocated per call once a thread's scratch buffers have grown. Segments confined to the calling thread (an
 * {@code Arena.ofConfined()}) cannot be written by the workers, so calls whose outputs are confined run on the
 * calling thread alone: use global, shared or auto arenas for speed.
 *
 * <p>Usage: {@code Matmul.matmul(x, T, w, y);} or {@code Matmul.matmul(pool, x, T, new Tensor[]{wq, wk, wv}, new MemorySegment[]{q, k, v});}
 */
public final class Matmul {
    /** Below this many multiply-adds a call runs on the calling thread: waking workers costs more. */
    private static final long PARALLEL_MIN_MACS = 1 << 15;
    /** Chunks per thread: enough that a thread slowed by the OS is covered by the others. */
    private static final int CHUNKS_PER_THREAD = 8;
    /**
     * Up to this many rows run {@link MatVec}/{@link BatchMatVec} (weights read once, converted in registers for every
     * row); more run {@link Gemm}, whose per-call conversion of the weights is then spread over enough rows.
     */
    static final int SMALL_ROWS = 16;
    /** Output rows per unit of work on the small-row path (the decode kernels walk 8 weight rows at a time). */
    private static final int UNIT_ROWS = 8;

    /**
     * The row stride of activations and converted weights on the heap: D plus one cache line, so that rows of a
     * power-of-two width do not all map to the same L1 sets (at D = 1024 the 4-row tiles ran at half speed).
     */
    static int padded(int in) {
        return in + 16;
    }

    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);
    private static final ThreadLocal<float[][]> GEMM_SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[0]});

    private Matmul() {
    }

    /** y[t,o] = Σ_d x[t,d]·w[o,d] for t < rows, on the common {@link WorkerPool}. */
    public static void matmul(MemorySegment x, int rows, Tensor w, MemorySegment y) {
        matmul(WorkerPool.common(), x, rows, w, y);
    }

    /** As {@link #matmul(MemorySegment, int, Tensor, MemorySegment)} on the given pool. */
    public static void matmul(WorkerPool pool, MemorySegment x, int rows, Tensor w, MemorySegment y) {
        Job job = JOBS.get();
        job.single[0] = w;
        job.singleOut[0] = y;
        try {
            matmul(pool, x, rows, job.single, job.singleOut);
        } finally {
            job.single[0] = null;
            job.singleOut[0] = null;
        }
    }

    /**
     * {@code y_i = x · w_iᵀ} for every weight i, all sharing the input x[T,D] (the same D): one preparation of x,
     * one parallel loop over the rows of all the weights.
     */
    public static void matmul(WorkerPool pool, MemorySegment x, int rows, Tensor[] ws, MemorySegment[] ys) {
        if (ws.length != ys.length || ws.length == 0) {
            throw new IllegalArgumentException("matmul needs one output per weight, got " + ws.length + " weights and " + ys.length + " outputs");
        }
        if (rows < 0) throw new IllegalArgumentException("matmul rows must be >= 0, got " + rows);
        int in = -1;
        long macs = 0;
        boolean shareable = true;
        for (int i = 0; i < ws.length; i++) {
            Tensor w = ws[i];
            if (w.rank() != 2) throw new IllegalArgumentException("matmul weight must be 2-D: " + w);
            int out = w.dim(0);
            if (in < 0) in = w.dim(1);
            if (w.dim(1) != in) throw new IllegalArgumentException("matmul weights sharing an input need the same columns: " + ws[0] + " and " + w);
            if (ys[i].byteSize() < (long) rows * out * 4) {
                throw new IllegalArgumentException("matmul y holds " + ys[i].byteSize() + " bytes, " + rows + "x" + out + " f32 need " + (long) rows * out * 4);
            }
            macs += (long) rows * out * in;
            // x is copied into scratch on this thread, so only w and y must be reachable from the workers
            shareable &= pool.workersCanAccess(w.data()) && pool.workersCanAccess(ys[i]);
        }
        if (x.byteSize() < (long) rows * in * 4) {
            throw new IllegalArgumentException("matmul x holds " + x.byteSize() + " bytes, " + rows + "x" + in + " f32 need " + (long) rows * in * 4);
        }
        if (rows == 0 || macs == 0) return;
        int threads = macs < PARALLEL_MIN_MACS || !shareable ? 1 : pool.threads();
        Job job = JOBS.get();
        job.start(ws, ys, rows, in, rows <= SMALL_ROWS);
        try {
            if (rows == 1) {
                // decode: x copied (BF16: paired) once into native scratch the workers can read
                job.xs.ensure((long) in * 4);
                if (job.anyBf16) MatVec.pairActivations(x, 1, in, job.xs.segment);
                if (job.anyPlain) {
                    job.xPlain.ensure((long) in * 4);
                    MemorySegment.copy(x, 0, job.xPlain.segment, 0, (long) in * 4);
                }
                if (job.anyQ8 || job.anyBlocked) { // the Q8_0 and blocked kernels read x from the heap (see MatVec.q8x4)
                    if (job.xa.length < in) job.xa = new float[in];
                    MemorySegment.copy(x, java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, job.xa, 0, in);
                }
            } else {
                // rows one cache line apart more than D floats: rows D = 1024 floats (4 KiB) apart share L1 sets
                job.ld = padded(in);
                int floats = Math.multiplyExact(rows, job.ld);
                if (job.xa.length < floats) job.xa = new float[Math.max(floats, job.xa.length / 2 * 3)];
                for (int t = 0; t < rows; t++) MemorySegment.copy(x, java.lang.foreign.ValueLayout.JAVA_FLOAT, (long) t * in * 4, job.xa, t * job.ld, in);
                if (job.small && job.anyBf16 && BatchMatVec.paired(DType.BF16, in)) {
                    int n = BatchMatVec.interleavedFloats(rows, in);
                    if (job.xp.length < n) job.xp = new float[Math.max(n, job.xp.length / 2 * 3)];
                    BatchMatVec.interleave(job.xa, job.ld, rows, in, true, job.xp);
                }
                if (job.anyBlocked) { // x in tiles of 8 rows, tiles in parallel for a prefill
                    int n = BlockedBf16.interleavedFloats(rows, in), tiles = BlockedBf16.tiles(rows);
                    if (job.xb.length < n) job.xb = new float[Math.max(n, job.xb.length / 2 * 3)];
                    if (threads == 1 || tiles == 1) for (int t = 0; t < tiles; t++) job.blockChunk.run(t);
                    else pool.forEach(tiles, job.blockChunk);
                }
                if (job.small && job.anyQ8) {
                    int n = BatchMatVec.interleavedFloats(rows, in);
                    if (job.xq.length < n) job.xq = new float[Math.max(n, job.xq.length / 2 * 3)];
                    BatchMatVec.interleave(job.xa, job.ld, rows, in, false, job.xq);
                }
            }
            if (!job.small && (job.anyBf16 || job.anyQ8 || job.anyPlain)) {
                // prefill: x repacked into token tiles, tiles in parallel (blocked weights read xb instead)
                long packed = Gemm.packedFloats(rows, in);
                if (job.xt.length < packed) job.xt = new float[Math.toIntExact(Math.max(packed, job.xt.length / 2 * 3L))];
                job.index = Gemm.gatherIndex(job.ld, job.index);
                int tiles = Gemm.tokenTiles(rows);
                if (threads == 1) for (int t = 0; t < tiles; t++) job.packChunk.run(t);
                else pool.forEach(tiles, job.packChunk);
            }
            job.split(threads == 1 ? 1 : threads * CHUNKS_PER_THREAD);
            if (threads == 1) for (int c = 0; c < job.chunks; c++) job.chunk.run(c);
            else pool.forEach(job.chunks, job.chunk);
        } finally {
            job.finish();
        }
    }

    /**
     * Runs every kernel (each weight type, one row, a few and many) on small matrices until the JIT has compiled
     * them. Until then the Vector API runs as plain Java objects, 10-100× slower, so a benchmark or a server
     * calls this once before timing or serving. Takes a few seconds. The matrices live in native memory like
     * mapped weights, so the code compiled here is the code real weights run.
     */
    public static void warmUp(WorkerPool pool) {
        int out = 96, in = 512;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = arena.allocate(48L * in * 4, 64), y = arena.allocate(48L * out * 4, 64);
            for (long i = 0; i < 48L * in; i++) x.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (i % 7) * 0.1f);
            for (DType type : DType.values()) {
                if (Job.blocked(type) && !BlockedBf16.supported()) continue; // their scalar paths need no warm-up
                MemorySegment data = arena.allocate(type.bytes((long) out * in), 64);
                data.fill((byte) 0x11); // small normal values in every type (no subnormals: they are slow)
                Tensor w = new Tensor("warm-up", type, new long[]{out, in}, data);
                for (int i = 0; i < 300; i++) {
                    matmul(pool, x, 1, w, y);
                    matmul(pool, x, 8, w, y);
                    matmul(pool, x, 5, w, y);
                    if (i % 4 == 0) matmul(pool, x, 48, w, y);
                }
            }
        }
    }

    /**
     * A growable off-heap f32 buffer owned by one thread (the Vector API loads native segments fastest).
     * Auto arena: freed with its thread.
     */
    private static final class Scratch {
        MemorySegment segment = MemorySegment.NULL;

        void ensure(long bytes) {
            if (segment.byteSize() < bytes) segment = Arena.ofAuto().allocate(Math.max(bytes, segment.byteSize() * 3 / 2), 64);
        }
    }

    /**
     * The state of one call, reused by its calling thread; chunks read it from any worker. Work is cut into units
     * (8 output rows on the small-row path, one {@link Gemm#MR}-row tile for Gemm), and chunks of whole units never
     * span two weights.
     */
    private static final class Job {
        final Tensor[] single = new Tensor[1];
        final MemorySegment[] singleOut = new MemorySegment[1];
        Tensor[] ws;
        MemorySegment[] ys;
        int rows, in, ld, chunks, unitsPerChunk;
        /** Which prepared copies of x the weights need: paired (BF16), heap (Q8_0, the blocked layouts), plain native (F32, F16). */
        boolean small, anyBf16, anyQ8, anyPlain, anyBlocked;
        /** Chunk c covers units [chunkStart[c], chunkStart[c] + unitsPerChunk) of weight chunkWeight[c] (clipped). */
        int[] chunkWeight = new int[16], chunkStart = new int[16];
        final Scratch xs = new Scratch(), xPlain = new Scratch();
        /** x on the heap (several rows, or one for Q8_0); Gemm: its gather offsets, and x packed into token tiles. */
        float[] xa = new float[0], xt = new float[0];
        /** Several rows, up to {@link #SMALL_ROWS}: x interleaved for the BF16 (paired) and Q8_0 tiles of {@link BatchMatVec}. */
        float[] xp = new float[0], xq = new float[0];
        /** Two rows or more: x in tiles of 8 for {@link BlockedBf16#multiply} and {@link BlockedQ8#multiply}. */
        float[] xb = new float[0];
        int[] index = new int[0];
        // bound once so that handing a chunk method to the pool allocates nothing per call
        final WorkerPool.Chunk chunk = this::runChunk;
        final WorkerPool.Chunk packChunk = t -> Gemm.packActivations(xa, ld, rows, in, index, xt, t);
        final WorkerPool.Chunk blockChunk = t -> BlockedBf16.interleave(xa, ld, rows, in, xb, t);

        void start(Tensor[] ws, MemorySegment[] ys, int rows, int in, boolean small) {
            this.ws = ws;
            this.ys = ys;
            this.rows = rows;
            this.in = in;
            this.small = small;
            anyBf16 = anyQ8 = anyPlain = anyBlocked = false;
            for (Tensor w : ws) {
                switch (w.dtype()) {
                    case BF16 -> anyBf16 = true;
                    case BF16_BLOCKED, Q8_0_BLOCKED -> anyBlocked = true;
                    case Q8_0 -> anyQ8 = true;
                    case F32, F16 -> anyPlain = true;
                }
            }
        }

        static boolean blocked(DType type) {
            return type == DType.BF16_BLOCKED || type == DType.Q8_0_BLOCKED;
        }

        void finish() {
            ws = null;
            ys = null;
        }

        int units(Tensor w) {
            int out = w.dim(0);
            if (blocked(w.dtype())) return out / BlockedBf16.ROWS;
            return small ? (out + UNIT_ROWS - 1) / UNIT_ROWS : Gemm.tiles(out);
        }

        /** Cuts the units of all weights into about `target` chunks. */
        void split(int target) {
            long total = 0;
            for (Tensor w : ws) total += units(w);
            unitsPerChunk = (int) Math.max(1, (total + target - 1) / target);
            if (rows == 1 && anyBlocked) { // whole runs of the blocks the blocked matVecs read side by side (both 4)
                unitsPerChunk = (unitsPerChunk + BlockedQ8.SIDE_BY_SIDE - 1) / BlockedQ8.SIDE_BY_SIDE * BlockedQ8.SIDE_BY_SIDE;
            }
            int n = 0;
            for (Tensor w : ws) n += (units(w) + unitsPerChunk - 1) / unitsPerChunk;
            if (chunkWeight.length < n) {
                chunkWeight = new int[n];
                chunkStart = new int[n];
            }
            int c = 0;
            for (int i = 0; i < ws.length; i++) {
                for (int u = 0, units = units(ws[i]); u < units; u += unitsPerChunk) {
                    chunkWeight[c] = i;
                    chunkStart[c++] = u;
                }
            }
            chunks = c;
        }

        void runChunk(int c) {
            Tensor t = ws[chunkWeight[c]];
            MemorySegment y = ys[chunkWeight[c]], w = t.data();
            int out = t.dim(0), u0 = chunkStart[c], u1 = Math.min(units(t), u0 + unitsPerChunk);
            if (t.dtype() == DType.BF16_BLOCKED) { // units are blocks of 32 rows, on every path
                if (rows == 1) BlockedBf16.matVec(xa, w, in, u0 * BlockedBf16.ROWS, u1 * BlockedBf16.ROWS, y);
                else BlockedBf16.multiply(xb, rows, w, in, out, u0, u1, y);
                return;
            }
            if (t.dtype() == DType.Q8_0_BLOCKED) {
                if (rows == 1) BlockedQ8.matVec(xa, w, in, u0 * BlockedQ8.ROWS, u1 * BlockedQ8.ROWS, y);
                else BlockedQ8.multiply(xb, rows, w, in, out, u0, u1, y);
                return;
            }
            if (small) {
                int o0 = u0 * UNIT_ROWS, o1 = Math.min(out, u1 * UNIT_ROWS);
                if (rows > 1) {
                    if (BatchMatVec.paired(t.dtype(), in)) BatchMatVec.bf16(xp, rows, w, in, out, o0, o1, y);
                    else if (t.dtype() == DType.Q8_0) BatchMatVec.q8(xq, rows, w, in, out, o0, o1, y);
                    else BatchMatVec.multiply(xa, ld, rows, t.dtype(), w, in, out, o0, o1, y);
                    return;
                }
                switch (t.dtype()) {
                    case BF16 -> MatVec.bf16(xs.segment, w, in, o0, o1, y);
                    case F32 -> MatVec.f32(xPlain.segment, w, in, o0, o1, y);
                    case Q8_0 -> MatVec.q8(xa, w, in, o0, o1, y);
                    case F16 -> MatVec.f16(xPlain.segment, w, in, o0, o1, y);
                    case BF16_BLOCKED, Q8_0_BLOCKED -> throw new AssertionError("blocked weights returned above");
                }
            } else {
                float[][] holder = GEMM_SCRATCH.get();
                int need = Gemm.scratchFloats(rows, in);
                if (holder[0].length < need) holder[0] = new float[need];
                Gemm.multiply(xt, rows, t.dtype(), w, out, in, u0, u1, y, holder[0]);
            }
        }
    }
}
