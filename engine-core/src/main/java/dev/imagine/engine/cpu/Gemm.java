package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.imagine.engine.cpu.WeightLanes.B;
import static dev.imagine.engine.cpu.WeightLanes.F;
import static dev.imagine.engine.cpu.WeightLanes.F32;
import static dev.imagine.engine.cpu.WeightLanes.I16;
import static dev.imagine.engine.cpu.WeightLanes.L;
import static dev.imagine.engine.cpu.WeightLanes.PARTS;

/**
 * Matrix-matrix kernel for prefill and batched decode: {@code x[T,D] · w[O,D]ᵀ → y[T,O]}, register-tiled in
 * the style of llamafile's tinyBLAS. Weights are converted to f32 once per panel of {@link #PANEL} rows
 * (into a small per-thread buffer that stays in L1/L2), then every 4-row tile of activations runs a 4×4
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
    static void packActivations(MemorySegment x, int rows, int in, float[] xs, int kp) {
        for (int t = 0; t < rows; t++) {
            MemorySegment.copy(x, F32, (long) t * in * 4, xs, t * kp, in);
            java.util.Arrays.fill(xs, t * kp + in, (t + 1) * kp, 0f);
        }
    }

    /**
     * Computes y[t, o] for all t < rows and every o in the weight panels [p0, p1) (panel p: rows 4p..4p+3).
     * xs is from {@link #packActivations}; panel is a scratch array of at least PANEL·kp floats.
     */
    static void multiply(float[] xs, int rows, int kp, DType type, MemorySegment w, int out, int in,
                         int p0, int p1, MemorySegment y, float[] panel) {
        int block = Math.max(ROWS, X_BLOCK_BYTES / (kp * 4) / ROWS * ROWS);
        for (int t0 = 0; t0 < rows; t0 += block) {
            int t1 = Math.min(rows, t0 + block);
            for (int p = p0; p < p1; p++) {
                int o = p * PANEL, valid = Math.min(PANEL, out - o);
                for (int r = 0; r < PANEL; r++) {
                    if (r < valid) convertRow(type, w, in, o + r, panel, r * kp);
                    java.util.Arrays.fill(panel, r * kp + (r < valid ? in : 0), (r + 1) * kp, 0f);
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
    private static void tile4x4(float[] xs, int t, int kp, float[] panel, MemorySegment y, int out, int o, int valid) {
        int x0 = t * kp, x1 = x0 + kp, x2 = x1 + kp, x3 = x2 + kp;
        int w1 = kp, w2 = 2 * kp, w3 = 3 * kp;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int k = 0; k < kp; k += L) {
            FloatVector b0 = FloatVector.fromArray(F, panel, k);
            FloatVector b1 = FloatVector.fromArray(F, panel, w1 + k);
            FloatVector b2 = FloatVector.fromArray(F, panel, w2 + k);
            FloatVector b3 = FloatVector.fromArray(F, panel, w3 + k);
            FloatVector a = FloatVector.fromArray(F, xs, x0 + k);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.fromArray(F, xs, x1 + k);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.fromArray(F, xs, x2 + k);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.fromArray(F, xs, x3 + k);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
        }
        store(y, out, t, o, valid, c00, c01, c02, c03);
        store(y, out, t + 1, o, valid, c10, c11, c12, c13);
        store(y, out, t + 2, o, valid, c20, c21, c22, c23);
        store(y, out, t + 3, o, valid, c30, c31, c32, c33);
    }

    /** 1 activation row × 4 weight rows, for the rows left over after the 4-row tiles. */
    private static void tile1x4(float[] xs, int t, int kp, float[] panel, MemorySegment y, int out, int o, int valid) {
        int x0 = t * kp, w1 = kp, w2 = 2 * kp, w3 = 3 * kp;
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        for (int k = 0; k < kp; k += L) {
            FloatVector a = FloatVector.fromArray(F, xs, x0 + k);
            c0 = a.fma(FloatVector.fromArray(F, panel, k), c0);
            c1 = a.fma(FloatVector.fromArray(F, panel, w1 + k), c1);
            c2 = a.fma(FloatVector.fromArray(F, panel, w2 + k), c2);
            c3 = a.fma(FloatVector.fromArray(F, panel, w3 + k), c3);
        }
        store(y, out, t, o, valid, c0, c1, c2, c3);
    }

    private static void store(MemorySegment y, int out, int t, int o, int valid,
                              FloatVector c0, FloatVector c1, FloatVector c2, FloatVector c3) {
        long at = ((long) t * out + o) * 4;
        y.set(F32, at, c0.reduceLanes(VectorOperators.ADD));
        if (valid > 1) y.set(F32, at + 4, c1.reduceLanes(VectorOperators.ADD));
        if (valid > 2) y.set(F32, at + 8, c2.reduceLanes(VectorOperators.ADD));
        if (valid > 3) y.set(F32, at + 12, c3.reduceLanes(VectorOperators.ADD));
    }

    /** Weight row o as f32 into dst[off, off+in). */
    static void convertRow(DType type, MemorySegment w, int in, int o, float[] dst, int off) {
        int kv = in - in % L;
        switch (type) {
            case F32 -> MemorySegment.copy(w, F32, (long) o * in * 4, dst, off, in);
            case BF16 -> {
                long r = (long) o * in * 2;
                for (int k = 0; k < kv; k += L) WeightLanes.bf16(w, r + k * 2L).intoArray(dst, off + k);
                for (int k = kv; k < in; k++) dst[off + k] = Float.intBitsToFloat((w.get(I16, r + k * 2L) & 0xffff) << 16);
            }
            case F16 -> {
                long r = (long) o * in * 2;
                for (int k = 0; k < kv; k += L) WeightLanes.f16(w, r + k * 2L).intoArray(dst, off + k);
                for (int k = kv; k < in; k++) dst[off + k] = Float.float16ToFloat(w.get(I16, r + k * 2L));
            }
            case Q8_0 -> {
                int blocks = in / 32;
                long r = (long) o * blocks * 34;
                for (int b = 0; b < blocks; b++) {
                    long blk = r + b * 34L;
                    FloatVector d = FloatVector.broadcast(F, WeightLanes.q8Scale(w, blk));
                    for (int j = 0; j < 32; j += B.length()) {
                        ByteVector q = WeightLanes.int8(w, blk + 2 + j);
                        for (int p = 0; p < PARTS; p++) {
                            WeightLanes.int8Part(q, p).mul(d).intoArray(dst, off + b * 32 + j + p * L);
                        }
                    }
                }
            }
        }
    }
}
