package dev.imagine.sandbox;

/** One restaurants row the official tool keeps (after {@code dropna()}); {@code cuisines} as written, e.g. "Tea, Pizza". */
public record Restaurant(int row, String name, double averageCost, String cuisines, double rating, String city) {
}
