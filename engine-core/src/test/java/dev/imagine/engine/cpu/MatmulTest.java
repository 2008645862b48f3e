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

class MatmulTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Test
    void everyDtypeMatchesAPlainDoubleLoop() {
        int rows = 3, out = 5, in = 64;
        Random rnd = new Random(7);
        float[][] w = new float[out][in];
        float[][] x = new float[rows][in];
        for (float[] r : w) for (int i = 0; i < in; i++) r[i] = (float) rnd.nextGaussian();
        for (float[] r : x) for (int i = 0; i < in; i++) r[i] = (float) rnd.nextGaussian();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocate(rows * in * 4L);
            for (int t = 0; t < rows; t++) for (int d = 0; d < in; d++) xs.set(F32, (t * in + d) * 4L, x[t][d]);
            for (DType type : DType.values()) {
                float[][] stored = new float[out][in]; // the values the tensor really holds after rounding
                Tensor tensor = new Tensor("w", type, new long[]{out, in}, encode(arena, w, type, stored));
                MemorySegment ys = arena.allocate(rows * out * 4L);
                Matmul.matmul(xs, rows, tensor, ys);
                for (int t = 0; t < rows; t++) {
                    for (int o = 0; o < out; o++) {
                        double expect = 0;
                        for (int d = 0; d < in; d++) expect += (double) x[t][d] * stored[o][d];
                        assertEquals(expect, ys.get(F32, (t * out + o) * 4L), 1e-4, type + " y[" + t + "," + o + "]");
                    }
                }
            }
        }
    }

    /** Writes w in dtype `type`; `stored` receives the dequantised values. */
    static MemorySegment encode(Arena arena, float[][] w, DType type, float[][] stored) {
        int out = w.length, in = w[0].length;
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
