package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

import java.lang.foreign.MemorySegment;

import static dev.imagine.engine.cpu.WeightLanes.B;
import static dev.imagine.engine.cpu.WeightLanes.F;
import static dev.imagine.engine.cpu.WeightLanes.F32;
import static dev.imagine.engine.cpu.WeightLanes.I;
import static dev.imagine.engine.cpu.WeightLanes.I16;
import static dev.imagine.engine.cpu.WeightLanes.L;
import static dev.imagine.engine.cpu.WeightLanes.ORDER;
import static dev.imagine.engine.cpu.WeightLanes.PARTS;
import static dev.imagine.engine.cpu.WeightLanes.S;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_S2I;

/**
 * Matrix-matrix kernel for prefill and batched decode: {@code x[T,D] · w[O,D]ᵀ → y[T,O]}, register-tiled in
 * the style of llamafile's tinyBLAS. Weights are converted to f32 once per panel of {@link #PANEL} rows
 * (into a small per-thread off-heap buffer that stays in L1/L2), then every 4-row tile of activations runs a 4×6
 * block of dot products with 24 vector accumulators: each loaded vector feeds four or six FMAs. Activations are
 * first copied into a zero-padded f32 array so that no loop needs a tail.
 *
 * <p>Usage: {@code Gemm.multiply(xs, T, kp, w.dtype(), w.data(), O, D, g0, g1, y, panel);} (from {@link Matmul})
 */
final class Gemm {
    /** Weight rows converted together and sharing each activation load. */
    static final int PANEL = 6;
    /** Activation rows sharing each weight load. */
    static final int ROWS = 4;
    /** Activation rows are processed in blocks of about this many bytes so they stay in L2 across panels. */
    private static final int X_BLOCK_BYTES = 512 << 10;
    /** Columns per K block (a multiple of 32 and of any vector length): keeps each panel slice in L1. */
    static final int K_BLOCK = 1024;

    private Gemm() {
    }

    /** D rounded up to a whole number of vectors. */
    static int padded(int in) {
        return (in + L - 1) / L * L;
    }

    /** Copies x[rows, in] (f32 segment) into xs[rows, kp], zero-padding each row. */
    static void packActivations(MemorySegment x, int rows, int in, MemorySegment xs, int kp) {
        for (int t = 0; t < rows; t++) {
            MemorySegment.copy(x, (long) t * in * 4, xs, (long) t * kp * 4, (long) in * 4);
            xs.asSlice(((long) t * kp + in) * 4, (long) (kp - in) * 4).fill((byte) 0);
        }
    }

    /**
     * Computes y[t, o] for all t < rows and every o in the weight panels [p0, p1) (panel p: rows 6p..6p+5).
     * xs is from {@link #packActivations}; panel is a scratch segment of at least PANEL·min(kp, K_BLOCK) floats.
     * Loops: activation-row blocks × K blocks × panels × 4-row tiles, so that a converted panel slice (6 ×
     * 1024 floats, 24 KiB) stays in L1 and the activation block (≤ 512 KiB) in L2, for any D.
     */
    static void multiply(MemorySegment xs, int rows, int kp, DType type, MemorySegment w, int out, int in,
                         int p0, int p1, MemorySegment y, MemorySegment panel) {
        int kc = Math.min(kp, K_BLOCK);
        int block = Math.max(ROWS, X_BLOCK_BYTES / (kc * 4) / ROWS * ROWS);
        for (int t0 = 0; t0 < rows; t0 += block) {
            int t1 = Math.min(rows, t0 + block);
            for (int k0 = 0; k0 < kp; k0 += kc) {
                int len = Math.min(kc, kp - k0);
                boolean accumulate = k0 > 0;
                for (int p = p0; p < p1; p++) {
                    int o = p * PANEL, valid = Math.min(PANEL, out - o);
                    for (int r = 0; r < PANEL; r++) {
                        // real columns of this K block, then zeros (padding past D, or a row past O)
                        int real = r < valid ? Math.max(0, Math.min(len, in - k0)) : 0;
                        if (real > 0) convertRow(type, w, in, o + r, k0, k0 + real, panel, (long) r * kc * 4);
                        if (real < len) panel.asSlice(((long) r * kc + real) * 4, (long) (len - real) * 4).fill((byte) 0);
                    }
                    int t = t0;
                    for (; t + ROWS <= t1; t += ROWS) tile4x6(xs, t, kp, k0, len, panel, kc, y, out, o, valid, accumulate);
                    for (; t < t1; t++) tile1x6(xs, t, kp, k0, len, panel, kc, y, out, o, valid, accumulate);
                }
            }
        }
    }

    /**
     * 4 activation rows × 6 weight rows over columns [k0, k0+len): c[i][j] = Σ_k xs[t+i, k] · panel[j, k].
     * Per step: 4 activation loads (from L2, each shared by 6 FMAs), 6 panel loads (L1, shared by 4), 24 FMAs
     * into 24 registers: 4 + 24 + 1 of AVX-512's 32 vector registers.
     */
    private static void tile4x6(MemorySegment xs, int t, int kp, int k0, int len, MemorySegment panel, int kc,
                                MemorySegment y, int out, int o, int valid, boolean accumulate) {
        long x0 = ((long) t * kp + k0) * 4, x1 = x0 + kp * 4L, x2 = x1 + kp * 4L, x3 = x2 + kp * 4L;
        long w1 = kc * 4L, w2 = 2 * w1, w3 = 3 * w1, w4 = 4 * w1, w5 = 5 * w1;
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F), c04 = FloatVector.zero(F), c05 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F), c14 = FloatVector.zero(F), c15 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F), c23 = FloatVector.zero(F), c24 = FloatVector.zero(F), c25 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F), c32 = FloatVector.zero(F), c33 = FloatVector.zero(F), c34 = FloatVector.zero(F), c35 = FloatVector.zero(F);
        for (long k = 0, end = len * 4L; k < end; k += F.vectorByteSize()) {
            FloatVector a0 = FloatVector.fromMemorySegment(F, xs, x0 + k, ORDER);
            FloatVector a1 = FloatVector.fromMemorySegment(F, xs, x1 + k, ORDER);
            FloatVector a2 = FloatVector.fromMemorySegment(F, xs, x2 + k, ORDER);
            FloatVector a3 = FloatVector.fromMemorySegment(F, xs, x3 + k, ORDER);
            FloatVector b0 = FloatVector.fromMemorySegment(F, panel, k, ORDER);
            c00 = a0.fma(b0, c00); c10 = a1.fma(b0, c10); c20 = a2.fma(b0, c20); c30 = a3.fma(b0, c30);
            FloatVector b1 = FloatVector.fromMemorySegment(F, panel, w1 + k, ORDER);
            c01 = a0.fma(b1, c01); c11 = a1.fma(b1, c11); c21 = a2.fma(b1, c21); c31 = a3.fma(b1, c31);
            FloatVector b2 = FloatVector.fromMemorySegment(F, panel, w2 + k, ORDER);
            c02 = a0.fma(b2, c02); c12 = a1.fma(b2, c12); c22 = a2.fma(b2, c22); c32 = a3.fma(b2, c32);
            FloatVector b3 = FloatVector.fromMemorySegment(F, panel, w3 + k, ORDER);
            c03 = a0.fma(b3, c03); c13 = a1.fma(b3, c13); c23 = a2.fma(b3, c23); c33 = a3.fma(b3, c33);
            FloatVector b4 = FloatVector.fromMemorySegment(F, panel, w4 + k, ORDER);
            c04 = a0.fma(b4, c04); c14 = a1.fma(b4, c14); c24 = a2.fma(b4, c24); c34 = a3.fma(b4, c34);
            FloatVector b5 = FloatVector.fromMemorySegment(F, panel, w5 + k, ORDER);
            c05 = a0.fma(b5, c05); c15 = a1.fma(b5, c15); c25 = a2.fma(b5, c25); c35 = a3.fma(b5, c35);
        }
        store(y, out, t, o, valid, accumulate, c00.reduceLanes(ADD), c01.reduceLanes(ADD), c02.reduceLanes(ADD), c03.reduceLanes(ADD), c04.reduceLanes(ADD), c05.reduceLanes(ADD));
        store(y, out, t + 1, o, valid, accumulate, c10.reduceLanes(ADD), c11.reduceLanes(ADD), c12.reduceLanes(ADD), c13.reduceLanes(ADD), c14.reduceLanes(ADD), c15.reduceLanes(ADD));
        store(y, out, t + 2, o, valid, accumulate, c20.reduceLanes(ADD), c21.reduceLanes(ADD), c22.reduceLanes(ADD), c23.reduceLanes(ADD), c24.reduceLanes(ADD), c25.reduceLanes(ADD));
        store(y, out, t + 3, o, valid, accumulate, c30.reduceLanes(ADD), c31.reduceLanes(ADD), c32.reduceLanes(ADD), c33.reduceLanes(ADD), c34.reduceLanes(ADD), c35.reduceLanes(ADD));
    }

    /** 1 activation row × 6 weight rows, for the rows left over after the 4-row tiles. */
    private static void tile1x6(MemorySegment xs, int t, int kp, int k0, int len, MemorySegment panel, int kc,
                                MemorySegment y, int out, int o, int valid, boolean accumulate) {
        long x0 = ((long) t * kp + k0) * 4, w1 = kc * 4L, w2 = 2 * w1, w3 = 3 * w1, w4 = 4 * w1, w5 = 5 * w1;
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F);
        for (long k = 0, end = len * 4L; k < end; k += F.vectorByteSize()) {
            FloatVector a = FloatVector.fromMemorySegment(F, xs, x0 + k, ORDER);
            c0 = a.fma(FloatVector.fromMemorySegment(F, panel, k, ORDER), c0);
            c1 = a.fma(FloatVector.fromMemorySegment(F, panel, w1 + k, ORDER), c1);
            c2 = a.fma(FloatVector.fromMemorySegment(F, panel, w2 + k, ORDER), c2);
            c3 = a.fma(FloatVector.fromMemorySegment(F, panel, w3 + k, ORDER), c3);
            c4 = a.fma(FloatVector.fromMemorySegment(F, panel, w4 + k, ORDER), c4);
            c5 = a.fma(FloatVector.fromMemorySegment(F, panel, w5 + k, ORDER), c5);
        }
        store(y, out, t, o, valid, accumulate, c0.reduceLanes(ADD), c1.reduceLanes(ADD), c2.reduceLanes(ADD), c3.reduceLanes(ADD), c4.reduceLanes(ADD), c5.reduceLanes(ADD));
    }

    /** y[t, o..o+valid) ← (or +=, for K blocks after the first) the sums; rows past `valid` are panel padding. */
    private static void store(MemorySegment y, int out, int t, int o, int valid, boolean accumulate,
                              float s0, float s1, float s2, float s3, float s4, float s5) {
        long at = ((long) t * out + o) * 4;
        put(y, at, s0, accumulate);
        if (valid > 1) put(y, at + 4, s1, accumulate);
        if (valid > 2) put(y, at + 8, s2, accumulate);
        if (valid > 3) put(y, at + 12, s3, accumulate);
        if (valid > 4) put(y, at + 16, s4, accumulate);
        if (valid > 5) put(y, at + 20, s5, accumulate);
    }

    private static void put(MemorySegment y, long at, float s, boolean accumulate) {
        y.set(F32, at, accumulate ? y.get(F32, at) + s : s);
    }

    /** Weight row o, columns [k0, k1), as f32 into dst from byte offset off. Q8_0: k0, k1 multiples of 32. */
    static void convertRow(DType type, MemorySegment w, int in, int o, int k0, int k1, MemorySegment dst, long off) {
        int kv = k0 + (k1 - k0) / L * L;
        long at = off - k0 * 4L; // dst byte offset of column 0
        switch (type) {
            case F32 -> MemorySegment.copy(w, ((long) o * in + k0) * 4, dst, off, (long) (k1 - k0) * 4);
            case BF16 -> {
                long r = (long) o * in * 2;
                for (int k = k0; k < kv; k += L) {
                    ShortVector.fromMemorySegment(S, w, r + k * 2L, ORDER).convertShape(ZERO_EXTEND_S2I, I, 0)
                            .lanewise(LSHL, 16).reinterpretAsFloats().intoMemorySegment(dst, at + k * 4L, ORDER);
                }
                for (int k = kv; k < k1; k++) dst.set(F32, at + k * 4L, Float.intBitsToFloat((w.get(I16, r + k * 2L) & 0xffff) << 16));
            }
            case F16 -> {
                long r = (long) o * in * 2;
                for (int k = k0; k < kv; k += L) { // WeightLanes.f16 spelled out so it is inlined
                    IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, r + k * 2L, ORDER).convertShape(ZERO_EXTEND_S2I, I, 0);
                    IntVector magnitude = h.and(0x7fff).lanewise(LSHL, 13);
                    IntVector finite = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
                    IntVector bits = finite.blend(magnitude.or(0x7f800000), h.and(0x7c00).compare(EQ, 0x7c00));
                    bits.or(h.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats().intoMemorySegment(dst, at + k * 4L, ORDER);
                }
                for (int k = kv; k < k1; k++) dst.set(F32, at + k * 4L, Float.float16ToFloat(w.get(I16, r + k * 2L)));
            }
            case Q8_0 -> {
                long r = (long) o * (in / 32) * 34;
                for (int b = k0 / 32; b < k1 / 32; b++) {
                    long blk = r + b * 34L;
                    FloatVector d = FloatVector.broadcast(F, WeightLanes.q8Scale(w, blk));
                    for (int j = 0; j < 32; j += B.length()) {
                        ByteVector q = ByteVector.fromMemorySegment(B, w, blk + 2 + j, ORDER);
                        // the part index must be a constant for the conversion to compile to vector code
                        ((FloatVector) q.convertShape(B2F, F, 0)).mul(d).intoMemorySegment(dst, at + (b * 32L + j) * 4, ORDER);
                        if (PARTS == 2) ((FloatVector) q.convertShape(B2F, F, 1)).mul(d).intoMemorySegment(dst, at + (b * 32L + j + L) * 4, ORDER);
                    }
                }
            }
        }
    }
}
