package dev.imagine.engine.model;

import dev.imagine.engine.TestModels;
import dev.imagine.engine.load.Qwen3Weights;
import org.junit.jupiter.api.Test;

import static dev.imagine.engine.TestModels.TOKENS;
import static dev.imagine.engine.TestModels.allLogits;
import static dev.imagine.engine.TestModels.maxAbsDiff;
import static dev.imagine.engine.TestModels.readF32;
import static dev.imagine.engine.TestModels.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine against the independent float64 reference forward pass of the golden tiny models. */
class GoldenLogitsTest {
    private static float[] logitsOf(String model) {
        try (Qwen3Weights w = Qwen3Weights.open(resource(model))) {
            assertEquals(283, w.config().vocabSize());
            return allLogits(w, TOKENS);
        }
    }

    @Test
    void f32SafetensorsMatchReferenceWithin1e5() {
        float diff = maxAbsDiff(logitsOf("tiny-f32"), readF32(resource("logits-f32.reference.f32")));
        assertTrue(diff < 1e-5f, "max |diff| " + diff);
    }

    @Test
    void f32GgufMatchesReferenceWithin1e5() {
        float diff = maxAbsDiff(logitsOf("tiny-f32.gguf"), readF32(resource("logits-f32.reference.f32")));
        assertTrue(diff < 1e-5f, "max |diff| " + diff);
    }

    @Test
    void bf16SafetensorsMatchReferenceWithin1e4() {
        float diff = maxAbsDiff(logitsOf("tiny-bf16"), readF32(resource("logits-bf16.reference.f32")));
        assertTrue(diff < 1e-4f, "max |diff| " + diff);
    }

    @Test
    void bf16GgufMatchesReferenceWithin1e4() {
        float diff = maxAbsDiff(logitsOf("tiny-bf16.gguf"), readF32(resource("logits-bf16.reference.f32")));
        assertTrue(diff < 1e-4f, "max |diff| " + diff);
    }

    @Test
    void ggufAndSafetensorsOfTheSameWeightsAgree() {
        assertTrue(maxAbsDiff(logitsOf("tiny-f32"), logitsOf("tiny-f32.gguf")) < 1e-6f);
        assertTrue(maxAbsDiff(logitsOf("tiny-bf16"), logitsOf("tiny-bf16.gguf")) < 1e-5f);
    }
}
