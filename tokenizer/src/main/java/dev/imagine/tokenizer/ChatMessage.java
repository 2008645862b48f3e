package dev.imagine.tokenizer;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation for {@link ChatTemplate}.
 *
 * @param role             "system", "user", "assistant" or "tool"
 * @param content          the text (may be empty, never null)
 * @param reasoningContent an assistant turn's reasoning kept apart from its content, or null; when null the
 *                         template takes the reasoning from a {@code <think>…</think>} block in the content
 * @param toolCalls        an assistant turn's tool calls (empty for none)
 */
public record ChatMessage(String role, String content, String reasoningContent, List<ToolCall> toolCalls) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content (use \"\" for none)");
        if (!List.of("system", "user", "assistant", "tool").contains(role)) {
            throw new IllegalArgumentException("chat role must be system, user, assistant or tool, not \"" + role + "\"");
        }
        toolCalls = List.copyOf(toolCalls);
        if (!toolCalls.isEmpty() && !role.equals("assistant")) throw new IllegalArgumentException("only assistant turns make tool calls");
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content, null, List.of());
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content, null, List.of());
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content, null, List.of());
    }

    /** An assistant turn whose reasoning is given apart from its answer. */
    public static ChatMessage assistant(String content, String reasoningContent) {
        return new ChatMessage("assistant", content, reasoningContent, List.of());
    }

    /** A tool's result. */
    public static ChatMessage tool(String content) {
        return new ChatMessage("tool", content, null, List.of());
    }
}
