package dev.imagine.engine.model;

import dev.imagine.engine.cpu.CpuBackend;
import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static dev.imagine.engine.TestModels.TOKENS;
import static dev.imagine.engine.TestModels.allLogits;
import static dev.imagine.engine.TestModels.maxAbsDiff;
import static dev.imagine.engine.TestModels.resource;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prefill + one-token decode steps (alone or batched with another sequence) reproduce the full-prompt logits. */
class IncrementalDecodeTest {
    private static float[] row(float[] all, int t, int vocab) {
        return Arrays.copyOfRange(all, t * vocab, (t + 1) * vocab);
    }

    private static void checkIncremental(DType cacheType, float tolerance) {
        try (Qwen3Weights w = Qwen3Weights.open(resource("tiny-f32"))) {
            int vocab = w.config().vocabSize();
            float[] full = allLogits(w, TOKENS);
            int[] other = {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
            float[] otherFull = allLogits(w, other);
            try (KvCache cache = new KvCache(w.config(), 4, 64, cacheType);
                 Qwen3Model model = new Qwen3Model(w, new CpuBackend(), cache)) {
                Batch batch = new Batch();
                KvCache.Sequence s = cache.newSequence(), o = cache.newSequence();
                int prefill = 7;
                batch.add(s, Arrays.copyOf(TOKENS, prefill), true);
                batch.add(o, new int[]{other[0]}, false);
                MemorySegment logits = model.forward(batch);
                float[] got = logits.toArray(ValueLayout.JAVA_FLOAT);
                assertTrue(maxAbsDiff(Arrays.copyOf(got, prefill * vocab), Arrays.copyOf(full, prefill * vocab)) < tolerance);
                for (int t = prefill; t < TOKENS.length; t++) {
                    batch.clear();
                    batch.add(s, TOKENS[t]);
                    int oPos = t - prefill + 1;
                    if (oPos < other.length) batch.add(o, other[oPos]);
                    logits = model.forward(batch);
                    float[] step = logits.toArray(ValueLayout.JAVA_FLOAT);
                    float diff = maxAbsDiff(Arrays.copyOf(step, vocab), row(full, t, vocab));
                    assertTrue(diff < tolerance, "position " + t + ": " + diff);
                    if (oPos < other.length) {
                        float od = maxAbsDiff(Arrays.copyOfRange(step, vocab, 2 * vocab), row(otherFull, oPos, vocab));
                        assertTrue(od < tolerance, "other sequence position " + oPos + ": " + od);
                    }
                }
            }
        }
    }

    @Test
    void f32CacheReproducesFullPromptLogits() {
        checkIncremental(DType.F32, 1e-6f);
    }

    @Test
    void bf16CacheStaysClose() {
        checkIncremental(DType.BF16, 2e-2f);
    }
}
