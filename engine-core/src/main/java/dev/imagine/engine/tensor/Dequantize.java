package dev.imagine.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads one row of a 2-D tensor of any {@link DType} as f32: how embeddings are looked up (one row a token) and
 * how converters stream a checkpoint without holding it in memory.
 *
 * <p>Usage: {@code Dequantize.row(embedding, tokenId, x, offsetBytes);}
 */
public final class Dequantize {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat LE_F32 = F32.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private Dequantize() {
    }

    /** out[outOffset/4 + c] = w[row, c] for c < cols (w is [rows, cols]). */
    public static void row(Tensor w, long row, MemorySegment out, long outOffset) {
        int cols = w.dim(w.rank() - 1);
        MemorySegment data = w.data();
        switch (w.dtype()) {
            case F32 -> MemorySegment.copy(data, row * cols * 4, out, outOffset, cols * 4L);
            case BF16 -> {
                long base = row * cols * 2;
                for (int c = 0; c < cols; c++) out.set(F32, outOffset + c * 4L, Float16.bf16ToFloat(data.get(I16, base + c * 2L)));
            }
            case BF16_BLOCKED -> {
                for (int c = 0; c < cols; c++) out.set(F32, outOffset + c * 4L, blockedBf16(data, cols, row, c));
            }
            case Q8_0_BLOCKED -> {
                for (int c = 0; c < cols; c++) out.set(F32, outOffset + c * 4L, blockedQ8(data, cols, row, c));
            }
            case F16 -> {
                long base = row * cols * 2;
                for (int c = 0; c < cols; c++) out.set(F32, outOffset + c * 4L, Float16.f16ToFloat(data.get(I16, base + c * 2L)));
            }
            case Q8_0 -> {
                // row = cols/32 blocks of [f16 scale d, 32 × int8 q]; value = d·q
                int blocks = cols / 32;
                long base = row * blocks * 34;
                for (int b = 0; b < blocks; b++) {
                    long block = base + b * 34L;
                    float d = Float16.f16ToFloat(data.get(I16, block));
                    for (int i = 0; i < 32; i++) {
                        out.set(F32, outOffset + (b * 32L + i) * 4, d * data.get(ValueLayout.JAVA_BYTE, block + 2 + i));
                    }
                }
            }
        }
    }

    /** Element [row, col] of a {@link DType#BF16_BLOCKED} matrix with {@code cols} columns (its data). */
    public static float blockedBf16(MemorySegment data, int cols, long row, int col) {
        int half = DType.BLOCKED_ROWS / 2; // int i of a column: row i (low half), row i + half (high half)
        long at = ((row / DType.BLOCKED_ROWS * cols + col) * half + row % half) * 4 + (row % DType.BLOCKED_ROWS) / half * 2;
        return Float16.bf16ToFloat(data.get(I16, at));
    }

    /** Element [row, col] of a {@link DType#Q8_0_BLOCKED} matrix with {@code cols} columns (its data): scale · q. */
    public static float blockedQ8(MemorySegment data, int cols, long row, int col) {
        int r = (int) (row % DType.BLOCKED_ROWS);
        long group = ((row / DType.BLOCKED_ROWS) * (cols / 32) + col / 32) * DType.Q8_GROUP_BYTES;
        float d = data.get(LE_F32, group + r * 4L);
        return d * data.get(ValueLayout.JAVA_BYTE, group + DType.BLOCKED_ROWS * 4 + (col % 32) * DType.BLOCKED_ROWS + r);
    }

    /** Row {@code row} as a new float array (tests and converters; not for hot loops). */
    public static float[] row(Tensor w, long row) {
        int cols = w.dim(w.rank() - 1);
        float[] values = new float[cols];
        row(w, row, MemorySegment.ofArray(values), 0);
        return values;
    }
}
