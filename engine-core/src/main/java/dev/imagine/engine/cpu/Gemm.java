package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

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
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_S2I;

/**
 * Matrix-matrix kernel for prefill and batched decode: {@code x[T,D] · w[O,D]ᵀ → y[T,O]}, register-tiled in
 * the style of llamafile's tinyBLAS. Weights are converted to f32 once per panel of {@link #PANEL} rows
 * (into a small per-thread off-heap buffer that stays in L1/L2), then every 4-row tile of activations runs a 4×4
 * block of dot products with 16 vector accumulators: each loaded vector feeds four FMAs. Activations are
 * first copied into a zero-padded f32 array so that no loop needs a tail.
 *
 * <p>Usage: {@code Gemm.multiply(xs, T, kp, w.dtype(), w.data(), O, D, g0, g1, y, panel);} (from {@link Matmul})
 */
final class Gemm {
    /** Weight rows converted together and sharing each activation load. */
    static final int PANEL = 4;
    /** Activation rows sharing each weight load. */
    static final int ROWS = 4;
    /** Activation rows are processed in blocks of about this many bytes so they stay in L2 across panels. */
    private static final int X_BLOCK_BYTES = 512 << 10;

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
     * Computes y[t, o] for all t < rows and every o in the weight panels [p0, p1) (panel p: rows 4p..4p+3).
     * xs is from {@link #packActivations}; panel is a scratch array of at least PANEL·kp floats.
     */
    static void multiply(MemorySegment xs, int rows, int kp, DType type, MemorySegment w, int out, int in,
                         int p0, int p1, MemorySegment y, MemorySegment panel) {
        int block = Math.max(ROWS, X_BLOCK_BYTES / (kp * 4) / ROWS * ROWS);
        for (int t0 = 0; t0 < rows; t0 += block) {
            int t1 = Math.min(rows, t0 + block);
            for (int p = p0; p < p1; p++) {
                int o = p * PANEL, valid = Math.min(PANEL, out - o);
                for (int r = 0; r < PANEL; r++) {
                    if (r < valid) convertRow(type, w, in, o + r, panel, (long) r * kp * 4);
                    int from = r < valid ? in : 0;
                    panel.asSlice(((long) r * kp + from) * 4, (long) (kp - from) * 4).fill((byte) 0);
                }
                int t = t0;
                for (; t + ROWS <= t1; t += ROWS) tile4x4(xs, t, kp, panel, y, out, o, valid);
                for (; t < t1; t++) tile1x4(xs, t, kp, panel, y, out, o, valid);
            }
        }
    }

    /**
     * 4 activation rows × 4 weight rows: c[i][j] = Σ_k xs[t+i, k] · panel[j, k].
     * Per step: 4 + 4 vector loads, 16 FMAs, all accumulators in registers.
     */
    private static void tile4x4(MemorySegment xs, int t, int kp, MemorySegment panel, MemorySegment y, int out, int o, int valid) {
        long x0 = (long) t * kp * 4, x1 = x0 + kp * 4L, x2 = x1 + kp * 4L, x3 = x2 + kp * 4L;
        long w1 = kp * 4L, w2 = 2 * w1, w3 = 3 * w1;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (long k = 0, end = kp * 4L; k < end; k += F.vectorByteSize()) {
            FloatVector b0 = FloatVector.fromMemorySegment(F, panel, k, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(F, panel, w1 + k, ORDER);
            FloatVector b2 = FloatVector.fromMemorySegment(F, panel, w2 + k, ORDER);
            FloatVector b3 = FloatVector.fromMemorySegment(F, panel, w3 + k, ORDER);
            FloatVector a = FloatVector.fromMemorySegment(F, xs, x0 + k, ORDER);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.fromMemorySegment(F, xs, x1 + k, ORDER);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.fromMemorySegment(F, xs, x2 + k, ORDER);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.fromMemorySegment(F, xs, x3 + k, ORDER);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
        }
        store(y, out, t, o, valid, c00.reduceLanes(VectorOperators.ADD), c01.reduceLanes(VectorOperators.ADD), c02.reduceLanes(VectorOperators.ADD), c03.reduceLanes(VectorOperators.ADD));
        store(y, out, t + 1, o, valid, c10.reduceLanes(VectorOperators.ADD), c11.reduceLanes(VectorOperators.ADD), c12.reduceLanes(VectorOperators.ADD), c13.reduceLanes(VectorOperators.ADD));
        store(y, out, t + 2, o, valid, c20.reduceLanes(VectorOperators.ADD), c21.reduceLanes(VectorOperators.ADD), c22.reduceLanes(VectorOperators.ADD), c23.reduceLanes(VectorOperators.ADD));
        store(y, out, t + 3, o, valid, c30.reduceLanes(VectorOperators.ADD), c31.reduceLanes(VectorOperators.ADD), c32.reduceLanes(VectorOperators.ADD), c33.reduceLanes(VectorOperators.ADD));
    }

    /** 1 activation row × 4 weight rows, for the rows left over after the 4-row tiles. */
    private static void tile1x4(MemorySegment xs, int t, int kp, MemorySegment panel, MemorySegment y, int out, int o, int valid) {
        long x0 = (long) t * kp * 4, w1 = kp * 4L, w2 = 2 * w1, w3 = 3 * w1;
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        for (long k = 0, end = kp * 4L; k < end; k += F.vectorByteSize()) {
            FloatVector a = FloatVector.fromMemorySegment(F, xs, x0 + k, ORDER);
            c0 = a.fma(FloatVector.fromMemorySegment(F, panel, k, ORDER), c0);
            c1 = a.fma(FloatVector.fromMemorySegment(F, panel, w1 + k, ORDER), c1);
            c2 = a.fma(FloatVector.fromMemorySegment(F, panel, w2 + k, ORDER), c2);
            c3 = a.fma(FloatVector.fromMemorySegment(F, panel, w3 + k, ORDER), c3);
        }
        store(y, out, t, o, valid, c0.reduceLanes(VectorOperators.ADD), c1.reduceLanes(VectorOperators.ADD), c2.reduceLanes(VectorOperators.ADD), c3.reduceLanes(VectorOperators.ADD));
    }

    /** y[t, o..o+valid) ← the four sums; the rows past `valid` are padding of the last panel. */
    private static void store(MemorySegment y, int out, int t, int o, int valid, float s0, float s1, float s2, float s3) {
        long at = ((long) t * out + o) * 4;
        y.set(F32, at, s0);
        if (valid > 1) y.set(F32, at + 4, s1);
        if (valid > 2) y.set(F32, at + 8, s2);
        if (valid > 3) y.set(F32, at + 12, s3);
    }

    /** Weight row o as f32 into dst[off, off+in). */
    static void convertRow(DType type, MemorySegment w, int in, int o, MemorySegment dst, long off) {
        int kv = in - in % L;
        switch (type) {
            case F32 -> MemorySegment.copy(w, (long) o * in * 4, dst, off, (long) in * 4);
            case BF16 -> {
                long r = (long) o * in * 2;
                for (int k = 0; k < kv; k += L) ShortVector.fromMemorySegment(S, w, r + k * 2L, ORDER).convertShape(ZERO_EXTEND_S2I, I, 0).lanewise(LSHL, 16).reinterpretAsFloats().intoMemorySegment(dst, off + k * 4L, ORDER);
                for (int k = kv; k < in; k++) dst.set(F32, off + k * 4L, Float.intBitsToFloat((w.get(I16, r + k * 2L) & 0xffff) << 16));
            }
            case F16 -> {
                long r = (long) o * in * 2;
                for (int k = 0; k < kv; k += L) WeightLanes.f16(w, r + k * 2L).intoMemorySegment(dst, off + k * 4L, ORDER);
                for (int k = kv; k < in; k++) dst.set(F32, off + k * 4L, Float.float16ToFloat(w.get(I16, r + k * 2L)));
            }
            case Q8_0 -> {
                int blocks = in / 32;
                long r = (long) o * blocks * 34;
                for (int b = 0; b < blocks; b++) {
                    long blk = r + b * 34L;
                    FloatVector d = FloatVector.broadcast(F, WeightLanes.q8Scale(w, blk));
                    for (int j = 0; j < 32; j += B.length()) {
                        ByteVector q = ByteVector.fromMemorySegment(B, w, blk + 2 + j, ORDER);
                        // the part index must be a constant for the conversion to compile to vector code
                        ((FloatVector) q.convertShape(B2F, F, 0)).mul(d).intoMemorySegment(dst, off + (b * 32L + j) * 4, ORDER);
                        if (PARTS == 2) ((FloatVector) q.convertShape(B2F, F, 1)).mul(d).intoMemorySegment(dst, off + (b * 32L + j + L) * 4, ORDER);
                    }
                }
            }
        }
    }
}
