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

    @Test
    void badFilesAreNamed() throws Exception {
        assertTrue(loadError(dir.resolve("missing")).contains("does not exist"));
        assertTrue(loadError(dir).startsWith("no tokenizer.json in"));

        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": {\"a\": 1,,}}}");
        String malformed = loadError(dir);
        assertTrue(malformed.contains("tokenizer.json: malformed JSON at line 1, column"), malformed);

        assertTrue(loadError(tinyWith("\"type\": \"BPE\"", "\"type\": \"WordPiece\"")).contains("model.type is \"WordPiece\"; only BPE"));
        assertTrue(loadError(tinyWith("\\\\p{N}]?", "\\\\p{N}]*")).contains("pre_tokenizer is not the Qwen2/Qwen3 one"));
        assertTrue(loadError(tinyWith("{\"type\": \"NFC\"}", "{\"type\": \"NFKC\"}")).contains("normalizer"));
        assertTrue(loadError(tinyWith("[\"in\", \"g\"]", "[\"in\", \"gg\"]")).contains("merge 19 uses 'gg', which is not in the vocabulary"));
        assertTrue(loadError(tinyWith("\"lstrip\": false", "\"lstrip\": true")).contains("lstrip=true"));
        assertTrue(loadError(tinyWith("\"!\": 0,", "\"!\": \"zero\",")).contains("model.vocab[\"!\"] is not an integer id"));
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
        assertTrue(loadError(dir).contains("eos_token \"<|nope|>\" is not a token"));
    }
}
