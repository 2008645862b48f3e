package dev.imagine.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.imagine.tools.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** model random, model convert, logits and generate, run in-process on a tiny model. */
class EngineCommandsTest {
    @TempDir
    Path dir;

    @Test
    void randomModelThenLogitsThenGenerate() throws IOException {
        Path model = dir.resolve("tiny");
        CliTest.Run random = run("model", "random", "--shape", "tiny", "--dtype", "bf16", "--seed", "3", "--out", model.toString());
        assertEquals(0, random.exit(), random.err());
        assertTrue(Files.exists(model.resolve("config.json")) && Files.exists(model.resolve("model.safetensors")));

        Path logits = dir.resolve("logits.f32");
        CliTest.Run l = run("logits", "--model", model.toString(), "--tokens", "1,2,3", "--out", logits.toString());
        assertEquals(0, l.exit(), l.err());
        assertEquals(3L * 283 * 4, Files.size(logits));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(logits)).order(ByteOrder.LITTLE_ENDIAN);
        float first = b.getFloat(0);
        assertTrue(Float.isFinite(first) && first != 0f);

        CliTest.Run g = run("generate", "--model", model.toString(), "--tokens", "1,2,3", "--max-tokens", "5", "--logprobs");
        assertEquals(0, g.exit(), g.err());
        String[] lines = g.out().strip().split("\n");
        assertTrue(lines[0].matches("\\d+(,\\d+){0,4}  \\((max_tokens|eos)\\)"), lines[0]);
        assertTrue(lines[1].startsWith("  logprobs: -"), lines[1]);

        CliTest.Run group = run("generate", "--model", model.toString(), "--tokens", "1,2,3", "--tokens", "4,5",
                "--n", "2", "--temperature", "0.8", "--top-p", "0.9", "--seed", "5", "--max-tokens", "4");
        assertEquals(0, group.exit(), group.err());
        assertTrue(group.out().contains("[prompt 1, completion 1]"), group.out());
    }

    @Test
    void convertToQ8_0ThenLogits() throws IOException {
        Path model = dir.resolve("tiny");
        assertEquals(0, run("model", "random", "--shape", "tiny", "--dtype", "f32", "--out", model.toString()).exit());
        Path gguf = dir.resolve("tiny-q8.gguf");
        CliTest.Run c = run("model", "convert", "--model", model.toString(), "--to", "q8_0", "--out", gguf.toString());
        assertEquals(0, c.exit(), c.err());
        CliTest.Run l = run("logits", "--model", gguf.toString(), "--tokens", "7", "--out", dir.resolve("l.f32").toString());
        assertEquals(0, l.exit(), l.err());
        CliTest.Run q = run("model", "random", "--shape", "tiny", "--dtype", "q8_0", "--out", dir.resolve("q").toString());
        assertEquals(0, q.exit(), q.err());
        assertTrue(Files.exists(dir.resolve("q/model.gguf")));
    }

    @Test
    void blockWritesTheFileLoadsMapAndRefusesWhatItCannotBlock() throws IOException {
        Path model = dir.resolve("tiny");
        assertEquals(0, run("model", "random", "--shape", "tiny", "--dtype", "bf16", "--seed", "4", "--out", model.toString()).exit());
        Path out = dir.resolve("tiny.blocked.safetensors");
        CliTest.Run b = run("model", "block", "--model", model.toString(), "--out", out.toString());
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.out().startsWith("wrote " + out) && Files.size(out) > 0, b.out());
        CliTest.Run again = run("model", "block", "--model", model.toString());
        assertEquals(0, again.exit(), again.err());
        assertTrue(Files.exists(model.resolve("imagine-blocked.safetensors")), "by default where loads look for it");

        Path f32 = dir.resolve("f32");
        assertEquals(0, run("model", "random", "--shape", "tiny", "--dtype", "f32", "--out", f32.toString()).exit());
        CliTest.Run refused = run("model", "block", "--model", f32.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().startsWith("imagine block: ") && refused.err().contains("no BF16 or Q8_0 matrix"), refused.err());
        assertFalse(refused.err().contains("\tat "), refused.err());
    }

    @Test
    void badInputGivesOneLineNoStackTrace() {
        CliTest.Run missing = run("logits", "--model", dir.resolve("nope").toString(), "--tokens", "1", "--out", dir.resolve("x").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().startsWith("imagine logits: ") && missing.err().contains("nope"), missing.err());
        assertFalse(missing.err().contains("\tat "), missing.err());
        CliTest.Run badShape = run("model", "random", "--shape", "huge", "--out", dir.resolve("m").toString());
        assertEquals(1, badShape.exit());
        assertTrue(badShape.err().contains("unknown shape"), badShape.err());
        CliTest.Run badTokens = run("generate", "--model", dir.resolve("nope").toString(), "--tokens", "1,x");
        assertEquals(1, badTokens.exit());
        assertTrue(badTokens.err().contains("item 2"), badTokens.err());
    }
}
