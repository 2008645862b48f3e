package dev.imagine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every reference encoding in the golden files, exactly. */
class GoldenEncodingTest {
    static final Tokenizer QWEN3 = Tokenizer.qwen3();

    /** A text and its reference ids. */
    record Case(String text, int[] ids) {
    }

    static String resource(String name) throws IOException {
        try (InputStream in = GoldenEncodingTest.class.getResourceAsStream("/" + name)) {
            if (in == null) throw new IllegalStateException("test resource " + name + " is missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** qwen3-cases.jsonl: {"text", "ids"} per line (transformers-style tokenizer port). */
    static List<Case> qwen3Cases() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Case> cases = new ArrayList<>();
        for (String line : resource("golden/qwen3-cases.jsonl").split("\n")) {
            if (line.isBlank()) continue;
            JsonNode node = json.readTree(line);
            int[] ids = new int[node.get("ids").size()];
            for (int i = 0; i < ids.length; i++) ids[i] = node.get("ids").get(i).asInt();
            cases.add(new Case(node.get("text").asText(), ids));
        }
        return cases;
    }

    /** hf-qwen2.inp/.out: texts split on "\n__ggml_vocab_test__\n", one line of " id" per text (Hugging Face tokenizers). */
    static List<Case> hfQwen2Cases() throws IOException {
        String[] texts = resource("golden/hf-qwen2.inp").split("\n__ggml_vocab_test__\n", -1);
        String[] lines = resource("golden/hf-qwen2.out").split("\n", -1);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 46; i++) {
            String line = lines[i].strip();
            int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(texts[i], ids));
        }
        return cases;
    }

    static void assertAllMatch(Tokenizer tokenizer, List<Case> cases, String what) {
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            int[] got = tokenizer.encode(c.text());
            if (!Arrays.equals(c.ids(), got)) {
                failures.add("text " + quote(c.text()) + "\n  expected " + Arrays.toString(c.ids()) + "\n  got      " + Arrays.toString(got));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " " + what + " cases differ:\n" + String.join("\n", failures));
    }

    static String quote(String s) {
        return "\"" + (s.length() > 120 ? s.substring(0, 120) + "…" : s).replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
    }

    @Test
    void allQwen3CasesMatch() throws IOException {
        List<Case> cases = qwen3Cases();
        assertEquals(120, cases.size());
        assertAllMatch(QWEN3, cases, "qwen3-cases.jsonl");
    }

    @Test
    void allHfQwen2CasesMatch() throws IOException {
        List<Case> cases = hfQwen2Cases();
        assertEquals(46, cases.size());
        assertAllMatch(QWEN3, cases, "hf-qwen2");
    }

    @Test
    void withoutThePieceCacheToo() throws IOException {
        Tokenizer uncached = QWEN3.withPieceCache(false);
        assertAllMatch(uncached, qwen3Cases(), "qwen3-cases.jsonl (no cache)");
        assertAllMatch(uncached, hfQwen2Cases(), "hf-qwen2 (no cache)");
    }

    @Test
    void goldenIdsDecodeToTheNormalisedText() throws IOException {
        for (Case c : qwen3Cases()) assertEquals(Tokenizer.nfc(c.text()), QWEN3.decode(c.ids()), quote(c.text()));
    }

    @Test
    void specialTokensInTextAreSingleTokensAndLongestWins() {
        assertEquals(List.of(151644, 872, 198), ids(QWEN3.encode("<|im_start|>user\n")));
        assertEquals(List.of(151667, 151668), ids(QWEN3.encode("<think></think>")));
        // a special token glued to words on both sides stays one token and splits the words
        int[] ids = QWEN3.encode("a<|im_end|>b");
        assertEquals(3, ids.length);
        assertEquals(151645, ids[1]);
        assertEquals("a<|im_end|>b", QWEN3.decode(ids));
        assertEquals("ab", QWEN3.decode(ids, true));
        // "<think>" is an added token but not special: skipping specials keeps it
        assertEquals("<think>x", QWEN3.decode(QWEN3.encode("<think>x"), true));
    }

    @Test
    void bundledConfigNamesEosAndPad() {
        assertEquals(151645, QWEN3.specialTokenIds().eos());
        assertEquals(151643, QWEN3.specialTokenIds().pad());
        assertEquals(-1, QWEN3.specialTokenIds().bos());
        assertEquals(151669, QWEN3.vocabSize());
        assertEquals("Ġthe", QWEN3.token(279));
        assertEquals(279, QWEN3.tokenId("Ġthe").orElseThrow());
        assertEquals(ChatTemplate.Family.QWEN3, QWEN3.chatTemplate().family());
    }

    @Test
    void loneSurrogatesEncodeAsReplacementCharacter() {
        assertEquals(ids(QWEN3.encode("a\uFFFDb")), ids(QWEN3.encode("a\uD800b")));
        assertEquals(ids(QWEN3.encode("\uFFFD\uFFFD")), ids(QWEN3.encode("\uDC00\uD83D")));
        assertEquals("x\uFFFD", QWEN3.decode(QWEN3.encode("x\uDFFF")));
        // a proper pair stays a character
        assertEquals("🦙", QWEN3.decode(QWEN3.encode("\uD83E\uDD99")));
    }

    @Test
    void idsWithoutATokenAreSkippedWhenDecoding() {
        assertEquals("Hello", QWEN3.decode(new int[]{9707, 151700, -3}));
    }

    static List<Integer> ids(int[] ids) {
        return Arrays.stream(ids).boxed().toList();
    }
}
