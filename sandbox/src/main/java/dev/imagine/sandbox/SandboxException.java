package dev.imagine.sandbox;

/**
 * The sandbox's one user-facing failure: a bad database file, query, plan or option. The message names
 * the file, line and field, e.g. {@code queries.jsonl line 3: field 'days' must be an integer}.
 */
public final class SandboxException extends RuntimeException {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
