package dev.imagine.sandbox;

/** One flights row: the nine columns the official {@code Flights} tool selects. */
public record Flight(String number, double price, String depTime, String arrTime, String elapsedTime,
                     String date, String origin, String destination, double distance) {
}
