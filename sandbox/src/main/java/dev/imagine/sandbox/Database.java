package dev.imagine.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The TravelPlanner database in the official layout, loaded with the official tools' rules:
 * accommodations, restaurants, attractions and flights are {@code pd.read_csv(...).dropna()[columns]}
 * (a row with any empty cell is not in the sandbox), distance.csv is read without dropna (first row of a
 * pair wins; NaN or "day"-long durations have no cost), and the background files give cities and states.
 * Immutable and thread-safe once loaded.
 *
 * <pre>{@code
 * Database db = Database.builtIn();                  // shipped with the project (see PROVENANCE.md)
 * Database full = Database.load(Path.of("database"));  // a user's official database/ folder
 * }</pre>
 */
public final class Database {
    static final String ACCOMMODATIONS = "accommodations/clean_accommodations_2022.csv";
    static final String ATTRACTIONS = "attractions/attractions.csv";
    static final String RESTAURANTS = "restaurants/clean_restaurant_2022.csv";
    static final String DISTANCES = "googleDistanceMatrix/distance.csv";
    static final String FLIGHTS = "flights/clean_Flights_2022.csv";
    static final String CITY_STATES = "background/citySet_with_states.txt";

    static final List<String> ACCOMMODATION_COLUMNS = List.of("NAME", "price", "room type", "house_rules",
            "minimum nights", "maximum occupancy", "review rate number", "city");
    static final List<String> RESTAURANT_COLUMNS = List.of("Name", "Average Cost", "Cuisines", "Aggregate Rating", "City");
    static final List<String> ATTRACTION_COLUMNS = List.of("Name", "Latitude", "Longitude", "Address", "Phone", "Website", "City");

    private static final String RESOURCE_ROOT = "/dev/imagine/sandbox/database/";
    private static volatile Database builtIn;

    /** Where the database was loaded from, for messages. */
    public final String origin;
    final Table accommodationTable, restaurantTable, attractionTable;
    final FlightTable flights;
    final DistanceMatrix distances;
    private final List<Accommodation> accommodations;
    private final List<Restaurant> restaurants;
    private final List<Attraction> attractions;
    private final Map<String, List<Accommodation>> accommodationsByCity;
    private final Map<String, List<Restaurant>> restaurantsByCity;
    private final Map<String, List<Attraction>> attractionsByCity;
    private final Map<String, String> stateOfCity;
    private final Map<String, List<String>> citiesOfState;

    private interface Opener {
        /** Opens a database file given its official relative path; returns the source name and stream. */
        Map.Entry<String, InputStream> open(String relative) throws IOException;
    }

    private Database(String origin, Opener opener, PrintStream progress) throws IOException {
        this.origin = origin;
        accommodationTable = readTable(opener, ACCOMMODATIONS, ACCOMMODATION_COLUMNS);
        restaurantTable = readTable(opener, RESTAURANTS, RESTAURANT_COLUMNS);
        attractionTable = readTable(opener, ATTRACTIONS, ATTRACTION_COLUMNS);
        try (CsvRows in = csv(opener, DISTANCES)) {
            distances = new DistanceMatrix(in);
        }
        try (CsvRows in = csv(opener, FLIGHTS)) {
            flights = FlightTable.read(in, progress);
        }
        accommodations = toAccommodations(accommodationTable);
        restaurants = toRestaurants(restaurantTable);
        attractions = toAttractions(attractionTable);
        accommodationsByCity = group(accommodations, Accommodation::city);
        restaurantsByCity = group(restaurants, Restaurant::city);
        attractionsByCity = group(attractions, Attraction::city);
        var entry = opener.open(CITY_STATES);
        stateOfCity = new LinkedHashMap<>();
        citiesOfState = new LinkedHashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(entry.getValue(), StandardCharsets.UTF_8))) {
            int lineNumber = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (line.isEmpty()) continue;
                String[] parts = line.split("\t", -1);
                if (parts.length != 2)
                    throw new SandboxException(entry.getKey() + " line " + lineNumber + ": expected 'city<TAB>state', found '" + line + "'");
                stateOfCity.putIfAbsent(parts[0], parts[1]);
                citiesOfState.computeIfAbsent(parts[1], s -> new ArrayList<>()).add(parts[0]);
            }
        }
    }

    /** The database shipped inside the project (real tables; flights partly synthetic, see PROVENANCE.md). Loaded once. */
    public static Database builtIn() {
        Database db = builtIn;
        if (db != null) return db;
        synchronized (Database.class) {
            if (builtIn == null) {
                try {
                    builtIn = new Database("built-in database", relative -> {
                        String name = RESOURCE_ROOT + relative + ".gz";
                        InputStream in = Database.class.getResourceAsStream(name);
                        if (in == null) throw new IllegalStateException("missing resource " + name);
                        return Map.entry(relative + ".gz", relative.endsWith(".txt") ? new GZIPInputStream(in) : in);
                    }, null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return builtIn;
        }
    }

    /** Loads an official {@code database/} folder; each file may also be gzip-compressed ({@code name.csv.gz}). */
    public static Database load(Path dir) {
        return load(dir, null);
    }

    /** As {@link #load(Path)}, printing progress of the (possibly 305 MB) flights table on {@code progress}. */
    public static Database load(Path dir, PrintStream progress) {
        if (!Files.isDirectory(dir)) throw new SandboxException("database folder not found: " + dir);
        try {
            return new Database(dir.toString(), relative -> {
                Path plain = dir.resolve(relative), gz = dir.resolve(relative + ".gz");
                if (Files.isRegularFile(plain)) return Map.entry(plain.toString(), Files.newInputStream(plain));
                if (Files.isRegularFile(gz)) {
                    InputStream in = Files.newInputStream(gz);
                    return Map.entry(gz.toString(), relative.endsWith(".txt") ? new GZIPInputStream(in) : in);
                }
                throw new SandboxException("database file missing: " + plain + " (the official layout is "
                        + "accommodations/, attractions/, restaurants/, googleDistanceMatrix/, flights/, background/)");
            }, progress);
        } catch (IOException e) {
            throw new SandboxException("cannot read database " + dir + ": " + e.getMessage(), e);
        }
    }

    private static CsvRows csv(Opener opener, String relative) throws IOException {
        var entry = opener.open(relative);
        return CsvRows.open(entry.getKey(), entry.getValue());
    }

    private static Table readTable(Opener opener, String relative, List<String> columns) throws IOException {
        try (CsvRows in = csv(opener, relative)) {
            return Table.read(in, columns);
        }
    }

    private static List<Accommodation> toAccommodations(Table t) {
        List<Accommodation> out = new ArrayList<>(t.rows.length);
        for (int r = 0; r < t.rows.length; r++)
            out.add(new Accommodation(r, t.text(r, 0), t.number(r, 1), t.text(r, 2), t.text(r, 3),
                    t.number(r, 4), t.number(r, 5), t.number(r, 6), t.text(r, 7)));
        return List.copyOf(out);
    }

    private static List<Restaurant> toRestaurants(Table t) {
        List<Restaurant> out = new ArrayList<>(t.rows.length);
        for (int r = 0; r < t.rows.length; r++)
            out.add(new Restaurant(r, t.text(r, 0), t.number(r, 1), t.text(r, 2), t.number(r, 3), t.text(r, 4)));
        return List.copyOf(out);
    }

    private static List<Attraction> toAttractions(Table t) {
        List<Attraction> out = new ArrayList<>(t.rows.length);
        for (int r = 0; r < t.rows.length; r++) out.add(new Attraction(r, t.text(r, 0), t.text(r, 6)));
        return List.copyOf(out);
    }

    private static <T> Map<String, List<T>> group(List<T> rows, java.util.function.Function<T, String> city) {
        Map<String, List<T>> out = new HashMap<>();
        for (T row : rows) out.computeIfAbsent(city.apply(row), c -> new ArrayList<>()).add(row);
        out.replaceAll((c, list) -> List.copyOf(list));
        return out;
    }

    /** Accommodations in a city (exact name, no "(State)"), in file order. */
    public List<Accommodation> accommodations(String city) {
        return accommodationsByCity.getOrDefault(city, List.of());
    }

    /** Restaurants in a city, in file order. */
    public List<Restaurant> restaurants(String city) {
        return restaurantsByCity.getOrDefault(city, List.of());
    }

    /** Attractions in a city, in file order. */
    public List<Attraction> attractions(String city) {
        return attractionsByCity.getOrDefault(city, List.of());
    }

    /** All rows kept after dropna, in file order. */
    public List<Accommodation> accommodations() {
        return accommodations;
    }

    public List<Restaurant> restaurants() {
        return restaurants;
    }

    public List<Attraction> attractions() {
        return attractions;
    }

    /** Flights of a route on a date ({@code Flights.run}), in file order; empty if none. */
    public List<Flight> flights(String origin, String destination, String date) {
        return flights.flights(origin, destination, date);
    }

    /** Number of flight rows kept after dropna. */
    public int flightCount() {
        return flights.size();
    }

    /** Self-driving or taxi between two cities ({@code run_for_evaluation}); "(State)" suffixes are cut. */
    public Drive drive(String origin, String destination, TravelMode mode) {
        return distances.drive(origin, destination, mode);
    }

    /** The state of a city (citySet_with_states.txt), or null. */
    public String stateOf(String city) {
        return stateOfCity.get(city);
    }

    /** Cities of a state in file order ({@code Cities.run}); empty if the state is unknown. */
    public List<String> cities(String state) {
        return Collections.unmodifiableList(citiesOfState.getOrDefault(state, List.of()));
    }

    /** Every city of citySet_with_states.txt, in file order. */
    public List<String> allCities() {
        return List.copyOf(stateOfCity.keySet());
    }

    /** Every state, in order of first appearance in citySet_with_states.txt. */
    public List<String> states() {
        return List.copyOf(citiesOfState.keySet());
    }

    @Override
    public String toString() {
        return origin + ": " + accommodations.size() + " accommodations, " + restaurants.size() + " restaurants, "
                + attractions.size() + " attractions, " + flights.size() + " flights, " + stateOfCity.size() + " cities";
    }
}
