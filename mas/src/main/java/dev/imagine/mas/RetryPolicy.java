package dev.imagine.mas;

import java.time.Duration;
import java.util.Random;

/**
 * How often and how long to retry a failed teacher call: exponential backoff {@code base·2^(attempt-1)}
 * capped at {@code maxDelay}, with "equal jitter" (half fixed, half uniform random, seeded) so that many
 * workers hitting the same 429 do not retry in lock-step. A server's Retry-After is honoured: the wait is
 * at least what it asks for, up to {@code maxRetryAfter}.
 *
 * <p>Usage: {@code new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(5), 42)}
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter, long seed) {
    public RetryPolicy {
        if (maxAttempts < 1) throw new MasException("retry attempts must be >= 1, got " + maxAttempts);
        if (baseDelay.isNegative() || maxDelay.isNegative() || maxRetryAfter.isNegative())
            throw new MasException("retry delays must not be negative");
    }

    /** Defaults for remote teachers: 8 attempts, 1 s doubling up to 60 s, Retry-After honoured up to 5 min. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5), 1234);
    }

    /** A jitter source for one client; callers synchronise on it. */
    Random newJitter() {
        return new Random(seed);
    }

    /**
     * The wait before attempt {@code attempt + 1} after attempt {@code attempt} (1-based) failed;
     * {@code retryAfter} is the server's request (null if none).
     */
    Duration delayAfter(int attempt, Duration retryAfter, Random jitter) {
        long base = baseDelay.toMillis();
        long cap = maxDelay.toMillis();
        long exp = attempt >= 62 ? cap : Math.min(cap, base << Math.min(attempt - 1, 30));
        long half = exp / 2;
        long jittered;
        synchronized (jitter) {
            jittered = half + (half > 0 ? (long) (jitter.nextDouble() * (exp - half + 1)) : 0);
        }
        if (retryAfter != null) jittered = Math.max(jittered, Math.min(retryAfter.toMillis(), maxRetryAfter.toMillis()));
        return Duration.ofMillis(jittered);
    }
}
