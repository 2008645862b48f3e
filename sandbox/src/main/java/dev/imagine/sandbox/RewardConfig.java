package dev.imagine.sandbox;

import java.util.List;

/**
 * Weights of the IMAGINE reward (see {@link Reward}). {@link #imagine()} is the paper's: -1 for a failed
 * format check; else 1 × commonsense fraction + 1 × hard fraction + 0.5 with a reflection / -0.5 without.
 *
 * @param formatFailure      reward when the output fails the format check (replaces everything else)
 * @param commonsenseWeight  weight of the fraction of the 8 commonsense constraints met
 * @param hardWeight         weight of the fraction of applicable hard constraints met
 * @param reflectionBonus    added when the reasoning contains a reflection
 * @param noReflection       added when it does not
 * @param reflectionMarkers  lower-case phrases whose presence in the reasoning counts as a reflection
 */
public record RewardConfig(double formatFailure, double commonsenseWeight, double hardWeight,
                           double reflectionBonus, double noReflection, List<String> reflectionMarkers) {

    /**
     * Phrases of self-correction in the reasoning. The paper rewards "a reflection" without fixing a
     * detector; these are the usual re-check phrases of Qwen3 traces and of IMAGINE's Reflector turns.
     */
    public static final List<String> DEFAULT_MARKERS = List.of("wait", "let me check", "let me verify",
            "let me double", "double-check", "double check", "re-check", "recheck", "re-examine", "reconsider",
            "on second thought", "i made a mistake", "that's wrong", "that is wrong", "reflect");

    public RewardConfig {
        reflectionMarkers = List.copyOf(reflectionMarkers);
    }

    /** The IMAGINE paper's reward. */
    public static RewardConfig imagine() {
        return new RewardConfig(-1.0, 1.0, 1.0, 0.5, -0.5, DEFAULT_MARKERS);
    }
}
