package dev.imagine.engine.cpu;

import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.model.Backend;
import dev.imagine.engine.model.Batch;
import dev.imagine.engine.tensor.Dequantize;
import dev.imagine.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * The CPU {@link Backend}: matmuls go to {@link Matmul}, attention to {@link Attention}, the operations in between
 * to {@link RowOps}; all of them use the Vector API, and matmul and attention split across a {@link WorkerPool}.
 * Not thread-safe: one backend per model.
 *
 * <p>Usage: {@code Backend backend = new CpuBackend();}
 */
public final class CpuBackend implements Backend {
    private final WorkerPool pool;

    /** A backend on the common {@link WorkerPool} (sized by {@code imagine.threads} or the processor count). */
    public CpuBackend() {
        this(WorkerPool.common());
    }

    public CpuBackend(WorkerPool pool) {
        this.pool = pool;
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
        RowOps.rmsnorm(x, weight, out, rows, dim, eps);
    }

    @Override
    public void addRmsnorm(MemorySegment x, MemorySegment delta, MemorySegment weight, MemorySegment out, int rows, int dim, float eps) {
        RowOps.addRmsnorm(x, delta, weight, out, rows, dim, eps);
    }

    @Override
    public void headNormRope(MemorySegment x, MemorySegment weight, int rows, int heads, int headDim, float eps,
                             MemorySegment cos, MemorySegment sin) {
        RowOps.headNormRope(x, weight, rows, heads, headDim, eps, cos, sin);
    }

    @Override
    public void rope(MemorySegment x, int rows, int heads, int headDim, MemorySegment cos, MemorySegment sin) {
        RowOps.rope(x, rows, heads, headDim, cos, sin);
    }

    @Override
    public void storeKv(KvCache cache, int layer, Batch batch, MemorySegment k, MemorySegment v) {
        Attention.store(cache, layer, batch, k, v);
    }

    @Override
    public void attention(KvCache cache, int layer, Batch batch, MemorySegment q, MemorySegment out,
                          int heads, int kvHeads, int headDim) {
        Attention.attend(pool, cache, layer, batch, q, out, heads, kvHeads, headDim);
    }

    @Override
    public void swiglu(MemorySegment gate, MemorySegment up, MemorySegment out, long n) {
        RowOps.swiglu(gate, up, out, n);
    }

    @Override
    public void add(MemorySegment x, MemorySegment delta, long n) {
        RowOps.add(x, delta, n);
    }
}
