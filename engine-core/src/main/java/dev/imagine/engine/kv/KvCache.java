package dev.imagine.engine.kv;

import dev.imagine.engine.EngineException;
import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.tensor.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A paged key/value cache. Memory is cut into fixed-size blocks of {@code blockSize} positions; each
 * {@link Sequence} owns a block table (its blocks in position order) and blocks are reference-counted, so a
 * group of G completions forked from one prompt shares the prompt's blocks. Appending into a shared,
 * partly filled block copies it first (copy-on-write). Releasing a sequence frees its blocks at once.
 *
 * <p>Storage per layer in f32 or bf16: V is {@code [numBlocks, kvHeads, blockSize, headDim]}, so that the positions
 * of one KV head within a block are contiguous rows (attention walks them in order); K is transposed within each
 * block, {@code [numBlocks, kvHeads, headDim, blockSize]}, so that the scores of a block's positions are one
 * broadcast FMA per dim over a vector of positions, with no horizontal sum per position.
 *
 * <p>Usage: {@code KvCache kv = new KvCache(config, 16, 4096, DType.F32); Sequence s = kv.newSequence();}
 */
public final class KvCache implements AutoCloseable {
    /** One sequence's block table and length (positions filled). */
    public static final class Sequence {
        int[] blocks = new int[4];
        int blockCount;
        int length;
        boolean released;

        /** Positions already in the cache. */
        public int length() {
            return length;
        }

        /** The cache block holding positions [i·blockSize, (i+1)·blockSize). */
        public int block(int i) {
            return blocks[i];
        }

        /** Blocks this sequence holds, in position order. */
        public int[] blockTable() {
            return Arrays.copyOf(blocks, blockCount);
        }
    }

    private final int blockSize;
    private final int numBlocks;
    private final int kvDim;
    private final int kvHeads;
    private final int headDim;
    private final DType dtype;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] keys;
    private final MemorySegment[] values;
    private final int[] refCount;
    private final int[] freeList;
    private int freeCount;

    public KvCache(Qwen3Config config, int blockSize, int numBlocks, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.BF16) throw new IllegalArgumentException("KV cache dtype must be F32 or BF16, not " + dtype);
        if (blockSize <= 0 || numBlocks <= 0) throw new IllegalArgumentException("blockSize and numBlocks must be positive");
        this.blockSize = blockSize;
        this.numBlocks = numBlocks;
        this.kvDim = config.kvDim();
        this.kvHeads = config.kvHeads();
        this.headDim = config.headDim();
        this.dtype = dtype;
        long bytesPerLayer = (long) numBlocks * blockSize * kvDim * dtype.blockBytes;
        keys = new MemorySegment[config.layers()];
        values = new MemorySegment[config.layers()];
        try {
            for (int l = 0; l < config.layers(); l++) {
                keys[l] = arena.allocate(bytesPerLayer, 64);
                values[l] = arena.allocate(bytesPerLayer, 64);
            }
        } catch (OutOfMemoryError e) {
            arena.close();
            throw new EngineException("cannot allocate a KV cache of " + numBlocks + " blocks × " + blockSize + " positions ("
                    + (2 * bytesPerLayer * config.layers() >> 20) + " MiB): " + e.getMessage());
        }
        refCount = new int[numBlocks];
        freeList = new int[numBlocks];
        for (int i = 0; i < numBlocks; i++) freeList[i] = numBlocks - 1 - i;
        freeCount = numBlocks;
    }

    /** A cache big enough for {@code sequences} sequences of up to {@code maxLength} positions each, unshared. */
    public static KvCache forSequences(Qwen3Config config, int sequences, int maxLength, DType dtype) {
        int blockSize = 16;
        int perSequence = (maxLength + blockSize - 1) / blockSize;
        return new KvCache(config, blockSize, Math.max(1, sequences * perSequence), dtype);
    }

    public int blockSize() {
        return blockSize;
    }

    public DType dtype() {
        return dtype;
    }

    public int kvDim() {
        return kvDim;
    }

    public int freeBlocks() {
        return freeCount;
    }

    public int refCount(int block) {
        return refCount[block];
    }

    public int headDim() {
        return headDim;
    }

    /** K storage of a layer: {@code [numBlocks, kvHeads, headDim, blockSize]} (transposed within a block, see {@link #keyOffset}). */
    public MemorySegment keys(int layer) {
        return keys[layer];
    }

    /** V storage of a layer: {@code [numBlocks, kvHeads, blockSize, headDim]}. */
    public MemorySegment values(int layer) {
        return values[layer];
    }

    public Sequence newSequence() {
        return new Sequence();
    }

    /** A new sequence that shares every block of {@code parent} (its prompt) and continues from its length. */
    public Sequence fork(Sequence parent) {
        checkLive(parent);
        Sequence child = new Sequence();
        child.blocks = Arrays.copyOf(parent.blocks, Math.max(4, parent.blockCount));
        child.blockCount = parent.blockCount;
        child.length = parent.length;
        for (int i = 0; i < parent.blockCount; i++) refCount[parent.blocks[i]]++;
        return child;
    }

    /** Gives the sequence's blocks back; blocks no other sequence holds become free. */
    public void release(Sequence s) {
        if (s.released) return;
        for (int i = 0; i < s.blockCount; i++) {
            int b = s.blocks[i];
            if (--refCount[b] == 0) freeList[freeCount++] = b;
        }
        s.blockCount = 0;
        s.released = true;
    }

    /**
     * Makes room for {@code n} more positions: allocates blocks, and copies a shared partly-filled last block
     * so that writes never touch another sequence's positions.
     */
    public void reserve(Sequence s, int n) {
        checkLive(s);
        int filledInLast = s.length % blockSize;
        if (n > 0 && filledInLast != 0 && refCount[s.blocks[s.blockCount - 1]] > 1) {
            int shared = s.blocks[s.blockCount - 1];
            int copy = allocate();
            long blockBytes = (long) blockSize * kvDim * dtype.blockBytes; // whole block: simpler than per-head partial copies
            for (int l = 0; l < keys.length; l++) {
                MemorySegment.copy(keys[l], shared * blockBytes, keys[l], copy * blockBytes, blockBytes);
                MemorySegment.copy(values[l], shared * blockBytes, values[l], copy * blockBytes, blockBytes);
            }
            refCount[shared]--;
            s.blocks[s.blockCount - 1] = copy;
        }
        int needed = (s.length + n + blockSize - 1) / blockSize;
        while (s.blockCount < needed) {
            if (s.blockCount == s.blocks.length) s.blocks = Arrays.copyOf(s.blocks, s.blocks.length * 2);
            s.blocks[s.blockCount++] = allocate();
        }
    }

    /** Marks {@code n} reserved positions as filled (after the forward pass wrote them). */
    public void advance(Sequence s, int n) {
        if (s.length + n > s.blockCount * blockSize) throw new IllegalStateException("advance past the reserved blocks");
        s.length += n;
    }

    /**
     * Element index in the layer's value storage of head {@code kvHead} at position {@code pos} of {@code s}; dim d
     * follows at +d.
     */
    public long offset(Sequence s, int pos, int kvHead) {
        return headStart(s.blocks[pos / blockSize], kvHead) + (long) (pos % blockSize) * headDim;
    }

    /**
     * Element index in the layer's key storage of dim 0 of head {@code kvHead} at position {@code pos} of {@code s};
     * dim d follows at +d·blockSize (keys are transposed within a block).
     */
    public long keyOffset(Sequence s, int pos, int kvHead) {
        return headStart(s.blocks[pos / blockSize], kvHead) + pos % blockSize;
    }

    /**
     * Element index of head {@code kvHead} in {@code block}: values, slot i at +i·headDim; keys, dim d of slot i at
     * +d·blockSize + i.
     */
    public long headStart(int block, int kvHead) {
        return ((long) block * kvHeads + kvHead) * blockSize * headDim;
    }

    private int allocate() {
        if (freeCount == 0) {
            throw new EngineException("the KV cache is full (" + numBlocks + " blocks of " + blockSize
                    + " positions); make it larger or generate fewer/shorter sequences");
        }
        int b = freeList[--freeCount];
        refCount[b] = 1;
        return b;
    }

    private static void checkLive(Sequence s) {
        if (s.released) throw new IllegalStateException("sequence already released");
    }

    @Override
    public void close() {
        arena.close();
    }
}
