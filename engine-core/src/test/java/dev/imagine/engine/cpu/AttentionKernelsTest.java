package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.Float16;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Vector API kernels of the attention loops against scalar sums, including tails shorter than a vector. */
class AttentionKernelsTest {
    @Test
    void vectorDotMatchesScalarForF32AndBf16() {
        SplittableRandom rng = new SplittableRandom(4);
        try (Arena arena = Arena.ofConfined()) {
            for (int n : new int[]{1, 7, 16, 64, 100, 128, 131}) {
                MemorySegment a = arena.allocate(4L * (n + 3), 64), f = arena.allocate(4L * (n + 5), 64), h = arena.allocate(2L * (n + 5), 64);
                float[] av = new float[n], bv = new float[n];
                for (int i = 0; i < n; i++) {
                    av[i] = (float) rng.nextGaussian();
                    bv[i] = Float16.bf16ToFloat(Float16.floatToBf16((float) rng.nextGaussian())); // exactly representable in bf16
                    a.setAtIndex(ValueLayout.JAVA_FLOAT, i + 3, av[i]);
                    f.setAtIndex(ValueLayout.JAVA_FLOAT, i + 5, bv[i]);
                    h.setAtIndex(ValueLayout.JAVA_SHORT, i + 5, Float16.floatToBf16(bv[i]));
                }
                double expected = 0;
                for (int i = 0; i < n; i++) expected += (double) av[i] * bv[i];
                assertEquals(expected, Attention.dotF32(a, 3, f, 5, n), 1e-4, "f32 dot n=" + n);
                assertEquals(expected, Attention.dotBf16(a, 3, h, 5, n), 1e-4, "bf16 dot n=" + n);
            }
        }
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
