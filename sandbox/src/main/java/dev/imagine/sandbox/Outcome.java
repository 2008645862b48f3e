package dev.imagine.sandbox;

/**
 * One official check called alone: its result, or the Python exception it raised ({@code error}, e.g.
 * {@code "KeyError: 'lunch'"}) with a null result.
 */
public record Outcome(Result result, String error) {
    /** The result, or a failure whose reason is the error: how a raising check counts for us. */
    public Result effective() {
        return result != null ? result : Result.fail(error);
    }
}
