package dev.imagine.bench;

import dev.imagine.engine.cpu.FmaThroughput;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Dequantize;
import dev.imagine.engine.tensor.Float16;
import dev.imagine.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JMH only runs by hand, so check here that what the benchmarks compute and count is right. */
class BenchmarksComputeTest {
    @Test
    void matmulBenchmarkWeightsAndResultsAreRight() {
        for (String dtype : new String[]{"BF16", "BF16_BLOCKED", "Q8_0", "Q8_0_BLOCKED", "F16", "F32"}) {
            for (int rows : new int[]{1, 5}) {
                int out = dtype.endsWith("BLOCKED") ? 64 : 40; // blocks of 32 rows
                int in = dtype.equals("Q8_0_BLOCKED") ? 128 : 96; // four streams of whole groups of 32
                MatmulBenchmark b = new MatmulBenchmark();
                b.shape = out + "x" + in;
                b.dtype = dtype;
                b.rows = rows;
                b.streamBytes = 0; // one copy of the weights
                b.setUp();
                try {
                    MatmulBenchmark.Rates rates = new MatmulBenchmark.Rates();
                    MemorySegment y = b.matmul(rates);
                    assertEquals(DType.valueOf(dtype).bytes(out * in) / 1e9, rates.gigabytes, 1e-15);
                    assertEquals(2.0 * rows * out * in / 1e9, rates.gigaflops, 1e-15);
                    for (int t = 0; t < rows; t++) {
                        for (int o = 0; o < out; o++) {
                            double expect = 0;
                            for (int d = 0; d < in; d++) {
                                expect += (double) b.x.get(ValueLayout.JAVA_FLOAT_UNALIGNED, ((long) t * in + d) * 4) * value(b.w, o, d);
                            }
                            assertEquals(expect, y.get(ValueLayout.JAVA_FLOAT_UNALIGNED, ((long) t * out + o) * 4), 1e-5, dtype + " y[" + t + "," + o + "]");
                        }
                    }
                    // the weights look like a layer's: within ±0.05 after rounding, not all zero
                    assertTrue(Math.abs(value(b.w, 3, 7)) <= 0.0502 && value(b.w, 0, 0) != 0 || value(b.w, 0, 1) != 0);
                } finally {
                    b.tearDown();
                }
            }
        }
    }

    @Test
    void fmaPeakCountsItsFlops() {
        FmaPeakBenchmark.Rates rates = new FmaPeakBenchmark.Rates();
        float r = new FmaPeakBenchmark().oneThread(rates);
        assertTrue(Float.isFinite(r) && r > 0);
        assertEquals(2.0 * FmaThroughput.LANES * 12 * FmaPeakBenchmark.ITERATIONS / 1e9, rates.gigaflops, 1e-12);
    }

    /** w[o, d] decoded with the scalar reference conversions. */
    private static double value(Tensor w, int o, int d) {
        int in = w.dim(1);
        MemorySegment s = w.data();
        return switch (w.dtype()) {
            case F32 -> s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, ((long) o * in + d) * 4);
            case BF16 -> Float16.bf16ToFloat(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, ((long) o * in + d) * 2));
            case BF16_BLOCKED -> Dequantize.blockedBf16(s, in, o, d);
            case Q8_0_BLOCKED -> Dequantize.blockedQ8(s, in, o, d);
            case F16 -> Float16.f16ToFloat(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, ((long) o * in + d) * 2));
            case Q8_0 -> {
                long blk = ((long) o * (in / 32) + d / 32) * 34;
                yield Float16.f16ToFloat(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, blk)) * s.get(ValueLayout.JAVA_BYTE, blk + 2 + d % 32);
            }
        };
    }
}
