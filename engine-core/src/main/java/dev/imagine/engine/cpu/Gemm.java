package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;

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
 * Matrix-matrix kernel for prefill: {@code x[T,D] · w[O,D]ᵀ → y[T,O]} as rank-1 updates in registers, in the
 * style of BLIS. The vector lanes run along tokens: activations are first repacked token-tile by token-tile,
 * {@code xt[T/NR][D][NR]} (NR = 2 vectors of tokens), so that one column k of a tile is two contiguous vector
 * loads. Weights are converted to f32 once per tile of {@link #MR} rows (one sequential read of those rows) into a
 * per-thread array, then every token tile runs over it, {@link #KC} columns at a time so that the slice in use
 * stays in L1: per column k, 12 weight broadcasts × 2 token
 * vectors = 24 FMAs into 24 accumulators, with no horizontal sums at all. Partial sums of a tile live in a
 * scratch array across K blocks and are written to y, transposed, once at the end.
 *
 * <p>Each weight element is converted once per call and then used by all T tokens, so conversion is cheap
 * next to the T/L FMAs it feeds: this path is for T well above {@link Matmul#SMALL_ROWS}.
 *
 * <p>Usage: {@code Gemm.packActivations(xa, ld, T, D, Gemm.gatherIndex(ld, idx), xt, tile); Gemm.multiply(xt, T, w.dtype(), w.data(), O, D, j0, j1, y, scratch);}
 * (from {@link Matmul}, which splits the weight tiles [0, tiles(O)) across threads)
 */
final class Gemm {
    /**
     * Weight rows per tile: the broadcast operands of the microkernel. 12 rows × 2 vectors of sums need 24 + 2 + 1
     * vector registers, which AVX-512 and ARM have (32). AVX2 has 16: there the 12-row tile kept most of its sums on
     * the stack, and the tile is 4 rows ({@link #tile4x2}). See {@link WeightLanes#REGISTERS}.
     */
    static final int MR = WeightLanes.REGISTERS >= 32 ? 12 : 4;
    /** Tokens per tile: the vector operands (two vectors). */
    static final int NR = 2 * L;
    /**
     * Columns per K block: the {@link #GROUP} weight tiles' blocks (GROUP × MR × KC floats: 24 KiB for 12 rows,
     * 16 KiB for 4) and one token tile's block (NR × KC: 16 KiB at 512 bits, 8 KiB at 256) fit L1 together.
     */
    static final int KC = 128;
    /**
     * Weight tiles converted together: each activation block loaded from L2 then serves GROUP tiles' FMAs instead
     * of one tile's, so the activations (T·D·4 bytes, beyond L2 for D = 3072 at T = 128) are streamed GROUP times
     * less often. 48 rows at 12 rows a tile; 32 at 4 (48 measured no faster and fills a 32 KiB L1).
     */
    static final int GROUP = MR == 12 ? 4 : 8;

    private Gemm() {
    }

    /** Weight tiles covering O rows. */
    static int tiles(int out) {
        return (out + MR - 1) / MR;
    }

    /** Token tiles covering T rows. */
    static int tokenTiles(int rows) {
        return (rows + NR - 1) / NR;
    }

    /** Floats of the packed activations for T rows of D columns. */
    static long packedFloats(int rows, int in) {
        return (long) tokenTiles(rows) * NR * in;
    }

    /**
     * Floats of per-thread scratch {@link #multiply} needs: {@link #GROUP} converted weight tiles, then the partial
     * sums of every token tile for each of them, then a pad for {@link #store}'s gathers.
     */
    static int scratchFloats(int rows, int in) {
        // + L·NR: the lanes past MR of the last tile's column gathers in store must lie inside the array, masked or not
        return GROUP * (panelFloats(in) + tokenTiles(rows) * MR * NR) + L * NR;
    }

    /** Floats of one converted weight tile: per K block, MR rows of KC (the last block padded). */
    static int panelFloats(int in) {
        return (in + KC - 1) / KC * MR * KC;
    }

    /**
     * Token tile {@code tile} of x[T, D] into xt[tile][D][NR]: xt[(tile·D + k)·NR + i] = x[tile·NR + i, k], zero for
     * tokens past T. xa is x copied to the heap with row stride ld ({@code xa[t·ld + k]}) so that each column of the
     * tile is two vector gathers; {@code index} is from {@link #gatherIndex}. Tiles are independent, so callers may
     * pack them in parallel.
     */
    static void packActivations(float[] xa, int ld, int rows, int in, int[] index, float[] xt, int tile) {
        int t0 = tile * NR, n = Math.min(NR, rows - t0);
        int base = tile * in * NR, from = t0 * ld;
        if (n == NR) {
            for (int k = 0; k < in; k++) {
                // x[t0..t0+2L, k] → xt[tile, k, 0..2L)
                FloatVector.fromArray(F, xa, from + k, index, 0).intoArray(xt, base + k * NR);
                FloatVector.fromArray(F, xa, from + k, index, L).intoArray(xt, base + k * NR + L);
            }
        } else { // the last, partial tile: plain loops, padding tokens zero
            for (int k = 0; k < in; k++) {
                for (int i = 0; i < NR; i++) xt[base + k * NR + i] = i < n ? xa[from + i * ld + k] : 0f;
            }
        }
    }

    /** The gather offsets of one token tile: index[i] = i·ld for i < NR. */
    static int[] gatherIndex(int ld, int[] reuse) {
        int[] index = reuse.length == NR ? reuse : new int[NR];
        for (int i = 0; i < NR; i++) index[i] = i * ld;
        return index;
    }

    /**
     * y[t, o] for all t < rows and every o in weight tiles [j0, j1) (tile j: rows 12j..12j+11). xt comes from
     * {@link #packActivations}; scratch holds at least {@link #scratchFloats} floats.
     */
    static void multiply(float[] xt, int rows, DType type, MemorySegment w, int out, int in, int j0, int j1,
                         MemorySegment y, float[] scratch) {
        int tiles = tokenTiles(rows), panel = panelFloats(in), sums = GROUP * panel, tileSums = tiles * MR * NR;
        for (int g0 = j0; g0 < j1; g0 += GROUP) {
            int g1 = Math.min(j1, g0 + GROUP);
            // each tile's rows are contiguous in w: read them in one sequential pass (prefetch-friendly)
            for (int j = g0; j < g1; j++) convertTile(type, w, in, j * MR, Math.min(MR, out - j * MR), scratch, (j - g0) * panel);
            for (int k0 = 0; k0 < in; k0 += KC) {
                int len = Math.min(KC, in - k0), wBlock = k0 / KC * MR * KC;
                for (int tt = 0; tt < tiles; tt++) {
                    int xBase = (tt * in + k0) * NR;
                    boolean wide = rows - tt * NR > L;
                    for (int j = g0; j < g1; j++) { // one activation block (L1) against GROUP weight blocks
                        int wBase = (j - g0) * panel + wBlock, cBase = sums + (j - g0) * tileSums + tt * MR * NR;
                        if (MR == 4) {
                            if (wide) tile4x2(xt, xBase, len, scratch, wBase, scratch, cBase, k0 == 0);
                            else tile4x1(xt, xBase, len, scratch, wBase, scratch, cBase, k0 == 0);
                        } else if (wide) {
                            tile12x2(xt, xBase, len, scratch, wBase, scratch, cBase, k0 == 0);
                        } else {
                            tile12x1(xt, xBase, len, scratch, wBase, scratch, cBase, k0 == 0);
                        }
                    }
                }
            }
            store(scratch, sums, tileSums, g1 - g0, rows, y, out, g0 * MR);
        }
    }

    /**
     * 12 weight rows × 2L tokens over columns [0, len) of the current K block:
     * c[r][i] (+)= Σ_k wp[w0 + r·KC + k] · xt[xBase + k·NR + i]. Per column: 2 token loads, 12 broadcast loads, 24 FMAs,
     * 24 + 2 + 1 of AVX-512's 32 vector registers.
     */
    private static void tile12x2(float[] xt, int xBase, int len, float[] wp, int w0, float[] c, int cBase, boolean first) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        FloatVector c60, c61, c70, c71, c80, c81, c90, c91, ca0, ca1, cb0, cb1;
        if (first) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(F);
            c60 = c61 = c70 = c71 = c80 = c81 = c90 = c91 = ca0 = ca1 = cb0 = cb1 = FloatVector.zero(F);
        } else {
            c00 = FloatVector.fromArray(F, c, cBase); c01 = FloatVector.fromArray(F, c, cBase + L);
            c10 = FloatVector.fromArray(F, c, cBase + NR); c11 = FloatVector.fromArray(F, c, cBase + NR + L);
            c20 = FloatVector.fromArray(F, c, cBase + 2 * NR); c21 = FloatVector.fromArray(F, c, cBase + 2 * NR + L);
            c30 = FloatVector.fromArray(F, c, cBase + 3 * NR); c31 = FloatVector.fromArray(F, c, cBase + 3 * NR + L);
            c40 = FloatVector.fromArray(F, c, cBase + 4 * NR); c41 = FloatVector.fromArray(F, c, cBase + 4 * NR + L);
            c50 = FloatVector.fromArray(F, c, cBase + 5 * NR); c51 = FloatVector.fromArray(F, c, cBase + 5 * NR + L);
            c60 = FloatVector.fromArray(F, c, cBase + 6 * NR); c61 = FloatVector.fromArray(F, c, cBase + 6 * NR + L);
            c70 = FloatVector.fromArray(F, c, cBase + 7 * NR); c71 = FloatVector.fromArray(F, c, cBase + 7 * NR + L);
            c80 = FloatVector.fromArray(F, c, cBase + 8 * NR); c81 = FloatVector.fromArray(F, c, cBase + 8 * NR + L);
            c90 = FloatVector.fromArray(F, c, cBase + 9 * NR); c91 = FloatVector.fromArray(F, c, cBase + 9 * NR + L);
            ca0 = FloatVector.fromArray(F, c, cBase + 10 * NR); ca1 = FloatVector.fromArray(F, c, cBase + 10 * NR + L);
            cb0 = FloatVector.fromArray(F, c, cBase + 11 * NR); cb1 = FloatVector.fromArray(F, c, cBase + 11 * NR + L);
        }
        for (int k = 0; k < len; k++) {
            // xt[k, 0..2L) · wp[0..12, k] → c[12][2L]
            FloatVector x0 = FloatVector.fromArray(F, xt, xBase + k * NR), x1 = FloatVector.fromArray(F, xt, xBase + k * NR + L);
            FloatVector b = FloatVector.broadcast(F, wp[w0 + k]); c00 = b.fma(x0, c00); c01 = b.fma(x1, c01);
            b = FloatVector.broadcast(F, wp[w0 + KC + k]); c10 = b.fma(x0, c10); c11 = b.fma(x1, c11);
            b = FloatVector.broadcast(F, wp[w0 + 2 * KC + k]); c20 = b.fma(x0, c20); c21 = b.fma(x1, c21);
            b = FloatVector.broadcast(F, wp[w0 + 3 * KC + k]); c30 = b.fma(x0, c30); c31 = b.fma(x1, c31);
            b = FloatVector.broadcast(F, wp[w0 + 4 * KC + k]); c40 = b.fma(x0, c40); c41 = b.fma(x1, c41);
            b = FloatVector.broadcast(F, wp[w0 + 5 * KC + k]); c50 = b.fma(x0, c50); c51 = b.fma(x1, c51);
            b = FloatVector.broadcast(F, wp[w0 + 6 * KC + k]); c60 = b.fma(x0, c60); c61 = b.fma(x1, c61);
            b = FloatVector.broadcast(F, wp[w0 + 7 * KC + k]); c70 = b.fma(x0, c70); c71 = b.fma(x1, c71);
            b = FloatVector.broadcast(F, wp[w0 + 8 * KC + k]); c80 = b.fma(x0, c80); c81 = b.fma(x1, c81);
            b = FloatVector.broadcast(F, wp[w0 + 9 * KC + k]); c90 = b.fma(x0, c90); c91 = b.fma(x1, c91);
            b = FloatVector.broadcast(F, wp[w0 + 10 * KC + k]); ca0 = b.fma(x0, ca0); ca1 = b.fma(x1, ca1);
            b = FloatVector.broadcast(F, wp[w0 + 11 * KC + k]); cb0 = b.fma(x0, cb0); cb1 = b.fma(x1, cb1);
        }
        c00.intoArray(c, cBase); c01.intoArray(c, cBase + L);
        c10.intoArray(c, cBase + NR); c11.intoArray(c, cBase + NR + L);
        c20.intoArray(c, cBase + 2 * NR); c21.intoArray(c, cBase + 2 * NR + L);
        c30.intoArray(c, cBase + 3 * NR); c31.intoArray(c, cBase + 3 * NR + L);
        c40.intoArray(c, cBase + 4 * NR); c41.intoArray(c, cBase + 4 * NR + L);
        c50.intoArray(c, cBase + 5 * NR); c51.intoArray(c, cBase + 5 * NR + L);
        c60.intoArray(c, cBase + 6 * NR); c61.intoArray(c, cBase + 6 * NR + L);
        c70.intoArray(c, cBase + 7 * NR); c71.intoArray(c, cBase + 7 * NR + L);
        c80.intoArray(c, cBase + 8 * NR); c81.intoArray(c, cBase + 8 * NR + L);
        c90.intoArray(c, cBase + 9 * NR); c91.intoArray(c, cBase + 9 * NR + L);
        ca0.intoArray(c, cBase + 10 * NR); ca1.intoArray(c, cBase + 10 * NR + L);
        cb0.intoArray(c, cBase + 11 * NR); cb1.intoArray(c, cBase + 11 * NR + L);
    }

    /** 12 weight rows × L tokens: the last token tile when at most L tokens are left (the other half is padding). */
    private static void tile12x1(float[] xt, int xBase, int len, float[] wp, int w0, float[] c, int cBase, boolean first) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, ca, cb;
        if (first) {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = c8 = c9 = ca = cb = FloatVector.zero(F);
        } else {
            c0 = FloatVector.fromArray(F, c, cBase); c1 = FloatVector.fromArray(F, c, cBase + NR);
            c2 = FloatVector.fromArray(F, c, cBase + 2 * NR); c3 = FloatVector.fromArray(F, c, cBase + 3 * NR);
            c4 = FloatVector.fromArray(F, c, cBase + 4 * NR); c5 = FloatVector.fromArray(F, c, cBase + 5 * NR);
            c6 = FloatVector.fromArray(F, c, cBase + 6 * NR); c7 = FloatVector.fromArray(F, c, cBase + 7 * NR);
            c8 = FloatVector.fromArray(F, c, cBase + 8 * NR); c9 = FloatVector.fromArray(F, c, cBase + 9 * NR);
            ca = FloatVector.fromArray(F, c, cBase + 10 * NR); cb = FloatVector.fromArray(F, c, cBase + 11 * NR);
        }
        for (int k = 0; k < len; k++) {
            FloatVector x0 = FloatVector.fromArray(F, xt, xBase + k * NR);
            c0 = FloatVector.broadcast(F, wp[w0 + k]).fma(x0, c0);
            c1 = FloatVector.broadcast(F, wp[w0 + KC + k]).fma(x0, c1);
            c2 = FloatVector.broadcast(F, wp[w0 + 2 * KC + k]).fma(x0, c2);
            c3 = FloatVector.broadcast(F, wp[w0 + 3 * KC + k]).fma(x0, c3);
            c4 = FloatVector.broadcast(F, wp[w0 + 4 * KC + k]).fma(x0, c4);
            c5 = FloatVector.broadcast(F, wp[w0 + 5 * KC + k]).fma(x0, c5);
            c6 = FloatVector.broadcast(F, wp[w0 + 6 * KC + k]).fma(x0, c6);
            c7 = FloatVector.broadcast(F, wp[w0 + 7 * KC + k]).fma(x0, c7);
            c8 = FloatVector.broadcast(F, wp[w0 + 8 * KC + k]).fma(x0, c8);
            c9 = FloatVector.broadcast(F, wp[w0 + 9 * KC + k]).fma(x0, c9);
            ca = FloatVector.broadcast(F, wp[w0 + 10 * KC + k]).fma(x0, ca);
            cb = FloatVector.broadcast(F, wp[w0 + 11 * KC + k]).fma(x0, cb);
        }
        c0.intoArray(c, cBase); c1.intoArray(c, cBase + NR); c2.intoArray(c, cBase + 2 * NR); c3.intoArray(c, cBase + 3 * NR);
        c4.intoArray(c, cBase + 4 * NR); c5.intoArray(c, cBase + 5 * NR); c6.intoArray(c, cBase + 6 * NR); c7.intoArray(c, cBase + 7 * NR);
        c8.intoArray(c, cBase + 8 * NR); c9.intoArray(c, cBase + 9 * NR); ca.intoArray(c, cBase + 10 * NR); cb.intoArray(c, cBase + 11 * NR);
    }

    /**
     * {@link #tile12x2} for 16 vector registers (AVX2): 4 weight rows × 2L tokens, 8 accumulators + 2 token vectors
     * + 4 broadcasts. Per column: 2 token loads, 4 broadcast loads, 8 FMAs. C2 loads all of an iteration's
     * broadcasts before its FMAs, so a tile needs rows × 3 + 2 registers: 5 and 6 rows spilled sums to the stack
     * (each FMA then waits on a store and a reload).
     */
    private static void tile4x2(float[] xt, int xBase, int len, float[] wp, int w0, float[] c, int cBase, boolean first) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (first) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(F);
        } else {
            c00 = FloatVector.fromArray(F, c, cBase); c01 = FloatVector.fromArray(F, c, cBase + L);
            c10 = FloatVector.fromArray(F, c, cBase + NR); c11 = FloatVector.fromArray(F, c, cBase + NR + L);
            c20 = FloatVector.fromArray(F, c, cBase + 2 * NR); c21 = FloatVector.fromArray(F, c, cBase + 2 * NR + L);
            c30 = FloatVector.fromArray(F, c, cBase + 3 * NR); c31 = FloatVector.fromArray(F, c, cBase + 3 * NR + L);
        }
        for (int k = 0; k < len; k++) {
            // xt[k, 0..2L) · wp[0..4, k] → c[4][2L]
            FloatVector x0 = FloatVector.fromArray(F, xt, xBase + k * NR), x1 = FloatVector.fromArray(F, xt, xBase + k * NR + L);
            FloatVector b = FloatVector.broadcast(F, wp[w0 + k]); c00 = b.fma(x0, c00); c01 = b.fma(x1, c01);
            b = FloatVector.broadcast(F, wp[w0 + KC + k]); c10 = b.fma(x0, c10); c11 = b.fma(x1, c11);
            b = FloatVector.broadcast(F, wp[w0 + 2 * KC + k]); c20 = b.fma(x0, c20); c21 = b.fma(x1, c21);
            b = FloatVector.broadcast(F, wp[w0 + 3 * KC + k]); c30 = b.fma(x0, c30); c31 = b.fma(x1, c31);
        }
        c00.intoArray(c, cBase); c01.intoArray(c, cBase + L);
        c10.intoArray(c, cBase + NR); c11.intoArray(c, cBase + NR + L);
        c20.intoArray(c, cBase + 2 * NR); c21.intoArray(c, cBase + 2 * NR + L);
        c30.intoArray(c, cBase + 3 * NR); c31.intoArray(c, cBase + 3 * NR + L);
    }

    /** {@link #tile4x2}'s last token tile when at most L tokens are left. */
    private static void tile4x1(float[] xt, int xBase, int len, float[] wp, int w0, float[] c, int cBase, boolean first) {
        FloatVector c0, c1, c2, c3;
        if (first) {
            c0 = c1 = c2 = c3 = FloatVector.zero(F);
        } else {
            c0 = FloatVector.fromArray(F, c, cBase); c1 = FloatVector.fromArray(F, c, cBase + NR);
            c2 = FloatVector.fromArray(F, c, cBase + 2 * NR); c3 = FloatVector.fromArray(F, c, cBase + 3 * NR);
        }
        for (int k = 0; k < len; k++) {
            FloatVector x0 = FloatVector.fromArray(F, xt, xBase + k * NR);
            c0 = FloatVector.broadcast(F, wp[w0 + k]).fma(x0, c0);
            c1 = FloatVector.broadcast(F, wp[w0 + KC + k]).fma(x0, c1);
            c2 = FloatVector.broadcast(F, wp[w0 + 2 * KC + k]).fma(x0, c2);
            c3 = FloatVector.broadcast(F, wp[w0 + 3 * KC + k]).fma(x0, c3);
        }
        c0.intoArray(c, cBase); c1.intoArray(c, cBase + NR); c2.intoArray(c, cBase + 2 * NR); c3.intoArray(c, cBase + 3 * NR);
    }

    /** Gather offsets down one token's column of a tile's sums: lane i reads row i, NR floats further on. */
    private static final int[] SUM_COLUMN = new int[L];

    static {
        for (int i = 0; i < L; i++) SUM_COLUMN[i] = i * NR;
    }

    /**
     * The sums of a group of weight tiles (tile j's at sums + j·tileSums, [token tile][r][i]) → y[t, o + j·MR + r] for
     * real tokens and each tile's valid rows (the transpose back): per token and tile, its up to MR sums gathered down
     * the tile's column and written with one masked store per L of them. The scalar loop this replaces (one
     * bounds-checked store per value) was 6 % of prefill.
     */
    private static void store(float[] c, int sums, int tileSums, int tiles, int rows, MemorySegment y, int out, int o) {
        if (WeightLanes.REGISTERS < 32) {
            storeByRows(c, sums, tileSums, tiles, rows, y, out, o);
            return;
        }
        for (int t = 0; t < rows; t++) {
            // token t's row of y across the group's tiles, front to back: whole cache lines, each written once
            long yt = ((long) t * out + o) * 4;
            int at = sums + (t / NR) * MR * NR + t % NR;
            for (int j = 0; j < tiles; j++, at += tileSums, yt += MR * 4L) {
                int valid = Math.min(MR, out - o - j * MR);
                for (int r0 = 0; r0 < valid; r0 += L) {
                    VectorMask<Float> live = F.indexInRange(r0, valid);
                    FloatVector.fromArray(F, c, at + r0 * NR, SUM_COLUMN, 0, live).intoMemorySegment(y, yt + r0 * 4L, ORDER, live);
                }
            }
        }
    }

    /**
     * {@link #store} without mask registers (AVX2): each token's sums of the group gathered on the heap by plain
     * loads, then copied into y as one piece. There the Vector API runs masked gathers and stores in Java, and
     * those took 15 % of a multiply's samples (JFR); a plain store per sum took 8 % of them, and this 4 %.
     */
    private static void storeByRows(float[] c, int sums, int tileSums, int tiles, int rows, MemorySegment y, int out, int o) {
        float[] row = STORE_ROW.get();
        int n = Math.min(tiles * MR, out - o);
        for (int t = 0; t < rows; t++) {
            // token t's sums across the group's tiles → one row piece on the heap → one copy into y
            int at = sums + (t / NR) * MR * NR + t % NR, i = 0;
            for (int j = 0; j < tiles; j++, at += tileSums) {
                for (int r = 0; r < MR && i < n; r++, i++) row[i] = c[at + r * NR];
            }
            MemorySegment.copy(row, 0, y, F32, ((long) t * out + o) * 4, n);
        }
    }

    private static final ThreadLocal<float[]> STORE_ROW = ThreadLocal.withInitial(() -> new float[GROUP * MR]);

    /**
     * Weight rows [o, o+valid), all D columns, as f32 into wp from {@code base}, blocked by K: block b holds MR rows
     * of KC floats, wp[base + b·MR·KC + r·KC + (k - b·KC)], so the rows in use by the microkernel are 12 KiB apart in total rather than
     * D floats apart each (rows D·4 = 4 KiB apart alias in L1). Rows past valid are zero (no row tail in the
     * microkernel). Each weight row is read once, front to back.
     */
    static void convertTile(DType type, MemorySegment w, int in, int o, int valid, float[] wp, int base) {
        if (type == DType.F16) {
            f16Tile(w, in, o, valid, wp, base);
            return;
        }
        if (type == DType.Q8_0 || type == DType.BF16 && in % L == 0) {
            rowTile(type, w, in, o, valid, wp, base);
            return;
        }
        for (int r = 0; r < MR; r++) {
            for (int k0 = 0; k0 < in; k0 += KC) {
                int k1 = Math.min(in, k0 + KC), at = base + k0 / KC * MR * KC + r * KC;
                if (r < valid) convertRow(type, w, in, o + r, k0, k1, wp, at - k0);
                else java.util.Arrays.fill(wp, at, at + (k1 - k0), 0f);
            }
        }
    }

    private static final ThreadLocal<float[]> F16_ROW = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * {@link #convertTile} for F16: each row is converted whole into a per-thread buffer, then copied into its K
     * blocks. The conversion loop is vectorized by C2 ({@link MatVec#halvesToFloats}), and on runs of KC = 128 it
     * spent most of its time in the scalar iterations around its unrolled vector loop (prefill measured 137 against
     * 158 GFLOP/s for the integer-op conversion); on whole rows it does not.
     */
    private static void f16Tile(MemorySegment w, int in, int o, int valid, float[] wp, int base) {
        float[] row = F16_ROW.get();
        if (row.length < in) F16_ROW.set(row = new float[in]);
        for (int r = 0; r < MR; r++) {
            if (r < valid) MatVec.halvesToFloats(w, (long) (o + r) * in * 2, row, 0, in);
            for (int k0 = 0; k0 < in; k0 += KC) {
                int len = Math.min(in, k0 + KC) - k0, at = base + k0 / KC * MR * KC + r * KC;
                if (r < valid) System.arraycopy(row, k0, wp, at, len);
                else java.util.Arrays.fill(wp, at, at + len, 0f);
            }
        }
    }

    /**
     * {@link #convertTile} for BF16 (D a multiple of L) and Q8_0: each row in one pass over its slice, each piece
     * written into its K block of wp. Converting one K block per call (4 Q8_0 blocks of 32, or 8 BF16 vectors,
     * through {@link #convertRow}) spent most of the Q8_0 time in call and loop overhead: 48 rows from L2 took 24 µs
     * where this takes 10 (BF16 9.8 → 7.8 µs).
     */
    private static void rowTile(DType type, MemorySegment w, int in, int o, int valid, float[] wp, int base) {
        long rowBytes = type.bytes(in);
        for (int r = 0; r < MR; r++) {
            if (r < valid) {
                MemorySegment row = w.asSlice((long) (o + r) * rowBytes, rowBytes);
                if (type == DType.Q8_0) q8Blocks(row, wp, base + r * KC);
                else bf16Pieces(row, wp, base + r * KC);
            } else {
                for (int k0 = 0; k0 < in; k0 += KC) {
                    int at = base + k0 / KC * MR * KC + r * KC;
                    java.util.Arrays.fill(wp, at, at + Math.min(KC, in - k0), 0f);
                }
            }
        }
    }

    /** One BF16 row → its K blocks: columns k..k+L go to wp[at + (k/KC)·MR·KC + k%KC] (KC is a multiple of L). */
    private static void bf16Pieces(MemorySegment row, float[] wp, int at) {
        int k = 0;
        for (long b = 0; b < row.byteSize(); b += 2L * L, k += L) WeightLanes.bf16(row, b).intoArray(wp, at + k / KC * MR * KC + k % KC);
    }

    /** One Q8_0 row → its K blocks, each block of 32 scaled by its d (KC is a multiple of 32: a block stays in one). */
    private static void q8Blocks(MemorySegment row, float[] wp, int at) {
        int k = 0;
        for (long blk = 0; blk < row.byteSize(); blk += 34, k += 32) q8Block(row, blk, wp, at + k / KC * MR * KC + k % KC);
    }

    /** The Q8_0 block at byte blk of w → dst[to .. to+32): its int8 values times its f16 scale (exact in f32). */
    private static void q8Block(MemorySegment w, long blk, float[] dst, int to) {
        FloatVector d = FloatVector.broadcast(F, WeightLanes.q8Scale(w, blk));
        for (int j = 0; j < 32; j += B.length()) {
            ByteVector q = ByteVector.fromMemorySegment(B, w, blk + 2 + j, ORDER);
            // the part index must be a constant for the conversion to compile to vector code
            ((FloatVector) q.convertShape(B2F, F, 0)).mul(d).intoArray(dst, to + j);
            if (PARTS == 2) ((FloatVector) q.convertShape(B2F, F, 1)).mul(d).intoArray(dst, to + j + L);
        }
    }

    /**
     * Weight row o, columns [k0, k1), as f32 into dst[at + k]. Q8_0: k0, k1 multiples of 32. One small method per
     * type: with all four loops in one method the JIT compiled it as a whole and, past its size limits, left the
     * vector operations as plain objects (measured: conversion took longer than the arithmetic it fed).
     */
    static void convertRow(DType type, MemorySegment w, int in, int o, int k0, int k1, float[] dst, int at) {
        switch (type) {
            case F32 -> f32Row(w, (long) o * in * 4, k0, k1, dst, at);
            case BF16 -> bf16Row(w, (long) o * in * 2, k0, k1, dst, at);
            case F16 -> f16Row(w, (long) o * in * 2, k0, k1, dst, at);
            case Q8_0 -> q8Row(w, (long) o * (in / 32) * 34, k0, k1, dst, at);
        }
    }

    private static void f32Row(MemorySegment w, long r, int k0, int k1, float[] dst, int at) {
        MemorySegment.copy(w, F32, r + k0 * 4L, dst, at + k0, k1 - k0);
    }

    /** bf16 is the top half of an f32: widen and shift. */
    private static void bf16Row(MemorySegment w, long r, int k0, int k1, float[] dst, int at) {
        int kv = k0 + (k1 - k0) / L * L;
        for (int k = k0; k < kv; k += L) {
            ((IntVector) ShortVector.fromMemorySegment(S, w, r + k * 2L, ORDER).convertShape(ZERO_EXTEND_S2I, I, 0))
                    .lanewise(LSHL, 16).reinterpretAsFloats().intoArray(dst, at + k);
        }
        for (int k = kv; k < k1; k++) dst[at + k] = Float.intBitsToFloat((w.get(I16, r + k * 2L) & 0xffff) << 16);
    }

    /** The hardware conversion, through C2's vectorization of {@link MatVec#halvesToFloats}. */
    private static void f16Row(MemorySegment w, long r, int k0, int k1, float[] dst, int at) {
        MatVec.halvesToFloats(w, r + k0 * 2L, dst, at + k0, k1 - k0);
    }

    /** Per block of 32: the int8 values times the block's f16 scale. */
    private static void q8Row(MemorySegment w, long r, int k0, int k1, float[] dst, int at) {
        for (int b = k0 / 32; b < k1 / 32; b++) q8Block(w, r + b * 34L, dst, at + b * 32);
    }
}
