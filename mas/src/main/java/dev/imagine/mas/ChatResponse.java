package dev.imagine.mas;

/**
 * One finished teacher call: the visible answer, the reasoning (from {@code reasoning_content} or a
 * {@code <think>} block; empty if none), the model the server named, token usage as the server reported
 * it (-1 when it did not), wall time over all attempts, and how many attempts it took.
 */
public record ChatResponse(String content, String reasoning, String model, long promptTokens, long completionTokens,
                           long latencyMillis, int attempts, String rawBody) {
}
