package dev.imagine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A chat template rendered in plain Java, for the templates this module knows by their exact text:
 * Qwen3's (from its tokenizer_config.json: system/user/assistant/tool turns, tools, reasoning kept only
 * after the last user query, the empty think block when thinking is off) and plain ChatML (the tiny test
 * models'). Each renderer follows its Jinja source line by line; the tests compare them with the Jinja
 * reference's output on a set of conversations.
 *
 * <p>Usage:
 * <pre>{@code
 * String prompt = tokenizer.chatTemplate().render(
 *         List.of(ChatMessage.system("You plan trips."), ChatMessage.user("Plan 3 days in Ithaca.")),
 *         List.of(), true, false);   // no tools, add the generation prompt, thinking off
 * int[] ids = tokenizer.encode(prompt);
 * }</pre>
 */
public final class ChatTemplate {
    /** The template families rendered here. */
    public enum Family { QWEN3, CHATML }

    /** The tiny test models' template: ChatML turns, no reasoning. */
    static final String CHATML_SOURCE = "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content"
            + " + '<|im_end|>' + '\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    private final Family family;

    private ChatTemplate(Family family) {
        this.family = family;
    }

    /** The Qwen3 chat template. */
    public static ChatTemplate qwen3() {
        return new ChatTemplate(Family.QWEN3);
    }

    /**
     * The renderer for a template's Jinja source; throws a {@link TokenizerException} naming {@code where}
     * when the source is none this module renders.
     */
    public static ChatTemplate of(String jinjaSource, String where) {
        String source = jinjaSource.strip();
        if (source.equals(KnownQwen3.SOURCE)) return new ChatTemplate(Family.QWEN3);
        if (source.equals(CHATML_SOURCE)) return new ChatTemplate(Family.CHATML);
        throw new TokenizerException(where + ": unsupported chat template (this module renders Qwen3's template and plain ChatML,"
                + " matched by exact text); its source starts: " + source.substring(0, Math.min(120, source.length())).replace("\n", "\\n"));
    }

    public Family family() {
        return family;
    }

    /** Renders messages with thinking left on (the template's default) and no tools. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, List.of(), addGenerationPrompt, true);
    }

    /**
     * Renders a conversation as the template does.
     *
     * @param tools               tool definitions (JSON objects, usually {"type": "function", "function": {...}}); empty for none
     * @param addGenerationPrompt end with the assistant header, for generation
     * @param enableThinking      false appends the empty think block after the generation prompt (Qwen3's non-thinking mode)
     */
    public String render(List<ChatMessage> messages, List<JsonNode> tools, boolean addGenerationPrompt, boolean enableThinking) {
        if (messages.isEmpty()) throw new IllegalArgumentException("a chat needs at least one message");
        return switch (family) {
            case QWEN3 -> renderQwen3(messages, tools, addGenerationPrompt, enableThinking);
            case CHATML -> renderChatMl(messages, addGenerationPrompt);
        };
    }

    private static String renderChatMl(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder out = new StringBuilder();
        for (ChatMessage m : messages) out.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
        if (addGenerationPrompt) out.append("<|im_start|>assistant\n");
        return out.toString();
    }

    /** Qwen3's template; comments quote the Jinja they implement. */
    private static String renderQwen3(List<ChatMessage> messages, List<JsonNode> tools, boolean addGenerationPrompt, boolean enableThinking) {
        StringBuilder out = new StringBuilder();
        int n = messages.size();
        boolean firstIsSystem = messages.getFirst().role().equals("system");
        // {%- if tools %} system turn with the tool signatures {%- else %} the system turn alone
        if (!tools.isEmpty()) {
            out.append("<|im_start|>system\n");
            if (firstIsSystem) out.append(messages.getFirst().content()).append("\n\n");
            out.append("# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                    + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>");
            for (JsonNode tool : tools) out.append('\n').append(PythonJson.dumps(tool));
            out.append("\n</tools>\n\nFor each function call, return a json object with function name and arguments within"
                    + " <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n");
        } else if (firstIsSystem) {
            out.append("<|im_start|>system\n").append(messages.getFirst().content()).append("<|im_end|>\n");
        }
        // ns.last_query_index: the last user turn that is not a wrapped tool response
        int lastQueryIndex = n - 1;
        for (int i = n - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            String c = m.content();
            if (m.role().equals("user") && !(c.startsWith("<tool_response>") && c.endsWith("</tool_response>"))) {
                lastQueryIndex = i;
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            ChatMessage m = messages.get(i);
            switch (m.role()) {
                case "user", "system" -> {
                    // (message.role == "user") or (message.role == "system" and not loop.first)
                    if (m.role().equals("system") && i == 0) break;
                    out.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
                }
                case "assistant" -> {
                    String content = m.content();
                    String reasoning = "";
                    if (m.reasoningContent() != null) {
                        reasoning = m.reasoningContent();
                    } else if (content.contains("</think>")) {
                        // content.split('</think>')[-1].lstrip('\n');  split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
                        String beforeEnd = content.substring(0, content.indexOf("</think>"));
                        reasoning = stripLeadingNewlines(afterLast(stripTrailingNewlines(beforeEnd), "<think>"));
                        content = stripLeadingNewlines(afterLast(content, "</think>"));
                    }
                    out.append("<|im_start|>assistant\n");
                    // reasoning is shown only for turns after the last user query: the final turn always, earlier ones when they have some
                    if (i > lastQueryIndex && (i == n - 1 || !reasoning.isEmpty())) {
                        out.append("<think>\n").append(stripNewlines(reasoning)).append("\n</think>\n\n").append(stripLeadingNewlines(content));
                    } else {
                        out.append(content);
                    }
                    for (int k = 0; k < m.toolCalls().size(); k++) {
                        ToolCall call = m.toolCalls().get(k);
                        if (k > 0 || !content.isEmpty()) out.append('\n');
                        JsonNode args = call.arguments();
                        out.append("<tool_call>\n{\"name\": \"").append(call.name()).append("\", \"arguments\": ")
                                .append(args.isTextual() ? args.textValue() : PythonJson.dumps(args)).append("}\n</tool_call>");
                    }
                    out.append("<|im_end|>\n");
                }
                case "tool" -> {
                    // consecutive tool results share one user turn
                    if (i == 0 || !messages.get(i - 1).role().equals("tool")) out.append("<|im_start|>user");
                    out.append("\n<tool_response>\n").append(m.content()).append("\n</tool_response>");
                    if (i == n - 1 || !messages.get(i + 1).role().equals("tool")) out.append("<|im_end|>\n");
                }
                default -> throw new IllegalStateException("ChatMessage admits no role " + m.role());
            }
        }
        if (addGenerationPrompt) {
            out.append("<|im_start|>assistant\n");
            if (!enableThinking) out.append("<think>\n\n</think>\n\n");
        }
        return out.toString();
    }

    /** Python's {@code s.split(sep)[-1]}. */
    private static String afterLast(String s, String sep) {
        int at = s.lastIndexOf(sep);
        return at < 0 ? s : s.substring(at + sep.length());
    }

    private static String stripLeadingNewlines(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '\n') i++;
        return s.substring(i);
    }

    private static String stripTrailingNewlines(String s) {
        int j = s.length();
        while (j > 0 && s.charAt(j - 1) == '\n') j--;
        return s.substring(0, j);
    }

    private static String stripNewlines(String s) {
        return stripTrailingNewlines(stripLeadingNewlines(s));
    }

    /** The Qwen3 template's exact source, read once from the bundled tokenizer_config.json. */
    private static final class KnownQwen3 {
        static final String SOURCE = read();

        private static String read() {
            try (InputStream in = ChatTemplate.class.getResourceAsStream("/dev/imagine/tokenizer/qwen3/tokenizer_config.json")) {
                if (in == null) throw new IllegalStateException("bundled qwen3/tokenizer_config.json is missing from the build");
                var p = PlainJson.FACTORY.createParser(in);
                p.nextToken();
                return ((String) PlainJson.get(PlainJson.read(p), "chat_template")).strip();
            } catch (IOException e) {
                throw new IllegalStateException("bundled qwen3/tokenizer_config.json is unreadable", e);
            }
        }
    }
}
