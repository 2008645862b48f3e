package dev.imagine.sandbox;

/**
 * One row of a plans file: the official submission {@code {"idx", "query", "plan"}} (matched to queries by
 * position; {@code queryIdx} null) or {@code {"query_idx", "variant", "plan"}} (matched by query_idx).
 * {@code line} is the 1-based line in the file.
 */
public record PlanRow(long line, Integer queryIdx, String variant, Plan plan) {
}
