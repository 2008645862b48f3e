package dev.imagine.mas;

/**
 * The mas module's one user-facing failure: a bad config, an unreachable teacher after all retries, a
 * malformed queries file, a damaged trace directory. The message names the file, field, role or URL.
 */
public final class MasException extends RuntimeException {
    public MasException(String message) {
        super(message);
    }

    public MasException(String message, Throwable cause) {
        super(message, cause);
    }
}
