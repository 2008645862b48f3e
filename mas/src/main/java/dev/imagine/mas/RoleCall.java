package dev.imagine.mas;

/**
 * One teacher call as recorded in a trace: model, the request (the messages as a JSON array), the answer,
 * the reasoning, token usage (-1 when the server did not report it), wall time over all attempts.
 */
public record RoleCall(String model, String request, String response, String reasoning,
                       long promptTokens, long completionTokens, long latencyMillis, int attempts) {
}
