package dev.imagine.sandbox;

/**
 * The official {@code GoogleDistanceMatrix.run_for_evaluation} answer for one pair and mode: duration and
 * distance as written in distance.csv (null when the pair is unknown or the cell is NaN) and the cost, null
 * when there is no valid route (unknown pair, NaN cell, or a duration of a day or more).
 */
public record Drive(String origin, String destination, TravelMode mode, String duration, String distance,
                    Integer cost) {
}
