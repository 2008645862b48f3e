package dev.imagine.engine.generate;

/**
 * How to pick the next token. temperature 0 means greedy (argmax, lowest id on ties). Filters apply in the order
 * top-k, top-p, min-p to the temperature-scaled distribution; 0 (top-k, min-p) or 1 (top-p) turns a filter off.
 *
 * <p>Usage: {@code new SamplingParams(0.7, 20, 0.8, 0.0, 42)} or {@code SamplingParams.greedy()}
 */
public record SamplingParams(double temperature, int topK, double topP, double minP, long seed) {
    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be >= 0 and finite, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP <= 1)) throw new IllegalArgumentException("min-p must be in [0, 1], got " + minP);
    }

    public static SamplingParams greedy() {
        return new SamplingParams(0, 0, 1, 0, 0);
    }

    public boolean isGreedy() {
        return temperature == 0 || topK == 1;
    }
}
