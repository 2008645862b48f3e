package dev.imagine.engine.model;

import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * A {@link Backend} that runs another and adds up the wall time of each kind of operation, separately for the
 * prefill and for the decode steps: where the time of a generate call goes. {@link Qwen3Model#forward} begins every
 * pass with {@link #embedding}, so each embedding call starts a pass, and the first pass after construction (or
 * {@link #reset}) counts as the prefill, every later one as a decode step ({@link dev.imagine.engine.generate.Generator}
 * prefills once per call, then steps). The cost is two {@code System.nanoTime()} calls per operation, about 10 µs
 * per decode step of a 28-layer model. Not thread-safe, like the model that calls it.
 *
 * <p>Usage: {@code TimedBackend timed = new TimedBackend(new CpuBackend()); ... ; long ns = timed.nanos(TimedBackend.Phase.DECODE, TimedBackend.Op.ATTENTION);}
 */
public final class TimedBackend implements Backend {
    /** What a forward pass spends its time on. */
    public enum Op {
        /** Token embedding rows. */
        EMBEDDING,
        /** RMSNorm, the residual add fused with it, per-head norm and RoPE. */
        NORM,
        /** The layers' projections (q/k/v, o, gate/up, down). */
        MATMUL,
        /** Writing k and v into the KV cache. */
        KV_STORE,
        /** Attention over the KV cache. */
        ATTENTION,
        /** silu(gate) · up. */
        SWIGLU,
        /** Residual adds not fused with a norm. */
        RESIDUAL,
        /** The final projection to vocabulary logits. */
        LM_HEAD
    }

    /** The first forward pass (the prompt) and the ones after it (one per decode step). */
    public enum Phase { PREFILL, DECODE }

    private final Backend inner;
    private final long[][] nanos = new long[Phase.values().length][Op.values().length];
    private final long[][] calls = new long[Phase.values().length][Op.values().length];
    private int passes;
    private long[] phaseNanos = nanos[0], phaseCalls = calls[0];

    public TimedBackend(Backend inner) {
        this.inner = inner;
    }

    /** Wall nanoseconds spent in operations of this kind during this phase. */
    public long nanos(Phase phase, Op op) {
        return nanos[phase.ordinal()][op.ordinal()];
    }

    /** Calls of operations of this kind during this phase (a fused call such as q/k/v counts once). */
    public long calls(Phase phase, Op op) {
        return calls[phase.ordinal()][op.ordinal()];
    }

    /** Forward passes seen (embedding calls). */
    public int passes() {
        return passes;
    }

    /** Zeroes the sums; the next forward pass counts as a prefill again. */
    public void reset() {
        for (long[] a : nanos) java.util.Arrays.fill(a, 0);
        for (long[] a : calls) java.util.Arrays.fill(a, 0);
        passes = 0;
        phaseNanos = nanos[0];
        phaseCalls = calls[0];
    }

    private void charge(Op op, long start) {
        phaseNanos[op.ordinal()] += System.nanoTime() - start;
        phaseCalls[op.ordinal()]++;
    }

    @Override
    public void embedding(Tensor table, int[] tokens, int rows, MemorySegment out) {
        Phase phase = passes++ == 0 ? Phase.PREFILL : Phase.DECODE;
        phaseNanos = nanos[phase.ordinal()];
        phaseCalls = calls[phase.ordinal()];
        long t = System.nanoTime();
        inner.embedding(table, tokens, rows, out);
        charge(Op.EMBEDDING, t);
    }

    @Override
    public void matmul(MemorySegment x, int rows, Tensor w, MemorySegment y) {
        long t = System.nanoTime();
        inner.matmul(x, rows, w, y);
        charge(Op.MATMUL, t);
    }

    @Override
    public void matmul(MemorySegment x, int rows, Tensor[] ws, MemorySegment[] ys) {
        long t = System.nanoTime();
        inner.matmul(x, rows, ws, ys);
        charge(Op.MATMUL, t);
    }

    @Override
    public void logits(MemorySegment x, int rows, Tensor lmHead, MemorySegment logits) {
        long t = System.nanoTime();
        inner.logits(x, rows, lmHead, logits);
        charge(Op.LM_HEAD, t);
    }

    @Override
    public void rmsnorm(MemorySegment x, MemorySegment weight, MemorySegment out, int rows, int dim, float eps) {
        long t = System.nanoTime();
        inner.rmsnorm(x, weight, out, rows, dim, eps);
        charge(Op.NORM, t);
    }

    @Override
    public void addRmsnorm(MemorySegment x, MemorySegment delta, MemorySegment weight, MemorySegment out, int rows, int dim, float eps) {
        long t = System.nanoTime();
        inner.addRmsnorm(x, delta, weight, out, rows, dim, eps);
        charge(Op.NORM, t);
    }

    @Override
    public void headNormRope(MemorySegment x, MemorySegment weight, int rows, int heads, int headDim, float eps,
                             MemorySegment cos, MemorySegment sin) {
        long t = System.nanoTime();
        inner.headNormRope(x, weight, rows, heads, headDim, eps, cos, sin);
        charge(Op.NORM, t);
    }

    @Override
    public void rope(MemorySegment x, int rows, int heads, int headDim, MemorySegment cos, MemorySegment sin) {
        long t = System.nanoTime();
        inner.rope(x, rows, heads, headDim, cos, sin);
        charge(Op.NORM, t);
    }

    @Override
    public void storeKv(KvCache cache, int layer, Batch batch, MemorySegment k, MemorySegment v) {
        long t = System.nanoTime();
        inner.storeKv(cache, layer, batch, k, v);
        charge(Op.KV_STORE, t);
    }

    @Override
    public void attention(KvCache cache, int layer, Batch batch, MemorySegment q, MemorySegment out, int heads, int kvHeads, int headDim) {
        long t = System.nanoTime();
        inner.attention(cache, layer, batch, q, out, heads, kvHeads, headDim);
        charge(Op.ATTENTION, t);
    }

    @Override
    public void swiglu(MemorySegment gate, MemorySegment up, MemorySegment out, long n) {
        long t = System.nanoTime();
        inner.swiglu(gate, up, out, n);
        charge(Op.SWIGLU, t);
    }

    @Override
    public void add(MemorySegment x, MemorySegment delta, long n) {
        long t = System.nanoTime();
        inner.add(x, delta, n);
        charge(Op.RESIDUAL, t);
    }
}
