package dev.imagine.tokenizer;

/**
 * A token matched whole in the raw text before normalisation and BPE, such as {@code <|im_start|>} or
 * {@code <think>}. {@code special} ones are dropped by {@code decode(ids, true)}.
 */
public record AddedToken(int id, String content, boolean special) {
    public AddedToken {
        if (content.isEmpty()) throw new IllegalArgumentException("added token " + id + " has empty content");
    }
}
