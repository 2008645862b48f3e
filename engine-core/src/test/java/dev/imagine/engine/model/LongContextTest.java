package dev.imagine.engine.model;

import dev.imagine.engine.ReferenceForward;
import dev.imagine.engine.cpu.CpuBackend;
import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.imagine.engine.TestModels.allLogits;
import static dev.imagine.engine.TestModels.maxAbsDiff;
import static dev.imagine.engine.TestModels.resource;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 300-token prompt: its prefill takes the multi-threaded attention path, each decode step the single-threaded
 * one; both match the scalar reference forward.
 */
class LongContextTest {
    @Test
    void parallelPrefillAndSequentialDecodeMatchTheReference() {
        int n = 300;
        int[] tokens = new SplittableRandom(3).ints(n, 0, 283).toArray();
        try (Qwen3Weights w = Qwen3Weights.open(resource("tiny-f32"))) {
            int vocab = w.config().vocabSize();
            float[] reference = new ReferenceForward(w).logits(tokens);
            float[] prefill = allLogits(w, tokens);
            float diff = maxAbsDiff(prefill, reference);
            assertTrue(diff < 1e-5f, "prefill vs reference: " + diff);
            try (KvCache cache = new KvCache(w.config(), 16, 32, DType.F32);
                 Qwen3Model model = new Qwen3Model(w, new CpuBackend(), cache)) {
                Batch batch = new Batch();
                KvCache.Sequence s = cache.newSequence();
                batch.add(s, Arrays.copyOf(tokens, n - 3), false);
                model.forward(batch);
                for (int t = n - 3; t < n; t++) {
                    batch.clear();
                    batch.add(s, tokens[t]);
                    float[] step = model.forward(batch).toArray(ValueLayout.JAVA_FLOAT);
                    float d = maxAbsDiff(step, Arrays.copyOfRange(reference, t * vocab, (t + 1) * vocab));
                    assertTrue(d < 1e-5f, "decode position " + t + ": " + d);
                }
            }
        }
    }
}
