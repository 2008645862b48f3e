package dev.imagine.engine.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.imagine.engine.cpu.WeightLanes.B;
import static dev.imagine.engine.cpu.WeightLanes.F;
import static dev.imagine.engine.cpu.WeightLanes.F32;
import static dev.imagine.engine.cpu.WeightLanes.I;
import static dev.imagine.engine.cpu.WeightLanes.I16;
import static dev.imagine.engine.cpu.WeightLanes.L;
import static dev.imagine.engine.cpu.WeightLanes.ORDER;
import static dev.imagine.engine.cpu.WeightLanes.PARTS;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.LSHL;

/**
 * Matrix times a few vectors, for batched decoding: {@code x[T,D] · w[O,D]ᵀ → y[T,O]} for small T (up to about 16
 * rows). Like {@link MatVec}, weights are converted in registers straight from their storage type, with no f32
 * panel in between; each group of four weight rows is read from memory once and then stays in L1 while every
 * 4-row tile of activations runs over it (16 accumulators: 4 activation rows × 4 weight rows). So a step of 8
 * sequences reads the weights once, like a step of one, and adds only arithmetic.
 *
 * <p>BF16 activations come {@link #pairActivations paired}: each 2L-column block of a row holds its even columns
 * then its odd ones, matching the even/odd lanes of a 512-bit int load of bf16 pairs (see {@link MatVec#bf16}).
 *
 * <p>Usage: {@code BatchMatVec.pairActivations(x, T, D, xp); BatchMatVec.bf16(xp, T, w, D, O, o0, o1, y);}
 */
final class BatchMatVec {
    private static final int HIGH_HALF = 0xffff0000;

    private BatchMatVec() {
    }

    /** Columns of a row covered by the vector loops of {@link #bf16}: D rounded down to a multiple of 2L. */
    static int pairedColumns(int in) {
        return in - in % (2 * L);
    }

    /**
     * x[T, D] → xp[T, D]: per 2L-column block of a row, its L even columns then its L odd columns. Columns past
     * {@link #pairedColumns} are copied as they are (the kernels finish them in scalar code).
     */
    static void pairActivations(MemorySegment x, int rows, int in, MemorySegment xp) {
        int kp = pairedColumns(in);
        for (int t = 0; t < rows; t++) {
            long row = (long) t * in * 4;
            for (int k = 0; k < kp; k += 2 * L) {
                for (int i = 0; i < L; i++) {
                    xp.set(F32, row + (k + i) * 4L, x.get(F32, row + (k + 2L * i) * 4));
                    xp.set(F32, row + (k + L + i) * 4L, x.get(F32, row + (k + 2L * i + 1) * 4));
                }
            }
            if (kp < in) MemorySegment.copy(x, row + kp * 4L, xp, row + kp * 4L, (in - kp) * 4L);
        }
    }

    // ---- BF16: w row o at byte o·D·2 ----

    /** y[t, o] for t < rows, o in [o0, o1); xp from {@link #pairActivations}; o1 - o0 a multiple of 4 unless o1 = O. */
    static void bf16(MemorySegment xp, int rows, MemorySegment w, int in, int out, int o0, int o1, MemorySegment y) {
        int o = o0;
        for (; o + 4 <= o1; o += 4) {
            int t = 0;
            for (; t + 4 <= rows; t += 4) bf16Tile4x4(xp, t, w, in, out, o, y);
            for (; t < rows; t++) bf16Tile1x4(xp, t, w, in, out, o, y);
        }
        for (; o < o1; o++) {
            for (int t = 0; t < rows; t++) y.set(F32, ((long) t * out + o) * 4, bf16Dot(xp, t, w, in, o));
        }
    }

    /**
     * 4 activation rows × 4 weight rows: c[i][j] = Σ_k xp[t+i, k] · w[o+j, k]. Per 2L columns: 4 weight loads,
     * 8 conversions (even and odd lanes), 8 activation loads and 32 FMAs into 16 accumulators.
     */
    private static void bf16Tile4x4(MemorySegment xp, int t, MemorySegment w, int in, int out, int o, MemorySegment y) {
        int kp = pairedColumns(in), step = 2 * L;
        long rowBytes = (long) in * 2, r0 = o * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
        long x0 = (long) t * in * 4, x1 = x0 + in * 4L, x2 = x1 + in * 4L, x3 = x2 + in * 4L;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int k = 0; k < kp; k += step) {
            // w[o..o+3, k..k+2L) as even and odd f32 lanes
            IntVector v0 = IntVector.fromMemorySegment(I, w, r0 + k * 2L, ByteOrder.LITTLE_ENDIAN);
            IntVector v1 = IntVector.fromMemorySegment(I, w, r1 + k * 2L, ByteOrder.LITTLE_ENDIAN);
            IntVector v2 = IntVector.fromMemorySegment(I, w, r2 + k * 2L, ByteOrder.LITTLE_ENDIAN);
            IntVector v3 = IntVector.fromMemorySegment(I, w, r3 + k * 2L, ByteOrder.LITTLE_ENDIAN);
            FloatVector e0 = v0.lanewise(LSHL, 16).reinterpretAsFloats(), d0 = v0.and(HIGH_HALF).reinterpretAsFloats();
            FloatVector e1 = v1.lanewise(LSHL, 16).reinterpretAsFloats(), d1 = v1.and(HIGH_HALF).reinterpretAsFloats();
            FloatVector e2 = v2.lanewise(LSHL, 16).reinterpretAsFloats(), d2 = v2.and(HIGH_HALF).reinterpretAsFloats();
            FloatVector e3 = v3.lanewise(LSHL, 16).reinterpretAsFloats(), d3 = v3.and(HIGH_HALF).reinterpretAsFloats();
            long kb = k * 4L;
            FloatVector xe = FloatVector.fromMemorySegment(F, xp, x0 + kb, ORDER), xo = FloatVector.fromMemorySegment(F, xp, x0 + kb + 4L * L, ORDER);
            c00 = d0.fma(xo, e0.fma(xe, c00)); c01 = d1.fma(xo, e1.fma(xe, c01)); c02 = d2.fma(xo, e2.fma(xe, c02)); c03 = d3.fma(xo, e3.fma(xe, c03));
            xe = FloatVector.fromMemorySegment(F, xp, x1 + kb, ORDER); xo = FloatVector.fromMemorySegment(F, xp, x1 + kb + 4L * L, ORDER);
            c10 = d0.fma(xo, e0.fma(xe, c10)); c11 = d1.fma(xo, e1.fma(xe, c11)); c12 = d2.fma(xo, e2.fma(xe, c12)); c13 = d3.fma(xo, e3.fma(xe, c13));
            xe = FloatVector.fromMemorySegment(F, xp, x2 + kb, ORDER); xo = FloatVector.fromMemorySegment(F, xp, x2 + kb + 4L * L, ORDER);
            c20 = d0.fma(xo, e0.fma(xe, c20)); c21 = d1.fma(xo, e1.fma(xe, c21)); c22 = d2.fma(xo, e2.fma(xe, c22)); c23 = d3.fma(xo, e3.fma(xe, c23));
            xe = FloatVector.fromMemorySegment(F, xp, x3 + kb, ORDER); xo = FloatVector.fromMemorySegment(F, xp, x3 + kb + 4L * L, ORDER);
            c30 = d0.fma(xo, e0.fma(xe, c30)); c31 = d1.fma(xo, e1.fma(xe, c31)); c32 = d2.fma(xo, e2.fma(xe, c32)); c33 = d3.fma(xo, e3.fma(xe, c33));
        }
        store4(y, out, t, o, c00.reduceLanes(ADD), c01.reduceLanes(ADD), c02.reduceLanes(ADD), c03.reduceLanes(ADD), xp, w, in, kp);
        store4(y, out, t + 1, o, c10.reduceLanes(ADD), c11.reduceLanes(ADD), c12.reduceLanes(ADD), c13.reduceLanes(ADD), xp, w, in, kp);
        store4(y, out, t + 2, o, c20.reduceLanes(ADD), c21.reduceLanes(ADD), c22.reduceLanes(ADD), c23.reduceLanes(ADD), xp, w, in, kp);
        store4(y, out, t + 3, o, c30.reduceLanes(ADD), c31.reduceLanes(ADD), c32.reduceLanes(ADD), c33.reduceLanes(ADD), xp, w, in, kp);
    }

    /** 1 activation row × 4 weight rows, for the rows left over after the 4-row tiles. */
    private static void bf16Tile1x4(MemorySegment xp, int t, MemorySegment w, int in, int out, int o, MemorySegment y) {
        int kp = pairedColumns(in), step = 2 * L;
        long rowBytes = (long) in * 2, r0 = o * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
        long x0 = (long) t * in * 4;
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        for (int k = 0; k < kp; k += step) {
            FloatVector xe = FloatVector.fromMemorySegment(F, xp, x0 + k * 4L, ORDER), xo = FloatVector.fromMemorySegment(F, xp, x0 + k * 4L + 4L * L, ORDER);
            IntVector v0 = IntVector.fromMemorySegment(I, w, r0 + k * 2L, ByteOrder.LITTLE_ENDIAN);
            IntVector v1 = IntVector.fromMemorySegment(I, w, r1 + k * 2L, ByteOrder.LITTLE_ENDIAN);
            IntVector v2 = IntVector.fromMemorySegment(I, w, r2 + k * 2L, ByteOrder.LITTLE_ENDIAN);
            IntVector v3 = IntVector.fromMemorySegment(I, w, r3 + k * 2L, ByteOrder.LITTLE_ENDIAN);
            c0 = v0.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v0.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, c0));
            c1 = v1.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v1.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, c1));
            c2 = v2.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v2.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, c2));
            c3 = v3.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v3.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, c3));
        }
        store4(y, out, t, o, c0.reduceLanes(ADD), c1.reduceLanes(ADD), c2.reduceLanes(ADD), c3.reduceLanes(ADD), xp, w, in, kp);
    }

    /** y[t, o..o+3] = the vector sums plus the scalar tail columns [kp, D) (xp keeps those unpaired). */
    private static void store4(MemorySegment y, int out, int t, int o, float s0, float s1, float s2, float s3,
                               MemorySegment xp, MemorySegment w, int in, int kp) {
        long rowBytes = (long) in * 2, x0 = (long) t * in * 4;
        for (int k = kp; k < in; k++) {
            float xk = xp.get(F32, x0 + k * 4L);
            s0 += xk * bf16(w, o * rowBytes + k * 2L);
            s1 += xk * bf16(w, (o + 1) * rowBytes + k * 2L);
            s2 += xk * bf16(w, (o + 2) * rowBytes + k * 2L);
            s3 += xk * bf16(w, (o + 3) * rowBytes + k * 2L);
        }
        long at = ((long) t * out + o) * 4;
        y.set(F32, at, s0);
        y.set(F32, at + 4, s1);
        y.set(F32, at + 8, s2);
        y.set(F32, at + 12, s3);
    }

    /** One output, scalar (weight rows past the last group of four). */
    private static float bf16Dot(MemorySegment xp, int t, MemorySegment w, int in, int o) {
        int kp = pairedColumns(in);
        long r = o * (long) in * 2, x0 = (long) t * in * 4;
        float s = 0;
        for (int k = 0; k < kp; k += 2 * L) {
            for (int i = 0; i < L; i++) {
                s += xp.get(F32, x0 + (k + i) * 4L) * bf16(w, r + (k + 2L * i) * 2);
                s += xp.get(F32, x0 + (k + L + i) * 4L) * bf16(w, r + (k + 2L * i + 1) * 2);
            }
        }
        for (int k = kp; k < in; k++) s += xp.get(F32, x0 + k * 4L) * bf16(w, r + k * 2L);
        return s;
    }

    private static float bf16(MemorySegment w, long offset) {
        return Float.intBitsToFloat((w.get(I16, offset) & 0xffff) << 16);
    }

    // ---- F32: w row o at byte o·D·4; x as it is ----

    /** y[t, o] for t < rows, o in [o0, o1). */
    static void f32(MemorySegment x, int rows, MemorySegment w, int in, int out, int o0, int o1, MemorySegment y) {
        int kv = in - in % L;
        long rowBytes = (long) in * 4;
        int o = o0;
        for (; o + 4 <= o1; o += 4) {
            long r0 = o * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
            int t = 0;
            for (; t + 4 <= rows; t += 4) {
                long x0 = (long) t * rowBytes, x1 = x0 + rowBytes, x2 = x1 + rowBytes, x3 = x2 + rowBytes;
                FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
                FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
                // x[t..t+3, k..k+L) · w[o..o+3, k..k+L)
                for (int k = 0; k < kv; k += L) {
                    long kb = k * 4L;
                    FloatVector w0 = FloatVector.fromMemorySegment(F, w, r0 + kb, ORDER), w1 = FloatVector.fromMemorySegment(F, w, r1 + kb, ORDER);
                    FloatVector w2 = FloatVector.fromMemorySegment(F, w, r2 + kb, ORDER), w3 = FloatVector.fromMemorySegment(F, w, r3 + kb, ORDER);
                    FloatVector a = FloatVector.fromMemorySegment(F, x, x0 + kb, ORDER);
                    c00 = w0.fma(a, c00); c01 = w1.fma(a, c01); c02 = w2.fma(a, c02); c03 = w3.fma(a, c03);
                    a = FloatVector.fromMemorySegment(F, x, x1 + kb, ORDER);
                    c10 = w0.fma(a, c10); c11 = w1.fma(a, c11); c12 = w2.fma(a, c12); c13 = w3.fma(a, c13);
                    a = FloatVector.fromMemorySegment(F, x, x2 + kb, ORDER);
                    c20 = w0.fma(a, c20); c21 = w1.fma(a, c21); c22 = w2.fma(a, c22); c23 = w3.fma(a, c23);
                    a = FloatVector.fromMemorySegment(F, x, x3 + kb, ORDER);
                    c30 = w0.fma(a, c30); c31 = w1.fma(a, c31); c32 = w2.fma(a, c32); c33 = w3.fma(a, c33);
                }
                storeF32(y, out, t, o, x, w, in, kv, c00.reduceLanes(ADD), c01.reduceLanes(ADD), c02.reduceLanes(ADD), c03.reduceLanes(ADD));
                storeF32(y, out, t + 1, o, x, w, in, kv, c10.reduceLanes(ADD), c11.reduceLanes(ADD), c12.reduceLanes(ADD), c13.reduceLanes(ADD));
                storeF32(y, out, t + 2, o, x, w, in, kv, c20.reduceLanes(ADD), c21.reduceLanes(ADD), c22.reduceLanes(ADD), c23.reduceLanes(ADD));
                storeF32(y, out, t + 3, o, x, w, in, kv, c30.reduceLanes(ADD), c31.reduceLanes(ADD), c32.reduceLanes(ADD), c33.reduceLanes(ADD));
            }
            for (; t < rows; t++) MatVec.f32(x.asSlice((long) t * rowBytes, rowBytes), w, in, o, o + 4, y.asSlice((long) t * out * 4, (long) out * 4));
        }
        for (int t = 0; t < rows && o < o1; t++) MatVec.f32(x.asSlice((long) t * rowBytes, rowBytes), w, in, o, o1, y.asSlice((long) t * out * 4, (long) out * 4));
    }

    private static void storeF32(MemorySegment y, int out, int t, int o, MemorySegment x, MemorySegment w, int in, int kv,
                                 float s0, float s1, float s2, float s3) {
        long rowBytes = (long) in * 4, x0 = (long) t * rowBytes;
        for (int k = kv; k < in; k++) {
            float xk = x.get(F32, x0 + k * 4L);
            s0 += xk * w.get(F32, o * rowBytes + k * 4L);
            s1 += xk * w.get(F32, (o + 1) * rowBytes + k * 4L);
            s2 += xk * w.get(F32, (o + 2) * rowBytes + k * 4L);
            s3 += xk * w.get(F32, (o + 3) * rowBytes + k * 4L);
        }
        long at = ((long) t * out + o) * 4;
        y.set(F32, at, s0);
        y.set(F32, at + 4, s1);
        y.set(F32, at + 8, s2);
        y.set(F32, at + 12, s3);
    }

    // ---- Q8_0: w row o is D/32 blocks of 34 bytes (f16 scale d, 32 int8 q); value = d·q; x as it is ----

    /** y[t, o] for t < rows, o in [o0, o1). */
    static void q8(MemorySegment x, int rows, MemorySegment w, int in, int out, int o0, int o1, MemorySegment y) {
        int blocks = in / 32;
        long rowBytes = (long) blocks * 34;
        int o = o0;
        for (; o + 2 <= o1; o += 2) {
            long r0 = o * rowBytes, r1 = r0 + rowBytes;
            int t = 0;
            for (; t + 4 <= rows; t += 4) q8Tile4x2(x, t, w, in, out, o, r0, r1, y);
            for (; t < rows; t++) {
                MatVec.q8(x.asSlice((long) t * in * 4, (long) in * 4), w, in, o, o + 2, y.asSlice((long) t * out * 4, (long) out * 4));
            }
        }
        for (int t = 0; t < rows && o < o1; t++) {
            MatVec.q8(x.asSlice((long) t * in * 4, (long) in * 4), w, in, o, o1, y.asSlice((long) t * out * 4, (long) out * 4));
        }
    }

    /**
     * 4 activation rows × 2 weight rows. Each block's 32 int8 weights are converted and scaled by the block's d
     * once (2·32/L vectors per row), then shared by the 4 activation rows: 8 accumulators, no per-block sums.
     */
    private static void q8Tile4x2(MemorySegment x, int t, MemorySegment w, int in, int out, int o, long r0, long r1, MemorySegment y) {
        int blocks = in / 32;
        long xr = in * 4L, x0 = (long) t * xr, x1 = x0 + xr, x2 = x1 + xr, x3 = x2 + xr;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int b = 0; b < blocks; b++) {
            long blk = b * 34L, xb = b * 128L;
            FloatVector d0 = FloatVector.broadcast(F, WeightLanes.q8Scale(w, r0 + blk)), d1 = FloatVector.broadcast(F, WeightLanes.q8Scale(w, r1 + blk));
            for (int j = 0; j < 32; j += B.length()) {
                ByteVector q0 = ByteVector.fromMemorySegment(B, w, r0 + blk + 2 + j, ORDER), q1 = ByteVector.fromMemorySegment(B, w, r1 + blk + 2 + j, ORDER);
                // the part index must be a constant for the conversion to compile to vector code
                FloatVector w0 = ((FloatVector) q0.convertShape(B2F, F, 0)).mul(d0), w1 = ((FloatVector) q1.convertShape(B2F, F, 0)).mul(d1);
                long k = xb + j * 4L;
                FloatVector a = FloatVector.fromMemorySegment(F, x, x0 + k, ORDER);
                c00 = w0.fma(a, c00); c01 = w1.fma(a, c01);
                a = FloatVector.fromMemorySegment(F, x, x1 + k, ORDER);
                c10 = w0.fma(a, c10); c11 = w1.fma(a, c11);
                a = FloatVector.fromMemorySegment(F, x, x2 + k, ORDER);
                c20 = w0.fma(a, c20); c21 = w1.fma(a, c21);
                a = FloatVector.fromMemorySegment(F, x, x3 + k, ORDER);
                c30 = w0.fma(a, c30); c31 = w1.fma(a, c31);
                if (PARTS == 2) {
                    w0 = ((FloatVector) q0.convertShape(B2F, F, 1)).mul(d0);
                    w1 = ((FloatVector) q1.convertShape(B2F, F, 1)).mul(d1);
                    k += 4L * L;
                    a = FloatVector.fromMemorySegment(F, x, x0 + k, ORDER);
                    c00 = w0.fma(a, c00); c01 = w1.fma(a, c01);
                    a = FloatVector.fromMemorySegment(F, x, x1 + k, ORDER);
                    c10 = w0.fma(a, c10); c11 = w1.fma(a, c11);
                    a = FloatVector.fromMemorySegment(F, x, x2 + k, ORDER);
                    c20 = w0.fma(a, c20); c21 = w1.fma(a, c21);
                    a = FloatVector.fromMemorySegment(F, x, x3 + k, ORDER);
                    c30 = w0.fma(a, c30); c31 = w1.fma(a, c31);
                }
            }
        }
        long at = ((long) t * out + o) * 4, row = out * 4L;
        y.set(F32, at, c00.reduceLanes(ADD));
        y.set(F32, at + 4, c01.reduceLanes(ADD));
        y.set(F32, at + row, c10.reduceLanes(ADD));
        y.set(F32, at + row + 4, c11.reduceLanes(ADD));
        y.set(F32, at + 2 * row, c20.reduceLanes(ADD));
        y.set(F32, at + 2 * row + 4, c21.reduceLanes(ADD));
        y.set(F32, at + 3 * row, c30.reduceLanes(ADD));
        y.set(F32, at + 3 * row + 4, c31.reduceLanes(ADD));
    }
}
