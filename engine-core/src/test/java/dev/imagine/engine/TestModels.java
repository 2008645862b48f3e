package dev.imagine.engine;

import dev.imagine.engine.cpu.CpuBackend;
import dev.imagine.engine.kv.KvCache;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.model.Batch;
import dev.imagine.engine.model.Qwen3Model;
import dev.imagine.engine.tensor.DType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The golden tiny Qwen3 models of the test resources, and helpers to run them. */
public final class TestModels {
    private TestModels() {
    }

    /** The 24 token ids of tokens.json. */
    public static final int[] TOKENS = {264, 175, 191, 251, 161, 217, 233, 63, 15, 84, 79, 244, 255, 1, 139, 229, 36, 223, 33, 131, 228, 84, 95, 77};

    public static Path resource(String name) {
        try {
            return Path.of(TestModels.class.getResource("/qwen3-tiny/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A little-endian f32 file as floats. */
    public static float[] readF32(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Logits at every position of {@code tokens} in one causal pass: [n, vocab]. */
    public static float[] allLogits(Qwen3Weights w, int[] tokens) {
        try (KvCache cache = KvCache.forSequences(w.config(), 1, tokens.length, DType.F32);
             Qwen3Model model = new Qwen3Model(w, new CpuBackend(), cache)) {
            Batch batch = new Batch();
            batch.add(cache.newSequence(), tokens, true);
            MemorySegment logits = model.forward(batch);
            return logits.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    public static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        float max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }
}
