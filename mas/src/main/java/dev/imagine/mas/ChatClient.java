package dev.imagine.mas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;

/**
 * An OpenAI-compatible chat-completions client on {@code java.net.http}. Blocking calls, meant to be made
 * from many (virtual) threads: a semaphore bounds the requests in flight across all of them. Retries 429,
 * 5xx, connection failures (resets, timeouts, truncated bodies) and unparseable replies with exponential
 * backoff + jitter, honouring Retry-After; other 4xx fail at once (retrying a bad request cannot help).
 *
 * <p>Usage: {@code try (var c = new ChatClient(RetryPolicy.defaults(), 16)) { c.complete(endpoint, List.of(ChatMessage.user("hi"))); }}
 */
public final class ChatClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final RetryPolicy retry;
    private final Random jitter;
    private final Semaphore inFlight;
    private final UnaryOperator<String> environment;

    public ChatClient(RetryPolicy retry, int maxInFlight) {
        this(retry, maxInFlight, Duration.ofSeconds(10), System::getenv);
    }

    /** {@code environment} looks up API keys by variable name (tests pass a map). */
    public ChatClient(RetryPolicy retry, int maxInFlight, Duration connectTimeout, UnaryOperator<String> environment) {
        if (maxInFlight < 1) throw new MasException("requests in flight must be >= 1, got " + maxInFlight);
        this.retry = retry;
        this.jitter = retry.newJitter();
        this.inFlight = new Semaphore(maxInFlight, true);
        this.environment = environment;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    /**
     * Sends the messages to the endpoint's model and returns its answer, retrying transient failures.
     * Throws {@link MasException} naming the URL, model and last failure when every attempt failed or the
     * server refused the request; {@link InterruptedException} when the calling thread is interrupted.
     */
    public ChatResponse complete(Endpoint endpoint, List<ChatMessage> messages) throws InterruptedException {
        byte[] body = requestBody(endpoint, messages);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.chatCompletionsUri())
                .timeout(endpoint.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        String key = apiKey(endpoint);
        if (key != null) request.header("Authorization", "Bearer " + key);
        HttpRequest built = request.build();

        long start = System.nanoTime();
        String lastFailure = "";
        for (int attempt = 1; ; attempt++) {
            Duration retryAfter = null;
            inFlight.acquire();
            try {
                HttpResponse<byte[]> response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                String text = new String(response.body(), StandardCharsets.UTF_8);
                if (status == 200) {
                    try {
                        return parse(text, endpoint, (System.nanoTime() - start) / 1_000_000, attempt);
                    } catch (MalformedReply e) {
                        lastFailure = "malformed reply: " + e.getMessage();
                    }
                } else if (status == 429 || status >= 500) {
                    lastFailure = "HTTP " + status + ": " + abbreviate(text);
                    retryAfter = parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null));
                } else {
                    throw new MasException("teacher " + endpoint.chatCompletionsUri() + " (model " + endpoint.model()
                            + ") refused the request: HTTP " + status + ": " + abbreviate(text));
                }
            } catch (IOException e) {
                lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } finally {
                inFlight.release();
            }
            if (attempt >= retry.maxAttempts())
                throw new MasException("teacher " + endpoint.chatCompletionsUri() + " (model " + endpoint.model()
                        + ") failed after " + attempt + " attempts; last: " + lastFailure);
            Thread.sleep(retry.delayAfter(attempt, retryAfter, jitter));
        }
    }

    private String apiKey(Endpoint endpoint) {
        if (endpoint.apiKeyEnv() == null || endpoint.apiKeyEnv().isBlank()) return null;
        String key = environment.apply(endpoint.apiKeyEnv());
        if (key == null || key.isBlank())
            throw new MasException("environment variable " + endpoint.apiKeyEnv() + " (API key for model "
                    + endpoint.model() + " at " + endpoint.baseUrl() + ") is not set");
        return key.strip();
    }

    static byte[] requestBody(Endpoint endpoint, List<ChatMessage> messages) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", endpoint.model());
        ArrayNode array = root.putArray("messages");
        for (ChatMessage m : messages) array.addObject().put("role", m.role()).put("content", m.content());
        root.put("temperature", endpoint.temperature());
        root.put("max_tokens", endpoint.maxTokens());
        root.put("stream", false);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a chat request", e);
        }
    }

    /** Thrown for a 200 reply that is not a chat completion; retried like a transient failure. */
    private static final class MalformedReply extends Exception {
        MalformedReply(String message) {
            super(message);
        }
    }

    private static ChatResponse parse(String text, Endpoint endpoint, long latencyMillis, int attempts) throws MalformedReply {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedReply("not JSON (" + e.getOriginalMessage() + "): " + abbreviate(text));
        }
        if (root == null || !root.isObject()) throw new MalformedReply("not a JSON object: " + abbreviate(text));
        JsonNode message = root.path("choices").path(0).path("message");
        if (!message.isObject()) throw new MalformedReply("no choices[0].message: " + abbreviate(text));
        JsonNode content = message.path("content");
        if (!content.isTextual() && !content.isNull() && !content.isMissingNode())
            throw new MalformedReply("choices[0].message.content is not a string: " + abbreviate(text));
        String reasoningField = message.hasNonNull("reasoning_content") ? message.get("reasoning_content").asText()
                : message.hasNonNull("reasoning") ? message.get("reasoning").asText() : null;
        ReasoningSplit split = ReasoningSplit.of(content.isTextual() ? content.asText() : "", reasoningField);
        if (split.answer().isEmpty() && split.reasoning().isEmpty())
            throw new MalformedReply("empty message: " + abbreviate(text));
        JsonNode usage = root.path("usage");
        long prompt = usage.path("prompt_tokens").asLong(-1);
        long completion = usage.path("completion_tokens").asLong(-1);
        String model = root.path("model").asText(endpoint.model());
        return new ChatResponse(split.answer(), split.reasoning(), model, prompt, completion, latencyMillis, attempts, text);
    }

    /** Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
    static Duration parseRetryAfter(String value) {
        if (value == null || value.isBlank()) return null;
        String v = value.strip();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
    }

    @Override
    public void close() {
        http.close();
    }
}
