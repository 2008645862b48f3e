package dev.imagine.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading model folders: the tiny test model's 283-token tokenizer, and clear errors for bad files. */
class TokenizerFilesTest {
    @TempDir
    Path dir;

    @Test
    void tinyTokenizerMergesByRank() throws Exception {
        Tokenizer tiny = ChatTemplateTest.tiny();
        assertEquals(283, tiny.vocabSize());
        // by hand from its 24 merges: "the" = t + (h e); " the" = (Ġ t) + (h e) → (Ġt he) = Ġthe
        assertEquals(List.of(83, 257, 259), GoldenEncodingTest.ids(tiny.encode("the the")));
        assertEquals(List.of(281, 87, 282), GoldenEncodingTest.ids(tiny.encode("<|im_start|>x<|im_end|>")));
        assertEquals(282, tiny.specialTokenIds().eos());
        // a char outside the 256 byte tokens' merges still encodes, byte by byte
        assertEquals("é北🦙", tiny.decode(tiny.encode("é北🦙")));
    }

    private Path tinyWith(String from, String to) throws Exception {
        String json = Files.readString(Path.of(getClass().getResource("/tiny/tokenizer.json").toURI()));
        assertTrue(json.contains(from), "fixture contains " + from);
        Files.writeString(dir.resolve("tokenizer.json"), json.replace(from, to));
        return dir;
    }

    private String loadError(Path folder) {
        return assertThrows(TokenizerException.class, () -> Tokenizer.load(folder)).getMessage();
    }

    static void assertContains(String message, String part) {
        assertTrue(message.contains(part), "expected \"" + part + "\" in: " + message);
    }

    @Test
    void badFilesAreNamed() throws Exception {
        assertContains(loadError(dir.resolve("missing")), "does not exist");
        assertContains(loadError(dir), "no tokenizer.json in");

        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": {\"a\": 1,,}}}");
        String malformed = loadError(dir);
        assertTrue(malformed.contains("tokenizer.json: malformed JSON at line 1, column"), malformed);

        assertContains(loadError(tinyWith("\"type\": \"BPE\"", "\"type\": \"WordPiece\"")), "model.type is \"WordPiece\"; only BPE");
        assertContains(loadError(tinyWith("\\\\p{N}]?", "\\\\p{N}]*")), "pre_tokenizer is not the Qwen2/Qwen3 one");
        assertContains(loadError(tinyWith("{\"type\": \"NFC\"}", "{\"type\": \"NFKC\"}")), "normalizer");
        assertContains(loadError(tinyWith("[\"in\", \"g\"]", "[\"in\", \"gg\"]")), "model.merges[19] uses 'gg', which is not in the vocabulary");
        assertContains(loadError(tinyWith("\"lstrip\": false", "\"lstrip\": true")), "lstrip=true");
        assertContains(loadError(tinyWith("\"!\": 0,", "\"!\": \"zero\",")), "model.vocab[\"!\"] is not an integer id");
    }

    @Test
    void unsupportedChatTemplateLeavesTheTokenizerUsable() throws Exception {
        tinyWith("\"type\": \"NFC\"", "\"type\": \"NFC\"");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\", \"chat_template\": \"{{ bos_token }}{{ messages }}\"}");
        Tokenizer tokenizer = Tokenizer.load(dir);
        assertEquals(3, tokenizer.encode("abc").length);
        String why = assertThrows(TokenizerException.class, tokenizer::chatTemplate).getMessage();
        assertTrue(why.contains("tokenizer_config.json field chat_template: unsupported chat template"), why);

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|nope|>\"}");
        assertContains(loadError(dir), "eos_token \"<|nope|>\" is not a token");
    }
}
