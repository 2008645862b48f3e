package dev.imagine.mas;

/**
 * Everything a MAS run needs besides the queries: one endpoint per role (the two judges may differ), how
 * many queries run at once, the bound on HTTP requests in flight, the retry policy and the prompts.
 *
 * <p>Usage: {@code MasConfig.sameServer(URI.create("http://127.0.0.1:8000/v1"), null, 8)}
 */
public record MasConfig(Endpoint reasoner, Endpoint judge1, Endpoint judge2, Endpoint reflector,
                        int concurrency, int maxRequestsInFlight, RetryPolicy retry, RolePrompts prompts) {
    public MasConfig {
        if (concurrency < 1) throw new MasException("concurrency must be >= 1, got " + concurrency);
        if (maxRequestsInFlight < 1) throw new MasException("requests in flight must be >= 1, got " + maxRequestsInFlight);
    }

    /** The model names the built-in teacher answers to, one per role. */
    public static final String REASONER_MODEL = "imagine-teacher-reasoner";
    public static final String JUDGE_MODEL = "imagine-teacher-judge";
    public static final String REFLECTOR_MODEL = "imagine-teacher-reflector";

    /**
     * All roles on one OpenAI-compatible server (e.g. the built-in teacher), with the built-in teacher's
     * model names, temperature 0, the default retry policy and the built-in prompts.
     */
    public static MasConfig sameServer(java.net.URI baseUrl, String apiKeyEnv, int concurrency) {
        java.time.Duration timeout = java.time.Duration.ofMinutes(10);
        Endpoint judge = new Endpoint(baseUrl, JUDGE_MODEL, apiKeyEnv, 0.0, 64, timeout);
        return new MasConfig(new Endpoint(baseUrl, REASONER_MODEL, apiKeyEnv, 0.0, 16384, timeout), judge, judge,
                new Endpoint(baseUrl, REFLECTOR_MODEL, apiKeyEnv, 0.0, 16384, timeout),
                concurrency, Math.max(2, concurrency * 2), RetryPolicy.defaults(), RolePrompts.load(null));
    }

    public MasConfig withRetry(RetryPolicy r) {
        return new MasConfig(reasoner, judge1, judge2, reflector, concurrency, maxRequestsInFlight, r, prompts);
    }

    public MasConfig withPrompts(RolePrompts p) {
        return new MasConfig(reasoner, judge1, judge2, reflector, concurrency, maxRequestsInFlight, retry, p);
    }
}
