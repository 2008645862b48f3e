package dev.imagine.engine;

/**
 * A user-facing engine failure: a checkpoint that cannot be read, a config that is not Qwen3, a tensor
 * that is missing or has the wrong shape. The message names the file and the tensor or field.
 *
 * <p>Usage: {@code throw new EngineException(file + ": tensor " + name + " is missing");}
 */
public final class EngineException extends RuntimeException {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
