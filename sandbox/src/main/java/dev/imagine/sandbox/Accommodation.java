package dev.imagine.sandbox;

/**
 * One accommodations row the official tool keeps (after {@code dropna()}). {@code row} is its position
 * in the database's accommodations table.
 */
public record Accommodation(int row, String name, double price, String roomType, String houseRules,
                            double minimumNights, double maximumOccupancy, double reviewRate, String city) {
}
