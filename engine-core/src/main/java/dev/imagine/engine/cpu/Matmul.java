package dev.imagine.engine.cpu;

import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Float16;
import dev.imagine.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Matrix multiplication against a weight tensor: {@code x[T,D] · w[O,D]ᵀ → y[T,O]}, x and y f32, w in any
 * {@link DType}. This is the contract every CPU kernel variant keeps; the speed work replaces the body
 * (Vector API, worker pool, register tiling) without changing the signature.
 *
 * <p>Usage: {@code Matmul.matmul(x, T, w, y);}
 */
public final class Matmul {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private Matmul() {
    }

    /** y[t,o] = Σ_d x[t,d]·w[o,d] for t < rows. x holds at least rows·D floats, y at least rows·O floats. */
    public static void matmul(MemorySegment x, int rows, Tensor w, MemorySegment y) {
        if (w.rank() != 2) throw new IllegalArgumentException("matmul weight must be 2-D: " + w);
        int out = w.dim(0), in = w.dim(1);
        for (int t = 0; t < rows; t++) {
            long xRow = (long) t * in * 4;
            for (int o = 0; o < out; o++) {
                y.set(F32, ((long) t * out + o) * 4, dotRow(x, xRow, w, o, in));
            }
        }
    }

    /** Σ_d x[xOffset/4 + d] · w[row, d]. */
    static float dotRow(MemorySegment x, long xOffset, Tensor w, int row, int in) {
        MemorySegment data = w.data();
        float sum = 0f;
        switch (w.dtype()) {
            case F32 -> {
                long base = (long) row * in * 4;
                for (int d = 0; d < in; d++) sum += x.get(F32, xOffset + d * 4L) * data.get(F32, base + d * 4L);
            }
            case BF16 -> {
                long base = (long) row * in * 2;
                for (int d = 0; d < in; d++) {
                    sum += x.get(F32, xOffset + d * 4L) * Float16.bf16ToFloat(data.get(I16, base + d * 2L));
                }
            }
            case F16 -> {
                long base = (long) row * in * 2;
                for (int d = 0; d < in; d++) {
                    sum += x.get(F32, xOffset + d * 4L) * Float16.f16ToFloat(data.get(I16, base + d * 2L));
                }
            }
            case Q8_0 -> {
                int blocks = in / 32;
                long base = (long) row * blocks * 34;
                for (int b = 0; b < blocks; b++) {
                    long block = base + b * 34L;
                    float scale = Float16.f16ToFloat(data.get(I16, block));
                    float blockSum = 0f;
                    for (int i = 0; i < 32; i++) {
                        blockSum += x.get(F32, xOffset + (b * 32L + i) * 4) * data.get(ValueLayout.JAVA_BYTE, block + 2 + i);
                    }
                    sum += scale * blockSum;
                }
            }
        }
        return sum;
    }
}
