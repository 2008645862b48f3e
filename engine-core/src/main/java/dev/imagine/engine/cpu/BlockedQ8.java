package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Dequantize;
import dev.imagine.engine.tensor.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

import static dev.imagine.engine.cpu.WeightLanes.B;
import static dev.imagine.engine.cpu.WeightLanes.F;
import static dev.imagine.engine.cpu.WeightLanes.ORDER;
import static jdk.incubator.vector.VectorOperators.B2F;

/**
 * Q8_0 matrices in the {@link DType#Q8_0_BLOCKED} layout, and the kernels that read it: {@code x[T,D] · w[O,D]ᵀ →
 * y[T,O]} with the weights as blocks of 32 output rows, each block's columns in groups of 32 (a Q8_0 block of each
 * row). A group is 1152 bytes: the 32 rows' scales as f32 (two 64-byte lines, rows 0-15 then 16-31), then its 32
 * columns of 32 int8 (rows 0-15, then 16-31). One 16-byte load and a widening conversion give 16 rows of one column
 * as f32, so the sums again lie across the lanes as in {@link BlockedBf16}: no horizontal sums, one broadcast per
 * activation.
 *
 * <p>Row-major Q8_0 ({@link MatVec#q8}, {@link BatchMatVec#q8}) sums each 34-byte block along a row: its loads
 * straddle cache lines wherever a block starts, it needs one horizontal sum per row and a scale broadcast per block,
 * and the batched tile loads 8 activation vectors per weight vector. Here a tile of 8 rows of x costs per column:
 * 2 widening loads, 2 conversions, 2 multiplies by the scales, 8 broadcasts and 16 FMAs; one row keeps partial sums
 * per group and scales them once per group. A prefill widens each block once into f32 (scaled) and runs an f32 tile
 * over all its tiles of rows, so the conversions are paid once per call, as {@link Gemm} pays them. The scales as f32
 * (4 bytes where the file has 2) make the matrix 36/34 of the file's size: 6 % more bytes read per token.
 *
 * <p>Measured on the 0.6B model against the row-major kernels (one decode step's matmuls, two threads, interleaved
 * trials in one process): 8 rows 175 → 88 ms (10 of 10), 16 rows 352 → 150 ms, one row 46 → 44 ms (8 of 10).
 *
 * <p>Made where the vectors are 512 bits ({@link BlockedBf16#supported}); a scalar path keeps the type correct at
 * other widths. Activations for several rows come in {@link BlockedBf16#interleave}'s tiles of 8.
 *
 * <p>Usage: {@code Tensor b = BlockedQ8.block(w, arena); BlockedQ8.multiply(xb, T, b.data(), D, O, 0, O / 32, y);}
 */
public final class BlockedQ8 {
    /** Output rows per block. */
    public static final int ROWS = DType.BLOCKED_ROWS;
    /** Columns per group: one Q8_0 block of each of the block's rows. */
    static final int GROUP = 32;
    /** Bytes per group: 32 f32 scales, then 32 columns of 32 int8. */
    static final int GROUP_BYTES = DType.Q8_GROUP_BYTES;
    private static final int SCALE_BYTES = ROWS * 4;
    private static final int TILE = BlockedBf16.TILE;
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BlockedQ8() {
    }

    /**
     * Whether w can be blocked: a Q8_0 matrix of whole blocks of rows and a multiple of 128 columns (the decode
     * kernel's four streams of whole groups).
     */
    public static boolean fits(Tensor w) {
        return w.dtype() == DType.Q8_0 && w.rank() == 2 && w.dim(0) % ROWS == 0 && w.dim(1) % (4 * GROUP) == 0 && w.dim(1) > 0;
    }

    /**
     * w (Q8_0 [O, D], row-major, any memory) → a new read-only {@link DType#Q8_0_BLOCKED} tensor of the same name and
     * shape in page-aligned memory from arena, the values unchanged (each scale widened to f32 exactly). Blocks are
     * written in parallel on the common fork-join pool: arena must be shared or global.
     */
    public static Tensor block(Tensor w, Arena arena) {
        if (!fits(w)) throw new IllegalArgumentException("cannot block " + w + ": needs Q8_0 [32·n, 128·m]");
        MemorySegment dst = arena.allocate(DType.Q8_0_BLOCKED.bytes(w.elements()), 4096);
        blockInto(w, dst);
        return new Tensor(w.name(), DType.Q8_0_BLOCKED, w.shape(), dst.asReadOnly());
    }

    /**
     * {@link #block}'s layout of w written into dst (writable, {@code Q8_0_BLOCKED.bytes(w.elements())} bytes; a
     * mapped file's region for {@code BlockedWeightsWriter}), in parallel on the common fork-join pool.
     */
    public static void blockInto(Tensor w, MemorySegment dst) {
        if (!fits(w)) throw new IllegalArgumentException("cannot block " + w + ": needs Q8_0 [32·n, 128·m]");
        long bytes = DType.Q8_0_BLOCKED.bytes(w.elements());
        if (dst.byteSize() != bytes) throw new IllegalArgumentException("blocked " + w + " takes " + bytes + " bytes, not " + dst.byteSize());
        int out = w.dim(0), in = w.dim(1), groups = in / GROUP, rowBytes = groups * DType.Q8_0.blockBytes;
        MemorySegment src = w.data();
        ThreadLocal<byte[]> rows = ThreadLocal.withInitial(() -> new byte[ROWS * rowBytes]);
        ThreadLocal<byte[]> block = ThreadLocal.withInitial(() -> new byte[groups * GROUP_BYTES]);
        IntStream.range(0, out / ROWS).parallel().forEach(b -> {
            byte[] r = rows.get(), o = block.get();
            MemorySegment scales = MemorySegment.ofArray(o);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (long) b * ROWS * rowBytes, r, 0, ROWS * rowBytes);
            for (int g = 0; g < groups; g++) {
                int to = g * GROUP_BYTES;
                for (int i = 0; i < ROWS; i++) { // row i's Q8_0 block g: f16 scale (little-endian), 32 int8
                    int from = i * rowBytes + g * DType.Q8_0.blockBytes;
                    short d = (short) (r[from] & 0xff | r[from + 1] << 8);
                    scales.set(LE_FLOAT, to + i * 4L, Float.float16ToFloat(d));
                    for (int c = 0; c < GROUP; c++) o[to + SCALE_BYTES + c * ROWS + i] = r[from + 2 + c];
                }
            }
            MemorySegment.copy(o, 0, dst, ValueLayout.JAVA_BYTE, (long) b * groups * GROUP_BYTES, groups * GROUP_BYTES);
        });
    }

    /** Blocks that {@link #matVec} reads side by side, one sequential stream each. */
    static final int SIDE_BY_SIDE = 4;

    /**
     * One row: x[D] (heap) · blocks [o0/32, o1/32) → y[o0..o1) (multiples of 32). Runs of {@link #SIDE_BY_SIDE}
     * blocks go through {@link #fourBlocks}; the 1-3 blocks left over through {@link #quarters}.
     */
    static void matVec(float[] x, MemorySegment w, int in, int o0, int o1, MemorySegment y) {
        if (!BlockedBf16.supported()) {
            BlockedBf16.scalar(x, null, 1, w, in, o0 / ROWS, o1 / ROWS, y, 0, Dequantize::blockedQ8);
            return;
        }
        int b = o0 / ROWS, end = o1 / ROWS;
        for (; b + SIDE_BY_SIDE <= end; b += SIDE_BY_SIDE) fourBlocks(x, w, in, b, y);
        if (b < end) quarters(x, w, in, b, end, y);
    }

    /**
     * One row · blocks b..b+3 → their 128 outputs. Each block is one sequential stream, and the four streams share
     * each column's broadcast of x. Per group each block sums q·x over its 32 columns into a pair of partial sums,
     * which are then scaled into the block's pair of accumulators.
     *
     * <p>Measured against {@link #quarters} over whole matrices (scratch harness {@code QZ}, Zen 4, one thread, 8
     * alternated rounds, faster in all): 1024 columns 12.0-12.4 → 19.1-20.1 GB/s from DRAM and 22.9-23.2 → 29.4-30.4
     * from L2; 3072 columns 16.2-18.2 → 20.5-23.8 from DRAM. A block of the 0.6B shape's 1024 columns is 36 KiB, so a
     * quarter was a stream of 9 KiB: four short streams per block, and four broadcasts per column. In the model
     * (0.6B Q8_0, two threads, one process, the two kernels alternated per round, scratch harness {@code MK}, 10
     * rounds of 32 tokens): decode 31.4 → 42.5 tok/s, median ratio 1.341 [1.056-1.742], faster in 10 of 10.
     */
    private static void fourBlocks(float[] x, MemorySegment w, int in, int b, MemorySegment y) {
        int groups = in / GROUP;
        long blockBytes = (long) groups * GROUP_BYTES;
        MemorySegment p0 = w.asSlice(b * blockBytes, blockBytes), p1 = w.asSlice((b + 1) * blockBytes, blockBytes);
        MemorySegment p2 = w.asSlice((b + 2) * blockBytes, blockBytes), p3 = w.asSlice((b + 3) * blockBytes, blockBytes);
        // a_i: block b+i's rows 0-15, b_i: its rows 16-31
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int g = 0; g < groups; g++) {
            long base = (long) g * GROUP_BYTES;
            FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, d0 = c0, d1 = c0, d2 = c0, d3 = c0;
            for (int c = 0, k = g * GROUP; c < GROUP; c++, k++) {
                long at = base + SCALE_BYTES + c * ROWS;
                FloatVector xk = FloatVector.broadcast(F, x[k]);
                c0 = ((FloatVector) ByteVector.fromMemorySegment(B, p0, at, ORDER).convertShape(B2F, F, 0)).fma(xk, c0);
                d0 = ((FloatVector) ByteVector.fromMemorySegment(B, p0, at + 16, ORDER).convertShape(B2F, F, 0)).fma(xk, d0);
                c1 = ((FloatVector) ByteVector.fromMemorySegment(B, p1, at, ORDER).convertShape(B2F, F, 0)).fma(xk, c1);
                d1 = ((FloatVector) ByteVector.fromMemorySegment(B, p1, at + 16, ORDER).convertShape(B2F, F, 0)).fma(xk, d1);
                c2 = ((FloatVector) ByteVector.fromMemorySegment(B, p2, at, ORDER).convertShape(B2F, F, 0)).fma(xk, c2);
                d2 = ((FloatVector) ByteVector.fromMemorySegment(B, p2, at + 16, ORDER).convertShape(B2F, F, 0)).fma(xk, d2);
                c3 = ((FloatVector) ByteVector.fromMemorySegment(B, p3, at, ORDER).convertShape(B2F, F, 0)).fma(xk, c3);
                d3 = ((FloatVector) ByteVector.fromMemorySegment(B, p3, at + 16, ORDER).convertShape(B2F, F, 0)).fma(xk, d3);
            }
            a0 = c0.fma(FloatVector.fromMemorySegment(F, p0, base, ByteOrder.LITTLE_ENDIAN), a0);
            b0 = d0.fma(FloatVector.fromMemorySegment(F, p0, base + 64, ByteOrder.LITTLE_ENDIAN), b0);
            a1 = c1.fma(FloatVector.fromMemorySegment(F, p1, base, ByteOrder.LITTLE_ENDIAN), a1);
            b1 = d1.fma(FloatVector.fromMemorySegment(F, p1, base + 64, ByteOrder.LITTLE_ENDIAN), b1);
            a2 = c2.fma(FloatVector.fromMemorySegment(F, p2, base, ByteOrder.LITTLE_ENDIAN), a2);
            b2 = d2.fma(FloatVector.fromMemorySegment(F, p2, base + 64, ByteOrder.LITTLE_ENDIAN), b2);
            a3 = c3.fma(FloatVector.fromMemorySegment(F, p3, base, ByteOrder.LITTLE_ENDIAN), a3);
            b3 = d3.fma(FloatVector.fromMemorySegment(F, p3, base + 64, ByteOrder.LITTLE_ENDIAN), b3);
        }
        long yo = (long) b * ROWS * 4; // the four blocks' outputs are consecutive
        a0.intoMemorySegment(y, yo, ORDER); b0.intoMemorySegment(y, yo + 64, ORDER);
        a1.intoMemorySegment(y, yo + 128, ORDER); b1.intoMemorySegment(y, yo + 192, ORDER);
        a2.intoMemorySegment(y, yo + 256, ORDER); b2.intoMemorySegment(y, yo + 320, ORDER);
        a3.intoMemorySegment(y, yo + 384, ORDER); b3.intoMemorySegment(y, yo + 448, ORDER);
    }

    /**
     * One row · blocks [from, to) one at a time → y, each block read as four streams, its quarters of groups. Per group
     * each stream sums q·x over its 32 columns into a pair of partial sums, which are then scaled into the pair of
     * accumulators: two FMAs per group and row where the row-major kernel pays a horizontal sum per row.
     */
    private static void quarters(float[] x, MemorySegment w, int in, int from, int to, MemorySegment y) {
        int groups = in / GROUP, gq = groups / 4, q = in / 4;
        long blockBytes = (long) groups * GROUP_BYTES, part = (long) gq * GROUP_BYTES;
        for (int b = from; b < to; b++) {
            MemorySegment s = w.asSlice(b * blockBytes, blockBytes);
            MemorySegment p0 = s.asSlice(0, part), p1 = s.asSlice(part, part), p2 = s.asSlice(2 * part, part), p3 = s.asSlice(3 * part, part);
            // a: rows 0-15 of the block, b: rows 16-31; one pair per stream
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int g = 0; g < gq; g++) {
                long base = (long) g * GROUP_BYTES;
                FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, d0 = c0, d1 = c0, d2 = c0, d3 = c0;
                // int counters (see BlockedBf16.matVec: a long one beside x's index deoptimized in a loop)
                for (int c = 0, k0 = g * GROUP, k1 = k0 + q, k2 = k1 + q, k3 = k2 + q; c < GROUP; c++, k0++, k1++, k2++, k3++) {
                    long at = base + SCALE_BYTES + c * ROWS;
                    FloatVector x0 = FloatVector.broadcast(F, x[k0]), x1 = FloatVector.broadcast(F, x[k1]);
                    FloatVector x2 = FloatVector.broadcast(F, x[k2]), x3 = FloatVector.broadcast(F, x[k3]);
                    c0 = ((FloatVector) ByteVector.fromMemorySegment(B, p0, at, ORDER).convertShape(B2F, F, 0)).fma(x0, c0);
                    d0 = ((FloatVector) ByteVector.fromMemorySegment(B, p0, at + 16, ORDER).convertShape(B2F, F, 0)).fma(x0, d0);
                    c1 = ((FloatVector) ByteVector.fromMemorySegment(B, p1, at, ORDER).convertShape(B2F, F, 0)).fma(x1, c1);
                    d1 = ((FloatVector) ByteVector.fromMemorySegment(B, p1, at + 16, ORDER).convertShape(B2F, F, 0)).fma(x1, d1);
                    c2 = ((FloatVector) ByteVector.fromMemorySegment(B, p2, at, ORDER).convertShape(B2F, F, 0)).fma(x2, c2);
                    d2 = ((FloatVector) ByteVector.fromMemorySegment(B, p2, at + 16, ORDER).convertShape(B2F, F, 0)).fma(x2, d2);
                    c3 = ((FloatVector) ByteVector.fromMemorySegment(B, p3, at, ORDER).convertShape(B2F, F, 0)).fma(x3, c3);
                    d3 = ((FloatVector) ByteVector.fromMemorySegment(B, p3, at + 16, ORDER).convertShape(B2F, F, 0)).fma(x3, d3);
                }
                a0 = c0.fma(FloatVector.fromMemorySegment(F, p0, base, ByteOrder.LITTLE_ENDIAN), a0);
                b0 = d0.fma(FloatVector.fromMemorySegment(F, p0, base + 64, ByteOrder.LITTLE_ENDIAN), b0);
                a1 = c1.fma(FloatVector.fromMemorySegment(F, p1, base, ByteOrder.LITTLE_ENDIAN), a1);
                b1 = d1.fma(FloatVector.fromMemorySegment(F, p1, base + 64, ByteOrder.LITTLE_ENDIAN), b1);
                a2 = c2.fma(FloatVector.fromMemorySegment(F, p2, base, ByteOrder.LITTLE_ENDIAN), a2);
                b2 = d2.fma(FloatVector.fromMemorySegment(F, p2, base + 64, ByteOrder.LITTLE_ENDIAN), b2);
                a3 = c3.fma(FloatVector.fromMemorySegment(F, p3, base, ByteOrder.LITTLE_ENDIAN), a3);
                b3 = d3.fma(FloatVector.fromMemorySegment(F, p3, base + 64, ByteOrder.LITTLE_ENDIAN), b3);
            }
            long yo = (long) b * ROWS * 4;
            a0.add(a1).add(a2.add(a3)).intoMemorySegment(y, yo, ORDER);
            b0.add(b1).add(b2.add(b3)).intoMemorySegment(y, yo + 64, ORDER);
        }
    }

    /**
     * Several rows (batched decode and prefill): xb from {@link BlockedBf16#interleave} · blocks [b0, b1) →
     * y[t, 32b..32b+32) for t < rows. Each block meets every tile of 8 rows in turn, from L2 after the first.
     */
    static void multiply(float[] xb, int rows, MemorySegment w, int in, int out, int b0, int b1, MemorySegment y) {
        if (!BlockedBf16.supported()) {
            BlockedBf16.scalar(null, xb, rows, w, in, b0, b1, y, out, Dequantize::blockedQ8);
            return;
        }
        long blockBytes = (long) in / GROUP * GROUP_BYTES;
        if (rows > Matmul.SMALL_ROWS) {
            // prefill: each block widened once into f32 (scaled), then every tile of rows reads it; the layers'
            // matmuls at 128 rows 953 → 811 ms against the tiles from int8 (12 of 12 interleaved trials)
            float[] wf = WIDENED.get();
            for (int b = b0; b < b1; b++) {
                // in chunks of WIDE_COLUMNS (32 KiB of f32, in L1 with a tile's x); the tiles add into y after the first
                for (int k0 = 0; k0 < in; k0 += WIDE_COLUMNS) {
                    int kc = Math.min(WIDE_COLUMNS, in - k0);
                    widen(w.asSlice(b * blockBytes + (long) k0 / GROUP * GROUP_BYTES, (long) kc / GROUP * GROUP_BYTES), kc, wf);
                    for (int t = 0; t < rows; t += TILE) {
                        tileF32(xb, t * in + k0 * TILE, kc, wf, y, ((long) t * out + (long) b * ROWS) * 4, out * 4L, Math.min(TILE, rows - t), k0 > 0);
                    }
                }
            }
            return;
        }
        for (int b = b0; b < b1; b++) {
            for (int t = 0; t < rows; t += TILE) {
                int m = Math.min(TILE, rows - t);
                long yo = ((long) t * out + (long) b * ROWS) * 4;
                if (m > 4) tile8(xb, t * in, in, w, b * blockBytes, y, yo, out * 4L, m);
                else tile4(xb, t * in, in, w, b * blockBytes, y, yo, out * 4L, m);
            }
        }
    }

    /**
     * Up to 8 rows of one tile (from xb[xk]) × the block at byte s of w → m rows of y from byte yo, rows ys bytes
     * apart. The block's two halves of groups are read side by side (two streams, as {@link BlockedBf16}'s tiles):
     * each column's 16 + 16 int8 become f32, are multiplied by their rows' scales, and meet 8 broadcasts.
     */
    private static void tile8(float[] xb, int xk, int in, MemorySegment w, long s, MemorySegment y, long yo, long ys, int m) {
        int gh = in / GROUP / 2;
        long half = (long) gh * GROUP_BYTES;
        MemorySegment p = w.asSlice(s, half), q = w.asSlice(s + half, half);
        int xq = xk + gh * GROUP * TILE;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        // a_i: row i of the tile · block rows 0-15, b_i: · block rows 16-31
        for (int g = 0; g < gh; g++) {
            long base = (long) g * GROUP_BYTES;
            FloatVector sp = FloatVector.fromMemorySegment(F, p, base, ByteOrder.LITTLE_ENDIAN);
            FloatVector tp = FloatVector.fromMemorySegment(F, p, base + 64, ByteOrder.LITTLE_ENDIAN);
            FloatVector sq = FloatVector.fromMemorySegment(F, q, base, ByteOrder.LITTLE_ENDIAN);
            FloatVector tq = FloatVector.fromMemorySegment(F, q, base + 64, ByteOrder.LITTLE_ENDIAN);
            for (int c = 0; c < GROUP; c++, xk += TILE, xq += TILE) {
                long at = base + SCALE_BYTES + c * ROWS;
                FloatVector lo = ((FloatVector) ByteVector.fromMemorySegment(B, p, at, ORDER).convertShape(B2F, F, 0)).mul(sp);
                FloatVector hi = ((FloatVector) ByteVector.fromMemorySegment(B, p, at + 16, ORDER).convertShape(B2F, F, 0)).mul(tp);
                FloatVector x = FloatVector.broadcast(F, xb[xk]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
                x = FloatVector.broadcast(F, xb[xk + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
                x = FloatVector.broadcast(F, xb[xk + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
                x = FloatVector.broadcast(F, xb[xk + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
                x = FloatVector.broadcast(F, xb[xk + 4]); a4 = lo.fma(x, a4); b4 = hi.fma(x, b4);
                x = FloatVector.broadcast(F, xb[xk + 5]); a5 = lo.fma(x, a5); b5 = hi.fma(x, b5);
                x = FloatVector.broadcast(F, xb[xk + 6]); a6 = lo.fma(x, a6); b6 = hi.fma(x, b6);
                x = FloatVector.broadcast(F, xb[xk + 7]); a7 = lo.fma(x, a7); b7 = hi.fma(x, b7);
                lo = ((FloatVector) ByteVector.fromMemorySegment(B, q, at, ORDER).convertShape(B2F, F, 0)).mul(sq);
                hi = ((FloatVector) ByteVector.fromMemorySegment(B, q, at + 16, ORDER).convertShape(B2F, F, 0)).mul(tq);
                x = FloatVector.broadcast(F, xb[xq]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
                x = FloatVector.broadcast(F, xb[xq + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
                x = FloatVector.broadcast(F, xb[xq + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
                x = FloatVector.broadcast(F, xb[xq + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
                x = FloatVector.broadcast(F, xb[xq + 4]); a4 = lo.fma(x, a4); b4 = hi.fma(x, b4);
                x = FloatVector.broadcast(F, xb[xq + 5]); a5 = lo.fma(x, a5); b5 = hi.fma(x, b5);
                x = FloatVector.broadcast(F, xb[xq + 6]); a6 = lo.fma(x, a6); b6 = hi.fma(x, b6);
                x = FloatVector.broadcast(F, xb[xq + 7]); a7 = lo.fma(x, a7); b7 = hi.fma(x, b7);
            }
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

    /** {@link #tile8} for a tile of 1-4 rows (vectors cannot cross a call, so the first four rows are spelled again). */
    private static void tile4(float[] xb, int xk, int in, MemorySegment w, long s, MemorySegment y, long yo, long ys, int m) {
        int gh = in / GROUP / 2;
        long half = (long) gh * GROUP_BYTES;
        MemorySegment p = w.asSlice(s, half), q = w.asSlice(s + half, half);
        int xq = xk + gh * GROUP * TILE;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int g = 0; g < gh; g++) {
            long base = (long) g * GROUP_BYTES;
            FloatVector sp = FloatVector.fromMemorySegment(F, p, base, ByteOrder.LITTLE_ENDIAN);
            FloatVector tp = FloatVector.fromMemorySegment(F, p, base + 64, ByteOrder.LITTLE_ENDIAN);
            FloatVector sq = FloatVector.fromMemorySegment(F, q, base, ByteOrder.LITTLE_ENDIAN);
            FloatVector tq = FloatVector.fromMemorySegment(F, q, base + 64, ByteOrder.LITTLE_ENDIAN);
            for (int c = 0; c < GROUP; c++, xk += TILE, xq += TILE) {
                long at = base + SCALE_BYTES + c * ROWS;
                FloatVector lo = ((FloatVector) ByteVector.fromMemorySegment(B, p, at, ORDER).convertShape(B2F, F, 0)).mul(sp);
                FloatVector hi = ((FloatVector) ByteVector.fromMemorySegment(B, p, at + 16, ORDER).convertShape(B2F, F, 0)).mul(tp);
                FloatVector x = FloatVector.broadcast(F, xb[xk]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
                x = FloatVector.broadcast(F, xb[xk + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
                x = FloatVector.broadcast(F, xb[xk + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
                x = FloatVector.broadcast(F, xb[xk + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
                lo = ((FloatVector) ByteVector.fromMemorySegment(B, q, at, ORDER).convertShape(B2F, F, 0)).mul(sq);
                hi = ((FloatVector) ByteVector.fromMemorySegment(B, q, at + 16, ORDER).convertShape(B2F, F, 0)).mul(tq);
                x = FloatVector.broadcast(F, xb[xq]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
                x = FloatVector.broadcast(F, xb[xq + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
                x = FloatVector.broadcast(F, xb[xq + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
                x = FloatVector.broadcast(F, xb[xq + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
            }
        }
        a0.intoMemorySegment(y, yo, ORDER); b0.intoMemorySegment(y, yo + 64, ORDER);
        if (m > 1) { a1.intoMemorySegment(y, yo + ys, ORDER); b1.intoMemorySegment(y, yo + ys + 64, ORDER); }
        if (m > 2) { a2.intoMemorySegment(y, yo + 2 * ys, ORDER); b2.intoMemorySegment(y, yo + 2 * ys + 64, ORDER); }
        if (m > 3) { a3.intoMemorySegment(y, yo + 3 * ys, ORDER); b3.intoMemorySegment(y, yo + 3 * ys + 64, ORDER); }
    }

    /**
     * Columns of a block widened at a time for a prefill: 32 KiB of f32 that stay in L1 with a tile's x. The whole
     * block at once (1.5 MiB at the 8B shape's D = 12288) ran the 8B prefill at 10.3 tok/s against 15.4 for the
     * row-major `Gemm`.
     */
    static final int WIDE_COLUMNS = 256;
    /** Each thread's buffer for WIDE_COLUMNS widened columns of a block. */
    private static final ThreadLocal<float[]> WIDENED = ThreadLocal.withInitial(() -> new float[ROWS * WIDE_COLUMNS]);

    /** Groups of columns (kc of them, from byte 0 of part) → wf[32k .. 32k+32) = column k's 32 rows as f32, times their scales. */
    private static void widen(MemorySegment part, int kc, float[] wf) {
        for (int g = 0, k = 0; g < kc / GROUP; g++) {
            long base = (long) g * GROUP_BYTES;
            FloatVector sl = FloatVector.fromMemorySegment(F, part, base, ByteOrder.LITTLE_ENDIAN);
            FloatVector sh = FloatVector.fromMemorySegment(F, part, base + 64, ByteOrder.LITTLE_ENDIAN);
            for (int c = 0; c < GROUP; c++, k++) {
                long at = base + SCALE_BYTES + c * ROWS;
                ((FloatVector) ByteVector.fromMemorySegment(B, part, at, ORDER).convertShape(B2F, F, 0)).mul(sl).intoArray(wf, k * ROWS);
                ((FloatVector) ByteVector.fromMemorySegment(B, part, at + 16, ORDER).convertShape(B2F, F, 0)).mul(sh).intoArray(wf, k * ROWS + 16);
            }
        }
    }

    /**
     * Up to 8 rows of one tile (xb from xk: its columns k0.. of the chunk) × kc widened columns wf → m rows of y,
     * added to what y holds if add is set: per column 2 loads from L1, 8 broadcasts, 16 FMAs (the conversions were
     * paid once for all the tiles of a prefill).
     */
    private static void tileF32(float[] xb, int xk, int kc, float[] wf, MemorySegment y, long yo, long ys, int m, boolean add) {
        FloatVector z = FloatVector.zero(F);
        FloatVector a0 = add ? FloatVector.fromMemorySegment(F, y, yo, ORDER) : z, b0 = add ? FloatVector.fromMemorySegment(F, y, yo + 64, ORDER) : z;
        FloatVector a1 = add && m > 1 ? FloatVector.fromMemorySegment(F, y, yo + ys, ORDER) : z, b1 = add && m > 1 ? FloatVector.fromMemorySegment(F, y, yo + ys + 64, ORDER) : z;
        FloatVector a2 = add && m > 2 ? FloatVector.fromMemorySegment(F, y, yo + 2 * ys, ORDER) : z, b2 = add && m > 2 ? FloatVector.fromMemorySegment(F, y, yo + 2 * ys + 64, ORDER) : z;
        FloatVector a3 = add && m > 3 ? FloatVector.fromMemorySegment(F, y, yo + 3 * ys, ORDER) : z, b3 = add && m > 3 ? FloatVector.fromMemorySegment(F, y, yo + 3 * ys + 64, ORDER) : z;
        FloatVector a4 = add && m > 4 ? FloatVector.fromMemorySegment(F, y, yo + 4 * ys, ORDER) : z, b4 = add && m > 4 ? FloatVector.fromMemorySegment(F, y, yo + 4 * ys + 64, ORDER) : z;
        FloatVector a5 = add && m > 5 ? FloatVector.fromMemorySegment(F, y, yo + 5 * ys, ORDER) : z, b5 = add && m > 5 ? FloatVector.fromMemorySegment(F, y, yo + 5 * ys + 64, ORDER) : z;
        FloatVector a6 = add && m > 6 ? FloatVector.fromMemorySegment(F, y, yo + 6 * ys, ORDER) : z, b6 = add && m > 6 ? FloatVector.fromMemorySegment(F, y, yo + 6 * ys + 64, ORDER) : z;
        FloatVector a7 = add && m > 7 ? FloatVector.fromMemorySegment(F, y, yo + 7 * ys, ORDER) : z, b7 = add && m > 7 ? FloatVector.fromMemorySegment(F, y, yo + 7 * ys + 64, ORDER) : z;
        for (int k = 0; k < kc; k++, xk += TILE) {
            FloatVector lo = FloatVector.fromArray(F, wf, k * ROWS), hi = FloatVector.fromArray(F, wf, k * ROWS + 16);
            FloatVector x = FloatVector.broadcast(F, xb[xk]); a0 = lo.fma(x, a0); b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, xb[xk + 1]); a1 = lo.fma(x, a1); b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, xb[xk + 2]); a2 = lo.fma(x, a2); b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, xb[xk + 3]); a3 = lo.fma(x, a3); b3 = hi.fma(x, b3);
            x = FloatVector.broadcast(F, xb[xk + 4]); a4 = lo.fma(x, a4); b4 = hi.fma(x, b4);
            x = FloatVector.broadcast(F, xb[xk + 5]); a5 = lo.fma(x, a5); b5 = hi.fma(x, b5);
            x = FloatVector.broadcast(F, xb[xk + 6]); a6 = lo.fma(x, a6); b6 = hi.fma(x, b6);
            x = FloatVector.broadcast(F, xb[xk + 7]); a7 = lo.fma(x, a7); b7 = hi.fma(x, b7);
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
}
