package dev.imagine.engine.model;

import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The Qwen3 forward pass over a {@link Batch}:
 * embedding → per layer [RMSNorm → q/k/v → per-head RMSNorm of q, k → NEOX RoPE → causal GQA over the KV cache
 * → o_proj → residual → RMSNorm → down(silu(gate)·up) → residual] → final RMSNorm → lm_head.
 * Activations live in reusable off-heap buffers sized for the largest batch seen, so decode steps of a stable
 * batch size allocate nothing. Each block is its own method so that its backward can sit beside it.
 * Not thread-safe: one caller at a time.
 *
 * <p>Usage: {@code MemorySegment logits = model.forward(batch); // [batch.logitRows(), vocab]}
 */
public final class Qwen3Model implements AutoCloseable {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private final Qwen3Weights weights;
    private final Qwen3Config c;
    private final Backend backend;
    private final KvCache cache;
    private final double[] inverseFrequency;

    private Arena arena, logitArena;
    private int capacity, logitCapacity;
    /** Activations, for capacity rows: x, xb [T,D]; q, att [T,qDim]; k, v [T,kvDim]; gate, up [T,I]; cos, sin [T,hd/2]. */
    private MemorySegment x, xb, q, k, v, att, gate, up, cos, sin, logits;
    private int[] tokens = new int[0];
    /** The weights and outputs of the fused projections, refilled per layer (no allocation per forward). */
    private final Tensor[] qkvWeights = new Tensor[3], gateUpWeights = new Tensor[2];
    private final MemorySegment[] qkvOut = new MemorySegment[3], gateUpOut = new MemorySegment[2];

    public Qwen3Model(Qwen3Weights weights, Backend backend, KvCache cache) {
        this.weights = weights;
        this.c = weights.config();
        this.backend = backend;
        this.cache = cache;
        int half = c.headDim() / 2;
        inverseFrequency = new double[half];
        for (int i = 0; i < half; i++) inverseFrequency[i] = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headDim());
        ensureCapacity(1);
        ensureLogitCapacity(1);
    }

    public Qwen3Config config() {
        return c;
    }

    public KvCache cache() {
        return cache;
    }

    /**
     * Runs the batch: appends its tokens to their sequences' KV caches and returns the logits of the rows the batch
     * asked for, {@code [batch.logitRows(), vocab]} f32. The segment is reused by the next call.
     */
    public MemorySegment forward(Batch batch) {
        int rows = batch.rows();
        if (rows == 0) throw new IllegalArgumentException("empty batch");
        ensureCapacity(rows);
        ensureLogitCapacity(batch.logitRows());
        for (int e = 0; e < batch.entries; e++) cache.reserve(batch.entrySequence[e], batch.entryCount[e]);
        System.arraycopy(batch.tokens, 0, tokens, 0, rows);
        backend.embedding(weights.embedding(), tokens, rows, x);
        ropeAngles(batch);
        int d = c.hiddenSize(), last = c.layers() - 1;
        float eps = (float) c.rmsNormEps();
        if (c.layers() > 0) backend.rmsnorm(x, weights.layers().get(0).attnNorm(), xb, rows, d, eps);
        for (int l = 0; l <= last; l++) {
            // xb = attn_norm(x) on entry; each block leaves its output in xb and adds it to x together with the next norm
            attentionBlock(l, batch);
            backend.addRmsnorm(x, xb, weights.layers().get(l).ffnNorm(), xb, rows, d, eps);
            mlpBlock(l, rows);
            if (l < last) backend.addRmsnorm(x, xb, weights.layers().get(l + 1).attnNorm(), xb, rows, d, eps);
            else backend.add(x, xb, (long) rows * d);
        }
        for (int e = 0; e < batch.entries; e++) cache.advance(batch.entrySequence[e], batch.entryCount[e]);
        // gather the rows whose logits are wanted, then final norm and lm_head on those only
        int r = batch.logitRows();
        for (int i = 0; i < r; i++) MemorySegment.copy(x, (long) batch.logitRow(i) * d * 4, xb, (long) i * d * 4, d * 4L);
        backend.rmsnorm(xb, weights.finalNorm(), xb, r, d, eps);
        backend.logits(xb, r, weights.lmHead(), logits);
        return logits.asSlice(0, (long) r * c.vocabSize() * 4);
    }

    /** cos/sin[t,i] of angle position(t)·θ^(-2i/headDim), computed in double once per forward. */
    private void ropeAngles(Batch batch) {
        int half = c.headDim() / 2;
        for (int t = 0; t < batch.rows(); t++) {
            int p = batch.position(t);
            for (int i = 0; i < half; i++) {
                double angle = p * inverseFrequency[i];
                cos.setAtIndex(F32, (long) t * half + i, (float) Math.cos(angle));
                sin.setAtIndex(F32, (long) t * half + i, (float) Math.sin(angle));
            }
        }
    }

    /**
     * xb ← o_proj(attention(rope(norm_q(q)), rope(norm_k(k)), v)) with q, k, v the projections of xb (= attn_norm(x)
     * on entry). The residual add is the caller's, fused with the next norm.
     */
    private void attentionBlock(int l, Batch batch) {
        Qwen3Weights.Layer w = weights.layers().get(l);
        int rows = batch.rows(), hd = c.headDim();
        float eps = (float) c.rmsNormEps();
        qkvWeights[0] = w.wq();
        qkvWeights[1] = w.wk();
        qkvWeights[2] = w.wv();
        backend.matmul(xb, rows, qkvWeights, qkvOut);   // xb[T,D] · wq|wk|wv[·, D]ᵀ → q[T, H·hd], k, v[T, KvH·hd]
        backend.headNormRope(q, w.qNorm(), rows, c.heads(), hd, eps, cos, sin);     // per head: [T·H, hd]
        backend.headNormRope(k, w.kNorm(), rows, c.kvHeads(), hd, eps, cos, sin);   // per head: [T·KvH, hd]
        backend.storeKv(cache, l, batch, k, v);
        backend.attention(cache, l, batch, q, att, c.heads(), c.kvHeads(), hd);
        backend.matmul(att, rows, w.wo(), xb); // att[T, H·hd] · wo[D, H·hd]ᵀ → xb[T,D]
    }

    /** xb ← down(silu(gate(xb)) · up(xb)) with xb = ffn_norm(x) on entry; the residual add is the caller's. */
    private void mlpBlock(int l, int rows) {
        Qwen3Weights.Layer w = weights.layers().get(l);
        gateUpWeights[0] = w.wGate();
        gateUpWeights[1] = w.wUp();
        backend.matmul(xb, rows, gateUpWeights, gateUpOut); // → gate[T,I], up[T,I]
        backend.swiglu(gate, up, gate, (long) rows * c.intermediateSize());
        backend.matmul(gate, rows, w.wDown(), xb); // gate[T,I] · down[D,I]ᵀ → xb[T,D]
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacity) return;
        int n = Math.max(rows, capacity * 2);
        if (arena != null) arena.close();
        arena = Arena.ofShared();
        x = floats(n, c.hiddenSize());
        xb = floats(n, c.hiddenSize());
        q = floats(n, c.qDim());
        att = floats(n, c.qDim());
        k = floats(n, c.kvDim());
        v = floats(n, c.kvDim());
        gate = floats(n, c.intermediateSize());
        up = floats(n, c.intermediateSize());
        cos = floats(n, c.headDim() / 2);
        sin = floats(n, c.headDim() / 2);
        tokens = new int[n];
        qkvOut[0] = q;
        qkvOut[1] = k;
        qkvOut[2] = v;
        gateUpOut[0] = gate;
        gateUpOut[1] = up;
        capacity = n;
    }

    /** Logits only for the rows asked for: a prefill of T tokens usually wants one row, not T × vocab floats. */
    private void ensureLogitCapacity(int rows) {
        if (rows <= logitCapacity) return;
        int n = Math.max(rows, logitCapacity * 2);
        if (logitArena != null) logitArena.close();
        logitArena = Arena.ofShared();
        logits = logitArena.allocate((long) n * c.vocabSize() * 4, 64);
        logitCapacity = n;
    }

    private MemorySegment floats(long rows, long cols) {
        return arena.allocate(rows * cols * 4, 64);
    }

    /** Frees the activation buffers (the weights and cache belong to the caller). */
    @Override
    public void close() {
        if (arena != null) arena.close();
        if (logitArena != null) logitArena.close();
        arena = logitArena = null;
        capacity = logitCapacity = 0;
    }
}
