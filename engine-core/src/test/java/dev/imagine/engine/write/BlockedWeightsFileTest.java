package dev.imagine.engine.write;

import dev.imagine.engine.EngineException;
import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static dev.imagine.engine.TestModels.TOKENS;
import static dev.imagine.engine.TestModels.allLogits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code imagine model block}'s file: a load maps the same blocked bytes that it would make itself, and gives the same
 * logits; a stale, corrupt or switched-off file is not used and the load blocks as without it.
 */
class BlockedWeightsFileTest {
    /**
     * Dims that both blocked layouts take (Q8_0 needs columns in multiples of 128), tied so the embedding is
     * multiplied too; a Q8_0 block of 128×128 is 4.5 pages, so the writer's fillers are exercised.
     */
    private static final Qwen3Config SHAPE = new Qwen3Config(128, 256, 2, 4, 2, 32, 320, 1e6, 1e-6, true, 512, new int[] {319});

    @TempDir
    Path dir;

    /** Blocked layouts at any vector width (the default makes them only at 512 bits), so every machine tests them. */
    @BeforeEach
    void blockEverywhere() {
        System.setProperty("imagine.weights.blockBf16", "always");
        System.setProperty("imagine.weights.blockQ8", "always");
    }

    @AfterEach
    void clearProperties() {
        for (String p : List.of("imagine.weights.blockBf16", "imagine.weights.blockQ8", "imagine.weights.blockedFile")) System.clearProperty(p);
    }

    /** Logits of TOKENS, with the weights as a load without a blocked file makes them (blocked in memory). */
    private static float[] logitsBlockedAtLoad(Path model) {
        System.setProperty("imagine.weights.blockedFile", "off");
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            assertNull(w.blockedFile());
            assertTrue(w.copiedBytes() > 0, "blocked at load");
            return allLogits(w, TOKENS);
        } finally {
            System.clearProperty("imagine.weights.blockedFile");
        }
    }

    private static void assertSameBlocks(Path model) {
        System.setProperty("imagine.weights.blockedFile", "off");
        try (Qwen3Weights copied = Qwen3Weights.open(model)) {
            System.clearProperty("imagine.weights.blockedFile");
            try (Qwen3Weights mapped = Qwen3Weights.open(model)) {
                List<Tensor> a = copied.multipliedMatrices(), b = mapped.multipliedMatrices();
                assertEquals(a.size(), b.size());
                long bytes = 0;
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(a.get(i).dtype(), b.get(i).dtype(), a.get(i).name());
                    assertEquals(-1, a.get(i).data().mismatch(b.get(i).data()), a.get(i).name() + ": the same blocked bytes");
                    assertEquals(0, b.get(i).data().address() % Qwen3Weights.PAGE, b.get(i).name() + " on a page");
                    bytes += b.get(i).data().byteSize();
                }
                assertEquals(bytes, mapped.blockedMappedBytes());
                assertEquals(0, mapped.copiedBytes(), "nothing copied at load");
            }
        }
    }

    @Test
    void bf16AndQ8_0FilesGiveTheBlocksAndLogitsOfALoadThatBlocks() throws IOException {
        for (DType type : List.of(DType.BF16, DType.Q8_0)) {
            Path model = Qwen3Checkpoints.writeRandom(SHAPE, type, 11, dir.resolve(type.name()), null);
            float[] expected = logitsBlockedAtLoad(model);
            Path file = BlockedWeightsWriter.write(model, Qwen3Weights.blockedPath(model), null);
            assertTrue(Files.exists(file) && !Files.exists(file.resolveSibling(file.getFileName() + ".partial")), file.toString());
            try (Qwen3Weights w = Qwen3Weights.open(model)) {
                assertEquals(file.toAbsolutePath(), w.blockedFile().toAbsolutePath(), type + ": the file is used");
                DType blocked = type == DType.BF16 ? DType.BF16_BLOCKED : DType.Q8_0_BLOCKED;
                for (Tensor t : w.multipliedMatrices()) assertEquals(blocked, t.dtype(), t.name());
                assertClose(expected, allLogits(w, TOKENS), type + ": the same logits");
            }
            assertSameBlocks(model);
        }
    }

    @Test
    void aFileFromChangedModelFilesIsNotUsed() throws IOException {
        Path model = Qwen3Checkpoints.writeRandom(SHAPE, DType.BF16, 12, dir.resolve("m"), null);
        float[] expected = logitsBlockedAtLoad(model);
        BlockedWeightsWriter.write(model, Qwen3Weights.blockedPath(model), null);
        Path weights = model.resolve("model.safetensors");
        Files.setLastModifiedTime(weights, FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 5000));
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            assertNull(w.blockedFile(), "stale: the checkpoint changed after the file was written");
            assertTrue(w.copiedBytes() > 0, "blocked at load instead");
            assertClose(expected, allLogits(w, TOKENS), "blocked at load");
        }
    }

    /**
     * The same weights give the same logits up to the order of a few sums: the Vector API's lane reductions add in
     * another order before C2 compiles them, so a cold run and a warm one differ in the last bits (the blocked bytes
     * themselves are compared exactly in {@link #assertSameBlocks}).
     */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        float diff = dev.imagine.engine.TestModels.maxAbsDiff(expected, actual);
        assertTrue(diff < 1e-5f, what + ": max |difference| " + diff);
    }

    @Test
    void aCorruptOrTruncatedFileIsNotUsedAndTheLoadStillWorks() throws IOException {
        Path model = Qwen3Checkpoints.writeRandom(SHAPE, DType.Q8_0, 13, dir.resolve("q"), null);
        float[] expected = logitsBlockedAtLoad(model);
        Path file = BlockedWeightsWriter.write(model, Qwen3Weights.blockedPath(model), null);
        byte[] whole = Files.readAllBytes(file);
        for (byte[] bad : List.of(java.util.Arrays.copyOf(whole, whole.length / 2), "not a safetensors file".getBytes(), new byte[0])) {
            Files.write(file, bad);
            try (Qwen3Weights w = Qwen3Weights.open(model)) {
                assertNull(w.blockedFile(), bad.length + " bytes: not used");
                assertClose(expected, allLogits(w, TOKENS), bad.length + " bytes");
            }
        }
    }

    @Test
    void thePropertyNamesAnotherFileOrSwitchesItOff() throws IOException {
        Path model = Qwen3Checkpoints.writeRandom(SHAPE, DType.BF16, 14, dir.resolve("m"), null);
        var progress = new java.io.ByteArrayOutputStream();
        Path elsewhere = BlockedWeightsWriter.write(model, dir.resolve("elsewhere.safetensors"), new java.io.PrintStream(progress, true));
        String lines = progress.toString();
        assertTrue(lines.contains("elsewhere.safetensors: blocked 1 of 15 matrices") && lines.contains("blocked 15 of 15 matrices"), lines);
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            assertNull(w.blockedFile(), "not where loads look by default");
        }
        System.setProperty("imagine.weights.blockedFile", elsewhere.toString());
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            assertEquals(elsewhere, w.blockedFile());
        }
        System.setProperty("imagine.weights.blockBf16", "false"); // row-major wanted: the file's BF16 blocks are not used
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            assertNull(w.blockedFile());
            assertEquals(DType.BF16, w.layers().getFirst().wq().dtype());
        }
    }

    @Test
    void anInterruptedWriteResumesAfterTheMatricesItFinished() throws IOException {
        Path model = Qwen3Checkpoints.writeRandom(SHAPE, DType.Q8_0, 17, dir.resolve("q"), null);
        Path out = Qwen3Weights.blockedPath(model);
        byte[] whole = Files.readAllBytes(BlockedWeightsWriter.write(model, out, null));
        Path partial = out.resolveSibling(out.getFileName() + ".partial"), done = out.resolveSibling(out.getFileName() + ".partial.done");
        assertFalse(Files.exists(partial) || Files.exists(done), "nothing left over after a complete write");
        // as a run stopped after its third matrix leaves it: the header and three matrices, garbage after them
        byte[] cut = whole.clone();
        java.util.Arrays.fill(cut, cut.length / 2, cut.length, (byte) 0x55);
        for (boolean sameHeader : new boolean[] {true, false}) {
            Files.delete(out);
            if (!sameHeader) cut[20] ^= 1; // another header: the run must start over
            Files.write(partial, cut);
            Files.writeString(done, "3");
            var progress = new java.io.ByteArrayOutputStream();
            BlockedWeightsWriter.write(model, out, new java.io.PrintStream(progress, true));
            assertEquals(sameHeader, progress.toString().contains("resuming model.imagine-blocked.safetensors.partial: 3 of 15 matrices already written"),
                    progress.toString());
            assertArrayEquals(whole, Files.readAllBytes(out), sameHeader ? "resumed" : "started over");
            assertFalse(Files.exists(partial) || Files.exists(done));
        }
    }

    @Test
    void aModelWithoutBf16OrQ8_0MatricesOrAnOutputOverTheCheckpointIsRefusedByName() throws IOException {
        Path model = Qwen3Checkpoints.writeRandom(SHAPE, DType.F32, 15, dir.resolve("f32"), null);
        Path out = dir.resolve("f32.blocked");
        EngineException e = assertThrows(EngineException.class, () -> BlockedWeightsWriter.write(model, out, null));
        assertTrue(e.getMessage().contains(model.toString()) && e.getMessage().contains("no BF16 or Q8_0 matrix"), e.getMessage());
        assertFalse(Files.exists(out));
        Path bf16 = Qwen3Checkpoints.writeRandom(SHAPE, DType.BF16, 15, dir.resolve("bf16"), null);
        Path own = bf16.resolve("model.safetensors");
        long size = Files.size(own);
        EngineException overwrite = assertThrows(EngineException.class, () -> BlockedWeightsWriter.write(bf16, own, null));
        assertTrue(overwrite.getMessage().contains("the checkpoint's own file"), overwrite.getMessage());
        assertEquals(size, Files.size(own), "the checkpoint is untouched");
        EngineException folder = assertThrows(EngineException.class, () -> BlockedWeightsWriter.write(bf16, dir, null));
        assertTrue(folder.getMessage().contains("is a folder"), folder.getMessage());
    }

    @Test
    void theFileIsSafetensorsWithTheLayoutsInItsMetadata() throws IOException {
        Path model = Qwen3Checkpoints.writeRandom(SHAPE, DType.Q8_0, 16, dir.resolve("q"), null);
        Path file = BlockedWeightsWriter.write(model, Qwen3Weights.blockedPath(model), null);
        assertEquals("model.imagine-blocked.safetensors", file.getFileName().toString(), "beside model.gguf");
        byte[] bytes = Files.readAllBytes(file);
        long n = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % Qwen3Weights.PAGE, "data on a page");
        var header = new com.fasterxml.jackson.databind.ObjectMapper().readTree(new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8));
        var meta = header.get("__metadata__");
        assertEquals("imagine-blocked", meta.get("format").asText());
        assertEquals("Q8_0_BLOCKED 128x128", meta.get("layout:blk.0.attn_q.weight").asText());
        var q = header.get("blk.0.attn_q.weight");
        assertEquals("U8", q.get("dtype").asText());
        assertEquals(DType.Q8_0_BLOCKED.bytes(128 * 128), q.get("shape").get(0).asLong());
        // no holes: each tensor's data begins where the one before ends
        List<long[]> ranges = new java.util.ArrayList<>();
        header.properties().forEach(e -> {
            if (!e.getKey().equals("__metadata__")) ranges.add(new long[] {e.getValue().get("data_offsets").get(0).asLong(), e.getValue().get("data_offsets").get(1).asLong()});
        });
        ranges.sort(java.util.Comparator.comparingLong(r -> r[0]));
        assertTrue(header.properties().stream().anyMatch(e -> e.getKey().startsWith("__pad__.")), "a filler keeps 4.5-page matrices on pages");
        for (int i = 1; i < ranges.size(); i++) assertEquals(ranges.get(i - 1)[1], ranges.get(i)[0]);
        assertEquals(bytes.length, 8 + n + ranges.getLast()[1]);
        // a row of the mapped matrix reads back the file's values: row 0's first group scale is the source's f16 scale
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            Tensor blocked = w.layers().getFirst().wq();
            short d = ((dev.imagine.engine.load.GgufFile) w.source()).tensor("blk.0.attn_q.weight").data().get(ValueLayout.JAVA_SHORT_UNALIGNED, 0);
            assertEquals(Float.float16ToFloat(d), blocked.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
        }
    }
}
