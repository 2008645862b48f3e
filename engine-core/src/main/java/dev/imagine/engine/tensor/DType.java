package dev.imagine.engine.tensor;

/**
 * Element types of weight and activation tensors. Quantised types are stored in blocks along the
 * innermost (row) dimension, as in GGUF.
 */
public enum DType {
    F32(1, 4),
    F16(1, 2),
    BF16(1, 2),
    /**
     * BF16 re-laid out in memory at load for the CPU kernels (never in a file): blocks of 32 rows of [O, D]; block
     * b holds its D columns one after another, column k as 16 ints whose int i is row 32b+i in its low half and row
     * 32b+16+i in its high half (64 bytes, one 512-bit load). O is a multiple of {@link #BLOCKED_ROWS}. See
     * {@code dev.imagine.engine.cpu.BlockedBf16}; {@link Dequantize#blockedBf16} reads one element.
     */
    BF16_BLOCKED(1, 2),
    /** GGUF Q8_0: blocks of 32 values, each an f16 scale d then 32 int8 q; value = d·q. 34 bytes a block. */
    Q8_0(32, 34),
    /**
     * Q8_0 re-laid out in memory at load for the CPU kernels (never in a file): blocks of 32 rows of [O, D]; block b
     * holds D/32 groups of {@link #Q8_GROUP_BYTES} bytes, group g the f32 scales of rows 32b..32b+32 for columns
     * 32g..32g+32 (row i at byte 4i), then those 32 columns, column c as 32 int8 (row i at byte 128 + 32c + i). O is a
     * multiple of {@link #BLOCKED_ROWS}. 36 bytes per 32 values (the scales widened to f32). See
     * {@code dev.imagine.engine.cpu.BlockedQ8}; {@link Dequantize#blockedQ8} reads one element.
     */
    Q8_0_BLOCKED(32, 36);

    /** Rows per block of {@link #BF16_BLOCKED} and {@link #Q8_0_BLOCKED}. */
    public static final int BLOCKED_ROWS = 32;
    /** Bytes per group of {@link #Q8_0_BLOCKED}: 32 rows' f32 scales and 32 columns of 32 int8. */
    public static final int Q8_GROUP_BYTES = BLOCKED_ROWS * 4 + 32 * BLOCKED_ROWS;

    /** Values per block (1 for plain types). */
    public final int blockSize;
    /** Bytes per block. */
    public final int blockBytes;

    DType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The error of a writer asked for a type that only exists in memory ({@link #BF16_BLOCKED}, {@link #Q8_0_BLOCKED}). */
    public IllegalArgumentException notAFileType() {
        return new IllegalArgumentException(this + " is an in-memory layout, not a file type");
    }

    /** Bytes taken by {@code elements} values; elements must be a multiple of the block size. */
    public long bytes(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " elements, got " + elements);
        }
        return elements / blockSize * blockBytes;
    }
}
