package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Float16;
import dev.imagine.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatmulTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Test
    void everyDtypeMatchesAPlainDoubleLoop() {
        check(3, 5, 64, WorkerPool.common(), 7);
    }

    /** Odd sizes exercise the 4-row remainders, the 4-row activation tiles and the vector tails. */
    @Test
    void oddSizesAndEveryRowCountMatch() {
        try (WorkerPool two = new WorkerPool(2); WorkerPool three = new WorkerPool(3)) {
            int seed = 1;
            for (int rows : new int[]{1, 2, 3, 4, 5, 7, 8, 9, 13}) {
                for (int[] shape : new int[][]{{1, 32}, {3, 96}, {7, 160}, {33, 224}, {130, 1056}}) {
                    check(rows, shape[0], shape[1], (seed & 1) == 0 ? two : three, seed++);
                }
            }
        }
    }

    /**
     * The blocked BF16 layout on every path: one row (runs of four blocks side by side, their streams staggered and
     * wrapping, at 4 blocks of 24 columns and 10 of 1056; the 1-3 blocks left over in four column quarters), a batch
     * of 5-8 rows (the tile over four column quarters), tiles of 8 (two halves) and of up to 4 rows with partial last
     * tiles (prefill row counts with a last tile of 1, 4, 5 or 8 rows), and chunks of blocks split across threads.
     */
    @Test
    void blockedBf16EveryRowCountMatches() {
        checkEveryRowCount(200, new int[]{1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 20, 21, 33, 48}, new int[][]{{32, 4}, {96, 160}, {128, 24}, {320, 1056}});
    }

    /**
     * The blocked Q8_0 layout on every path: one row (runs of four blocks side by side, in chunks of whole runs, and
     * the 1-3 blocks left over as four streams of groups: 3, 8 and 10 blocks), tiles of 8 and of up to 4 rows with
     * partial last tiles, prefill row counts, chunks of blocks across threads; 128 columns is one group per stream,
     * and 1152 columns widen for a prefill in four chunks of 256 and a last one of 128.
     */
    @Test
    void blockedQ8EveryRowCountMatches() {
        checkEveryRowCount(300, new int[]{1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 21, 33, 48}, new int[][]{{32, 128}, {96, 256}, {256, 384}, {320, 1152}});
    }

    /**
     * {@link #check} at every row count and shape {out, in}, seeds from seed up, alternating a pool of two and the
     * common pool; the wide shapes only where the blocked kernels run (their scalar path is slow).
     */
    private static void checkEveryRowCount(int seed, int[] rowCounts, int[][] shapes) {
        try (WorkerPool two = new WorkerPool(2)) {
            for (int rows : rowCounts) {
                for (int[] shape : shapes) {
                    if (BlockedBf16.supported() || shape[1] < 1000) check(rows, shape[0], shape[1], (seed & 1) == 0 ? two : WorkerPool.common(), seed);
                    seed++;
                }
            }
        }
    }

    /** Large enough that calls split across the workers (the small cases above run on the caller). */
    @Test
    void largeCallsSplitAcrossThreadsMatch() {
        try (WorkerPool two = new WorkerPool(2)) {
            check(1, 515, 1024, two, 11);
            check(6, 203, 544, two, 12);
            check(17, 257, 320, WorkerPool.common(), 13);
        }
    }

    /**
     * Row counts above SMALL_ROWS run Gemm: token tiles of 2L with a half-empty last tile, weight tiles of 12 with
     * a partial last tile, K blocks of 256 with a partial last block.
     */
    @Test
    void gemmRowCountsAndEdgesMatch() {
        try (WorkerPool two = new WorkerPool(2)) {
            int seed = 100;
            for (int rows : new int[]{17, 31, 33, 40, 64, 70}) {
                for (int[] shape : new int[][]{{13, 96}, {25, 288}, {130, 544}}) {
                    check(rows, shape[0], shape[1], (seed & 1) == 0 ? two : WorkerPool.common(), seed++);
                }
            }
        }
    }

    /**
     * Several weights sharing one input in one call give what separate calls give (to rounding: reduceLanes may sum
     * in another order before and after the JIT compiles it).
     */
    @Test
    void weightsSharingAnInputMatchSeparateCalls() {
        try (WorkerPool two = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            Random rnd = new Random(5);
            for (DType type : DType.values()) {
                int in = type == DType.Q8_0_BLOCKED ? 384 : 320; // blocked Q8_0: whole groups in each of four streams
                for (int rows : new int[]{1, 3, 40}) {
                    int[] outs = type == DType.BF16_BLOCKED || type == DType.Q8_0_BLOCKED ? new int[]{64, 32, 96} : new int[]{36, 8, 100};
                    Tensor[] ws = new Tensor[outs.length];
                    MemorySegment[] together = new MemorySegment[outs.length];
                    for (int i = 0; i < outs.length; i++) {
                        float[][] w = new float[outs[i]][in];
                        for (float[] r : w) for (int d = 0; d < in; d++) r[d] = (float) rnd.nextGaussian();
                        ws[i] = new Tensor("w" + i, type, new long[]{outs[i], in}, encode(arena, w, type, new float[outs[i]][in]));
                        together[i] = arena.allocate((long) rows * outs[i] * 4);
                    }
                    MemorySegment x = arena.allocate((long) rows * in * 4);
                    for (long i = 0; i < (long) rows * in; i++) x.set(F32, i * 4, (float) rnd.nextGaussian());
                    Matmul.matmul(two, x, rows, ws, together);
                    for (int i = 0; i < outs.length; i++) {
                        MemorySegment alone = arena.allocate((long) rows * outs[i] * 4);
                        Matmul.matmul(two, x, rows, ws[i], alone);
                        for (long e = 0; e < (long) rows * outs[i]; e++) {
                            float a = alone.get(F32, e * 4), b = together[i].get(F32, e * 4);
                            assertEquals(a, b, 1e-5f * Math.max(1f, Math.abs(a)), type + " rows " + rows + " weight " + i + " element " + e);
                        }
                    }
                }
            }
        }
    }

    @Test
    void f16SubnormalsInfinitiesAndNaNsConvertExactly() {
        short[] halves = {0x0000, (short) 0x8000, 0x0001, 0x03ff, (short) 0x8001, 0x0400, 0x3c00, (short) 0xbc00,
                0x7bff, (short) 0xfbff, 0x7c00, (short) 0xfc00, 0x7e00, 0x3555, 0x0200, 0x1234};
        int in = 64;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = arena.allocate(halves.length * in * 2L);
            for (int o = 0; o < halves.length; o++) {
                for (int d = 0; d < in; d++) w.set(ValueLayout.JAVA_SHORT_UNALIGNED, (o * in + d) * 2L, d == 5 ? halves[o] : 0);
            }
            MemorySegment x = arena.allocate(in * 4L);
            x.set(F32, 5 * 4L, 1f);
            for (int rows : new int[]{1, 2}) {
                MemorySegment xs = arena.allocate(rows * in * 4L);
                for (int t = 0; t < rows; t++) MemorySegment.copy(x, 0, xs, t * in * 4L, in * 4L);
                MemorySegment y = arena.allocate(rows * halves.length * 4L);
                Matmul.matmul(xs, rows, new Tensor("h", DType.F16, new long[]{halves.length, in}, w), y);
                for (int t = 0; t < rows; t++) {
                    for (int o = 0; o < halves.length; o++) {
                        float expect = Float.float16ToFloat(halves[o]);
                        float got = y.get(F32, (t * halves.length + o) * 4L);
                        // Inf·0 in the other lanes gives NaN, as any dot product would; finite values must match bit for bit
                        if (Float.isFinite(expect)) assertEquals(expect, got, 0f, "half 0x" + Integer.toHexString(halves[o] & 0xffff));
                        else assertTrue(Float.isNaN(got) || got == expect, "half 0x" + Integer.toHexString(halves[o] & 0xffff) + " gave " + got);
                    }
                }
            }
        }
    }

    @Test
    void segmentsConfinedToTheCallerStillWork() {
        try (WorkerPool two = new WorkerPool(2); Arena confined = Arena.ofConfined()) {
            int out = 256, in = 512;
            MemorySegment w = confined.allocate(out * in * 4L), x = confined.allocate(in * 4L), y = confined.allocate(out * 4L);
            for (int i = 0; i < out * in; i++) w.set(F32, i * 4L, i % 7);
            for (int d = 0; d < in; d++) x.set(F32, d * 4L, 1f);
            Matmul.matmul(two, x, 1, new Tensor("w", DType.F32, new long[]{out, in}, w), y);
            for (int o = 0; o < out; o++) {
                double expect = 0;
                for (int d = 0; d < in; d++) expect += (o * in + d) % 7;
                assertEquals(expect, y.get(F32, o * 4L), 0, "y[" + o + "]");
            }
        }
    }

    /** The surefire runs at 256 and 128 bits set imagine.vector.bits; make sure the kernels really use it. */
    @Test
    void kernelsUseTheRequestedVectorWidth() {
        Integer bits = Integer.getInteger("imagine.vector.bits");
        if (bits != null) assertEquals(bits.intValue(), WeightLanes.F.vectorBitSize());
        assertTrue(32 % WeightLanes.L == 0 && WeightLanes.PARTS >= 1);
    }

    /** The surefire run with 32 registers sets imagine.vector.registers; by default it follows the vector width. */
    @Test
    void tilesFollowTheRequestedRegisterFile() {
        Integer registers = Integer.getInteger("imagine.vector.registers");
        if (registers != null) assertEquals(registers.intValue(), WeightLanes.REGISTERS);
        assertEquals(WeightLanes.REGISTERS == 32 ? 12 : 4, Gemm.MR);
    }

    @Test
    void badShapesAreRejectedWithTheSizes() {
        try (Arena arena = Arena.ofShared()) {
            Tensor w = new Tensor("w", DType.F32, new long[]{4, 8}, arena.allocate(4 * 8 * 4L));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Matmul.matmul(arena.allocate(8 * 4L), 2, w, arena.allocate(8 * 4L)));
            assertTrue(e.getMessage().contains("2x8"), e.getMessage());
        }
    }

    /** Random x[rows,in], w[out,in] in every dtype through Matmul on `pool`, against a double loop over the stored values. */
    static void check(int rows, int out, int in, WorkerPool pool, long seed) {
        Random rnd = new Random(seed);
        float[][] w = new float[out][in];
        float[][] x = new float[rows][in];
        for (float[] r : w) for (int i = 0; i < in; i++) r[i] = (float) rnd.nextGaussian();
        for (float[] r : x) for (int i = 0; i < in; i++) r[i] = (float) rnd.nextGaussian();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment xs = arena.allocate(rows * in * 4L);
            for (int t = 0; t < rows; t++) for (int d = 0; d < in; d++) xs.set(F32, (t * in + d) * 4L, x[t][d]);
            for (DType type : DType.values()) {
                if (in % type.blockSize != 0 || type == DType.BF16_BLOCKED && (out % BlockedBf16.ROWS != 0 || in % 4 != 0)
                        || type == DType.Q8_0_BLOCKED && (out % BlockedQ8.ROWS != 0 || in % 128 != 0)) continue;
                float[][] stored = new float[out][in]; // the values the tensor really holds after rounding
                Tensor tensor = new Tensor("w", type, new long[]{out, in}, encode(arena, w, type, stored));
                MemorySegment ys = arena.allocate(rows * out * 4L);
                Matmul.matmul(pool, xs, rows, tensor, ys);
                for (int t = 0; t < rows; t++) {
                    for (int o = 0; o < out; o++) {
                        double expect = 0, magnitude = 0;
                        for (int d = 0; d < in; d++) {
                            expect += (double) x[t][d] * stored[o][d];
                            magnitude += Math.abs((double) x[t][d] * stored[o][d]);
                        }
                        assertEquals(expect, ys.get(F32, (t * out + o) * 4L), 1e-6 * magnitude + 1e-6,
                                type + " " + rows + "x" + out + "x" + in + " y[" + t + "," + o + "]");
                    }
                }
            }
        }
    }

    /** Writes w in dtype `type`; `stored` receives the dequantised values. The blocked types: BF16 or Q8_0, then blocked as the loader does. */
    static MemorySegment encode(Arena arena, float[][] w, DType type, float[][] stored) {
        int out = w.length, in = w[0].length;
        if (type == DType.BF16_BLOCKED) {
            Tensor rowMajor = new Tensor("w", DType.BF16, new long[]{out, in}, encode(arena, w, DType.BF16, stored));
            return BlockedBf16.block(rowMajor, arena).data();
        }
        if (type == DType.Q8_0_BLOCKED) {
            Tensor rowMajor = new Tensor("w", DType.Q8_0, new long[]{out, in}, encode(arena, w, DType.Q8_0, stored));
            return BlockedQ8.block(rowMajor, arena).data();
        }
        MemorySegment seg = arena.allocate(type.bytes((long) out * in));
        for (int o = 0; o < out; o++) {
            for (int d = 0; d < in; d++) {
                long i = (long) o * in + d;
                switch (type) {
                    case F32 -> { seg.set(F32, i * 4, w[o][d]); stored[o][d] = w[o][d]; }
                    case BF16 -> {
                        short b = Float16.floatToBf16(w[o][d]);
                        seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2, b);
                        stored[o][d] = Float16.bf16ToFloat(b);
                    }
                    case F16 -> {
                        short h = Float16.floatToF16(w[o][d]);
                        seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2, h);
                        stored[o][d] = Float16.f16ToFloat(h);
                    }
                    case Q8_0 -> { /* below, per block */ }
                }
            }
            if (type == DType.Q8_0) {
                for (int b = 0; b < in / 32; b++) {
                    float amax = 0;
                    for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(w[o][b * 32 + i]));
                    short dBits = Float16.floatToF16(amax / 127f);
                    float scale = Float16.f16ToFloat(dBits);
                    long block = ((long) o * (in / 32) + b) * 34;
                    seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, block, dBits);
                    for (int i = 0; i < 32; i++) {
                        byte q = (byte) Math.round(scale == 0 ? 0 : w[o][b * 32 + i] / scale);
                        seg.set(ValueLayout.JAVA_BYTE, block + 2 + i, q);
                        stored[o][b * 32 + i] = scale * q;
                    }
                }
            }
        }
        return seg;
    }
}
