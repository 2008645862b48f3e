package dev.imagine.engine.generate;

/**
 * One generated continuation: token ids, the log-probability of each (see {@link Sampler}), and why it ended.
 *
 * <p>Usage: {@code for (int i = 0; i < c.tokens().length; i++) use(c.tokens()[i], c.logprobs()[i]);}
 */
public record Completion(int request, int index, int[] tokens, float[] logprobs, Finish finish) {
    public enum Finish { EOS, STOP_SEQUENCE, MAX_TOKENS, CONTEXT_LENGTH }
}
