package dev.imagine.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference information of a query, as the official sole-planning setting gives it to the planner
 * (train_ref_info.jsonl layout): for each visited city {@code Attractions in C}, {@code Restaurants in C},
 * {@code Accommodations in C} (row objects as the official tools return them, after dropna), then for each
 * leg {@code Flight from A to B on D} (rows, or "There is no flight from A to B on D."),
 * {@code Self-driving from A to B} and {@code Taxi from A to B} (the GoogleDistanceMatrix texts).
 *
 * <pre>{@code String line = ReferenceInfo.of(Database.builtIn(), query);   // one JSON line, json.dumps layout}</pre>
 */
public final class ReferenceInfo {
    private ReferenceInfo() {
    }

    /** The reference information as JSON text, byte-compatible with the official train_ref_info.jsonl lines. */
    public static String of(Database db, Query query) {
        return PyJson.dumps(asMap(db, query));
    }

    /**
     * The reference information as an ordered map. Needs the query's route: {@link Query#route()}, or
     * {@code [dest]} for a 3-day query; legs default to the standard ones (see {@link Query#legsOrDefault()}).
     */
    public static Map<String, Object> asMap(Database db, Query query) {
        List<String> route = query.routeOrDefault();
        if (route == null)
            throw new SandboxException("query from " + query.org() + " to " + query.dest() + " (" + query.days()
                    + " days) has no 'route': reference information for a multi-city trip needs the visited cities");
        Map<String, Object> out = new LinkedHashMap<>();
        for (String visited : route) {
            String city = OfficialText.beforeParenthesis(visited);
            out.put("Attractions in " + visited, rowsOrText(db.attractionTable, db.attractions(city).stream().map(Attraction::row).toList(),
                    "There is no attraction in this city."));
            out.put("Restaurants in " + visited, rowsOrText(db.restaurantTable, db.restaurants(city).stream().map(Restaurant::row).toList(),
                    "There is no restaurant in this city."));
            // (sic) the official AccommodationSearch says "attraction" when a city has no accommodation
            out.put("Accommodations in " + visited, rowsOrText(db.accommodationTable, db.accommodations(city).stream().map(Accommodation::row).toList(),
                    "There is no attraction in this city."));
        }
        for (Query.Leg leg : query.legsOrDefault()) {
            int[] rows = db.flights.rowsOnRoute(leg.from(), leg.to(), leg.date());
            Object flights;
            if (rows.length == 0) {
                flights = Tools.noFlightText(leg.from(), leg.to(), leg.date());
            } else {
                List<Object> list = new ArrayList<>(rows.length);
                for (int r : rows) list.add(flightRow(db.flights, r));
                flights = list;
            }
            out.put("Flight from " + leg.from() + " to " + leg.to() + " on " + leg.date(), flights);
            out.put("Self-driving from " + leg.from() + " to " + leg.to(), db.distances.text(leg.from(), leg.to(), TravelMode.SELF_DRIVING));
            out.put("Taxi from " + leg.from() + " to " + leg.to(), db.distances.text(leg.from(), leg.to(), TravelMode.TAXI));
        }
        return out;
    }

    private static Object rowsOrText(Table table, List<Integer> rows, String empty) {
        if (rows.isEmpty()) return empty;
        List<Object> out = new ArrayList<>(rows.size());
        for (int r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 0; c < table.columns.size(); c++) row.put(table.columns.get(c), table.rows[r][c]);
            out.add(row);
        }
        return out;
    }

    private static Map<String, Object> flightRow(FlightTable flights, int r) {
        Flight f = flights.flight(r);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("Flight Number", f.number());
        row.put("Price", typed(f.price(), flights.priceKind));
        row.put("DepTime", f.depTime());
        row.put("ArrTime", f.arrTime());
        row.put("ActualElapsedTime", f.elapsedTime());
        row.put("FlightDate", f.date());
        row.put("OriginCityName", f.origin());
        row.put("DestCityName", f.destination());
        row.put("Distance", typed(f.distance(), flights.distanceKind));
        return row;
    }

    private static Object typed(double value, ColumnKind kind) {
        return kind == ColumnKind.INT ? (Object) (long) value : (Object) value;
    }
}
