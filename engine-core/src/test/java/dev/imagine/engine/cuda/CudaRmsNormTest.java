package dev.imagine.engine.cuda;

import dev.imagine.cuda.CudaDevices;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Float16;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CudaRmsNormTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Test
    void autoFallsBackToCpuWithoutADevice() {
        if (!CudaDevices.discover().any()) {
            assertEquals(ComputeDevice.CPU, ComputeDevice.select("auto"));
            assertThrows(IllegalArgumentException.class, () -> ComputeDevice.select("cuda"));
        }
        assertEquals(ComputeDevice.CPU, ComputeDevice.select("cpu"));
        assertThrows(IllegalArgumentException.class, () -> ComputeDevice.select("tpu"));
    }

    /** Runs only where a CUDA device exists (skipped, and reported as skipped, elsewhere). */
    @Test
    void gpuMatchesCpuForF32AndBf16Input() {
        var opened = CudaRmsNorm.open();
        assumeTrue(opened.isPresent(), "no CUDA device: " + CudaDevices.discover().whyNone());
        int rows = 5, dim = 1000;
        Random rnd = new Random(3);
        try (Arena arena = Arena.ofConfined(); CudaRmsNorm norm = opened.get()) {
            MemorySegment x = arena.allocate(rows * dim * 4L), xb = arena.allocate(rows * dim * 2L);
            MemorySegment w = arena.allocate(dim * 4L), y = arena.allocate(rows * dim * 4L);
            float[] xs = new float[rows * dim], ws = new float[dim];
            for (int i = 0; i < xs.length; i++) {
                short b = Float16.floatToBf16((float) rnd.nextGaussian());
                xs[i] = Float16.bf16ToFloat(b); // exactly representable in both types
                x.setAtIndex(F32, i, xs[i]);
                xb.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, b);
            }
            for (int i = 0; i < dim; i++) w.setAtIndex(F32, i, ws[i] = 1 + 0.1f * (float) rnd.nextGaussian());
            for (DType type : new DType[]{DType.F32, DType.BF16}) {
                norm.apply(type == DType.F32 ? x : xb, type, w, y, rows, dim, 1e-6f);
                for (int t = 0; t < rows; t++) {
                    double ss = 0;
                    for (int i = 0; i < dim; i++) ss += (double) xs[t * dim + i] * xs[t * dim + i];
                    double scale = 1 / Math.sqrt(ss / dim + 1e-6);
                    for (int i = 0; i < dim; i++) {
                        assertEquals(xs[t * dim + i] * scale * ws[i], y.getAtIndex(F32, (long) t * dim + i), 1e-4, type + " row " + t);
                    }
                }
            }
        }
    }
}
