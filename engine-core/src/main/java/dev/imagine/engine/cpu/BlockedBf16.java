package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Dequantize;
import dev.imagine.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

import static dev.imagine.engine.cpu.WeightLanes.F;
import static dev.imagine.engine.cpu.WeightLanes.F32;
import static dev.imagine.engine.cpu.WeightLanes.I;
import static dev.imagine.engine.cpu.WeightLanes.L;
import static dev.imagine.engine.cpu.WeightLanes.ORDER;
import static jdk.incubator.vector.VectorOperators.LSHL;

/**
 * BF16 matrices in the {@link DType#BF16_BLOCKED} layout, and the kernels that read it: {@code x[T,D] · w[O,D]ᵀ →
 * y[T,O]} with the weights as 32 output rows per 64-byte column. One 512-bit load of a column holds all 32 rows at
 * column k; {@code v << 16} gives rows 0-15 and {@code v & 0xffff0000} rows 16-31 as f32, and each activation
 * x[t,k] is broadcast against both. The sums then lie across the lanes, one output per lane: no horizontal sums,
 * and no activation vectors to load per weight vector, only one broadcast per row of x.
 *
 * <p>Per column and 8 rows of x: 1 weight load, 2 conversions, 8 broadcasts, 16 FMAs. The row-major tile
 * ({@link BatchMatVec#bf16}) needs 16 activation loads and 4 conversions per 32 FMAs, and C2's addressing around
 * them; measured on one thread with the weights in L2 (256 × 1024, 8 rows): 85-107 → 135-151 GFLOP/s (the FMA
 * loop 160-172 in the same process). A block is one sequential stream; the tiles read its two column halves at
 * once, two streams in two pages, as the row-major kernels do (one stream: 43-53 GFLOP/s from DRAM, two: 62-63).
 * The same tile over every 8 rows of a prefill reads each block from L2 once per token tile, so prefill needs no
 * converted copy of the weights either.
 *
 * <p>Only made where the vector is 512 bits ({@link #supported}); the layout itself does not depend on the width,
 * and {@link #multiply} has a scalar path for other widths (tests and the odd caller).
 *
 * <p>Usage: {@code Tensor b = BlockedBf16.block(w, arena); for (int i = 0; i < BlockedBf16.tiles(T); i++) BlockedBf16.interleave(xa, ld, T, D, xb, i);
 * BlockedBf16.multiply(xb, T, b.data(), D, O, 0, O / 32, y);}
 */
public final class BlockedBf16 {
    /** Output rows per block. */
    public static final int ROWS = DType.BLOCKED_ROWS;
    /** Activation rows per tile of {@link #multiply}. */
    static final int TILE = 8;
    private static final int HIGH_HALF = 0xffff0000;
    /** The kernels load the columns as little-endian ints. */
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BlockedBf16() {
    }

    /** Whether this JVM's kernels run the blocked layout at full speed (512-bit vectors): else matrices stay row-major. */
    public static boolean supported() {
        return L == 16;
    }

    /** Whether w can be blocked: a BF16 matrix of whole blocks of rows and a multiple of 4 columns (the decode kernel's four streams). */
    public static boolean fits(Tensor w) {
        return w.dtype() == DType.BF16 && w.rank() == 2 && w.dim(0) % ROWS == 0 && w.dim(1) % 4 == 0 && w.dim(1) > 0;
    }

    /**
     * w (BF16 [O, D], row-major, any memory) → a new read-only {@link DType#BF16_BLOCKED} tensor of the same name and
     * shape in page-aligned memory from arena. The blocks are written in parallel on the common fork-join pool, so
     * arena must be shared or global and w's memory readable from any thread (a confined arena throws
     * {@link WrongThreadException}).
     */
    public static Tensor block(Tensor w, Arena arena) {
        if (!fits(w)) throw new IllegalArgumentException("cannot block " + w + ": needs BF16 [32·n, 4·m]");
        MemorySegment dst = arena.allocate(w.data().byteSize(), 4096);
        blockInto(w, dst);
        return new Tensor(w.name(), DType.BF16_BLOCKED, w.shape(), dst.asReadOnly());
    }

    /**
     * {@link #block}'s layout of w written into dst (writable, {@code w}'s byte size; a mapped file's region for
     * {@code BlockedWeightsWriter}), in parallel on the common fork-join pool.
     */
    public static void blockInto(Tensor w, MemorySegment dst) {
        if (!fits(w)) throw new IllegalArgumentException("cannot block " + w + ": needs BF16 [32·n, 4·m]");
        if (dst.byteSize() != w.data().byteSize()) throw new IllegalArgumentException("blocked " + w + " takes " + w.data().byteSize() + " bytes, not " + dst.byteSize());
        int out = w.dim(0), in = w.dim(1);
        MemorySegment src = w.data();
        // one block at a time through heap arrays: bulk copies in and out, and a transpose that C2 compiles without
        // bounds checks (through the segments it took 3× as long)
        ThreadLocal<short[]> rows = ThreadLocal.withInitial(() -> new short[ROWS * in]);
        ThreadLocal<int[]> columns = ThreadLocal.withInitial(() -> new int[16 * in]);
        IntStream.range(0, out / ROWS).parallel().forEach(b -> {
            short[] r = rows.get();
            int[] c = columns.get();
            MemorySegment.copy(src, ValueLayout.JAVA_SHORT_UNALIGNED, (long) b * ROWS * in * 2, r, 0, ROWS * in);
            // column k: int i = row i (low half) | row i+16 (high half)
            for (int k = 0; k < in; k++) {
                for (int i = 0; i < 16; i++) c[k * 16 + i] = r[i * in + k] & 0xffff | r[(i + 16) * in + k] << 16;
            }
            MemorySegment.copy(c, 0, dst, LE_INT, (long) b * in * 64, 16 * in);
        });
    }

    /** Floats of {@link #interleave}'s output for this many rows of D columns. */
    static int interleavedFloats(int rows, int in) {
        return Math.multiplyExact((rows + TILE - 1) / TILE, TILE * in);
    }

    /** Tiles of {@link #interleave}'s output for this many rows. */
    static int tiles(int rows) {
        return (rows + TILE - 1) / TILE;
    }

    /**
     * Tile `tile` of x[T, D] (heap, rows ld apart) → xb, the layout {@link #multiply} reads: tiles of {@link #TILE}
     * rows, each column's 8 values together, {@code xb[tile·8D + k·8 + slot]}, so a tile's 8 broadcasts per column
     * are 32 consecutive bytes. Slots past the last row are zero. Tiles are independent (a prefill fills them in
     * parallel).
     */
    static void interleave(float[] x, int ld, int rows, int in, float[] xb, int tile) {
        int base = tile * TILE * in, t0 = tile * TILE;
        for (int slot = 0; slot < TILE; slot++) {
            int t = t0 + slot;
            if (t >= rows) {
                for (int k = 0; k < in; k++) xb[base + k * TILE + slot] = 0f;
            } else {
                for (int k = 0, row = t * ld; k < in; k++) xb[base + k * TILE + slot] = x[row + k];
            }
        }
    }

    /**
     * One row: x[D] (heap) · blocks [o0/32, o1/32) → y[o0..o1) (o0, o1 multiples of 32): runs of {@link
     * #SIDE_BY_SIDE} blocks through {@link #fourBlocks}, the 1-3 left over through {@link #quarters}. The quarters
     * measured against {@link MatVec#bf16} on the row-major matrix, two threads from DRAM, JMH over the four benchmark
     * shapes: 17.2-19.9 against 15.1-19.5 GB/s.
     */
    static void matVec(float[] x, MemorySegment w, int in, int o0, int o1, MemorySegment y) {
        if (!supported()) {
            scalar(x, null, 1, w, in, o0 / ROWS, o1 / ROWS, y, 0, Dequantize::blockedBf16);
            return;
        }
        int b = o0 / ROWS, end = o1 / ROWS;
        for (; b + SIDE_BY_SIDE <= end; b += SIDE_BY_SIDE) fourBlocks(x, w, in, b, y);
        if (b < end) quarters(x, w, in, b, end, y);
    }

    /** Blocks that {@link #matVec} reads side by side, one stream each (as {@link BlockedQ8#SIDE_BY_SIDE}). */
    static final int SIDE_BY_SIDE = 4;
    /** Columns by which each of {@link #fourBlocks}' streams starts after the one before (1 KiB). */
    private static final int STAGGER = 16;

    /**
     * One row · blocks b..b+3 → their 128 outputs, each block one sequential stream into a pair of accumulators.
     * Stream i starts at column 16i and wraps around: four streams that started together would lie exactly one
     * block apart, a power of two at the usual widths (64 KiB at 1024 columns), and read that way they ran decode at
     * 0.742 of {@link #quarters} (0.6B BF16, one process, 10 alternated rounds). Staggered, the same measurement gave
     * 1.101 (faster in 7 of 8 rounds), 1.040 (6 of 10) and 1.036 (10 of 12): about 4 %, where the quarters already
     * read 93-102 % of the bandwidth in JMH.
     */
    private static void fourBlocks(float[] x, MemorySegment w, int in, int b, MemorySegment y) {
        long blockBytes = in * 64L;
        MemorySegment p0 = w.asSlice(b * blockBytes, blockBytes), p1 = w.asSlice((b + 1) * blockBytes, blockBytes);
        MemorySegment p2 = w.asSlice((b + 2) * blockBytes, blockBytes), p3 = w.asSlice((b + 3) * blockBytes, blockBytes);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        // a_i, b_i: block b+i's rows 0-15 and 16-31; stream i at column k_i = (k + 16i) mod in
        for (int k = 0, k1 = STAGGER % in, k2 = 2 * STAGGER % in, k3 = 3 * STAGGER % in; k < in; k++) {
            FloatVector x0 = FloatVector.broadcast(F, x[k]), x1 = FloatVector.broadcast(F, x[k1]);
            FloatVector x2 = FloatVector.broadcast(F, x[k2]), x3 = FloatVector.broadcast(F, x[k3]);
            IntVector u0 = IntVector.fromMemorySegment(I, p0, k * 64L, ByteOrder.LITTLE_ENDIAN);
            IntVector u1 = IntVector.fromMemorySegment(I, p1, k1 * 64L, ByteOrder.LITTLE_ENDIAN);
            IntVector u2 = IntVector.fromMemorySegment(I, p2, k2 * 64L, ByteOrder.LITTLE_ENDIAN);
            IntVector u3 = IntVector.fromMemorySegment(I, p3, k3 * 64L, ByteOrder.LITTLE_ENDIAN);
            a0 = u0.lanewise(LSHL, 16).reinterpretAsFloats().fma(x0, a0); b0 = u0.and(HIGH_HALF).reinterpretAsFloats().fma(x0, b0);
            a1 = u1.lanewise(LSHL, 16).reinterpretAsFloats().fma(x1, a1); b1 = u1.and(HIGH_HALF).reinterpretAsFloats().fma(x1, b1);
            a2 = u2.lanewise(LSHL, 16).reinterpretAsFloats().fma(x2, a2); b2 = u2.and(HIGH_HALF).reinterpretAsFloats().fma(x2, b2);
            a3 = u3.lanewise(LSHL, 16).reinterpretAsFloats().fma(x3, a3); b3 = u3.and(HIGH_HALF).reinterpretAsFloats().fma(x3, b3);
            k1 = k1 + 1 == in ? 0 : k1 + 1; k2 = k2 + 1 == in ? 0 : k2 + 1; k3 = k3 + 1 == in ? 0 : k3 + 1;
        }
        long yo = (long) b * ROWS * 4; // the four blocks' outputs are consecutive
        a0.intoMemorySegment(y, yo, ORDER); b0.intoMemorySegment(y, yo + 64, ORDER);
        a1.intoMemorySegment(y, yo + 128, ORDER); b1.intoMemorySegment(y, yo + 192, ORDER);
        a2.intoMemorySegment(y, yo + 256, ORDER); b2.intoMemorySegment(y, yo + 320, ORDER);
        a3.intoMemorySegment(y, yo + 384, ORDER); b3.intoMemorySegment(y, yo + 448, ORDER);
    }

    /**
     * One row · blocks [from, to) one at a time (the 1-3 left over by {@link #fourBlocks}), each read as four
     * streams, its column quarters, into four pairs of accumulators (the FMA chains then never wait on each other).
     */
    private static void quarters(float[] x, MemorySegment w, int in, int from, int to, MemorySegment y) {
        long blockBytes = in * 64L, part = blockBytes / 4;
        int q = in / 4;
        for (int b = from; b < to; b++) {
            MemorySegment s = w.asSlice(b * blockBytes, blockBytes);
            MemorySegment p0 = s.asSlice(0, part), p1 = s.asSlice(part, part), p2 = s.asSlice(2 * part, part), p3 = s.asSlice(3 * part, part);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            // a: rows 0-15 of the block, b: rows 16-31; one pair per column quarter
            // an int loop: over a long counter with x indexed beside it, C2's loop predicate failed at run time at
            // 1024 columns and it recompiled in a loop (deoptimization "predicate", 3072 × 1024 at 0.1 GB/s)
            for (int k0 = 0, k1 = q, k2 = 2 * q, k3 = 3 * q; k0 < q; k0++, k1++, k2++, k3++) {
                long at = k0 * 64L;
                IntVector u0 = IntVector.fromMemorySegment(I, p0, at, ByteOrder.LITTLE_ENDIAN);
                IntVector u1 = IntVector.fromMemorySegment(I, p1, at, ByteOrder.LITTLE_ENDIAN);
                IntVector u2 = IntVector.fromMemorySegment(I, p2, at, ByteOrder.LITTLE_ENDIAN);
                IntVector u3 = IntVector.fromMemorySegment(I, p3, at, ByteOrder.LITTLE_ENDIAN);
                FloatVector x0 = FloatVector.broadcast(F, x[k0]), x1 = FloatVector.broadcast(F, x[k1]);
                FloatVector x2 = FloatVector.broadcast(F, x[k2]), x3 = FloatVector.broadcast(F, x[k3]);
                a0 = u0.lanewise(LSHL, 16).reinterpretAsFloats().fma(x0, a0); b0 = u0.and(HIGH_HALF).reinterpretAsFloats().fma(x0, b0);
                a1 = u1.lanewise(LSHL, 16).reinterpretAsFloats().fma(x1, a1); b1 = u1.and(HIGH_HALF).reinterpretAsFloats().fma(x1, b1);
                a2 = u2.lanewise(LSHL, 16).reinterpretAsFloats().fma(x2, a2); b2 = u2.and(HIGH_HALF).reinterpretAsFloats().fma(x2, b2);
                a3 = u3.lanewise(LSHL, 16).reinterpretAsFloats().fma(x3, a3); b3 = u3.and(HIGH_HALF).reinterpretAsFloats().fma(x3, b3);
            }
            long yo = (long) b * ROWS * 4;
            a0.add(a1).add(a2.add(a3)).intoMemorySegment(y, yo, ORDER);
            b0.add(b1).add(b2.add(b3)).intoMemorySegment(y, yo + 64, ORDER);
        }
    }

    /**
     * Several rows (batched decode and prefill): xb from {@link #interleave} · blocks [b0, b1) → y[t, 32b..32b+32)
     * for t < rows. Each block meets every tile of 8 rows in turn, so after the first tile it comes from L2.
     */
    static void multiply(float[] xb, int rows, MemorySegment w, int in, int out, int b0, int b1, MemorySegment y) {
        if (!supported()) {
            scalar(null, xb, rows, w, in, b0, b1, y, out, Dequantize::blockedBf16);
            return;
        }
        long blockBytes = in * 64L;
        // each block meets every tile of x in turn while it is in L1/L2 (x in L1 and the blocks from L2, tile by
        // tile, measured 1.3× slower at 128 rows)
        for (int b = b0; b < b1; b++) {
            for (int t = 0; t < rows; t += TILE) tile(xb, rows, t, in, w, b * blockBytes, y, out, b);
        }
    }

    /**
     * The tile of rows from t × block b (at byte s of w) → y. The tiles slice w themselves: a slice made here and
     * passed down escaped into them, one allocation per block and tile (1.4 % of the samples of a ×8 decode).
     */
    private static void tile(float[] xb, int rows, int t, int in, MemorySegment w, long s, MemorySegment y, int out, int b) {
        int m = Math.min(TILE, rows - t);
        long yo = ((long) t * out + (long) b * ROWS) * 4, ys = out * 4L;
        if (m <= 4) tile4(xb, t * in, in, w, s, y, yo, ys, m);
        // batched decode (one tile, the block from DRAM) reads four streams; a prefill's later tiles find the block in L2
        else if (rows <= TILE) tile8Quarters(xb, t * in, in, w, s, y, yo, ys, m);
        else tile8(xb, t * in, in, w, s, y, yo, ys, m);
    }

    /**
     * Up to 8 rows of one tile (from xb[xk]) × the block at byte s of w → m rows of y from byte yo, rows ys bytes
     * apart. The two column halves are read side by side into the same 16 accumulators.
     */
    private static void tile8(float[] xb, int xk, int in, MemorySegment w, long s, MemorySegment y, long yo, long ys, int m) {
        long half = in * 32L;
        MemorySegment p = w.asSlice(s, half), q = w.asSlice(s + half, half);
        int xq = xk + in / 2 * TILE;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        // a_i: row i of the tile · block rows 0-15, b_i: · block rows 16-31
        for (long k = 0; k < half; k += 64, xk += TILE, xq += TILE) {
            IntVector u = IntVector.fromMemorySegment(I, p, k, ByteOrder.LITTLE_ENDIAN);
            FloatVector lo = u.lanewise(LSHL, 16).reinterpretAsFloats(), hi = u.and(HIGH_HALF).reinterpretAsFloats();
            FloatVector x = FloatVector.broadcast(F, xb[xk]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, xb[xk + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, xb[xk + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, xb[xk + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
            x = FloatVector.broadcast(F, xb[xk + 4]); a4 = lo.fma(x, a4); b4 = hi.fma(x, b4);
            x = FloatVector.broadcast(F, xb[xk + 5]); a5 = lo.fma(x, a5); b5 = hi.fma(x, b5);
            x = FloatVector.broadcast(F, xb[xk + 6]); a6 = lo.fma(x, a6); b6 = hi.fma(x, b6);
            x = FloatVector.broadcast(F, xb[xk + 7]); a7 = lo.fma(x, a7); b7 = hi.fma(x, b7);
            u = IntVector.fromMemorySegment(I, q, k, ByteOrder.LITTLE_ENDIAN);
            lo = u.lanewise(LSHL, 16).reinterpretAsFloats(); hi = u.and(HIGH_HALF).reinterpretAsFloats();
            x = FloatVector.broadcast(F, xb[xq]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, xb[xq + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, xb[xq + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, xb[xq + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
            x = FloatVector.broadcast(F, xb[xq + 4]); a4 = lo.fma(x, a4); b4 = hi.fma(x, b4);
            x = FloatVector.broadcast(F, xb[xq + 5]); a5 = lo.fma(x, a5); b5 = hi.fma(x, b5);
            x = FloatVector.broadcast(F, xb[xq + 6]); a6 = lo.fma(x, a6); b6 = hi.fma(x, b6);
            x = FloatVector.broadcast(F, xb[xq + 7]); a7 = lo.fma(x, a7); b7 = hi.fma(x, b7);
        }
        // (no arrays of vectors: they would put every vector on the heap)
        a0.intoMemorySegment(y, yo, ORDER); b0.intoMemorySegment(y, yo + 64, ORDER);
        if (m > 1) { a1.intoMemorySegment(y, yo + ys, ORDER); b1.intoMemorySegment(y, yo + ys + 64, ORDER); }
        if (m > 2) { a2.intoMemorySegment(y, yo + 2 * ys, ORDER); b2.intoMemorySegment(y, yo + 2 * ys + 64, ORDER); }
        if (m > 3) { a3.intoMemorySegment(y, yo + 3 * ys, ORDER); b3.intoMemorySegment(y, yo + 3 * ys + 64, ORDER); }
        if (m > 4) { a4.intoMemorySegment(y, yo + 4 * ys, ORDER); b4.intoMemorySegment(y, yo + 4 * ys + 64, ORDER); }
        if (m > 5) { a5.intoMemorySegment(y, yo + 5 * ys, ORDER); b5.intoMemorySegment(y, yo + 5 * ys + 64, ORDER); }
        if (m > 6) { a6.intoMemorySegment(y, yo + 6 * ys, ORDER); b6.intoMemorySegment(y, yo + 6 * ys + 64, ORDER); }
        if (m > 7) { a7.intoMemorySegment(y, yo + 7 * ys, ORDER); b7.intoMemorySegment(y, yo + 7 * ys + 64, ORDER); }
    }

    /**
     * {@link #tile8} reading the block as four streams, its column quarters, instead of two halves: the same 16 sums,
     * x from four places of the tile. For batched decode, where each block comes from DRAM once per step: the
     * hardware prefetcher keeps more lines in flight over more streams (the one-row Q8_0 kernel read 0.56-0.65 as
     * fast with one stream per block as with four, Zen 4). Measured on Zen 4, 0.6B BF16, ×8 decode of 32 tokens in
     * one process against tile8, interleaved, three runs of 12 rounds: 1.069 [0.877-1.203] (faster in 9 of 12),
     * 1.058 [0.960-1.135] (11 of 12), 1.029 [0.846-1.276] (7 of 12). Not for prefill: there the block is in L2
     * after the first tile, and over all tiles the quarters measured 0.962 [0.53-1.63] (3 of 12). The column count
     * is a multiple of 4 ({@link #fits}).
     */
    private static void tile8Quarters(float[] xb, int xk, int in, MemorySegment w, long s, MemorySegment y, long yo, long ys, int m) {
        long quarter = in * 16L; // in/4 columns of 64 bytes
        MemorySegment p = w.asSlice(s, quarter), q = w.asSlice(s + quarter, quarter), r = w.asSlice(s + 2 * quarter, quarter), t = w.asSlice(s + 3 * quarter, quarter);
        // a_i: row i of the tile · block rows 0-15, b_i: · block rows 16-31; one column of each quarter per step
        int xq = xk + in / 4 * TILE, xr = xk + in / 2 * TILE, xt = xk + 3 * (in / 4) * TILE;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        for (long k = 0; k < quarter; k += 64, xk += TILE, xq += TILE, xr += TILE, xt += TILE) {
            IntVector u = IntVector.fromMemorySegment(I, p, k, ByteOrder.LITTLE_ENDIAN);
            FloatVector lo = u.lanewise(LSHL, 16).reinterpretAsFloats(), hi = u.and(HIGH_HALF).reinterpretAsFloats();
            FloatVector x = FloatVector.broadcast(F, xb[xk]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, xb[xk + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, xb[xk + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, xb[xk + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
            x = FloatVector.broadcast(F, xb[xk + 4]); a4 = lo.fma(x, a4); b4 = hi.fma(x, b4);
            x = FloatVector.broadcast(F, xb[xk + 5]); a5 = lo.fma(x, a5); b5 = hi.fma(x, b5);
            x = FloatVector.broadcast(F, xb[xk + 6]); a6 = lo.fma(x, a6); b6 = hi.fma(x, b6);
            x = FloatVector.broadcast(F, xb[xk + 7]); a7 = lo.fma(x, a7); b7 = hi.fma(x, b7);
            u = IntVector.fromMemorySegment(I, q, k, ByteOrder.LITTLE_ENDIAN);
            lo = u.lanewise(LSHL, 16).reinterpretAsFloats(); hi = u.and(HIGH_HALF).reinterpretAsFloats();
            x = FloatVector.broadcast(F, xb[xq]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, xb[xq + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, xb[xq + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, xb[xq + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
            x = FloatVector.broadcast(F, xb[xq + 4]); a4 = lo.fma(x, a4); b4 = hi.fma(x, b4);
            x = FloatVector.broadcast(F, xb[xq + 5]); a5 = lo.fma(x, a5); b5 = hi.fma(x, b5);
            x = FloatVector.broadcast(F, xb[xq + 6]); a6 = lo.fma(x, a6); b6 = hi.fma(x, b6);
            x = FloatVector.broadcast(F, xb[xq + 7]); a7 = lo.fma(x, a7); b7 = hi.fma(x, b7);
            u = IntVector.fromMemorySegment(I, r, k, ByteOrder.LITTLE_ENDIAN);
            lo = u.lanewise(LSHL, 16).reinterpretAsFloats(); hi = u.and(HIGH_HALF).reinterpretAsFloats();
            x = FloatVector.broadcast(F, xb[xr]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, xb[xr + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, xb[xr + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, xb[xr + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
            x = FloatVector.broadcast(F, xb[xr + 4]); a4 = lo.fma(x, a4); b4 = hi.fma(x, b4);
            x = FloatVector.broadcast(F, xb[xr + 5]); a5 = lo.fma(x, a5); b5 = hi.fma(x, b5);
            x = FloatVector.broadcast(F, xb[xr + 6]); a6 = lo.fma(x, a6); b6 = hi.fma(x, b6);
            x = FloatVector.broadcast(F, xb[xr + 7]); a7 = lo.fma(x, a7); b7 = hi.fma(x, b7);
            u = IntVector.fromMemorySegment(I, t, k, ByteOrder.LITTLE_ENDIAN);
            lo = u.lanewise(LSHL, 16).reinterpretAsFloats(); hi = u.and(HIGH_HALF).reinterpretAsFloats();
            x = FloatVector.broadcast(F, xb[xt]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, xb[xt + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, xb[xt + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, xb[xt + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
            x = FloatVector.broadcast(F, xb[xt + 4]); a4 = lo.fma(x, a4); b4 = hi.fma(x, b4);
            x = FloatVector.broadcast(F, xb[xt + 5]); a5 = lo.fma(x, a5); b5 = hi.fma(x, b5);
            x = FloatVector.broadcast(F, xb[xt + 6]); a6 = lo.fma(x, a6); b6 = hi.fma(x, b6);
            x = FloatVector.broadcast(F, xb[xt + 7]); a7 = lo.fma(x, a7); b7 = hi.fma(x, b7);
        }
        a0.intoMemorySegment(y, yo, ORDER); b0.intoMemorySegment(y, yo + 64, ORDER);
        if (m > 1) { a1.intoMemorySegment(y, yo + ys, ORDER); b1.intoMemorySegment(y, yo + ys + 64, ORDER); }
        if (m > 2) { a2.intoMemorySegment(y, yo + 2 * ys, ORDER); b2.intoMemorySegment(y, yo + 2 * ys + 64, ORDER); }
        if (m > 3) { a3.intoMemorySegment(y, yo + 3 * ys, ORDER); b3.intoMemorySegment(y, yo + 3 * ys + 64, ORDER); }
        if (m > 4) { a4.intoMemorySegment(y, yo + 4 * ys, ORDER); b4.intoMemorySegment(y, yo + 4 * ys + 64, ORDER); }
        if (m > 5) { a5.intoMemorySegment(y, yo + 5 * ys, ORDER); b5.intoMemorySegment(y, yo + 5 * ys + 64, ORDER); }
        if (m > 6) { a6.intoMemorySegment(y, yo + 6 * ys, ORDER); b6.intoMemorySegment(y, yo + 6 * ys + 64, ORDER); }
        if (m > 7) { a7.intoMemorySegment(y, yo + 7 * ys, ORDER); b7.intoMemorySegment(y, yo + 7 * ys + 64, ORDER); }
    }

    /** {@link #tile8} for a tile of 1-4 rows: half the FMAs, so a small batch does not pay for eight. */
    private static void tile4(float[] xb, int xk, int in, MemorySegment w, long s, MemorySegment y, long yo, long ys, int m) {
        long half = in * 32L;
        MemorySegment p = w.asSlice(s, half), q = w.asSlice(s + half, half);
        int xq = xk + in / 2 * TILE;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (long k = 0; k < half; k += 64, xk += TILE, xq += TILE) {
            IntVector u = IntVector.fromMemorySegment(I, p, k, ByteOrder.LITTLE_ENDIAN);
            FloatVector lo = u.lanewise(LSHL, 16).reinterpretAsFloats(), hi = u.and(HIGH_HALF).reinterpretAsFloats();
            FloatVector x = FloatVector.broadcast(F, xb[xk]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, xb[xk + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, xb[xk + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, xb[xk + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
            u = IntVector.fromMemorySegment(I, q, k, ByteOrder.LITTLE_ENDIAN);
            lo = u.lanewise(LSHL, 16).reinterpretAsFloats(); hi = u.and(HIGH_HALF).reinterpretAsFloats();
            x = FloatVector.broadcast(F, xb[xq]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, xb[xq + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, xb[xq + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, xb[xq + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
        }
        a0.intoMemorySegment(y, yo, ORDER); b0.intoMemorySegment(y, yo + 64, ORDER);
        if (m > 1) { a1.intoMemorySegment(y, yo + ys, ORDER); b1.intoMemorySegment(y, yo + ys + 64, ORDER); }
        if (m > 2) { a2.intoMemorySegment(y, yo + 2 * ys, ORDER); b2.intoMemorySegment(y, yo + 2 * ys + 64, ORDER); }
        if (m > 3) { a3.intoMemorySegment(y, yo + 3 * ys, ORDER); b3.intoMemorySegment(y, yo + 3 * ys + 64, ORDER); }
    }

    /** Element [row, col] of a blocked matrix of `in` columns (its data): how {@link #scalar} reads either layout. */
    @FunctionalInterface
    interface Element {
        float at(MemorySegment w, int in, long row, int col);
    }

    /**
     * Blocks [b0, b1) one value at a time, for vector widths other than 512 bits: one row from x, or rows < rows
     * from xb ({@link #interleave}) into y rows out floats apart, each weight read by element. Correct, not fast;
     * {@link BlockedQ8} uses it too.
     */
    static void scalar(float[] x, float[] xb, int rows, MemorySegment w, int in, int b0, int b1, MemorySegment y, int out, Element element) {
        for (int t = 0; t < rows; t++) {
            for (int o = b0 * ROWS; o < b1 * ROWS; o++) {
                float s = 0;
                for (int k = 0; k < in; k++) {
                    float xv = xb == null ? x[k] : xb[(t / TILE) * TILE * in + k * TILE + t % TILE];
                    s += xv * element.at(w, in, o, k);
                }
                y.set(F32, ((long) t * out + o) * 4, s);
            }
        }
    }
}
