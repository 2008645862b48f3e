package dev.imagine.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code imagine tokenize} / {@code detokenize} in-process, on the bundled Qwen3 tokenizer. */
class TokenizeCommandTest {
    @TempDir
    Path dir;

    @Test
    void tokenizeThenDetokenizeKeepsOtherFields() throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"id\": 7, \"text\": \"Hello world\"}\n\n{\"text\": \"<|im_start|>user\\n北京\"}\n");
        CliTest.Run tokenize = CliTest.run("tokenize", "--jsonl", in.toString(), "--out", dir.resolve("ids.jsonl").toString());
        assertEquals(0, tokenize.exit(), tokenize.err());
        assertEquals("{\"id\":7,\"text\":\"Hello world\",\"ids\":[9707,1879]}\n{\"text\":\"<|im_start|>user\\n北京\",\"ids\":[151644,872,198,68990]}\n",
                Files.readString(dir.resolve("ids.jsonl")));

        Path idsOnly = dir.resolve("only-ids.jsonl");
        Files.writeString(idsOnly, "{\"ids\":[151644,872,198,68990,151645]}\n");
        CliTest.Run detokenize = CliTest.run("detokenize", "--jsonl", idsOnly.toString());
        assertEquals(0, detokenize.exit(), detokenize.err());
        assertEquals("{\"ids\":[151644,872,198,68990,151645],\"text\":\"<|im_start|>user\\n北京<|im_end|>\"}\n", detokenize.out());
        CliTest.Run skipping = CliTest.run("detokenize", "--jsonl", idsOnly.toString(), "--skip-special-tokens");
        assertTrue(skipping.out().contains("\"text\":\"user\\n北京\""), skipping.out());
    }

    @Test
    void badLinesGiveOneLineNamingFileLineAndField() throws Exception {
        Path in = dir.resolve("bad.jsonl");
        Files.writeString(in, "{\"text\": \"ok\"}\n{\"text\": 3}\n");
        CliTest.Run noText = CliTest.run("tokenize", "--jsonl", in.toString());
        assertEquals(1, noText.exit());
        assertEquals("imagine tokenize: " + in + ":2: field \"text\" is missing or not a string", noText.err().strip());

        Files.writeString(in, "{\"text\": \"ok\"}\n{\"text\": \"unterminated}\n");
        CliTest.Run notJson = CliTest.run("tokenize", "--jsonl", in.toString());
        assertEquals(1, notJson.exit());
        assertTrue(notJson.err().startsWith("imagine tokenize: " + in + ":2: not JSON"), notJson.err());

        Files.writeString(in, "{\"ids\": [1, 999999]}\n");
        CliTest.Run badId = CliTest.run("detokenize", "--jsonl", in.toString());
        assertEquals(1, badId.exit());
        assertTrue(badId.err().contains(in + ":1: ids[1] = 999999 is not a token id of this tokenizer (0..151668)"), badId.err());

        CliTest.Run noTokenizer = CliTest.run("tokenize", "--tokenizer", dir.toString(), "--jsonl", in.toString());
        assertEquals(1, noTokenizer.exit());
        assertEquals("imagine tokenize: no tokenizer.json in " + dir, noTokenizer.err().strip());

        CliTest.Run missing = CliTest.run("tokenize", "--jsonl", dir.resolve("nope.jsonl").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("nope.jsonl"), missing.err());
    }
}
