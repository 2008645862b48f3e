package dev.imagine.mas;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how one role talks to its teacher: an OpenAI-compatible API base (as SDKs take it, e.g.
 * {@code http://127.0.0.1:8000/v1}), the model name, the environment variable holding the API key (null:
 * no key sent), sampling settings and the per-request timeout.
 *
 * <p>Usage: {@code new Endpoint(URI.create("http://127.0.0.1:8000/v1"), "deepseek-r1", "DEEPSEEK_API_KEY", 0.6, 8192, Duration.ofMinutes(10))}
 */
public record Endpoint(URI baseUrl, String model, String apiKeyEnv, double temperature, int maxTokens, Duration timeout) {
    public Endpoint {
        if (baseUrl == null || baseUrl.getScheme() == null
                || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https")))
            throw new MasException("teacher URL must be http(s)://host[:port]/path, got: " + baseUrl);
        if (model == null || model.isBlank()) throw new MasException("teacher model name is empty (URL " + baseUrl + ")");
        if (maxTokens <= 0) throw new MasException("max_tokens must be positive, got " + maxTokens + " for model " + model);
        if (!(temperature >= 0 && temperature <= 2)) throw new MasException("temperature must be in [0, 2], got " + temperature + " for model " + model);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new MasException("timeout must be positive for model " + model);
    }

    /** The chat-completions URL: the base with {@code /chat/completions} appended. */
    public URI chatCompletionsUri() {
        String base = baseUrl.toString();
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        return URI.create(base + "/chat/completions");
    }
}
