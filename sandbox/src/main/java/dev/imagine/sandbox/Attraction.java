package dev.imagine.sandbox;

/** One attractions row the official tool keeps (after {@code dropna()}); the other columns are in the reference information. */
public record Attraction(int row, String name, String city) {
}
