package dev.imagine.engine.cpu;

import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.model.Backend;
import dev.imagine.engine.model.Batch;
import dev.imagine.engine.tensor.Dequantize;
import dev.imagine.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * The CPU {@link Backend}: matmuls go to {@link Matmul}, attention to {@link Attention}, the operations in between
 * to {@link RowOps}; all of them use the Vector API. Matmul and attention split across a {@link WorkerPool}, and so do
 * the row-wise operations of a prefill (see {@link #PARALLEL_FLOATS}).
 * Not thread-safe: one backend per model.
 *
 * <p>Usage: {@code Backend backend = new CpuBackend();}
 */
public final class CpuBackend implements Backend {
    /**
     * Row-wise operations over at least this many floats (a prefill's rows: 128 × 1024 and more) are split across
     * the pool; a decode step's few rows stay on the calling thread, where a hand-off would cost about what the
     * work does. On one thread the norms, SwiGLU and the KV store took 4.2-4.3 % of a 128-token prefill, split 2.8 %.
     */
    static final long PARALLEL_FLOATS = 1 << 16;

    private final WorkerPool pool;

    /** A backend on the common {@link WorkerPool} (sized by {@code imagine.threads} or the processor count). */
    public CpuBackend() {
        this(WorkerPool.common());
    }

    public CpuBackend(WorkerPool pool) {
        this.pool = pool;
    }

    /** Bits of the float vectors the kernels run at (the CPU's preferred width capped at 512, or imagine.vector.bits). */
    public static int vectorBits() {
        return WeightLanes.F.vectorBitSize();
    }

    /** Vector registers the register-tiled kernels plan for: 32 (AVX-512, ARM) or 16 (AVX2), see imagine.vector.registers. */
    public static int vectorRegisters() {
        return WeightLanes.REGISTERS;
    }

    @Override
    public void matmul(MemorySegment x, int rows, Tensor w, MemorySegment y) {
        Matmul.matmul(pool, x, rows, w, y);
    }

    @Override
    public void matmul(MemorySegment x, int rows, Tensor[] ws, MemorySegment[] ys) {
        Matmul.matmul(pool, x, rows, ws, ys);
    }

    @Override
    public void embedding(Tensor table, int[] tokens, int rows, MemorySegment out) {
        int dim = table.dim(1), vocab = table.dim(0);
        for (int t = 0; t < rows; t++) {
            if (tokens[t] < 0 || tokens[t] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[t] + " is outside the vocabulary [0, " + vocab + ")");
            }
            Dequantize.row(table, tokens[t], out, (long) t * dim * 4);
        }
    }

    @Override
    public void rmsnorm(MemorySegment x, MemorySegment weight, MemorySegment out, int rows, int dim, float eps) {
        if (!split((long) rows * dim, x, out)) {
            RowOps.rmsnorm(x, weight, out, rows, dim, eps);
            return;
        }
        forRows(rows, (a, b) -> RowOps.rmsnorm(rowsOf(x, a, b, dim), weight, rowsOf(out, a, b, dim), b - a, dim, eps));
    }

    @Override
    public void addRmsnorm(MemorySegment x, MemorySegment delta, MemorySegment weight, MemorySegment out, int rows, int dim, float eps) {
        if (!split((long) rows * dim, x, out) || !pool.workersCanAccess(delta)) {
            RowOps.addRmsnorm(x, delta, weight, out, rows, dim, eps);
            return;
        }
        forRows(rows, (a, b) -> RowOps.addRmsnorm(rowsOf(x, a, b, dim), rowsOf(delta, a, b, dim), weight, rowsOf(out, a, b, dim), b - a, dim, eps));
    }

    @Override
    public void headNormRope(MemorySegment x, MemorySegment weight, int rows, int heads, int headDim, float eps,
                             MemorySegment cos, MemorySegment sin) {
        long row = (long) heads * headDim;
        if (!split(rows * row, x, cos) || !pool.workersCanAccess(sin)) {
            RowOps.headNormRope(x, weight, rows, heads, headDim, eps, cos, sin);
            return;
        }
        int half = headDim / 2;
        forRows(rows, (a, b) -> RowOps.headNormRope(rowsOf(x, a, b, row), weight, b - a, heads, headDim, eps,
                rowsOf(cos, a, b, half), rowsOf(sin, a, b, half)));
    }

    @Override
    public void rope(MemorySegment x, int rows, int heads, int headDim, MemorySegment cos, MemorySegment sin) {
        RowOps.rope(x, rows, heads, headDim, cos, sin);
    }

    @Override
    public void storeKv(KvCache cache, int layer, Batch batch, MemorySegment k, MemorySegment v) {
        int rows = batch.rows();
        if (!split((long) rows * cache.kvDim(), k, v)) {
            Attention.store(cache, layer, batch, k, v, 0, rows);
            return;
        }
        // every row writes its own slots, so ranges of rows can be stored at once (where a range ends inside a
        // block, the two threads write the same cache lines of its keys: slower there, never wrong)
        forRows(rows, (a, b) -> Attention.store(cache, layer, batch, k, v, a, b));
    }

    @Override
    public void attention(KvCache cache, int layer, Batch batch, MemorySegment q, MemorySegment out,
                          int heads, int kvHeads, int headDim) {
        Attention.attend(pool, cache, layer, batch, q, out, heads, kvHeads, headDim);
    }

    @Override
    public void swiglu(MemorySegment gate, MemorySegment up, MemorySegment out, long n) {
        if (!split(n, gate, up) || !pool.workersCanAccess(out)) {
            RowOps.swiglu(gate, up, out, n);
            return;
        }
        forRows(pieces(n), (a, b) -> {
            long from = a * PIECE, to = Math.min(n, b * PIECE);
            RowOps.swiglu(floats(gate, from, to), floats(up, from, to), floats(out, from, to), to - from);
        });
    }

    @Override
    public void add(MemorySegment x, MemorySegment delta, long n) {
        // once per forward pass (the last layer's residual; the others are fused into addRmsnorm), and split it
        // took 1.2-1.5 % of a prefill instead of 0.2-0.3 % (two runs each; why was not looked into), so not split
        RowOps.add(x, delta, n);
    }

    /** Whether work over this many floats goes to the pool: large enough, and both segments reachable from it. */
    private boolean split(long floats, MemorySegment a, MemorySegment b) {
        return floats >= PARALLEL_FLOATS && pool.threads() > 1 && pool.workersCanAccess(a) && pool.workersCanAccess(b);
    }

    /** Rows [a, b) of a range. */
    @FunctionalInterface
    private interface RowRange {
        void run(int a, int b);
    }

    /** body over [0, rows) in a few contiguous ranges per thread (so a thread slowed by the OS is covered). */
    private void forRows(int rows, RowRange body) {
        int chunks = Math.min(rows, pool.threads() * 4);
        pool.forEach(chunks, c -> body.run((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks)));
    }

    /** Rows [a, b) of a row-major f32 segment with rowFloats per row. */
    private static MemorySegment rowsOf(MemorySegment s, int a, int b, long rowFloats) {
        return s.asSlice(a * rowFloats * 4, (b - a) * rowFloats * 4);
    }

    /** Flat element-wise work goes in pieces of this many floats (whole vectors at any width). */
    private static final int PIECE = 4096;

    private static int pieces(long n) {
        return Math.toIntExact((n + PIECE - 1) / PIECE);
    }

    private static MemorySegment floats(MemorySegment s, long from, long to) {
        return s.asSlice(from * 4, (to - from) * 4);
    }
}
