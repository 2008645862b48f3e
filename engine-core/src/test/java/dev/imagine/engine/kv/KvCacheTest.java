package dev.imagine.engine.kv;

import dev.imagine.engine.EngineException;
import dev.imagine.engine.write.Qwen3Checkpoints;
import dev.imagine.engine.tensor.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KvCacheTest {
    @Test
    void forksShareFullBlocksAndCopyThePartialOneOnWrite() {
        try (KvCache kv = new KvCache(Qwen3Checkpoints.shape("tiny"), 4, 10, DType.F32)) {
            KvCache.Sequence prompt = kv.newSequence();
            kv.reserve(prompt, 6); // blocks: [full, half]
            kv.keys(0).setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, kv.offset(prompt, 5, 1), 42f);
            kv.advance(prompt, 6);
            assertEquals(8, kv.freeBlocks());
            KvCache.Sequence a = kv.fork(prompt), b = kv.fork(prompt);
            kv.release(prompt);
            int[] shared = a.blockTable();
            assertEquals(2, kv.refCount(shared[0]));
            kv.reserve(a, 1);
            assertEquals(shared[0], a.blockTable()[0], "the full block stays shared");
            assertNotEquals(shared[1], a.blockTable()[1], "the partial block is copied before a writes into it");
            assertEquals(42f, kv.keys(0).getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, kv.offset(a, 5, 1)));
            kv.reserve(b, 1);
            assertArrayEquals(shared, b.blockTable(), "the last holder writes in place");
            kv.release(a);
            kv.release(b);
            assertEquals(10, kv.freeBlocks());
        }
    }

    @Test
    void aFullCacheSaysSo() {
        try (KvCache kv = new KvCache(Qwen3Checkpoints.shape("tiny"), 4, 2, DType.BF16)) {
            KvCache.Sequence s = kv.newSequence();
            kv.reserve(s, 8);
            assertThrows(EngineException.class, () -> kv.reserve(kv.newSequence(), 1));
        }
    }
}
