package dev.imagine.bench;

import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.write.Qwen3Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layout comparison on tiny random models: both copies run, every rate is measured, properties restored. */
class LayoutComparisonTest {
    /** Two layers whose 7 matrices all have rows in blocks of 32 and columns in groups of 128 (BlockedQ8 needs both). */
    private static final Qwen3Config BLOCKABLE = new Qwen3Config(128, 384, 2, 4, 2, 32, 288, 1e6, 1e-6, true, 4096, new int[]{282});

    @Test
    void bothLayoutsRunEveryRoundAndThePropertiesComeBack(@TempDir Path dir) throws IOException {
        for (DType type : new DType[]{DType.BF16, DType.Q8_0}) {
            Path model = Qwen3Checkpoints.writeRandom(BLOCKABLE, type, 3, dir.resolve(type.name()), null);
            System.setProperty("imagine.weights.blockQ8", "true");
            LayoutComparison.Result r = LayoutComparison.compare(model, "always", 2, 8, 3, null);
            // what was set before comes back; what was unset stays unset
            assertEquals("true", System.getProperty("imagine.weights.blockQ8"));
            assertNull(System.getProperty("imagine.weights.blockBf16"));
            System.clearProperty("imagine.weights.blockQ8");
            assertEquals(2 * 7, r.blockedMatrices(), type + ": the tiny model's 2 layers × 7 matrices");
            for (double[][] layout : r.rates()) {
                for (double[] measure : layout) {
                    assertEquals(2, measure.length);
                    for (double v : measure) assertTrue(v > 0 && Double.isFinite(v), type + ": rate " + v);
                }
            }
            double[] ratios = r.ratios(0);
            assertEquals(r.rates()[1][0][1] / r.rates()[0][0][1], ratios[1], 1e-12);
            String report = LayoutComparison.report(r);
            assertTrue(report.contains("14 layer matrices blocked") && report.contains("prefill tok/s") && report.contains("decode x8 tok/s"), report);
        }
    }

    @Test
    void aModelWithNothingToBlockIsRefusedByName(@TempDir Path dir) throws IOException {
        Path model = Qwen3Checkpoints.writeRandom(Qwen3Checkpoints.shape("tiny"), DType.F32, 3, dir.resolve("f32"), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayoutComparison.compare(model, "always", 1, 4, 2, null));
        assertTrue(e.getMessage().contains(model.toString()) && e.getMessage().contains("no matrix was blocked"), e.getMessage());
        assertNull(System.getProperty("imagine.weights.blockBf16"));
    }
}
