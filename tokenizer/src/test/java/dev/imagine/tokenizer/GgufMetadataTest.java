package dev.imagine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Tokenizer#fromGgufMetadata}: the lists are built from tokenizer.json the way llama.cpp's converter
 * writes them (tokens by id padded to the embedding size with UNUSED "[PADn]", merges as "a b", added tokens
 * CONTROL when special or shaped like {@code <|...|>}, USER_DEFINED otherwise); the result must encode the
 * golden cases exactly.
 */
class GgufMetadataTest {
    static List<String> tokens = new ArrayList<>();
    static List<String> merges = new ArrayList<>();
    static int[] types;
    static final String TEMPLATE = GoldenEncodingTest.QWEN3.chatTemplate() != null ? readTemplate() : null;

    @BeforeAll
    static void buildMetadataFromTokenizerJson() throws Exception {
        JsonNode root;
        try (InputStream in = new GZIPInputStream(GgufMetadataTest.class.getResourceAsStream("/dev/imagine/tokenizer/qwen3/tokenizer.json.gz"))) {
            root = new ObjectMapper().readTree(in);
        }
        int embeddingRows = 151936;
        String[] byId = new String[embeddingRows];
        types = new int[embeddingRows];
        root.get("model").get("vocab").properties().forEach(e -> {
            byId[e.getValue().asInt()] = e.getKey();
            types[e.getValue().asInt()] = GgufTokenizer.NORMAL;
        });
        for (JsonNode t : root.get("added_tokens")) {
            String content = t.get("content").asText();
            byId[t.get("id").asInt()] = content;
            boolean looksSpecial = content.startsWith("<|") && content.endsWith("|>");
            types[t.get("id").asInt()] = t.get("special").asBoolean() || looksSpecial ? GgufTokenizer.CONTROL : GgufTokenizer.USER_DEFINED;
        }
        for (int id = 0; id < embeddingRows; id++) {
            if (byId[id] == null) {
                byId[id] = "[PAD" + id + "]";
                types[id] = GgufTokenizer.UNUSED;
            }
        }
        tokens = Arrays.asList(byId);
        for (JsonNode m : root.get("model").get("merges")) merges.add(m.get(0).asText() + " " + m.get(1).asText());
    }

    private static String readTemplate() {
        try {
            return new ObjectMapper().readTree(GoldenEncodingTest.resource("dev/imagine/tokenizer/qwen3/tokenizer_config.json")).get("chat_template").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Tokenizer fromGguf() {
        return Tokenizer.fromGgufMetadata("gpt2", "qwen2", tokens, merges, types, 151643, 151645, 151643, TEMPLATE);
    }

    @Test
    void encodesTheGoldenCasesExactly() throws Exception {
        Tokenizer tokenizer = fromGguf();
        GoldenEncodingTest.assertAllMatch(tokenizer, GoldenEncodingTest.qwen3Cases(), "qwen3-cases.jsonl (GGUF)");
        GoldenEncodingTest.assertAllMatch(tokenizer, GoldenEncodingTest.hfQwen2Cases(), "hf-qwen2 (GGUF)");
        assertEquals(151645, tokenizer.specialTokenIds().eos());
        assertEquals(ChatTemplate.Family.QWEN3, tokenizer.chatTemplate().family());
        // padding rows name no token: decoding skips them
        assertEquals("", tokenizer.decode(new int[]{151700}));
        // [PADn] text is ordinary text, not a token
        assertTrue(tokenizer.encode("[PAD151700]").length > 1);
    }

    @Test
    void badMetadataIsNamed() {
        TokenizerException model = assertThrows(TokenizerException.class,
                () -> Tokenizer.fromGgufMetadata("llama", "qwen2", tokens, merges, types, -1, -1, -1, null));
        assertTrue(model.getMessage().contains("tokenizer.ggml.model is \"llama\""), model.getMessage());
        TokenizerException pre = assertThrows(TokenizerException.class,
                () -> Tokenizer.fromGgufMetadata("gpt2", "llama-bpe", tokens, merges, types, -1, -1, -1, null));
        assertTrue(pre.getMessage().contains("tokenizer.ggml.pre is \"llama-bpe\""), pre.getMessage());
        TokenizerException length = assertThrows(TokenizerException.class,
                () -> Tokenizer.fromGgufMetadata("gpt2", "qwen2", tokens, merges, new int[3], -1, -1, -1, null));
        assertTrue(length.getMessage().contains("token_type has 3 entries"), length.getMessage());
        List<String> badMerges = new ArrayList<>(merges);
        badMerges.set(5, "nospace");
        TokenizerException merge = assertThrows(TokenizerException.class,
                () -> Tokenizer.fromGgufMetadata("gpt2", "qwen2", tokens, badMerges, types, -1, -1, -1, null));
        assertTrue(merge.getMessage().contains("tokenizer.ggml.merges[5]"), merge.getMessage());
        TokenizerException eos = assertThrows(TokenizerException.class,
                () -> Tokenizer.fromGgufMetadata("gpt2", "qwen2", tokens, merges, types, -1, 151800, -1, null));
        assertTrue(eos.getMessage().contains("151800"), eos.getMessage());
    }
}
