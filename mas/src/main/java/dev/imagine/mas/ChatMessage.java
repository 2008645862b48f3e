package dev.imagine.mas;

/** One chat message: role {@code system}, {@code user} or {@code assistant}, and its text. */
public record ChatMessage(String role, String content) {
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }
}
