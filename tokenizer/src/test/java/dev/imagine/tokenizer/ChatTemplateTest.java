package dev.imagine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java renderer against the real Jinja template: chat-template-cases.jsonl holds conversations and the text
 * jinja2 rendered for them (src/test/python/make_chat_template_cases.py, transformers' settings), plus cases
 * whose expected text was derived by reading the template.
 */
class ChatTemplateTest {
    private static final ChatTemplate QWEN3 = GoldenEncodingTest.QWEN3.chatTemplate();
    private static final ObjectMapper JSON = new ObjectMapper();

    static Tokenizer tiny() throws Exception {
        return Tokenizer.load(Path.of(ChatTemplateTest.class.getResource("/tiny").toURI()));
    }

    @Test
    void rendersEveryConversationAsJinjaDoes() throws Exception {
        ChatTemplate chatml = tiny().chatTemplate();
        assertEquals(ChatTemplate.Family.CHATML, chatml.family());
        int count = 0;
        for (String line : GoldenEncodingTest.resource("chat-template-cases.jsonl").split("\n")) {
            if (line.isBlank()) continue;
            JsonNode c = JSON.readTree(line);
            ChatTemplate template = c.get("template").asText().equals("qwen3") ? QWEN3 : chatml;
            List<JsonNode> tools = new ArrayList<>();
            c.path("tools").forEach(tools::add);
            String got = template.render(messages(c.get("messages")), tools, c.get("add_generation_prompt").asBoolean(),
                    !c.get("enable_thinking").isBoolean() || c.get("enable_thinking").asBoolean());
            assertEquals(c.get("expected").asText(), got, c.get("name").asText());
            count++;
        }
        assertTrue(count >= 20, "cases read: " + count);
    }

    static List<ChatMessage> messages(JsonNode array) throws IOException {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : array) {
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode call : m.path("tool_calls")) {
                JsonNode f = call.has("function") ? call.get("function") : call;
                calls.add(new ToolCall(f.get("name").asText(), f.get("arguments")));
            }
            String reasoning = m.hasNonNull("reasoning_content") ? m.get("reasoning_content").asText() : null;
            messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText(), reasoning, calls));
        }
        return messages;
    }

    @Test
    void multiTurnDropsEarlierReasoningByHand() {
        // read off the template: turns up to the last user query print content only (after </think>, newlines stripped);
        // the generation prompt with enable_thinking=false adds the empty think block
        List<ChatMessage> chat = List.of(
                ChatMessage.system("S"),
                ChatMessage.user("Q1"),
                ChatMessage.assistant("<think>\nR1\n</think>\n\nA1"),
                ChatMessage.user("Q2"));
        assertEquals("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nQ1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n"
                + "<|im_start|>user\nQ2<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", QWEN3.render(chat, List.of(), true, false));
    }

    @Test
    void lastAssistantTurnKeepsReasoningByHand() {
        List<ChatMessage> chat = List.of(ChatMessage.user("Q"), ChatMessage.assistant("\nA", "\n\nR\n"));
        assertEquals("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nR\n</think>\n\nA<|im_end|>\n",
                QWEN3.render(chat, false));
    }

    @Test
    void promptTokensOfARenderedChat() {
        String prompt = QWEN3.render(List.of(ChatMessage.user("Hi")), List.of(), true, false);
        int[] ids = GoldenEncodingTest.QWEN3.encode(prompt);
        // <|im_start|> user \n Hi <|im_end|> \n <|im_start|> assistant \n <think> \n\n </think> \n\n
        assertEquals(List.of(151644, 872, 198, 13048, 151645, 198, 151644, 77091, 198, 151667, 271, 151668, 271), GoldenEncodingTest.ids(ids));
    }

    @Test
    void unknownTemplatesAreNamedNotGuessed() {
        TokenizerException e = assertThrows(TokenizerException.class, () -> ChatTemplate.of("{{ messages }}", "x.json field chat_template"));
        assertTrue(e.getMessage().startsWith("x.json field chat_template: unsupported chat template"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QWEN3.render(List.of(), true));
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage("robot", "x", null, List.of()));
    }

    @Test
    void pythonFloatRepr() {
        assertEquals("1e-05", PythonJson.floatRepr(1e-5));
        assertEquals("0.0001", PythonJson.floatRepr(1e-4));
        assertEquals("100.0", PythonJson.floatRepr(100.0));
        assertEquals("1e+16", PythonJson.floatRepr(1e16));
        assertEquals("1234567890123456.8", PythonJson.floatRepr(1234567890123456.8));
        assertEquals("-2.5e-07", PythonJson.floatRepr(-2.5e-7));
        assertEquals("0.1", PythonJson.floatRepr(0.1));
        assertEquals("-0.0", PythonJson.floatRepr(-0.0));
    }
}
