package dev.imagine.engine.model;

import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * The operations the Qwen3 model is made of. Activations are f32 row-major {@link MemorySegment}s; weights are
 * {@link Tensor}s of any dtype. {@code CpuBackend} implements them on the CPU; a CUDA backend implements the same
 * set on device memory. Backward counterparts join them with the training milestone.
 *
 * <p>Usage: {@code Backend b = new CpuBackend(); b.rmsnorm(x, w, out, T, D, 1e-6f);}
 */
public interface Backend {
    /** {@code x[T,D] · w[O,D]ᵀ → y[T,O]}. */
    void matmul(MemorySegment x, int rows, Tensor w, MemorySegment y);

    /**
     * {@code y_i = x · w_iᵀ} for weights sharing the input x (the same D), e.g. q/k/v or gate/up; a backend may run
     * them as one operation.
     */
    default void matmul(MemorySegment x, int rows, Tensor[] ws, MemorySegment[] ys) {
        for (int i = 0; i < ws.length; i++) matmul(x, rows, ws[i], ys[i]);
    }

    /** {@code out[t,:] = table[tokens[t],:]} for t &lt; rows (table rows dequantised one at a time). */
    void embedding(Tensor table, int[] tokens, int rows, MemorySegment out);

    /** {@code out[r,:] = x[r,:] / sqrt(mean(x[r,:]²) + eps) · weight} over {@code rows} rows of {@code dim}; out may be x. */
    void rmsnorm(MemorySegment x, MemorySegment weight, MemorySegment out, int rows, int dim, float eps);

    /** {@code x += delta}, then {@code out = rmsnorm(x) · weight} (the residual connection and the next norm). */
    default void addRmsnorm(MemorySegment x, MemorySegment delta, MemorySegment weight, MemorySegment out, int rows, int dim, float eps) {
        add(x, delta, (long) rows * dim);
        rmsnorm(x, weight, out, rows, dim, eps);
    }

    /**
     * Per head of {@code x[T, heads, headDim]}, in place: RMSNorm with {@code weight[headDim]}, then NEOX RoPE as
     * {@link #rope}.
     */
    default void headNormRope(MemorySegment x, MemorySegment weight, int rows, int heads, int headDim, float eps,
                              MemorySegment cos, MemorySegment sin) {
        rmsnorm(x, weight, x, rows * heads, headDim, eps);
        rope(x, rows, heads, headDim, cos, sin);
    }

    /**
     * NEOX RoPE in place on {@code x[T, heads, headDim]}: pairs (i, i+headDim/2) rotate by the angle whose cos/sin
     * are {@code cos[t,i]}, {@code sin[t,i]} ({@code [T, headDim/2]}).
     */
    void rope(MemorySegment x, int rows, int heads, int headDim, MemorySegment cos, MemorySegment sin);

    /** Writes k and v ({@code [T, kvDim]}) into the cache at each row's sequence and position. */
    void storeKv(KvCache cache, int layer, Batch batch, MemorySegment k, MemorySegment v);

    /**
     * Causal grouped-query attention over the cache: row t (sequence s, position p) attends to positions 0..p of s.
     * {@code q[T, heads·headDim] → out[T, heads·headDim]}, scale 1/sqrt(headDim); query head h reads KV head
     * h / (heads/kvHeads).
     */
    void attention(KvCache cache, int layer, Batch batch, MemorySegment q, MemorySegment out, int heads, int kvHeads, int headDim);

    /** {@code out[i] = silu(gate[i]) · up[i]} for i &lt; n; out may be gate. */
    void swiglu(MemorySegment gate, MemorySegment up, MemorySegment out, long n);

    /** {@code x[i] += delta[i]} for i &lt; n (the residual connection). */
    void add(MemorySegment x, MemorySegment delta, long n);

    /** {@code x[R,D] · lmHead[V,D]ᵀ → logits[R,V]}. */
    default void logits(MemorySegment x, int rows, Tensor lmHead, MemorySegment logits) {
        matmul(x, rows, lmHead, logits);
    }
}
