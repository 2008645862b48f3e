package dev.imagine.engine.generate;

import java.util.List;

/**
 * One prompt to complete {@code n} times (a GRPO group when n &gt; 1: the prompt is prefilled once and its KV cache
 * shared). Generation of a completion stops after an EOS id, after a stop sequence (token ids), or after
 * {@code maxTokens}; the EOS token or stop sequence is kept in the output with its log-probability.
 * Completion i samples with its own RNG seeded from (sampling.seed, i), so a completion does not depend on
 * what else is in the batch.
 *
 * <p>Usage: {@code new GenerationRequest(promptIds, 8, params, 256, config.eosTokenIds(), List.of())}
 */
public record GenerationRequest(int[] prompt, int n, SamplingParams sampling, int maxTokens, int[] eosIds,
                                List<int[]> stopSequences) {
    public GenerationRequest {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
        if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
        prompt = prompt.clone();
        eosIds = eosIds.clone();
        stopSequences = stopSequences.stream().map(int[]::clone).toList();
        for (int[] s : stopSequences) if (s.length == 0) throw new IllegalArgumentException("empty stop sequence");
    }

    @Override
    public int[] prompt() {
        return prompt.clone();
    }
}
