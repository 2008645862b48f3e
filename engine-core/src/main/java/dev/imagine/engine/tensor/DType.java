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
    Q8_0(32, 34);

    /** Rows per block of {@link #BF16_BLOCKED}. */
    public static final int BLOCKED_ROWS = 32;

    /** Values per block (1 for plain types). */
    public final int blockSize;
    /** Bytes per block. */
    public final int blockBytes;

    DType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The error of a writer asked for a type that only exists in memory ({@link #BF16_BLOCKED}). */
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
