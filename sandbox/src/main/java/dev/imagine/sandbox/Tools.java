package dev.imagine.sandbox;

import java.util.List;

/**
 * The official TravelPlanner tools over a {@link Database}, with their exact semantics and texts:
 * FlightSearch ({@code Flights.run}), GoogleDistanceMatrix (self-driving / taxi), AccommodationSearch,
 * RestaurantSearch, AttractionSearch and CitySearch. City names may carry a "(State)" suffix where the
 * official tool cuts it (distance matrix); elsewhere they are matched exactly, as the official tools do.
 *
 * <pre>{@code
 * Tools tools = new Tools(Database.builtIn());
 * List<Flight> legs = tools.flights("St. Petersburg", "Rockford", "2022-03-16");
 * String text = tools.driveText("Detroit", "Norfolk", TravelMode.SELF_DRIVING);
 * }</pre>
 */
public final class Tools {
    private final Database db;

    public Tools(Database db) {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    /** FlightSearch: flights from origin to destination on a date (YYYY-MM-DD), file order; empty if none. */
    public List<Flight> flights(String origin, String destination, String date) {
        return db.flights(origin, destination, date);
    }

    /** The official text for an empty flight search. */
    public static String noFlightText(String origin, String destination, String date) {
        return "There is no flight from " + origin + " to " + destination + " on " + date + ".";
    }

    /** GoogleDistanceMatrix for evaluation: duration, distance and cost (null cost = no valid route). */
    public Drive drive(String origin, String destination, TravelMode mode) {
        return db.drive(origin, destination, mode);
    }

    /**
     * GoogleDistanceMatrix text, e.g. {@code self-driving, from A to B, duration: 14 hours 4 mins, distance:
     * 1,433 km, cost: 71}, {@code No valid information.} or {@code taxi, from A to B, no valid information.}
     */
    public String driveText(String origin, String destination, TravelMode mode) {
        return db.distances.text(origin, destination, mode);
    }

    /** AccommodationSearch: accommodations in a city (after dropna), file order. */
    public List<Accommodation> accommodations(String city) {
        return db.accommodations(city);
    }

    /** RestaurantSearch: restaurants in a city, file order. */
    public List<Restaurant> restaurants(String city) {
        return db.restaurants(city);
    }

    /** AttractionSearch: attractions in a city, file order. */
    public List<Attraction> attractions(String city) {
        return db.attractions(city);
    }

    /** CitySearch: the cities of a state, file order; empty for an unknown state. */
    public List<String> cities(String state) {
        return db.cities(state);
    }
}
