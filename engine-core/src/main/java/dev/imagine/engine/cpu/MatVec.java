package dev.imagine.engine.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

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
import static dev.imagine.engine.cpu.WeightLanes.S;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.LSHL;

/**
 * Matrix-vector kernels for decoding one token: {@code x[D] · w[O,D]ᵀ → y[O]} over a range of output rows.
 * Every weight byte is read once, so these are bound by memory bandwidth: they convert weights in
 * registers (F16 through a small L1 buffer, see {@link #f16}) and walk several weight rows at a time (eight for
 * BF16, four for F32, F16 and Q8_0) so that each x vector load feeds several FMAs.
 *
 * <p>Usage: {@code MatVec.bf16(xp, w.data(), D, o0, o1, y);} with xp from {@link #pairActivations} (ranges come
 * from {@link Matmul})
 */
final class MatVec {
    private MatVec() {
    }

    // ---- F32: w row o at byte o·D·4 ----

    static void f32(MemorySegment x, MemorySegment w, int in, int o0, int o1, MemorySegment y) {
        int kv = in - in % L;
        long rowBytes = (long) in * 4;
        int o = o0;
        for (; o + 4 <= o1; o += 4) {
            long r0 = o * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < kv; k += L) {
                FloatVector xv = FloatVector.fromMemorySegment(F, x, k * 4L, ORDER);
                a0 = FloatVector.fromMemorySegment(F, w, r0 + k * 4L, ORDER).fma(xv, a0);
                a1 = FloatVector.fromMemorySegment(F, w, r1 + k * 4L, ORDER).fma(xv, a1);
                a2 = FloatVector.fromMemorySegment(F, w, r2 + k * 4L, ORDER).fma(xv, a2);
                a3 = FloatVector.fromMemorySegment(F, w, r3 + k * 4L, ORDER).fma(xv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (int k = kv; k < in; k++) {
                float xk = x.get(F32, k * 4L);
                s0 += xk * w.get(F32, r0 + k * 4L);
                s1 += xk * w.get(F32, r1 + k * 4L);
                s2 += xk * w.get(F32, r2 + k * 4L);
                s3 += xk * w.get(F32, r3 + k * 4L);
            }
            store4(y, o, s0, s1, s2, s3);
        }
        for (; o < o1; o++) {
            long r = o * rowBytes;
            FloatVector a = FloatVector.zero(F);
            for (int k = 0; k < kv; k += L) a = FloatVector.fromMemorySegment(F, w, r + k * 4L, ORDER).fma(FloatVector.fromMemorySegment(F, x, k * 4L, ORDER), a);
            float s = a.reduceLanes(VectorOperators.ADD);
            for (int k = kv; k < in; k++) s += x.get(F32, k * 4L) * w.get(F32, r + k * 4L);
            y.set(F32, o * 4L, s);
        }
    }

    // ---- BF16: w row o at byte o·D·2; x paired by pairActivations ----

    private static final int HIGH_HALF = 0xffff0000;

    /** Columns of a row covered by the paired vector loops of {@link #bf16}: D rounded down to a multiple of 2L. */
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

    /**
     * The row step s of a kernel that streams several weight rows at once: rows o, o+s, o+2s, ... lie in different
     * 4 KiB pages, so each page holds one stream. Two streams in one page defeat the hardware prefetcher, and the
     * prefetcher is the only way these loops overlap memory reads with arithmetic (Java has no prefetch
     * instruction). 1 for rows of a page or longer.
     */
    static int pageStride(long rowBytes) {
        return (int) Math.max(1, (4096 + rowBytes - 1) / rowBytes);
    }

    /**
     * BF16 rows, eight at a time. One 512-bit int load holds 2L bf16 values; within int lane i the low half is
     * element 2i and the high half element 2i+1, so {@code v << 16} is the even elements as f32 and
     * {@code v & 0xffff0000} the odd ones: two ALU ops per 2L weights instead of a widening conversion. xp is x from
     * {@link #pairActivations}, so one pair of x loads serves eight rows. Eight rows rather than four: fewer x
     * loads and loop instructions per weight byte, which is what bounds how far ahead of the data this loop runs
     * (measured 18.5 → 20.7 GB/s on two threads from DRAM).
     */
    static void bf16(MemorySegment xp, MemorySegment w, int in, int o0, int o1, MemorySegment y) {
        int kp = pairedColumns(in), step = 2 * L;
        long rowBytes = (long) in * 2;
        // the eight streams in eight pages (19.4 → 23.0 GB/s median on two threads at D = 1024), see pageStride
        int s = pageStride(rowBytes);
        int o = o0;
        for (; o + 8 * s <= o1; o += 8 * s) {
            for (int h = 0; h < s; h++) bf16x8(xp, w, kp, in, (o + h) * rowBytes, s * rowBytes, y, o + h, s);
        }
        for (; o + 8 <= o1; o += 8) bf16x8(xp, w, kp, in, o * rowBytes, rowBytes, y, o, 1);
        for (; o < o1; o++) { // the last rows of the range, one at a time
            long r = o * rowBytes;
            FloatVector a = FloatVector.zero(F);
            for (int k = 0; k < kp; k += step) {
                IntVector v = IntVector.fromMemorySegment(I, w, r + k * 2L, ByteOrder.LITTLE_ENDIAN);
                a = v.and(HIGH_HALF).reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F, xp, k * 4L + 4L * L, ORDER),
                        v.lanewise(LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromMemorySegment(F, xp, k * 4L, ORDER), a));
            }
            y.set(F32, o * 4L, a.reduceLanes(VectorOperators.ADD) + bf16Tail(xp, w, r, kp, in));
        }
    }

    /** Eight rows at byte offsets r0 + i·rs (i < 8) into y[o + i·os]. */
    private static void bf16x8(MemorySegment xp, MemorySegment w, int kp, int in, long r0, long rs, MemorySegment y, int o, int os) {
        long r1 = r0 + rs, r2 = r1 + rs, r3 = r2 + rs, r4 = r3 + rs, r5 = r4 + rs, r6 = r5 + rs, r7 = r6 + rs;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        // w[8 rows, kp] · xp[kp] → 8 vector sums
        for (int k = 0; k < kp; k += 2 * L) {
            FloatVector xe = FloatVector.fromMemorySegment(F, xp, k * 4L, ORDER), xo = FloatVector.fromMemorySegment(F, xp, k * 4L + 4L * L, ORDER);
            long kb = k * 2L;
            IntVector v0 = IntVector.fromMemorySegment(I, w, r0 + kb, ByteOrder.LITTLE_ENDIAN);
            IntVector v1 = IntVector.fromMemorySegment(I, w, r1 + kb, ByteOrder.LITTLE_ENDIAN);
            IntVector v2 = IntVector.fromMemorySegment(I, w, r2 + kb, ByteOrder.LITTLE_ENDIAN);
            IntVector v3 = IntVector.fromMemorySegment(I, w, r3 + kb, ByteOrder.LITTLE_ENDIAN);
            IntVector v4 = IntVector.fromMemorySegment(I, w, r4 + kb, ByteOrder.LITTLE_ENDIAN);
            IntVector v5 = IntVector.fromMemorySegment(I, w, r5 + kb, ByteOrder.LITTLE_ENDIAN);
            IntVector v6 = IntVector.fromMemorySegment(I, w, r6 + kb, ByteOrder.LITTLE_ENDIAN);
            IntVector v7 = IntVector.fromMemorySegment(I, w, r7 + kb, ByteOrder.LITTLE_ENDIAN);
            a0 = v0.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v0.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, a0));
            a1 = v1.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v1.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, a1));
            a2 = v2.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v2.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, a2));
            a3 = v3.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v3.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, a3));
            a4 = v4.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v4.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, a4));
            a5 = v5.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v5.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, a5));
            a6 = v6.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v6.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, a6));
            a7 = v7.and(HIGH_HALF).reinterpretAsFloats().fma(xo, v7.lanewise(LSHL, 16).reinterpretAsFloats().fma(xe, a7));
        }
        long at = o * 4L, ys = os * 4L;
        y.set(F32, at, a0.reduceLanes(VectorOperators.ADD) + bf16Tail(xp, w, r0, kp, in));
        y.set(F32, at + ys, a1.reduceLanes(VectorOperators.ADD) + bf16Tail(xp, w, r1, kp, in));
        y.set(F32, at + 2 * ys, a2.reduceLanes(VectorOperators.ADD) + bf16Tail(xp, w, r2, kp, in));
        y.set(F32, at + 3 * ys, a3.reduceLanes(VectorOperators.ADD) + bf16Tail(xp, w, r3, kp, in));
        y.set(F32, at + 4 * ys, a4.reduceLanes(VectorOperators.ADD) + bf16Tail(xp, w, r4, kp, in));
        y.set(F32, at + 5 * ys, a5.reduceLanes(VectorOperators.ADD) + bf16Tail(xp, w, r5, kp, in));
        y.set(F32, at + 6 * ys, a6.reduceLanes(VectorOperators.ADD) + bf16Tail(xp, w, r6, kp, in));
        y.set(F32, at + 7 * ys, a7.reduceLanes(VectorOperators.ADD) + bf16Tail(xp, w, r7, kp, in));
    }

    /** Σ over the unpaired tail columns [kp, D) of one row at byte offset r (zero for the usual widths). */
    private static float bf16Tail(MemorySegment xp, MemorySegment w, long r, int kp, int in) {
        float s = 0;
        for (int k = kp; k < in; k++) s += xp.get(F32, k * 4L) * Float.intBitsToFloat((w.get(I16, r + k * 2L) & 0xffff) << 16);
        return s;
    }

    // ---- F16: w row o at byte o·D·2 ----

    /** Columns of the four rows converted per pass of {@link #f16}: 4 × 1 KiB of f32, in L1 with x. */
    private static final int F16_CHUNK = 256;
    private static final ThreadLocal<float[]> F16_ROWS = ThreadLocal.withInitial(() -> new float[4 * F16_CHUNK]);

    /**
     * F16 rows, four at a time (a page apart, as in {@link #bf16}), {@link #F16_CHUNK} columns per pass: the four
     * row pieces are converted into an L1 buffer by {@link #halvesToFloats}, then one x load serves four f32 FMAs.
     * The Vector API has no half-float conversion. Spelled out in integer and float ops (exponent shift, a multiply
     * by 2^112, a blend for Inf/NaN) it cost seven vector instructions per 16 weights: that kernel ran at 9-10 GB/s on
     * two threads, and at about 1.2 GB/s when one weight in 15 was subnormal, because the multiply then took a
     * microcode assist. This one runs at 12-15 GB/s whatever the values.
     */
    static void f16(MemorySegment x, MemorySegment w, int in, int o0, int o1, MemorySegment y) {
        long rowBytes = (long) in * 2;
        int s = pageStride(rowBytes);
        float[] rows = F16_ROWS.get();
        int o = o0;
        for (; o + 4 * s <= o1; o += 4 * s) {
            for (int h = 0; h < s; h++) f16x4(x, w, in, (o + h) * rowBytes, s * rowBytes, y, o + h, s, rows);
        }
        for (; o + 4 <= o1; o += 4) f16x4(x, w, in, o * rowBytes, rowBytes, y, o, 1, rows);
        for (; o < o1; o++) { // the last rows of the range, one at a time
            long r = o * rowBytes;
            float sum = 0;
            for (int k0 = 0; k0 < in; k0 += F16_CHUNK) {
                int n = Math.min(F16_CHUNK, in - k0), nv = n - n % L;
                halvesToFloats(w, r + k0 * 2L, rows, 0, n);
                FloatVector a = FloatVector.zero(F);
                for (int k = 0; k < nv; k += L) a = FloatVector.fromArray(F, rows, k).fma(FloatVector.fromMemorySegment(F, x, (k0 + k) * 4L, ORDER), a);
                sum += a.reduceLanes(VectorOperators.ADD);
                for (int k = nv; k < n; k++) sum += rows[k] * x.get(F32, (k0 + k) * 4L);
            }
            y.set(F32, o * 4L, sum);
        }
    }

    /** Four F16 rows at byte offsets r0 + i·rs (i < 4) into y[o + i·os]; rows is the per-thread buffer. */
    private static void f16x4(MemorySegment x, MemorySegment w, int in, long r0, long rs, MemorySegment y, int o, int os, float[] rows) {
        final int c = F16_CHUNK;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int k0 = 0; k0 < in; k0 += c) {
            int n = Math.min(c, in - k0), nv = n - n % L;
            long q0 = r0 + k0 * 2L, q1 = q0 + rs, q2 = q1 + rs, q3 = q2 + rs;
            for (int k = 0; k < n; k++) {
                rows[k] = Float.float16ToFloat(w.get(I16, q0 + k * 2L));
                rows[c + k] = Float.float16ToFloat(w.get(I16, q1 + k * 2L));
                rows[2 * c + k] = Float.float16ToFloat(w.get(I16, q2 + k * 2L));
                rows[3 * c + k] = Float.float16ToFloat(w.get(I16, q3 + k * 2L));
            }
            // rows[4, n] · x[k0, k0 + n) → 4 sums
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < nv; k += L) {
                FloatVector xv = FloatVector.fromMemorySegment(F, x, (k0 + k) * 4L, ORDER);
                a0 = FloatVector.fromArray(F, rows, k).fma(xv, a0);
                a1 = FloatVector.fromArray(F, rows, c + k).fma(xv, a1);
                a2 = FloatVector.fromArray(F, rows, 2 * c + k).fma(xv, a2);
                a3 = FloatVector.fromArray(F, rows, 3 * c + k).fma(xv, a3);
            }
            s0 += a0.reduceLanes(VectorOperators.ADD);
            s1 += a1.reduceLanes(VectorOperators.ADD);
            s2 += a2.reduceLanes(VectorOperators.ADD);
            s3 += a3.reduceLanes(VectorOperators.ADD);
            for (int k = nv; k < n; k++) {
                float xk = x.get(F32, (k0 + k) * 4L);
                s0 += rows[k] * xk;
                s1 += rows[c + k] * xk;
                s2 += rows[2 * c + k] * xk;
                s3 += rows[3 * c + k] * xk;
            }
        }
        long at = o * 4L, ys = os * 4L;
        y.set(F32, at, s0);
        y.set(F32, at + ys, s1);
        y.set(F32, at + 2 * ys, s2);
        y.set(F32, at + 3 * ys, s3);
    }

    /**
     * n f16 values from byte offset r of w as f32 into dst[at..]. A plain loop on purpose: C2 vectorizes
     * {@code Float.float16ToFloat} over it into the hardware conversion ({@code vcvtph2ps}, 16 values per
     * instruction where the CPU has F16C or AVX-512), about 30 values per ns from L1 here; where it cannot, the loop
     * is still exact, only slower.
     */
    static void halvesToFloats(MemorySegment w, long r, float[] dst, int at, int n) {
        for (int k = 0; k < n; k++) dst[at + k] = Float.float16ToFloat(w.get(I16, r + k * 2L));
    }

    // ---- Q8_0: w row o is D/32 blocks of 34 bytes (f16 scale d, 32 int8 q); value = d·q ----


    /**
     * Q8_0 rows, four at a time, read straight from w. Rows shorter than 4 KiB are taken every s-th row, so each
     * 4 KiB page holds one of the four streams and the hardware prefetcher runs ahead of all of them while the loop
     * converts (as in {@link #bf16}). Copying each 4-row group to L1 first and widening its scales there was 12-37 %
     * slower (one thread from DRAM, alternated runs): on this machine a copy-then-compute kernel takes the copy's time
     * plus the compute's.
     */
    static void q8(float[] x, MemorySegment w, int in, int o0, int o1, MemorySegment y) {
        long rowBytes = (long) in / 32 * 34;
        int stride = pageStride(rowBytes);
        int o = o0;
        for (; o + 4 * stride <= o1; o += 4 * stride) {
            for (int h = 0; h < stride; h++) q8x4(x, w, rowBytes, (o + h) * rowBytes, stride * rowBytes, y, o + h, stride);
        }
        for (; o + 4 <= o1; o += 4) q8x4(x, w, rowBytes, o * rowBytes, rowBytes, y, o, 1);
        for (; o < o1; o++) {
            MemorySegment p = w.asSlice(o * rowBytes, rowBytes);
            FloatVector a = FloatVector.zero(F);
            int xb = 0;
            for (long blk = 0; blk < rowBytes; blk += 34, xb += 32) {
                FloatVector s = FloatVector.zero(F);
                for (int j = 0; j < 32; j += B.length()) {
                    ByteVector q = ByteVector.fromMemorySegment(B, p, blk + 2 + j, ORDER);
                    s = ((FloatVector) q.convertShape(B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + j), s);
                    if (PARTS == 2) s = ((FloatVector) q.convertShape(B2F, F, 1)).fma(FloatVector.fromArray(F, x, xb + j + L), s);
                }
                a = s.fma(FloatVector.broadcast(F, WeightLanes.q8Scale(p, blk)), a);
            }
            y.set(F32, o * 4L, a.reduceLanes(VectorOperators.ADD));
        }
    }

    /**
     * Four Q8_0 rows at byte offsets r0 + i·rs (i < 4) into y[o + i·os]. Each row is a slice read under a long
     * counter and x is a heap array under an int one: C2 then checks each slice's bounds once, not every load.
     * Indexing w itself at r0 + b·34 from an int b kept a check per load and spilled the row offsets; this form
     * measured +49 % from L2 and +24 % from DRAM (one thread, 1024 × 1024, alternated runs).
     */
    private static void q8x4(float[] x, MemorySegment w, long rowBytes, long r0, long rs, MemorySegment y, int o, int os) {
        MemorySegment p0 = w.asSlice(r0, rowBytes), p1 = w.asSlice(r0 + rs, rowBytes);
        MemorySegment p2 = w.asSlice(r0 + 2 * rs, rowBytes), p3 = w.asSlice(r0 + 3 * rs, rowBytes);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int xb = 0;
        for (long blk = 0; blk < rowBytes; blk += 34, xb += 32) {
            // Σ x·q within the block per row, then scaled once: a += d · Σ x·q
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (int j = 0; j < 32; j += B.length()) {
                long at = blk + 2 + j;
                ByteVector q0 = ByteVector.fromMemorySegment(B, p0, at, ORDER), q1 = ByteVector.fromMemorySegment(B, p1, at, ORDER);
                ByteVector q2 = ByteVector.fromMemorySegment(B, p2, at, ORDER), q3 = ByteVector.fromMemorySegment(B, p3, at, ORDER);
                // the part index must be a constant for the conversion to compile to vector code
                FloatVector xv = FloatVector.fromArray(F, x, xb + j);
                s0 = ((FloatVector) q0.convertShape(B2F, F, 0)).fma(xv, s0);
                s1 = ((FloatVector) q1.convertShape(B2F, F, 0)).fma(xv, s1);
                s2 = ((FloatVector) q2.convertShape(B2F, F, 0)).fma(xv, s2);
                s3 = ((FloatVector) q3.convertShape(B2F, F, 0)).fma(xv, s3);
                if (PARTS == 2) {
                    xv = FloatVector.fromArray(F, x, xb + j + L);
                    s0 = ((FloatVector) q0.convertShape(B2F, F, 1)).fma(xv, s0);
                    s1 = ((FloatVector) q1.convertShape(B2F, F, 1)).fma(xv, s1);
                    s2 = ((FloatVector) q2.convertShape(B2F, F, 1)).fma(xv, s2);
                    s3 = ((FloatVector) q3.convertShape(B2F, F, 1)).fma(xv, s3);
                }
            }
            a0 = s0.fma(FloatVector.broadcast(F, WeightLanes.q8Scale(p0, blk)), a0);
            a1 = s1.fma(FloatVector.broadcast(F, WeightLanes.q8Scale(p1, blk)), a1);
            a2 = s2.fma(FloatVector.broadcast(F, WeightLanes.q8Scale(p2, blk)), a2);
            a3 = s3.fma(FloatVector.broadcast(F, WeightLanes.q8Scale(p3, blk)), a3);
        }
        long at = o * 4L, ys = os * 4L;
        y.set(F32, at, a0.reduceLanes(VectorOperators.ADD));
        y.set(F32, at + ys, a1.reduceLanes(VectorOperators.ADD));
        y.set(F32, at + 2 * ys, a2.reduceLanes(VectorOperators.ADD));
        y.set(F32, at + 3 * ys, a3.reduceLanes(VectorOperators.ADD));
    }

    private static void store4(MemorySegment y, int o, float s0, float s1, float s2, float s3) {
        long at = o * 4L;
        y.set(F32, at, s0);
        y.set(F32, at + 4, s1);
        y.set(F32, at + 8, s2);
        y.set(F32, at + 12, s3);
    }
}
