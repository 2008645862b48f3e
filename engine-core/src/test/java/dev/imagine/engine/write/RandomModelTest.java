package dev.imagine.engine.write;

import dev.imagine.engine.EngineException;
import dev.imagine.engine.ReferenceForward;
import dev.imagine.engine.load.Qwen3Config;
import dev.imagine.engine.load.Qwen3Weights;
import dev.imagine.engine.cpu.BlockedBf16;
import dev.imagine.engine.tensor.DType;
import dev.imagine.engine.tensor.Dequantize;
import dev.imagine.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.imagine.engine.TestModels.TOKENS;
import static dev.imagine.engine.TestModels.allLogits;
import static dev.imagine.engine.TestModels.maxAbsDiff;
import static dev.imagine.engine.TestModels.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models written by the random writer and the GGUF converter load back and match the scalar reference forward. */
class RandomModelTest {
    @TempDir
    Path dir;

    private static void assertMatchesReference(Path model, float tolerance) {
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            float[] engine = allLogits(w, TOKENS);
            float[] reference = new ReferenceForward(w).logits(TOKENS);
            float diff = maxAbsDiff(engine, reference);
            assertTrue(diff < tolerance, model + ": max |engine - reference| = " + diff);
            float maxLogit = 0;
            for (float f : engine) maxLogit = Math.max(maxLogit, Math.abs(f));
            assertTrue(maxLogit > 1e-3 && maxLogit < 50, "logits stay sane: " + maxLogit);
        }
    }

    /** A random tiny-shape BF16 model written into dir/name. */
    private Path tinyBf16(long seed, String name) throws java.io.IOException {
        return Qwen3Checkpoints.writeRandom(Qwen3Checkpoints.shape("tiny"), DType.BF16, seed, dir.resolve(name), null);
    }

    /** A safetensors file's leading u64: the length of its JSON header. */
    private static long headerLength(byte[] file) {
        return java.nio.ByteBuffer.wrap(file, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void tinyF32AndBf16LoadBackAndMatchTheReference() throws Exception {
        Qwen3Config tiny = Qwen3Checkpoints.shape("tiny");
        assertMatchesReference(Qwen3Checkpoints.writeRandom(tiny, DType.F32, 7, dir.resolve("f32"), null), 1e-5f);
        assertMatchesReference(Qwen3Checkpoints.writeRandom(tiny, DType.BF16, 7, dir.resolve("bf16"), null), 1e-5f);
        assertMatchesReference(Qwen3Checkpoints.writeRandom(tiny, DType.F16, 7, dir.resolve("f16"), null), 1e-5f);
        try (Qwen3Weights w = Qwen3Weights.open(dir.resolve("f32"))) {
            assertEquals(tiny, w.config());
        }
    }

    /** The alignment tests below see the file's BF16 matrices as they are, not blocked. */
    @org.junit.jupiter.api.AfterEach
    void clearLayout() {
        System.clearProperty("imagine.weights.blockBf16");
    }

    @Test
    void safetensorsMatricesStartOnAPage() throws Exception {
        System.setProperty("imagine.weights.blockBf16", "false");
        Path model = tinyBf16(3, "aligned");
        byte[] file = Files.readAllBytes(model.resolve("model.safetensors"));
        long headerLength = headerLength(file);
        assertEquals(0, (8 + headerLength) % SafetensorsWriter.DATA_ALIGNMENT, "data section offset " + (8 + headerLength));
        String header = new String(file, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}"), "header is JSON padded with spaces");
        // mapped as written (no copies), so the addresses show the file's layout: the layer matrices of the tiny shape
        // are whole pages long and written first, so each starts on a page; the embedding and the LM head (283 rows of
        // 128 bytes) follow among the tensors of whole cache lines, so each starts at least on a line
        long[] offPage = new long[1];
        withProperty("imagine.weights.copyUnaligned", "false", () -> {
            try (Qwen3Weights w = Qwen3Weights.open(model)) {
                assertEquals(0, w.copiedBytes());
                for (var t : List.of(w.embedding(), w.lmHead())) {
                    assertEquals(0, t.data().address() % 64, t.name());
                    if (t.data().address() % Qwen3Weights.PAGE != 0) offPage[0] += t.data().byteSize();
                }
                for (Qwen3Weights.Layer l : w.layers()) {
                    for (var t : java.util.List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown())) {
                        assertEquals(0, t.data().address() % Qwen3Weights.PAGE, t.name());
                    }
                }
            }
        });
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            // by default exactly the matrices off a page are copied, onto pages
            assertEquals(offPage[0], w.copiedBytes());
            for (var t : List.of(w.embedding(), w.lmHead())) assertEquals(0, t.data().address() % Qwen3Weights.PAGE, t.name());
        }
    }

    @Test
    void tensorsOfWholeCacheLinesAreWrittenFirst() throws Exception {
        // a 3-float vector given first would put the matrix after it 12 bytes off a cache line
        List<TensorSpec> specs = List.of(
                new TensorSpec("v", new long[]{3}, (r, out) -> java.util.Arrays.fill(out, 1f)),
                new TensorSpec("m", new long[]{16, 16}, (r, out) -> java.util.Arrays.fill(out, r)));
        Path file = dir.resolve("two.safetensors");
        SafetensorsWriter.write(file, specs, DType.F32, null);
        try (var source = dev.imagine.engine.load.SafetensorsSource.open(file)) {
            assertEquals(0, source.tensor("m").data().address() % 64);
            assertEquals(5f, source.tensor("m").data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 5 * 16 + 3));
            assertEquals(1f, source.tensor("v").data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 2));
        }
    }

    /** model's file with its header `extra` bytes longer: still valid safetensors, every tensor `extra` bytes further on. */
    private Path shifted(Path model, int extra, String name) throws java.io.IOException {
        byte[] file = Files.readAllBytes(model.resolve("model.safetensors"));
        long n = headerLength(file);
        java.nio.ByteBuffer shifted = java.nio.ByteBuffer.allocate(file.length + extra).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        shifted.putLong(n + extra).put(file, 8, (int) n).put(" ".repeat(extra).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        shifted.put(file, 8 + (int) n, file.length - 8 - (int) n);
        Path off = Files.createDirectories(dir.resolve(name));
        Files.write(off.resolve("model.safetensors"), shifted.array());
        Files.copy(model.resolve("config.json"), off.resolve("config.json"));
        return off;
    }

    @Test
    void unalignedSafetensorsMatricesAreCopiedAlignedAndGiveTheSameLogits() throws Exception {
        System.setProperty("imagine.weights.blockBf16", "false");
        Path model = tinyBf16(5, "a");
        Path off = shifted(model, 8, "off"); // every matrix 8 bytes past a cache line (checked below)
        Path line = shifted(model, 64, "line"); // on cache lines, but 64 bytes into a page: the page-apart streams mix
        float[] expected;
        long copiedAligned;
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            expected = allLogits(w, TOKENS);
            copiedAligned = w.copiedBytes();
        }
        for (Path shiftedModel : List.of(off, line)) {
            try (Qwen3Weights w = Qwen3Weights.open(shiftedModel)) {
                assertEquals(0, w.layers().getFirst().wUp().data().address() % Qwen3Weights.PAGE, shiftedModel + ": the copy starts on a page");
                assertTrue(w.copiedBytes() > copiedAligned, shiftedModel + ": the layer matrices are copied too");
                assertSameLogits(expected, allLogits(w, TOKENS));
            }
        }
        withProperty("imagine.weights.copyUnaligned", "false", () -> assertStaysMapped(off, expected, "kept mapped when asked"));
        // the memory guard: copies larger than half of the available memory are not made, and the model still loads
        withProperty("imagine.weights.availableMemory", "4096", () -> assertStaysMapped(off, expected, "kept mapped: the copies would not fit"));
        withProperty("imagine.weights.availableMemory", "lots", () -> {
            EngineException e = assertThrows(EngineException.class, () -> Qwen3Weights.open(off).close());
            assertTrue(e.getMessage().contains("imagine.weights.availableMemory") && e.getMessage().contains("lots"), e.getMessage());
        });
    }

    /**
     * By default the BF16 layer matrices are re-laid out in blocks of 32 rows (on pages), an embedding that is only
     * looked up and an LM head of 283 rows (not whole blocks) are not, and the logits are those of the row-major
     * kernels up to the order of the sums.
     */
    @Test
    void bf16MatricesAreBlockedAtLoadAndGiveTheSameLogits() throws Exception {
        blockAtAnyWidth();
        Path model = tinyBf16(9, "blocked");
        float[] rowMajor = rowMajorLogits(model);
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            long blocked = 0;
            for (Qwen3Weights.Layer l : w.layers()) {
                for (var t : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown())) {
                    assertEquals(DType.BF16_BLOCKED, t.dtype(), t.name());
                    assertEquals(0, t.data().address() % Qwen3Weights.PAGE, t.name());
                    blocked += t.data().byteSize();
                }
            }
            assertEquals(DType.BF16, w.embedding().dtype(), "looked up only");
            assertEquals(DType.BF16, w.lmHead().dtype(), "283 rows");
            assertTrue(w.copiedBytes() >= blocked, w.copiedBytes() + " copied, " + blocked + " blocked");
            float[] logits = allLogits(w, TOKENS);
            assertTrue(maxAbsDiff(rowMajor, logits) < 1e-4f, "blocked against row-major: " + maxAbsDiff(rowMajor, logits));
            // the element order: every row of a blocked matrix reads back as the file's row
            try (var source = dev.imagine.engine.load.SafetensorsSource.open(model.resolve("model.safetensors"))) {
                Tensor up = w.layers().get(1).wUp(), file = source.tensor(up.name());
                for (int r : new int[]{0, 15, 16, 31, 32, 191}) {
                    assertArrayEquals(Dequantize.row(file, r), Dequantize.row(up, r), "row " + r);
                }
            }
        }
        // and not when asked, or when the copies would not fit
        withProperty("imagine.weights.availableMemory", "4096", () -> assertRowMajor(model, rowMajor));
    }

    /** A tied embedding is the LM head, so it is blocked too, and the lookups read it in that layout. */
    @Test
    void aTiedEmbeddingIsBlockedAndStillLooksUpTokens() throws Exception {
        blockAtAnyWidth();
        Qwen3Config tiny = Qwen3Checkpoints.shape("tiny");
        Qwen3Config tied = new Qwen3Config(tiny.hiddenSize(), tiny.intermediateSize(), tiny.layers(), tiny.heads(), tiny.kvHeads(),
                tiny.headDim(), 288, tiny.ropeTheta(), tiny.rmsNormEps(), true, tiny.maxPositions(), new int[]{282});
        Path model = Qwen3Checkpoints.writeRandom(tied, DType.BF16, 4, dir.resolve("tied"), null);
        float[] rowMajor = rowMajorLogits(model);
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            assertEquals(DType.BF16_BLOCKED, w.embedding().dtype());
            assertTrue(w.lmHead() == w.embedding());
            float[] logits = allLogits(w, TOKENS);
            assertTrue(maxAbsDiff(rowMajor, logits) < 1e-4f, "blocked against row-major: " + maxAbsDiff(rowMajor, logits));
        }
    }

    /**
     * Q8_0 matrices of whole groups (128 columns here; the tiny shape's 64 do not fit) are re-laid out in blocks of
     * 32 rows, the tied embedding with them; rows read back exactly as the file's, and the logits are the row-major
     * kernels' up to the order of the sums, and the reference forward's.
     */
    @Test
    void q8MatricesAreBlockedAtLoadAndGiveTheSameLogits() throws Exception {
        blockAtAnyWidth();
        Qwen3Config c = new Qwen3Config(128, 384, 2, 4, 2, 32, 288, 1e6, 1e-6, true, 4096, new int[]{282});
        Path model = Qwen3Checkpoints.writeRandom(c, DType.Q8_0, 5, dir.resolve("q8blocked"), null);
        float[][] rowMajor = new float[1][];
        withProperty("imagine.weights.blockQ8", "false", () -> {
            try (Qwen3Weights w = Qwen3Weights.open(model)) {
                assertEquals(DType.Q8_0, w.layers().getFirst().wUp().dtype());
                rowMajor[0] = allLogits(w, TOKENS);
            }
        });
        try (Qwen3Weights w = Qwen3Weights.open(model); var file = dev.imagine.engine.load.GgufFile.open(model)) {
            long blocked = w.embedding().data().byteSize();
            for (Qwen3Weights.Layer l : w.layers()) {
                for (var t : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown())) {
                    assertEquals(DType.Q8_0_BLOCKED, t.dtype(), t.name());
                    assertEquals(0, t.data().address() % Qwen3Weights.PAGE, t.name());
                    assertEquals(t.elements() / 32 * 36, t.data().byteSize(), t.name());
                    blocked += t.data().byteSize();
                }
            }
            assertEquals(DType.Q8_0_BLOCKED, w.embedding().dtype(), "tied: the LM head");
            assertTrue(w.lmHead() == w.embedding());
            assertEquals(blocked, w.copiedBytes());
            assertTrue(maxAbsDiff(rowMajor[0], allLogits(w, TOKENS)) < 1e-4f, "blocked against row-major: " + maxAbsDiff(rowMajor[0], allLogits(w, TOKENS)));
            for (Tensor t : List.of(w.layers().get(1).wDown(), w.embedding())) {
                Tensor stored = file.tensor(t.name());
                for (int r : new int[]{0, 15, 16, 31, 32, 63, t.dim(0) - 1}) assertArrayEquals(Dequantize.row(stored, r), Dequantize.row(t, r), t.name() + " row " + r);
            }
        }
        assertMatchesReference(model, 1e-5f);
        withProperty("imagine.weights.availableMemory", "4096", () -> {
            try (Qwen3Weights w = Qwen3Weights.open(model)) {
                assertEquals(DType.Q8_0, w.layers().getFirst().wUp().dtype(), "the copies would not fit");
                assertEquals(0, w.copiedBytes());
                assertSameLogits(rowMajor[0], allLogits(w, TOKENS));
            }
        });
    }

    private static float[] rowMajorLogits(Path model) {
        float[][] logits = new float[1][];
        withProperty("imagine.weights.blockBf16", "false", () -> {
            try (Qwen3Weights w = Qwen3Weights.open(model)) {
                assertEquals(DType.BF16, w.layers().getFirst().wUp().dtype());
                logits[0] = allLogits(w, TOKENS);
            }
        });
        return logits[0];
    }

    private static void assertRowMajor(Path model, float[] expected) {
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            assertEquals(DType.BF16, w.layers().getFirst().wUp().dtype());
            assertEquals(0, w.copiedBytes());
            assertSameLogits(expected, allLogits(w, TOKENS));
        }
    }

    /** The shifted model loads with its matrices still 8 bytes past a cache line (mapped) and the same logits. */
    private static void assertStaysMapped(Path model, float[] expected, String why) {
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            assertEquals(8, w.layers().getFirst().wUp().data().address() % 64, why);
            assertEquals(0, w.copiedBytes(), why);
            assertSameLogits(expected, allLogits(w, TOKENS));
        }
    }

    /**
     * Logits of the same kernels over the same values in two loads: equal up to the order of the sums, which changes
     * when C2 compiles a reduction between the two runs (a clean clone's run saw 0.3188117 against 0.31881174).
     */
    private static void assertSameLogits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        assertTrue(maxAbsDiff(expected, actual) < 1e-5f, "max |difference| " + maxAbsDiff(expected, actual));
    }

    private static void withProperty(String name, String value, Runnable body) {
        String before = System.setProperty(name, value);
        try {
            body.run();
        } finally {
            if (before == null) System.clearProperty(name);
            else System.setProperty(name, before);
        }
    }

    @Test
    void aBadBlockingPropertyIsRejectedByName() throws Exception {
        Path model = tinyBf16(10, "badProperty");
        withProperty("imagine.weights.blockBf16", "yes", () -> {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Qwen3Weights.open(model).close());
            assertTrue(e.getMessage().contains("imagine.weights.blockBf16") && e.getMessage().contains("\"yes\""), e.getMessage());
        });
    }

    /**
     * The blocked layouts are made by default only where vectors are 512 bits; elsewhere ask for them anyway, so
     * the layout and its scalar fallback are tested on every machine. {@link #clearBlocking} undoes it.
     */
    private static void blockAtAnyWidth() {
        if (BlockedBf16.supported()) return;
        System.setProperty("imagine.weights.blockBf16", "always");
        System.setProperty("imagine.weights.blockQ8", "always");
    }

    @org.junit.jupiter.api.AfterEach
    void clearBlocking() {
        if (BlockedBf16.supported()) return;
        System.clearProperty("imagine.weights.blockBf16");
        System.clearProperty("imagine.weights.blockQ8");
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
        Qwen3Config tiny = Qwen3Checkpoints.shape("tiny");
        Qwen3Checkpoints.writeRandom(tiny, DType.BF16, 1, dir.resolve("a"), null);
        Qwen3Checkpoints.writeRandom(tiny, DType.BF16, 1, dir.resolve("b"), null);
        Qwen3Checkpoints.writeRandom(tiny, DType.BF16, 2, dir.resolve("c"), null);
        byte[] a = Files.readAllBytes(dir.resolve("a/model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("b/model.safetensors")));
        assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(dir.resolve("c/model.safetensors"))));
    }

    @Test
    void tiedShardedModelLoadsAndMatchesTheReference() throws Exception {
        Qwen3Config tied = new Qwen3Config(64, 96, 3, 4, 1, 32, 300, 10000, 1e-5, true, 512, new int[]{299});
        Path model = Qwen3Checkpoints.writeRandom(tied, DType.F32, 3, dir.resolve("tied"), 60_000, null);
        assertTrue(Files.exists(model.resolve("model.safetensors.index.json")));
        try (var files = Files.list(model)) {
            long shards = files.filter(f -> f.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count();
            assertTrue(shards > 1, "sharded into " + shards + " files");
        }
        try (Qwen3Weights w = Qwen3Weights.open(model)) {
            assertEquals(w.embedding(), w.lmHead(), "tied: lm_head is the embedding");
        }
        assertMatchesReference(model, 1e-5f);
    }

    @Test
    void q8_0GgufMatchesTheReferenceOnItsOwnWeightsAndStaysCloseToF32() throws Exception {
        Qwen3Config tiny = Qwen3Checkpoints.shape("tiny");
        Path gguf = Qwen3Checkpoints.writeRandom(tiny, DType.Q8_0, 7, dir.resolve("q8"), null);
        assertTrue(gguf.toString().endsWith("model.gguf"));
        assertMatchesReference(gguf, 1e-5f);
        Path f32 = Qwen3Checkpoints.writeRandom(tiny, DType.F32, 7, dir.resolve("f32"), null);
        try (Qwen3Weights q = Qwen3Weights.open(dir.resolve("q8")); Qwen3Weights f = Qwen3Weights.open(f32)) {
            assertEquals(DType.Q8_0, q.layers().getFirst().wq().dtype());
            float diff = maxAbsDiff(allLogits(q, TOKENS), allLogits(f, TOKENS));
            assertTrue(diff < 2e-2f, "Q8_0 vs F32 of the same random weights: " + diff);
        }
    }

    @Test
    void convertedGgufAgreesWithItsSource() throws Exception {
        try (Qwen3Weights src = Qwen3Weights.open(resource("tiny-f32"))) {
            Qwen3Checkpoints.toGguf(src, DType.F32, dir.resolve("f32.gguf"), null);
            Qwen3Checkpoints.toGguf(src, DType.Q8_0, dir.resolve("q8.gguf"), null);
            Qwen3Checkpoints.toGguf(src, DType.F16, dir.resolve("f16.gguf"), null);
            float[] expected = allLogits(src, TOKENS);
            try (Qwen3Weights g = Qwen3Weights.open(dir.resolve("f32.gguf"))) {
                assertTrue(maxAbsDiff(expected, allLogits(g, TOKENS)) < 1e-6f);
            }
            try (Qwen3Weights g = Qwen3Weights.open(dir.resolve("q8.gguf"))) {
                assertTrue(maxAbsDiff(expected, allLogits(g, TOKENS)) < 2e-2f);
            }
        }
        assertMatchesReference(dir.resolve("q8.gguf"), 1e-5f);
        assertMatchesReference(dir.resolve("f16.gguf"), 1e-5f);
        try (Qwen3Weights g = Qwen3Weights.open(dir.resolve("f16.gguf"))) {
            assertEquals(DType.F16, g.layers().getFirst().wDown().dtype());
            // written page-aligned (general.alignment), so no copy is needed at load
            assertEquals(0, g.layers().getFirst().wDown().data().address() % Qwen3Weights.PAGE);
            assertEquals(0, g.copiedBytes());
            assertEquals(Qwen3Weights.PAGE, ((dev.imagine.engine.load.GgufFile) g.source()).number("general.alignment").intValue());
        }
    }
}
