package dev.imagine.sandbox;

/**
 * One constraint's official result: {@code value} true (met), false (violated, {@code reason} says why) or
 * null (not applicable: the query has no such constraint).
 */
public record Result(Boolean value, String reason) {
    static final Result PASS = new Result(true, null);
    static final Result NOT_APPLICABLE = new Result(null, null);

    static Result fail(String reason) {
        return new Result(false, reason);
    }
}
