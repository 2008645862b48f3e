package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.Float16;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Vector API dot/axpy of the attention loops against scalar sums, including tails shorter than a vector. */
class AttentionKernelsTest {
    @Test
    void vectorDotAndAxpyMatchScalarForF32AndBf16() {
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
                assertEquals(expected, CpuBackend.dotF32(a, 3, f, 5, n), 1e-4, "f32 dot n=" + n);
                assertEquals(expected, CpuBackend.dotBf16(a, 3, h, 5, n), 1e-4, "bf16 dot n=" + n);
                MemorySegment y1 = arena.allocate(4L * (n + 3), 64), y2 = arena.allocate(4L * (n + 3), 64);
                MemorySegment.copy(a, 0, y1, 0, a.byteSize());
                MemorySegment.copy(a, 0, y2, 0, a.byteSize());
                CpuBackend.axpyF32(0.5f, f, 5, y1, 3, n);
                CpuBackend.axpyBf16(0.5f, h, 5, y2, 3, n);
                for (int i = 0; i < n; i++) {
                    float want = av[i] + 0.5f * bv[i];
                    assertEquals(want, y1.getAtIndex(ValueLayout.JAVA_FLOAT, i + 3), 1e-6, "f32 axpy n=" + n);
                    assertEquals(want, y2.getAtIndex(ValueLayout.JAVA_FLOAT, i + 3), 1e-6, "bf16 axpy n=" + n);
                }
            }
        }
    }
}
