package dev.imagine.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The vector loops between the matmuls: RMSNorm (alone, after a residual add, or per head followed by RoPE),
 * SwiGLU and the residual add. Fused forms exist where they save a pass over the activations: the residual add
 * and the next norm read x once; the per-head q/k norm and RoPE touch each head once. Every loop has a scalar
 * tail, so any width works.
 *
 * <p>Usage: {@code RowOps.addRmsnorm(x, delta, w, xb, T, D, eps);}
 */
final class RowOps {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final VectorSpecies<Float> S = WeightLanes.F;
    private static final int SL = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private RowOps() {
    }

    /** out[r,:] = x[r,:] / sqrt(mean(x[r,:]²) + eps) · weight, for rows of {@code dim}; out may be x. */
    static void rmsnorm(MemorySegment x, MemorySegment weight, MemorySegment out, int rows, int dim, float eps) {
        for (int r = 0; r < rows; r++) {
            long base = (long) r * dim * 4;
            scaleRow(x, base, weight, 0, out, base, dim, inverseRms(x, base, dim, eps));
        }
    }

    /** x[r,:] += delta[r,:], then out[r,:] = rmsnorm(x[r,:]) · weight: one read of x for both. */
    static void addRmsnorm(MemorySegment x, MemorySegment delta, MemorySegment weight, MemorySegment out, int rows, int dim, float eps) {
        for (int r = 0; r < rows; r++) {
            long base = (long) r * dim * 4;
            int i = 0;
            FloatVector ss = FloatVector.zero(S);
            // x += delta, Σ x² on the way
            for (int bound = S.loopBound(dim); i < bound; i += SL) {
                long at = base + i * 4L;
                FloatVector v = FloatVector.fromMemorySegment(S, x, at, NATIVE).add(FloatVector.fromMemorySegment(S, delta, at, NATIVE));
                v.intoMemorySegment(x, at, NATIVE);
                ss = v.fma(v, ss);
            }
            double sum = ss.reduceLanes(VectorOperators.ADD);
            for (; i < dim; i++) {
                long at = base + i * 4L;
                float v = x.get(F32, at) + delta.get(F32, at);
                x.set(F32, at, v);
                sum += v * v;
            }
            scaleRow(x, base, weight, 0, out, base, dim, (float) (1.0 / Math.sqrt(sum / dim + eps)));
        }
    }

    /**
     * Per head of {@code x[T, heads, headDim]}, in place: RMSNorm with {@code weight[headDim]} (Qwen3's q_norm /
     * k_norm), then NEOX RoPE: pairs (i, i + headDim/2) rotate by the angle with cos/sin {@code [T, headDim/2]}.
     */
    static void headNormRope(MemorySegment x, MemorySegment weight, int rows, int heads, int headDim, float eps,
                             MemorySegment cos, MemorySegment sin) {
        int half = headDim / 2;
        for (int t = 0; t < rows; t++) {
            long angles = (long) t * half * 4;
            for (int h = 0; h < heads; h++) {
                long base = ((long) t * heads + h) * headDim * 4;
                scaleRow(x, base, weight, 0, x, base, headDim, inverseRms(x, base, headDim, eps));
                rope(x, base, half, cos, sin, angles);
            }
        }
    }

    /** NEOX RoPE on every head of {@code x[T, heads, headDim]} (no norm). */
    static void rope(MemorySegment x, int rows, int heads, int headDim, MemorySegment cos, MemorySegment sin) {
        int half = headDim / 2;
        for (int t = 0; t < rows; t++) {
            for (int h = 0; h < heads; h++) rope(x, ((long) t * heads + h) * headDim * 4, half, cos, sin, (long) t * half * 4);
        }
    }

    /** One head at byte offset base: (a, b) = (x[i], x[i+half]) → (a·c − b·s, b·c + a·s). */
    private static void rope(MemorySegment x, long base, int half, MemorySegment cos, MemorySegment sin, long angles) {
        long hb = base + half * 4L;
        int i = 0;
        for (int bound = S.loopBound(half); i < bound; i += SL) {
            FloatVector a = FloatVector.fromMemorySegment(S, x, base + i * 4L, NATIVE), b = FloatVector.fromMemorySegment(S, x, hb + i * 4L, NATIVE);
            FloatVector c = FloatVector.fromMemorySegment(S, cos, angles + i * 4L, NATIVE), s = FloatVector.fromMemorySegment(S, sin, angles + i * 4L, NATIVE);
            a.mul(c).sub(b.mul(s)).intoMemorySegment(x, base + i * 4L, NATIVE);
            b.mul(c).add(a.mul(s)).intoMemorySegment(x, hb + i * 4L, NATIVE);
        }
        for (; i < half; i++) {
            float c = cos.get(F32, angles + i * 4L), s = sin.get(F32, angles + i * 4L);
            float a = x.get(F32, base + i * 4L), b = x.get(F32, hb + i * 4L);
            x.set(F32, base + i * 4L, a * c - b * s);
            x.set(F32, hb + i * 4L, b * c + a * s);
        }
    }

    /** 1 / sqrt(mean(x[base..]²) + eps) over n floats at byte offset base. */
    private static float inverseRms(MemorySegment x, long base, int n, float eps) {
        int i = 0;
        FloatVector ss = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += SL) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, base + i * 4L, NATIVE);
            ss = v.fma(v, ss);
        }
        double sum = ss.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float v = x.get(F32, base + i * 4L);
            sum += v * v;
        }
        return (float) (1.0 / Math.sqrt(sum / n + eps));
    }

    /** out[i] = x[i] · inv · w[i] for n floats (byte offsets). */
    private static void scaleRow(MemorySegment x, long xBase, MemorySegment w, long wBase, MemorySegment out, long oBase, int n, float inv) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += SL) {
            FloatVector.fromMemorySegment(S, x, xBase + i * 4L, NATIVE).mul(inv)
                    .mul(FloatVector.fromMemorySegment(S, w, wBase + i * 4L, NATIVE))
                    .intoMemorySegment(out, oBase + i * 4L, NATIVE);
        }
        for (; i < n; i++) out.set(F32, oBase + i * 4L, x.get(F32, xBase + i * 4L) * inv * w.get(F32, wBase + i * 4L));
    }

    /** out[i] = silu(gate[i]) · up[i] = gate / (1 + e^-gate) · up; out may be gate. */
    static void swiglu(MemorySegment gate, MemorySegment up, MemorySegment out, long n) {
        long i = 0;
        for (long bound = n - n % SL; i < bound; i += SL) {
            FloatVector g = FloatVector.fromMemorySegment(S, gate, i * 4, NATIVE);
            FloatVector silu = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
            silu.mul(FloatVector.fromMemorySegment(S, up, i * 4, NATIVE)).intoMemorySegment(out, i * 4, NATIVE);
        }
        for (; i < n; i++) {
            float g = gate.getAtIndex(F32, i);
            out.setAtIndex(F32, i, g / (1f + (float) Math.exp(-g)) * up.getAtIndex(F32, i));
        }
    }

    /** x[i] += delta[i] (the residual connection). */
    static void add(MemorySegment x, MemorySegment delta, long n) {
        long i = 0;
        for (long bound = n - n % SL; i < bound; i += SL) {
            FloatVector.fromMemorySegment(S, x, i * 4, NATIVE).add(FloatVector.fromMemorySegment(S, delta, i * 4, NATIVE))
                    .intoMemorySegment(x, i * 4, NATIVE);
        }
        for (; i < n; i++) x.setAtIndex(F32, i, x.getAtIndex(F32, i) + delta.getAtIndex(F32, i));
    }
}
