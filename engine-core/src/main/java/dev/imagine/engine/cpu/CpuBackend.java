package dev.imagine.engine.cpu;

import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.model.Backend;
import dev.imagine.engine.model.Batch;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Dequantize;
import dev.imagine.engine.tensor.Float16;
import dev.imagine.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

/**
 * The CPU {@link Backend}: matmul goes to {@link Matmul} (which owns the SIMD kernels and the worker pool); the
 * rest are plain loops, with the attention dot products over head_dim on the Vector API (f32 or bf16 cache).
 * Attention over long contexts is split over (row, KV head) tasks on the common fork/join pool (to be moved onto the
 * kernels' worker pool once it lands); short ones stay on the calling thread. Not thread-safe: one backend per model.
 *
 * <p>Usage: {@code Backend backend = new CpuBackend();}
 */
public final class CpuBackend implements Backend {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Shorts and ints with as many lanes as S has floats (for widening bf16). */
    private static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, VectorShape.forBitSize(S.vectorBitSize()));

    @Override
    public void matmul(MemorySegment x, int rows, Tensor w, MemorySegment y) {
        Matmul.matmul(x, rows, w, y);
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
        // x[R,dim] → out[R,dim]; the sum of squares in double so the norm does not depend on the summation order
        for (int r = 0; r < rows; r++) {
            long base = (long) r * dim;
            double ss = 0;
            for (int i = 0; i < dim; i++) {
                float v = x.getAtIndex(F32, base + i);
                ss += v * v;
            }
            float inv = (float) (1.0 / Math.sqrt(ss / dim + eps));
            for (int i = 0; i < dim; i++) {
                out.setAtIndex(F32, base + i, x.getAtIndex(F32, base + i) * inv * weight.getAtIndex(F32, i));
            }
        }
    }

    @Override
    public void rope(MemorySegment x, int rows, int heads, int headDim, MemorySegment cos, MemorySegment sin) {
        // x[T, heads, headDim]; NEOX pairs (i, i + half)
        int half = headDim / 2;
        for (int t = 0; t < rows; t++) {
            for (int h = 0; h < heads; h++) {
                long base = ((long) t * heads + h) * headDim;
                for (int i = 0; i < half; i++) {
                    float c = cos.getAtIndex(F32, (long) t * half + i), s = sin.getAtIndex(F32, (long) t * half + i);
                    float a = x.getAtIndex(F32, base + i), b = x.getAtIndex(F32, base + i + half);
                    x.setAtIndex(F32, base + i, a * c - b * s);
                    x.setAtIndex(F32, base + i + half, b * c + a * s);
                }
            }
        }
    }

    @Override
    public void storeKv(KvCache cache, int layer, Batch batch, MemorySegment k, MemorySegment v) {
        // k, v [T, kvHeads·headDim] → cache [block, kvHead, slot, headDim]
        int kvDim = cache.kvDim(), hd = cache.headDim(), kvHeads = kvDim / hd;
        MemorySegment keys = cache.keys(layer), values = cache.values(layer);
        for (int t = 0; t < batch.rows(); t++) {
            for (int g = 0; g < kvHeads; g++) {
                long dst = cache.offset(batch.sequence(t), batch.position(t), g), src = (long) t * kvDim + (long) g * hd;
                if (cache.dtype() == DType.F32) {
                    MemorySegment.copy(k, src * 4, keys, dst * 4, hd * 4L);
                    MemorySegment.copy(v, src * 4, values, dst * 4, hd * 4L);
                } else {
                    for (int i = 0; i < hd; i++) {
                        keys.setAtIndex(I16, dst + i, Float16.floatToBf16(k.getAtIndex(F32, src + i)));
                        values.setAtIndex(I16, dst + i, Float16.floatToBf16(v.getAtIndex(F32, src + i)));
                    }
                }
            }
        }
    }

    @Override
    public void attention(KvCache cache, int layer, Batch batch, MemorySegment q, MemorySegment out,
                          int heads, int kvHeads, int headDim) {
        int rows = batch.rows(), tasks = rows * kvHeads;
        long work = 0; // multiply-adds, to decide whether splitting over threads pays
        for (int t = 0; t < rows; t++) work += (long) (batch.position(t) + 1) * heads * headDim * 2;
        if (work < PARALLEL_WORK || tasks == 1) {
            for (int task = 0; task < tasks; task++) attendGroup(cache, layer, batch, q, out, heads, kvHeads, headDim, task, callerScores);
        } else {
            // one task per (row, KV head); each worker thread keeps its own scores scratch
            IntStream.range(0, tasks).parallel().forEach(task ->
                    attendGroup(cache, layer, batch, q, out, heads, kvHeads, headDim, task, threadScores.get()));
        }
    }

    /** Below this many multiply-adds attention stays on the calling thread (short contexts: no fork/join overhead). */
    private static final long PARALLEL_WORK = 1L << 20;

    private final ThreadLocal<float[][]> threadScores = ThreadLocal.withInitial(() -> new float[][]{new float[256]});
    private final float[][] callerScores = {new float[256]};

    /**
     * Attention of row t for the query heads sharing KV head g (task = t·kvHeads + g), so each K and V row is read
     * once for the whole group: out[t,h,:] = softmax(q[t,h,:]·Kᵀ·scale)·V over positions 0..p, h in the group.
     * Positions are walked block by block through the sequence's block table.
     */
    private static void attendGroup(KvCache cache, int layer, Batch batch, MemorySegment q, MemorySegment out,
                                    int heads, int kvHeads, int headDim, int task, float[][] scratch) {
        int t = task / kvHeads, g = task % kvHeads, group = heads / kvHeads;
        int blockSize = cache.blockSize();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        MemorySegment keys = cache.keys(layer), values = cache.values(layer);
        boolean f32 = cache.dtype() == DType.F32;
        KvCache.Sequence seq = batch.sequence(t);
        int len = batch.position(t) + 1; // causal: positions 0..p
        if (scratch[0].length < group * len) scratch[0] = new float[Math.max(group * len, scratch[0].length * 2)];
        float[] scores = scratch[0]; // [group, len]
        long q0 = ((long) t * heads + (long) g * group) * headDim; // first query head of the group
        // scores[h,j] = q[t,h,:] · k[j,g,:] · scale
        for (int j0 = 0; j0 < len; j0 += blockSize) {
            long headBase = cache.headStart(seq.block(j0 / blockSize), g); // positions j0.. of head g, contiguous
            for (int j = j0, end = Math.min(len, j0 + blockSize); j < end; j++) {
                long kOff = headBase + (long) (j - j0) * headDim;
                for (int h = 0; h < group; h++) {
                    long qOff = q0 + (long) h * headDim;
                    scores[h * len + j] = (f32 ? dotF32(q, qOff, keys, kOff, headDim) : dotBf16(q, qOff, keys, kOff, headDim)) * scale;
                }
            }
        }
        for (int h = 0; h < group; h++) {
            int base = h * len;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) max = Math.max(max, scores[base + j]);
            float sum = 0f;
            for (int j = 0; j < len; j++) {
                float e = (float) Math.exp(scores[base + j] - max);
                scores[base + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < len; j++) scores[base + j] *= inv;
            for (int i = 0; i < headDim; i++) out.setAtIndex(F32, q0 + (long) h * headDim + i, 0f);
        }
        // out[t,h,:] = Σ_j softmax[h,j] · v[j,g,:]
        for (int j0 = 0; j0 < len; j0 += blockSize) {
            long headBase = cache.headStart(seq.block(j0 / blockSize), g);
            for (int j = j0, end = Math.min(len, j0 + blockSize); j < end; j++) {
                long vOff = headBase + (long) (j - j0) * headDim;
                for (int h = 0; h < group; h++) {
                    long oOff = q0 + (long) h * headDim;
                    if (f32) axpyF32(scores[h * len + j], values, vOff, out, oOff, headDim);
                    else axpyBf16(scores[h * len + j], values, vOff, out, oOff, headDim);
                }
            }
        }
    }

    /** Σ_i a[aOff+i]·b[bOff+i] (offsets in floats). */
    static float dotF32(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromMemorySegment(S, a, (aOff + i) * 4, NATIVE);
            FloatVector y = FloatVector.fromMemorySegment(S, b, (bOff + i) * 4, NATIVE);
            acc = x.fma(y, acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += a.getAtIndex(F32, aOff + i) * b.getAtIndex(F32, bOff + i);
        return sum;
    }

    /** Σ_i a[aOff+i]·bf16(b[bOff+i]) (offsets in elements): bf16 widened to f32 by a 16-bit left shift. */
    static float dotBf16(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromMemorySegment(S, a, (aOff + i) * 4, NATIVE);
            acc = x.fma(bf16Vector(b, (bOff + i) * 2), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += a.getAtIndex(F32, aOff + i) * Float16.bf16ToFloat(b.getAtIndex(I16, bOff + i));
        return sum;
    }

    /** S.length() bf16 values at byte offset {@code byteOffset}, widened to f32 lanes. */
    private static FloatVector bf16Vector(MemorySegment b, long byteOffset) {
        return ((IntVector) ShortVector.fromMemorySegment(SHORTS, b, byteOffset, NATIVE)
                .convertShape(VectorOperators.S2I, INTS, 0))
                .lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }

    /** y[yOff+i] += alpha · x[xOff+i]. */
    static void axpyF32(float alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        FloatVector a = FloatVector.broadcast(S, alpha);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector xv = FloatVector.fromMemorySegment(S, x, (xOff + i) * 4, NATIVE);
            FloatVector yv = FloatVector.fromMemorySegment(S, y, (yOff + i) * 4, NATIVE);
            xv.fma(a, yv).intoMemorySegment(y, (yOff + i) * 4, NATIVE);
        }
        for (; i < n; i++) y.setAtIndex(F32, yOff + i, y.getAtIndex(F32, yOff + i) + alpha * x.getAtIndex(F32, xOff + i));
    }

    /** y[yOff+i] += alpha · bf16(x[xOff+i]). */
    static void axpyBf16(float alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        FloatVector a = FloatVector.broadcast(S, alpha);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector yv = FloatVector.fromMemorySegment(S, y, (yOff + i) * 4, NATIVE);
            bf16Vector(x, (xOff + i) * 2).fma(a, yv).intoMemorySegment(y, (yOff + i) * 4, NATIVE);
        }
        for (; i < n; i++) {
            y.setAtIndex(F32, yOff + i, y.getAtIndex(F32, yOff + i) + alpha * Float16.bf16ToFloat(x.getAtIndex(I16, xOff + i)));
        }
    }

    @Override
    public void swiglu(MemorySegment gate, MemorySegment up, MemorySegment out, long n) {
        for (long i = 0; i < n; i++) {
            float g = gate.getAtIndex(F32, i);
            out.setAtIndex(F32, i, g / (1f + (float) Math.exp(-g)) * up.getAtIndex(F32, i));
        }
    }

    @Override
    public void add(MemorySegment x, MemorySegment delta, long n) {
        for (long i = 0; i < n; i++) x.setAtIndex(F32, i, x.getAtIndex(F32, i) + delta.getAtIndex(F32, i));
    }
}
