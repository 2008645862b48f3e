package dev.imagine.sandbox;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The evaluator's database lookups with the official semantics, cached:
 * {@code data[data.Name.str.contains(re.escape(name)) & (data.City == city)]}, i.e. rows of exactly that
 * city whose name contains {@code name} as a (case-sensitive) substring; the first such row gives prices,
 * cuisines, room type and house rules, and the count decides the minimum-nights rule.
 */
final class SandboxLookup {
    /** The rows matching a (name, city) lookup: how many, and the first in file order (null if none). */
    record Match<T>(int count, T first) {
    }

    private static final int CACHE_LIMIT = 200_000;
    private final Database db;
    private record Key(String name, String city) {
    }

    private static final String[] NONE = {null, null};
    private final Map<Key, Match<Restaurant>> restaurants = new ConcurrentHashMap<>();
    private final Map<Key, Match<Accommodation>> accommodations = new ConcurrentHashMap<>();
    private final Map<Key, Match<Attraction>> attractions = new ConcurrentHashMap<>();
    // the 13 checks parse the same plan texts again and again: parse each text once
    private final Map<String, String[]> nameCities = new ConcurrentHashMap<>();
    private final Map<String, String[]> fromTos = new ConcurrentHashMap<>();

    SandboxLookup(Database db) {
        this.db = db;
    }

    Database db() {
        return db;
    }

    Match<Restaurant> restaurant(String name, String city) {
        return cached(restaurants, name, city, () -> match(db.restaurants(city), name, Restaurant::name));
    }

    Match<Accommodation> accommodation(String name, String city) {
        return cached(accommodations, name, city, () -> match(db.accommodations(city), name, Accommodation::name));
    }

    Match<Attraction> attraction(String name, String city) {
        return cached(attractions, name, city, () -> match(db.attractions(city), name, Attraction::name));
    }

    /** True if some flight row has this number and exactly this origin and destination (the date is not checked). */
    boolean flightExists(String number, String origin, String destination) {
        for (int r : db.flights.rowsWithNumber(number))
            if (db.flights.origin(r).equals(origin) && db.flights.destination(r).equals(destination)) return true;
        return false;
    }

    /** Strict mode: the first row with this number, route and date (any date if {@code date} is null), or -1. */
    int flightRow(String number, String origin, String destination, String date) {
        for (int r : db.flights.rowsWithNumber(number))
            if (db.flights.origin(r).equals(origin) && db.flights.destination(r).equals(destination)
                    && (date == null || db.flights.date(r).equals(date))) return r;
        return -1;
    }

    /** Price of the first row with this flight number, whatever its route; null if none. */
    Double firstFlightPrice(String number) {
        int[] rows = db.flights.rowsWithNumber(number);
        return rows.length == 0 ? null : db.flights.price(rows[0]);
    }

    /** {@link OfficialText#nameCity}, memoized. */
    String[] nameCity(String info) {
        String[] nc = nameCities.get(info);
        if (nc != null) return nc;
        nc = OfficialText.nameCity(info);
        if (nameCities.size() > CACHE_LIMIT) nameCities.clear();
        nameCities.put(info, nc);
        return nc;
    }

    /** {@link OfficialText#fromTo}, memoized; {null, null} when there is no "from A to B". */
    String[] fromTo(String text) {
        String[] ft = fromTos.get(text);
        if (ft != null) return ft;
        ft = OfficialText.fromTo(text);
        if (ft == null) ft = NONE;
        if (fromTos.size() > CACHE_LIMIT) fromTos.clear();
        fromTos.put(text, ft);
        return ft;
    }

    private static <T> Match<T> cached(Map<Key, Match<T>> cache, String name, String city,
                                       java.util.function.Supplier<Match<T>> compute) {
        Key key = new Key(name, city);
        Match<T> m = cache.get(key);
        if (m != null) return m;
        m = compute.get();
        if (cache.size() > CACHE_LIMIT) cache.clear();   // hallucinated names from rollouts must not grow it forever
        cache.put(key, m);
        return m;
    }

    private static <T> Match<T> match(List<T> rowsOfCity, String name, java.util.function.Function<T, String> nameOf) {
        int count = 0;
        T first = null;
        for (T row : rowsOfCity) {
            if (nameOf.apply(row).contains(name)) {
                if (count++ == 0) first = row;
            }
        }
        return new Match<>(count, first);
    }
}
