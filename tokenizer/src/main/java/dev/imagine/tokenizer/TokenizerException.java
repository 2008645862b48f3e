package dev.imagine.tokenizer;

/**
 * A user-facing tokenizer failure: a malformed or unsupported tokenizer file, a bad JSONL line, a token id
 * outside the vocabulary. The message names the file, line or field that is wrong.
 */
public final class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
