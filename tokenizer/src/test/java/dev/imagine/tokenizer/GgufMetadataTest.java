package dev.imagine.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
        int embeddingRows = 151936;
        String[] byId = new String[embeddingRows];
        types = new int[embeddingRows];
        ObjectMapper json = new ObjectMapper();
        // streamed: a tree of the 11 MB file would cost the test suite seconds
        try (InputStream in = new GZIPInputStream(GgufMetadataTest.class.getResourceAsStream("/dev/imagine/tokenizer/qwen3/tokenizer.json.gz"));
             JsonParser p = json.createParser(in)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("added_tokens")) {
                    for (JsonNode t : (JsonNode) p.readValueAsTree()) {
                        String content = t.get("content").asText();
                        int id = t.get("id").asInt();
                        byId[id] = content;
                        boolean looksSpecial = content.startsWith("<|") && content.endsWith("|>");
                        types[id] = t.get("special").asBoolean() || looksSpecial ? GgufTokenizer.CONTROL : GgufTokenizer.USER_DEFINED;
                    }
                } else if (field.equals("model")) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String modelField = p.currentName();
                        p.nextToken();
                        if (modelField.equals("vocab")) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String token = p.currentName();
                                p.nextToken();
                                byId[p.getIntValue()] = token;
                                types[p.getIntValue()] = GgufTokenizer.NORMAL;
                            }
                        } else if (modelField.equals("merges")) {
                            while (p.nextToken() == JsonToken.START_ARRAY) {
                                p.nextToken();
                                String left = p.getText();
                                p.nextToken();
                                merges.add(left + " " + p.getText());
                                p.nextToken();
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        for (int id = 0; id < embeddingRows; id++) {
            if (byId[id] == null) {
                byId[id] = "[PAD" + id + "]";
                types[id] = GgufTokenizer.UNUSED;
            }
        }
        tokens = Arrays.asList(byId);
        assertEquals(151387, merges.size());
    }

    private static String readTemplate() {
        try {
            return new ObjectMapper().readTree(GoldenEncodingTest.resource("dev/imagine/tokenizer/qwen3/tokenizer_config.json")).get("chat_template").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Tokenizer fromGguf() {
        return Tokenizer.fromGgufMetadata(tokens, merges, types, "gpt2", "qwen2", 151643, 151645, 151643, TEMPLATE);
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
                () -> Tokenizer.fromGgufMetadata(tokens, merges, types, "llama", "qwen2", -1, -1, -1, null));
        assertTrue(model.getMessage().contains("tokenizer.ggml.model is \"llama\""), model.getMessage());
        TokenizerException pre = assertThrows(TokenizerException.class,
                () -> Tokenizer.fromGgufMetadata(tokens, merges, types, "gpt2", "llama-bpe", -1, -1, -1, null));
        assertTrue(pre.getMessage().contains("tokenizer.ggml.pre is \"llama-bpe\""), pre.getMessage());
        TokenizerException length = assertThrows(TokenizerException.class,
                () -> Tokenizer.fromGgufMetadata(tokens, merges, new int[3], "gpt2", "qwen2", -1, -1, -1, null));
        assertTrue(length.getMessage().contains("token_type has 3 entries"), length.getMessage());
        List<String> badMerges = new ArrayList<>(merges);
        badMerges.set(5, "nospace");
        TokenizerException merge = assertThrows(TokenizerException.class,
                () -> Tokenizer.fromGgufMetadata(tokens, badMerges, types, "gpt2", "qwen2", -1, -1, -1, null));
        assertTrue(merge.getMessage().contains("tokenizer.ggml.merges[5]"), merge.getMessage());
        TokenizerException eos = assertThrows(TokenizerException.class,
                () -> Tokenizer.fromGgufMetadata(tokens, merges, types, "gpt2", "qwen2", -1, 151800, -1, null));
        assertTrue(eos.getMessage().contains("151800"), eos.getMessage());
    }
}
