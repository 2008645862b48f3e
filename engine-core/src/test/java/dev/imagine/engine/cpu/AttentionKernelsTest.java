package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.Float16;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Vector API kernels of the attention loops against scalar sums, including fills shorter than a vector. */
class AttentionKernelsTest {
    /**
     * Scores over one transposed key block, one head and two heads at once, f32 and bf16, every fill n of the
     * block, heads with a tail of dims.
     */
    @Test
    void blockScoresMatchADoubleLoopForEveryFill() {
        SplittableRandom rng = new SplittableRandom(4);
        int blockSize = 32; // a multiple of every vector length (4, 8, 16 floats)
        try (Arena arena = Arena.ofConfined()) {
            for (int headDim : new int[]{128, 42, 3}) {
                float[] q = new float[2 * headDim + 2]; // two heads: from 2 and from 2 + headDim
                for (int d = 0; d < q.length; d++) q[d] = (float) rng.nextGaussian();
                MemorySegment f = arena.allocate(4L * (headDim * blockSize + 7), 64), h = arena.allocate(2L * (headDim * blockSize + 7), 64);
                double[][] k = keyBlock(rng, blockSize, headDim, f, h, 7);
                for (int n = 1; n <= blockSize; n++) {
                    for (boolean f32 : new boolean[]{true, false}) {
                        float[] scores = new float[n + 3];
                        java.util.Arrays.fill(scores, -7f);
                        Attention.blockScores(q, 2, f32 ? f : h, 7, blockSize, n, headDim, f32, 0.5f, scores, 1);
                        for (int j = 0; j < n; j++) {
                            double want = 0;
                            for (int d = 0; d < headDim; d++) want += q[2 + d] * k[j][d];
                            assertEquals(want * 0.5, scores[1 + j], 1e-4, (f32 ? "f32" : "bf16") + " headDim " + headDim + " n " + n + " slot " + j);
                        }
                        assertEquals(-7f, scores[0], "before the range");
                        for (int j = 1 + n; j < scores.length; j++) assertEquals(-7f, scores[j], "past the filled slots, n " + n);
                        // the two-head kernel: head A's scores from 1, head B's from n + 4
                        float[] two = new float[2 * n + 6];
                        java.util.Arrays.fill(two, -7f);
                        Attention.blockScores2(q, 2, 2 + headDim, f32 ? f : h, 7, blockSize, n, headDim, f32, 0.5f, two, 1, n + 4);
                        for (int j = 0; j < n; j++) {
                            double wantA = 0, wantB = 0;
                            for (int d = 0; d < headDim; d++) {
                                wantA += q[2 + d] * k[j][d];
                                wantB += q[2 + headDim + d] * k[j][d];
                            }
                            assertEquals(wantA * 0.5, two[1 + j], 1e-4, "two heads, A, headDim " + headDim + " n " + n + " slot " + j);
                            assertEquals(wantB * 0.5, two[n + 4 + j], 1e-4, "two heads, B, headDim " + headDim + " n " + n + " slot " + j);
                        }
                        for (int j : new int[]{0, n + 1, n + 2, n + 3, 2 * n + 4, 2 * n + 5}) assertEquals(-7f, two[j], "outside the filled slots, n " + n);
                    }
                }
            }
        }
    }

    /**
     * Eight queries at once over one key block (their dims interleaved, as attendRows lays them out), f32 and bf16,
     * every fill n: each query's scores at its own stride, nothing written past the filled slots.
     */
    @Test
    void blockScores8MatchesADoubleLoopForEveryFill() {
        SplittableRandom rng = new SplittableRandom(5);
        int blockSize = 32, queries = Attention.QUERIES;
        try (Arena arena = Arena.ofConfined()) {
            for (int headDim : new int[]{128, 42, 3}) {
                double[][] q = new double[queries][headDim];
                float[] qt = new float[3 + queries * headDim]; // from 3: query i, dim d at 3 + d·8 + i
                for (int i = 0; i < queries; i++) {
                    for (int d = 0; d < headDim; d++) qt[3 + d * queries + i] = (float) (q[i][d] = (float) rng.nextGaussian());
                }
                MemorySegment f = arena.allocate(4L * (headDim * blockSize + 5), 64), h = arena.allocate(2L * (headDim * blockSize + 5), 64);
                double[][] k = keyBlock(rng, blockSize, headDim, f, h, 5);
                for (int n = 1; n <= blockSize; n++) {
                    for (boolean f32 : new boolean[]{true, false}) {
                        int stride = n + 2;
                        float[] scores = new float[1 + queries * stride];
                        java.util.Arrays.fill(scores, -7f);
                        Attention.blockScores8(qt, 3, f32 ? f : h, 5, blockSize, n, headDim, f32, 0.25f, scores, 1, stride);
                        for (int i = 0; i < queries; i++) {
                            for (int j = 0; j < n; j++) {
                                double want = 0;
                                for (int d = 0; d < headDim; d++) want += q[i][d] * k[j][d];
                                assertEquals(want * 0.25, scores[1 + i * stride + j], 1e-4, (f32 ? "f32" : "bf16") + " headDim " + headDim + " n " + n + " query " + i + " slot " + j);
                            }
                            for (int j = n; j < stride; j++) assertEquals(-7f, scores[1 + i * stride + j], "past the filled slots, n " + n + " query " + i);
                        }
                        assertEquals(-7f, scores[0], "before the range");
                    }
                }
            }
        }
    }

    /**
     * Eight queries over two blocks at once (the first full, the second filled to n), f32 and bf16: each block's
     * scores where {@link Attention#blockScores8} would put them, nothing past the second block's filled slots.
     */
    @Test
    void blockScores8x2MatchesADoubleLoopForEveryFillOfTheSecondBlock() {
        SplittableRandom rng = new SplittableRandom(6);
        int blockSize = 32, queries = Attention.QUERIES, headDim = 40;
        try (Arena arena = Arena.ofConfined()) {
            double[][] q = new double[queries][headDim];
            float[] qt = new float[queries * headDim];
            for (int i = 0; i < queries; i++) {
                for (int d = 0; d < headDim; d++) qt[d * queries + i] = (float) (q[i][d] = (float) rng.nextGaussian());
            }
            long blockFloats = (long) headDim * blockSize;
            MemorySegment f = arena.allocate(4L * (2 * blockFloats + 3), 64), h = arena.allocate(2L * (2 * blockFloats + 3), 64);
            double[][] ka = keyBlock(rng, blockSize, headDim, f, h, 3 + (int) blockFloats); // block A after block B in memory
            double[][] kb = keyBlock(rng, blockSize, headDim, f, h, 3);
            for (int n = 1; n <= blockSize; n++) {
                for (boolean f32 : new boolean[]{true, false}) {
                    int stride = 2 * blockSize + 1;
                    float[] scores = new float[queries * stride];
                    java.util.Arrays.fill(scores, -7f);
                    Attention.blockScores8x2(qt, 0, f32 ? f : h, 3 + blockFloats, 3, blockSize, n, headDim, f32, 0.5f, scores, 0, stride);
                    for (int i = 0; i < queries; i++) {
                        for (int j = 0; j < 2 * blockSize; j++) {
                            String where = (f32 ? "f32" : "bf16") + " n " + n + " query " + i + " slot " + j;
                            if (j >= blockSize + n) {
                                assertEquals(-7f, scores[i * stride + j], "past the filled slots, " + where);
                                continue;
                            }
                            double[] key = j < blockSize ? ka[j] : kb[j - blockSize];
                            double want = 0;
                            for (int d = 0; d < headDim; d++) want += q[i][d] * key[d];
                            assertEquals(want * 0.5, scores[i * stride + j], 1e-4, where);
                        }
                        assertEquals(-7f, scores[i * stride + 2 * blockSize], "the stride's last float");
                    }
                }
            }
        }
    }

    /**
     * A random key block exact in bf16, transposed as the cache holds it (dim d, slot j at from + d·blockSize + j),
     * written as f32 into f and as bf16 into h; returns k[slot][dim].
     */
    private static double[][] keyBlock(SplittableRandom rng, int blockSize, int headDim, MemorySegment f, MemorySegment h, int from) {
        double[][] k = new double[blockSize][headDim];
        for (int j = 0; j < blockSize; j++) {
            for (int d = 0; d < headDim; d++) {
                float v = Float16.bf16ToFloat(Float16.floatToBf16((float) rng.nextGaussian())); // exact in bf16
                k[j][d] = v;
                f.setAtIndex(ValueLayout.JAVA_FLOAT, from + (long) d * blockSize + j, v);
                h.setAtIndex(ValueLayout.JAVA_SHORT, from + (long) d * blockSize + j, Float16.floatToBf16(v));
            }
        }
        return k;
    }

    @Test
    void softmaxMatchesDoubleForAnyLength() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int n : new int[]{1, 3, 16, 17, 100, 257}) {
            float[] s = new float[n + 2];
            for (int i = 0; i < s.length; i++) s[i] = (float) (rng.nextGaussian() * 4);
            float[] copy = s.clone();
            Attention.softmax(s, 2, n);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 2; i < n + 2; i++) max = Math.max(max, copy[i]);
            for (int i = 2; i < n + 2; i++) sum += Math.exp(copy[i] - max);
            for (int i = 2; i < n + 2; i++) assertEquals(Math.exp(copy[i] - max) / sum, s[i], 1e-6, "n=" + n + " i=" + i);
            assertEquals(copy[0], s[0], 0f, "before the range");
        }
    }

    @Test
    void vectorBf16RoundingMatchesTheScalarOneIncludingNaNAndTies() {
        float[] special = {0f, -0f, 1f, Float.NaN, Float.intBitsToFloat(0x7f800001), Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.MAX_VALUE, Float.MIN_VALUE, Float.intBitsToFloat(0x3f808000),
                Float.intBitsToFloat(0x3f818000), Float.intBitsToFloat(0x3f80ffff), Float.intBitsToFloat(0xff800001)};
        SplittableRandom rng = new SplittableRandom(11);
        int n = 200;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(4L * n), dst = arena.allocate(2L * n);
            for (int i = 0; i < n; i++) {
                float v = i < special.length ? special[i] : Float.intBitsToFloat(rng.nextInt());
                src.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
            }
            Attention.toBf16(src, 0, dst, 0, n);
            for (int i = 0; i < n; i++) {
                float v = src.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                assertEquals(Float16.floatToBf16(v), dst.getAtIndex(ValueLayout.JAVA_SHORT, i), "bits 0x" + Integer.toHexString(Float.floatToRawIntBits(v)));
            }
        }
    }
}
