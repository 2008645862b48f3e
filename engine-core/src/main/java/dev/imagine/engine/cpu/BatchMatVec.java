package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.imagine.engine.cpu.WeightLanes.B;
import static dev.imagine.engine.cpu.WeightLanes.F;
import static dev.imagine.engine.cpu.WeightLanes.F32;
import static dev.imagine.engine.cpu.WeightLanes.I;
import static dev.imagine.engine.cpu.WeightLanes.L;
import static dev.imagine.engine.cpu.WeightLanes.ORDER;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.LSHL;

/**
 * Matrix times a few vectors, for batched decoding: {@code x[T,D] · w[O,D]ᵀ → y[T,O]} for small T (2 to
 * {@link Matmul#SMALL_ROWS}). Weights are read from memory once per call. Three paths:
 * <ul>
 *   <li>BF16 ({@link #bf16}): rows stay bf16 pairs and are converted in registers; each pair of weight rows meets
 *       up to eight activation rows at once, so one conversion feeds eight rows' FMAs. The rows are streamed
 *       straight from w, two streams in two different pages; the activations are interleaved per tile of 8 rows
 *       ({@link #interleave}).</li>
 *   <li>Q8_0 ({@link #q8}): the same pairs of streamed rows and tiles of eight activation rows; each block of 32 is
 *       converted and scaled once for all of them.</li>
 *   <li>F16 and F32 ({@link #multiply}): {@link #GROUP} contiguous rows are copied into a per-thread buffer and
 *       converted to f32 once, then each 4-row tile of activations runs a 4 × 4 block of dot products over them,
 *       {@link #KB} columns at a time so that the activations and weights in use stay in L1; partial sums live in a
 *       small array between column blocks.</li>
 * </ul>
 * In all three, activations (and in the third, converted rows) are heap arrays indexed by int; in the third, rows
 * are {@link Matmul#padded} floats apart. The JIT
 * removes their bounds checks from the loops (over a memory segment at a long offset plus an int counter it did
 * not, and the checks cost more than the arithmetic; the BF16 and Q8_0 tiles therefore read each weight row as a
 * slice under a long counter, which it does check once), and rows a power of two apart would share L1 sets.
 *
 * <p>Measured (2 threads, weights from DRAM, 8 rows, JMH over the four benchmark shapes): BF16 8-11 GB/s of weights
 * (65-86 GFLOP/s), Q8_0 4-6.4 GB/s (57-96 GFLOP/s).
 * On one thread this machine's kernels take about their memory time plus their compute time (see
 * bench/RESULTS.md), so the arithmetic per weight byte (8 FLOP at 8 rows) bounds how close this gets to the
 * bandwidth.
 *
 * <p>Usage: {@code BatchMatVec.interleave(xa, ld, T, D, false, xi); BatchMatVec.q8(xi, T, w.data(), D, O, o0, o1, y);}
 * or {@code BatchMatVec.multiply(xa, ld, T, w.dtype(), w.data(), D, O, o0, o1, y);} (xa: x copied to the heap, rows
 * ld apart)
 */
final class BatchMatVec {
    /** Weight rows converted together. */
    static final int GROUP = 4;
    /** Columns per block: 16 rows of x (64 KiB at most) would not fit L1 at D = 1024; 16 × 512 floats + the group's 4 × 512 do. */
    static final int KB = 512;

    /** Per-thread scratch: the converted group, then the partial sums (16 vectors per 4-row tile). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[0]});

    private static final ThreadLocal<RawRows> RAW = ThreadLocal.withInitial(RawRows::new);

    /** A per-thread native buffer for one group's weight rows as stored. */
    private static final class RawRows {
        private MemorySegment segment = MemorySegment.NULL;

        MemorySegment ensure(long bytes) {
            if (segment.byteSize() < bytes) segment = java.lang.foreign.Arena.ofAuto().allocate(bytes, 64);
            return segment;
        }
    }

    private BatchMatVec() {
    }

    /** Activation rows per tile of the BF16 and Q8_0 kernels. */
    static final int TILE = 8;

    /** Floats of {@link #interleave}'s output for this many rows of D columns. */
    static int interleavedFloats(int rows, int in) {
        return Math.multiplyExact((rows + TILE - 1) / TILE, TILE * in);
    }

    /**
     * x[T, D] (heap, rows ld apart) → xi, the layout the BF16 and Q8_0 tiles read: tiles of {@link #TILE} rows, in a
     * tile one chunk of L columns of all its rows after another, {@code xi[tile·8D + (k/L)·8L + slot·L + k%L]}.
     * A tile's eight loads per chunk then sit at constant offsets from one index: with eight row offsets the
     * loop ran out of registers and spilled (BF16 at 8 rows, one thread, weights in L3: 54-58 → 95-108 GFLOP/s
     * together with {@link #bf16}'s long loop over row slices). Slots past the last row are zero. Paired (BF16):
     * per 2L columns, the L even ones as the first chunk and the L odd ones as the second, matching the lanes of
     * an int load of bf16 pairs (see {@link MatVec#bf16}).
     */
    static void interleave(float[] x, int ld, int rows, int in, boolean paired, float[] xi) {
        for (int t0 = 0; t0 < rows; t0 += TILE) {
            int base = t0 * in;
            for (int slot = 0; slot < TILE; slot++) {
                int t = t0 + slot;
                for (int c = 0; c < in / L; c++) {
                    int at = base + c * TILE * L + slot * L;
                    if (t >= rows) {
                        java.util.Arrays.fill(xi, at, at + L, 0f);
                    } else if (paired) {
                        int k = c / 2 * 2 * L, odd = c % 2, row = t * ld;
                        for (int i = 0; i < L; i++) xi[at + i] = x[row + k + 2 * i + odd];
                    } else {
                        System.arraycopy(x, t * ld + c * L, xi, at, L);
                    }
                }
            }
        }
    }

    /** Whether BF16 weights of this width take the paired path ({@link #bf16}); else they are converted like other types. */
    static boolean paired(DType type, int in) {
        return type == DType.BF16 && in % (2 * L) == 0;
    }

    /**
     * BF16 rows as bf16 pairs, converted in registers: each pair of weight rows meets up to eight activation rows at
     * once (16 accumulators), so every conversion feeds eight rows' FMAs. Per 2L columns: 2 int loads, 4
     * conversions, 16 activation loads, 32 FMAs. The weight rows are read straight from w, and a pair is two rows
     * in different 4 KiB pages (rows o and o+s for rows shorter than a page, as in {@link MatVec#bf16}): the
     * hardware prefetcher then runs ahead of both streams while the tile computes. Copying each group to the heap
     * first, then computing, serialized the memory time and the arithmetic (measured at 8 rows, D = 1024, two
     * threads from DRAM: 7.5-10.8 → 10.1-12.5 GB/s of weights over three alternated rounds; at 2 and 4 rows
     * +25-40 %). The tiles loop over a slice of each weight row with a long counter: then C2 checks the slice's
     * bounds once, not on every load. xi from {@link #interleave} (paired).
     */
    static void bf16(float[] xi, int rows, MemorySegment w, int in, int out, int o0, int o1, MemorySegment y) {
        long rowBytes = (long) in * 2;
        int s = MatVec.pageStride(rowBytes);
        int o = o0;
        for (; o + 2 * s <= o1; o += 2 * s) {
            for (int h = 0; h < s; h++) {
                int a = o + h, b = a + s;
                pairTiles(xi, rows, w, a * rowBytes, b * rowBytes, in, y, out, a, b);
            }
        }
        for (; o < o1; o += 2) { // the last rows of the range: neighbours, or one row alone
            int b = Math.min(o + 1, o1 - 1);
            pairTiles(xi, rows, w, o * rowBytes, b * rowBytes, in, y, out, o, b);
        }
    }

    /** All activation rows against the weight rows at r0 and r1: tiles of 8, and a tile of 4 for a rest of 1-4 rows. */
    private static void pairTiles(float[] xi, int rows, MemorySegment w, long r0, long r1, int in, MemorySegment y, int out, int o0, int o1) {
        int t = 0;
        for (; rows - t > 4; t += TILE) pairTile(xi, t * in, t, Math.min(TILE, rows - t), w, r0, r1, in, y, out, o0, o1);
        if (t < rows) pairTile4(xi, t * in, t, rows - t, w, r0, r1, in, y, out, o0, o1);
    }

    /** {@link #pairTile} for up to 4 activation rows: half the FMAs per weight byte when only a few sequences run. */
    private static void pairTile4(float[] xi, int xk, int t, int m, MemorySegment w, long r0, long r1, int in, MemorySegment y, int out, int o0, int o1) {
        long bytes = in * 2L;
        MemorySegment p = w.asSlice(r0, bytes), q = w.asSlice(r1, bytes);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (long k = 0; k < bytes; k += 4L * L, xk += 2 * TILE * L) {
            IntVector u = IntVector.fromMemorySegment(I, p, k, ByteOrder.LITTLE_ENDIAN);
            IntVector v = IntVector.fromMemorySegment(I, q, k, ByteOrder.LITTLE_ENDIAN);
            FloatVector ue = u.lanewise(LSHL, 16).reinterpretAsFloats(), uo = u.and(HIGH_HALF).reinterpretAsFloats();
            FloatVector ve = v.lanewise(LSHL, 16).reinterpretAsFloats(), vo = v.and(HIGH_HALF).reinterpretAsFloats();
            int odd = xk + TILE * L; // the odd columns' chunk
            FloatVector xe = FloatVector.fromArray(F, xi, xk), xo = FloatVector.fromArray(F, xi, odd);
            a0 = uo.fma(xo, ue.fma(xe, a0)); b0 = vo.fma(xo, ve.fma(xe, b0));
            xe = FloatVector.fromArray(F, xi, xk + L); xo = FloatVector.fromArray(F, xi, odd + L);
            a1 = uo.fma(xo, ue.fma(xe, a1)); b1 = vo.fma(xo, ve.fma(xe, b1));
            xe = FloatVector.fromArray(F, xi, xk + 2 * L); xo = FloatVector.fromArray(F, xi, odd + 2 * L);
            a2 = uo.fma(xo, ue.fma(xe, a2)); b2 = vo.fma(xo, ve.fma(xe, b2));
            xe = FloatVector.fromArray(F, xi, xk + 3 * L); xo = FloatVector.fromArray(F, xi, odd + 3 * L);
            a3 = uo.fma(xo, ue.fma(xe, a3)); b3 = vo.fma(xo, ve.fma(xe, b3));
        }
        boolean two = o1 != o0;
        long at0 = ((long) t * out + o0) * 4, at1 = ((long) t * out + o1) * 4, row = out * 4L;
        y.set(F32, at0, a0.reduceLanes(ADD)); if (two) y.set(F32, at1, b0.reduceLanes(ADD));
        if (m > 1) { y.set(F32, at0 + row, a1.reduceLanes(ADD)); if (two) y.set(F32, at1 + row, b1.reduceLanes(ADD)); }
        if (m > 2) { y.set(F32, at0 + 2 * row, a2.reduceLanes(ADD)); if (two) y.set(F32, at1 + 2 * row, b2.reduceLanes(ADD)); }
        if (m > 3) { y.set(F32, at0 + 3 * row, a3.reduceLanes(ADD)); if (two) y.set(F32, at1 + 3 * row, b3.reduceLanes(ADD)); }
    }

    /**
     * Up to 8 activation rows t..t+m (their tile in xi from xk; slots past m are zero) × the weight rows at byte offsets r0 and r1 of w
     * → y[t..t+m, o0] and y[t..t+m, o1] (one row alone when o0 = o1).
     */
    private static void pairTile(float[] xi, int xk, int t, int m, MemorySegment w, long r0, long r1, int in, MemorySegment y, int out, int o0, int o1) {
        long bytes = in * 2L;
        MemorySegment p = w.asSlice(r0, bytes), q = w.asSlice(r1, bytes);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        for (long k = 0; k < bytes; k += 4L * L, xk += 2 * TILE * L) {
            // w[o0], w[o1] at columns 2L·(k/4L) .. +2L as even and odd lanes, against the tile's rows at those columns
            IntVector u = IntVector.fromMemorySegment(I, p, k, ByteOrder.LITTLE_ENDIAN);
            IntVector v = IntVector.fromMemorySegment(I, q, k, ByteOrder.LITTLE_ENDIAN);
            FloatVector ue = u.lanewise(LSHL, 16).reinterpretAsFloats(), uo = u.and(HIGH_HALF).reinterpretAsFloats();
            FloatVector ve = v.lanewise(LSHL, 16).reinterpretAsFloats(), vo = v.and(HIGH_HALF).reinterpretAsFloats();
            int odd = xk + TILE * L; // the odd columns' chunk
            FloatVector xe = FloatVector.fromArray(F, xi, xk), xo = FloatVector.fromArray(F, xi, odd);
            a0 = uo.fma(xo, ue.fma(xe, a0)); b0 = vo.fma(xo, ve.fma(xe, b0));
            xe = FloatVector.fromArray(F, xi, xk + L); xo = FloatVector.fromArray(F, xi, odd + L);
            a1 = uo.fma(xo, ue.fma(xe, a1)); b1 = vo.fma(xo, ve.fma(xe, b1));
            xe = FloatVector.fromArray(F, xi, xk + 2 * L); xo = FloatVector.fromArray(F, xi, odd + 2 * L);
            a2 = uo.fma(xo, ue.fma(xe, a2)); b2 = vo.fma(xo, ve.fma(xe, b2));
            xe = FloatVector.fromArray(F, xi, xk + 3 * L); xo = FloatVector.fromArray(F, xi, odd + 3 * L);
            a3 = uo.fma(xo, ue.fma(xe, a3)); b3 = vo.fma(xo, ve.fma(xe, b3));
            xe = FloatVector.fromArray(F, xi, xk + 4 * L); xo = FloatVector.fromArray(F, xi, odd + 4 * L);
            a4 = uo.fma(xo, ue.fma(xe, a4)); b4 = vo.fma(xo, ve.fma(xe, b4));
            xe = FloatVector.fromArray(F, xi, xk + 5 * L); xo = FloatVector.fromArray(F, xi, odd + 5 * L);
            a5 = uo.fma(xo, ue.fma(xe, a5)); b5 = vo.fma(xo, ve.fma(xe, b5));
            xe = FloatVector.fromArray(F, xi, xk + 6 * L); xo = FloatVector.fromArray(F, xi, odd + 6 * L);
            a6 = uo.fma(xo, ue.fma(xe, a6)); b6 = vo.fma(xo, ve.fma(xe, b6));
            xe = FloatVector.fromArray(F, xi, xk + 7 * L); xo = FloatVector.fromArray(F, xi, odd + 7 * L);
            a7 = uo.fma(xo, ue.fma(xe, a7)); b7 = vo.fma(xo, ve.fma(xe, b7));
        }
        // (no arrays of vectors here: they would put every vector on the heap)
        boolean two = o1 != o0;
        long at0 = ((long) t * out + o0) * 4, at1 = ((long) t * out + o1) * 4, row = out * 4L;
        y.set(F32, at0, a0.reduceLanes(ADD)); if (two) y.set(F32, at1, b0.reduceLanes(ADD));
        if (m > 1) { y.set(F32, at0 + row, a1.reduceLanes(ADD)); if (two) y.set(F32, at1 + row, b1.reduceLanes(ADD)); }
        if (m > 2) { y.set(F32, at0 + 2 * row, a2.reduceLanes(ADD)); if (two) y.set(F32, at1 + 2 * row, b2.reduceLanes(ADD)); }
        if (m > 3) { y.set(F32, at0 + 3 * row, a3.reduceLanes(ADD)); if (two) y.set(F32, at1 + 3 * row, b3.reduceLanes(ADD)); }
        if (m > 4) { y.set(F32, at0 + 4 * row, a4.reduceLanes(ADD)); if (two) y.set(F32, at1 + 4 * row, b4.reduceLanes(ADD)); }
        if (m > 5) { y.set(F32, at0 + 5 * row, a5.reduceLanes(ADD)); if (two) y.set(F32, at1 + 5 * row, b5.reduceLanes(ADD)); }
        if (m > 6) { y.set(F32, at0 + 6 * row, a6.reduceLanes(ADD)); if (two) y.set(F32, at1 + 6 * row, b6.reduceLanes(ADD)); }
        if (m > 7) { y.set(F32, at0 + 7 * row, a7.reduceLanes(ADD)); if (two) y.set(F32, at1 + 7 * row, b7.reduceLanes(ADD)); }
    }

    /**
     * Q8_0 rows, the same way as {@link #bf16}: each pair of weight rows (two streams in two pages, read straight
     * from w) meets up to eight activation rows, and each block of 32 int8 values is converted and scaled once
     * for all of them. Per block: 4 byte loads, 4 conversions, 4 scalings, 16 activation loads, 32 FMAs. Copying
     * the rows to the heap, converting them to f32 there and running 4 × 4 tiles (what {@link #multiply} does) took
     * the copy's time plus a conversion pass on top of the arithmetic. xi from {@link #interleave} (not paired).
     */
    static void q8(float[] xi, int rows, MemorySegment w, int in, int out, int o0, int o1, MemorySegment y) {
        long rowBytes = (long) in / 32 * 34;
        int s = MatVec.pageStride(rowBytes);
        int o = o0;
        for (; o + 2 * s <= o1; o += 2 * s) {
            for (int h = 0; h < s; h++) {
                int a = o + h, b = a + s;
                for (int t = 0; t < rows; t += TILE) {
                    q8Tile(xi, t * in, t, Math.min(TILE, rows - t), w, a * rowBytes, b * rowBytes, rowBytes, y, out, a, b);
                }
            }
        }
        for (; o < o1; o += 2) { // the last rows of the range: neighbours, or one row alone
            int b = Math.min(o + 1, o1 - 1);
            for (int t = 0; t < rows; t += TILE) {
                q8Tile(xi, t * in, t, Math.min(TILE, rows - t), w, o * rowBytes, b * rowBytes, rowBytes, y, out, o, b);
            }
        }
    }

    /**
     * Up to 8 activation rows t..t+m (their tile in xi from xk) × the Q8_0 rows at byte offsets r0 and r1 of w → y[t..t+m, o0] and
     * y[t..t+m, o1] (one row alone when o0 = o1).
     */
    private static void q8Tile(float[] xi, int xk, int t, int m, MemorySegment w, long r0, long r1, long bytes, MemorySegment y, int out, int o0, int o1) {
        MemorySegment p = w.asSlice(r0, bytes), q = w.asSlice(r1, bytes);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        for (long blk = 0; blk < bytes; blk += 34) {
            FloatVector d0 = FloatVector.broadcast(F, WeightLanes.q8Scale(p, blk)), d1 = FloatVector.broadcast(F, WeightLanes.q8Scale(q, blk));
            for (int j = 0; j < 32; j += L, xk += TILE * L) {
                // d·q of both rows for the block's columns j .. j+L, against the tile's rows at those columns
                // part: which L-lane quarter/half of the B-byte load these columns are (0 unless B holds more
                // than L bytes); each convertShape call gets it as a literal, which it needs to compile to vector code
                int part = j % B.length() / L;
                ByteVector q0 = ByteVector.fromMemorySegment(B, p, blk + 2 + j - part * L, ORDER);
                ByteVector q1 = ByteVector.fromMemorySegment(B, q, blk + 2 + j - part * L, ORDER);
                FloatVector u = (part == 0 ? (FloatVector) q0.convertShape(B2F, F, 0) : (FloatVector) q0.convertShape(B2F, F, 1)).mul(d0);
                FloatVector v = (part == 0 ? (FloatVector) q1.convertShape(B2F, F, 0) : (FloatVector) q1.convertShape(B2F, F, 1)).mul(d1);
                FloatVector x = FloatVector.fromArray(F, xi, xk);
                a0 = u.fma(x, a0); b0 = v.fma(x, b0);
                x = FloatVector.fromArray(F, xi, xk + L); a1 = u.fma(x, a1); b1 = v.fma(x, b1);
                x = FloatVector.fromArray(F, xi, xk + 2 * L); a2 = u.fma(x, a2); b2 = v.fma(x, b2);
                x = FloatVector.fromArray(F, xi, xk + 3 * L); a3 = u.fma(x, a3); b3 = v.fma(x, b3);
                x = FloatVector.fromArray(F, xi, xk + 4 * L); a4 = u.fma(x, a4); b4 = v.fma(x, b4);
                x = FloatVector.fromArray(F, xi, xk + 5 * L); a5 = u.fma(x, a5); b5 = v.fma(x, b5);
                x = FloatVector.fromArray(F, xi, xk + 6 * L); a6 = u.fma(x, a6); b6 = v.fma(x, b6);
                x = FloatVector.fromArray(F, xi, xk + 7 * L); a7 = u.fma(x, a7); b7 = v.fma(x, b7);
            }
        }
        // (no arrays of vectors here: they would put every vector on the heap)
        boolean two = o1 != o0;
        long at0 = ((long) t * out + o0) * 4, at1 = ((long) t * out + o1) * 4, row = out * 4L;
        y.set(F32, at0, a0.reduceLanes(ADD)); if (two) y.set(F32, at1, b0.reduceLanes(ADD));
        if (m > 1) { y.set(F32, at0 + row, a1.reduceLanes(ADD)); if (two) y.set(F32, at1 + row, b1.reduceLanes(ADD)); }
        if (m > 2) { y.set(F32, at0 + 2 * row, a2.reduceLanes(ADD)); if (two) y.set(F32, at1 + 2 * row, b2.reduceLanes(ADD)); }
        if (m > 3) { y.set(F32, at0 + 3 * row, a3.reduceLanes(ADD)); if (two) y.set(F32, at1 + 3 * row, b3.reduceLanes(ADD)); }
        if (m > 4) { y.set(F32, at0 + 4 * row, a4.reduceLanes(ADD)); if (two) y.set(F32, at1 + 4 * row, b4.reduceLanes(ADD)); }
        if (m > 5) { y.set(F32, at0 + 5 * row, a5.reduceLanes(ADD)); if (two) y.set(F32, at1 + 5 * row, b5.reduceLanes(ADD)); }
        if (m > 6) { y.set(F32, at0 + 6 * row, a6.reduceLanes(ADD)); if (two) y.set(F32, at1 + 6 * row, b6.reduceLanes(ADD)); }
        if (m > 7) { y.set(F32, at0 + 7 * row, a7.reduceLanes(ADD)); if (two) y.set(F32, at1 + 7 * row, b7.reduceLanes(ADD)); }
    }

    private static final int HIGH_HALF = 0xffff0000;

    /** y[t, o] for t < rows, o in [o0, o1), weights of any dtype; xa[t·ld + k] = x[t, k] with ld = {@link Matmul#padded}(D). */
    static void multiply(float[] xa, int ld, int rows, DType type, MemorySegment w, int in, int out, int o0, int o1, MemorySegment y) {
        float[][] s = SCRATCH.get();
        int tiles = (rows + 3) / 4, sums = tiles * 16 * L;
        if (s[0].length < GROUP * ld) s[0] = new float[GROUP * ld];
        if (s[1].length < sums) s[1] = new float[sums];
        float[] wp = s[0], acc = s[1];
        int kv = in - in % L;
        long rowBytes = type.bytes(in);
        MemorySegment raw = RAW.get().ensure(GROUP * rowBytes);
        for (int o = o0; o < o1; o += GROUP) {
            int n = Math.min(GROUP, o1 - o);
            // the group's rows are contiguous: one plain copy streams them from memory (converting straight from DRAM
            // ran slower than the copy), then w[o..o+n, :] → wp[r·ld + k] from L1, rows past n zero
            MemorySegment.copy(w, o * rowBytes, raw, 0, n * rowBytes);
            for (int r = 0; r < GROUP; r++) {
                if (r < n) Gemm.convertRow(type, raw, in, r, 0, in, wp, r * ld);
                else java.util.Arrays.fill(wp, r * ld, r * ld + in, 0f);
            }
            java.util.Arrays.fill(acc, 0, sums, 0f);
            for (int k0 = 0; k0 < kv; k0 += KB) {
                int k1 = Math.min(kv, k0 + KB);
                int t = 0;
                for (; t + 4 <= rows; t += 4) tile4x4(xa, t, wp, ld, k0, k1, acc, t / 4 * 16 * L);
                if (t < rows) tilePart(xa, t, rows - t, wp, ld, k0, k1, acc, t / 4 * 16 * L);
            }
            for (int t = 0; t < rows; t++) {
                int a = (t / 4 * 16 + t % 4 * 4) * L, x0 = t * ld;
                long at = ((long) t * out + o) * 4;
                for (int j = 0; j < n; j++) {
                    float sum = FloatVector.fromArray(F, acc, a + j * L).reduceLanes(ADD);
                    for (int k = kv; k < in; k++) sum += xa[x0 + k] * wp[j * ld + k]; // columns past the last vector
                    y.set(F32, at + j * 4L, sum);
                }
            }
        }
    }

    /**
     * 4 activation rows × 4 weight rows over columns [k0, k1): c[i][j] += Σ_k xa[t+i, k] · wp[j, k], c in acc from
     * {@code a} (16 vectors, row-major i, j). Per vector of columns: 4 weight loads, 4 activation loads, 16 FMAs.
     */
    private static void tile4x4(float[] xa, int t, float[] wp, int ld, int k0, int k1, float[] acc, int a) {
        int x0 = t * ld, x1 = x0 + ld, x2 = x1 + ld, x3 = x2 + ld, w1 = ld, w2 = 2 * ld, w3 = 3 * ld;
        FloatVector c00 = FloatVector.fromArray(F, acc, a), c01 = FloatVector.fromArray(F, acc, a + L);
        FloatVector c02 = FloatVector.fromArray(F, acc, a + 2 * L), c03 = FloatVector.fromArray(F, acc, a + 3 * L);
        FloatVector c10 = FloatVector.fromArray(F, acc, a + 4 * L), c11 = FloatVector.fromArray(F, acc, a + 5 * L);
        FloatVector c12 = FloatVector.fromArray(F, acc, a + 6 * L), c13 = FloatVector.fromArray(F, acc, a + 7 * L);
        FloatVector c20 = FloatVector.fromArray(F, acc, a + 8 * L), c21 = FloatVector.fromArray(F, acc, a + 9 * L);
        FloatVector c22 = FloatVector.fromArray(F, acc, a + 10 * L), c23 = FloatVector.fromArray(F, acc, a + 11 * L);
        FloatVector c30 = FloatVector.fromArray(F, acc, a + 12 * L), c31 = FloatVector.fromArray(F, acc, a + 13 * L);
        FloatVector c32 = FloatVector.fromArray(F, acc, a + 14 * L), c33 = FloatVector.fromArray(F, acc, a + 15 * L);
        for (int k = k0; k < k1; k += L) {
            // x[t..t+3, k..k+L) · w[o..o+3, k..k+L)
            FloatVector b0 = FloatVector.fromArray(F, wp, k), b1 = FloatVector.fromArray(F, wp, w1 + k);
            FloatVector b2 = FloatVector.fromArray(F, wp, w2 + k), b3 = FloatVector.fromArray(F, wp, w3 + k);
            FloatVector x = FloatVector.fromArray(F, xa, x0 + k);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.fromArray(F, xa, x1 + k);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.fromArray(F, xa, x2 + k);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.fromArray(F, xa, x3 + k);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
        }
        c00.intoArray(acc, a); c01.intoArray(acc, a + L); c02.intoArray(acc, a + 2 * L); c03.intoArray(acc, a + 3 * L);
        c10.intoArray(acc, a + 4 * L); c11.intoArray(acc, a + 5 * L); c12.intoArray(acc, a + 6 * L); c13.intoArray(acc, a + 7 * L);
        c20.intoArray(acc, a + 8 * L); c21.intoArray(acc, a + 9 * L); c22.intoArray(acc, a + 10 * L); c23.intoArray(acc, a + 11 * L);
        c30.intoArray(acc, a + 12 * L); c31.intoArray(acc, a + 13 * L); c32.intoArray(acc, a + 14 * L); c33.intoArray(acc, a + 15 * L);
    }

    /** The last 1-3 activation rows × 4 weight rows, one row at a time, into the same accumulator layout. */
    private static void tilePart(float[] xa, int t, int m, float[] wp, int ld, int k0, int k1, float[] acc, int a) {
        int w1 = ld, w2 = 2 * ld, w3 = 3 * ld;
        for (int i = 0; i < m; i++) {
            int x0 = (t + i) * ld, ai = a + i * 4 * L;
            FloatVector c0 = FloatVector.fromArray(F, acc, ai), c1 = FloatVector.fromArray(F, acc, ai + L);
            FloatVector c2 = FloatVector.fromArray(F, acc, ai + 2 * L), c3 = FloatVector.fromArray(F, acc, ai + 3 * L);
            for (int k = k0; k < k1; k += L) {
                FloatVector x = FloatVector.fromArray(F, xa, x0 + k);
                c0 = x.fma(FloatVector.fromArray(F, wp, k), c0);
                c1 = x.fma(FloatVector.fromArray(F, wp, w1 + k), c1);
                c2 = x.fma(FloatVector.fromArray(F, wp, w2 + k), c2);
                c3 = x.fma(FloatVector.fromArray(F, wp, w3 + k), c3);
            }
            c0.intoArray(acc, ai); c1.intoArray(acc, ai + L); c2.intoArray(acc, ai + 2 * L); c3.intoArray(acc, ai + 3 * L);
        }
    }
}
