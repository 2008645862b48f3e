package dev.imagine.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TravelPlanner query in the official structure ({@code queries.jsonl}, one per line):
 * {@code {"org", "dest", "days", "visiting_city_number", "date", "people_number", "local_constraint":
 * {"house rule", "cuisine", "room type", "transportation"}, "budget", "query", "level"}}.
 * {@code dest} is a city for 3-day queries and a state for 5/7-day ones. {@code cuisine} is null or a list
 * (an empty list is "no cuisine constraint" for the evaluator but counted as given by eval.py's totals).
 *
 * <p>{@code route} (visited cities in order, without the origin) and {@code legs} (from, to, date) are
 * optional extras that reference information needs for 5/7-day queries; they are null when unknown.
 *
 * <pre>{@code
 * List<Query> queries = Queries.read(Path.of("queries.jsonl"));
 * String line = queries.get(0).toJson();
 * }</pre>
 */
public record Query(String org, String dest, int days, int visitingCityNumber, List<String> date,
                    int peopleNumber, String houseRule, List<String> cuisine, String roomType,
                    String transportation, int budget, String query, String level,
                    List<String> route, List<Leg> legs) {

    /** One travel leg of a route: from a city to another on a date. */
    public record Leg(String from, String to, String date) {
    }

    public static final List<String> LEVELS = List.of("easy", "medium", "hard");
    public static final List<String> HOUSE_RULES = List.of("parties", "smoking", "children under 10", "visitors", "pets");
    public static final List<String> ROOM_TYPES = List.of("shared room", "not shared room", "private room", "entire room");
    public static final List<String> TRANSPORTATIONS = List.of("no flight", "no self-driving");

    public Query {
        date = List.copyOf(date);
        cuisine = cuisine == null ? null : List.copyOf(cuisine);
        route = route == null ? null : List.copyOf(route);
        legs = legs == null ? null : List.copyOf(legs);
    }

    /** The same query with a route and legs attached (for reference information). */
    public Query withRoute(List<String> route, List<Leg> legs) {
        return new Query(org, dest, days, visitingCityNumber, date, peopleNumber, houseRule, cuisine, roomType,
                transportation, budget, query, level, route, legs);
    }

    /** The same query with another budget. */
    public Query withBudget(int newBudget) {
        return new Query(org, dest, days, visitingCityNumber, date, peopleNumber, houseRule, cuisine, roomType,
                transportation, newBudget, query, level, route, legs);
    }

    /**
     * The route, or for a 3-day query without one, {@code [dest]}. Null for a 5/7-day query without route.
     */
    public List<String> routeOrDefault() {
        if (route != null) return route;
        return days == 3 ? List.of(dest) : null;
    }

    /**
     * The legs, or the standard ones derived from the route: origin → first city on day 1, each next city
     * two days later, last city → origin on the last day. Null if there is no route.
     */
    public List<Leg> legsOrDefault() {
        if (legs != null) return legs;
        List<String> cities = routeOrDefault();
        if (cities == null || cities.isEmpty()) return null;
        var out = new java.util.ArrayList<Leg>();
        String at = org;
        for (int i = 0; i < cities.size(); i++) {
            out.add(new Leg(at, cities.get(i), date.get(Math.min(2 * i, date.size() - 1))));
            at = cities.get(i);
        }
        out.add(new Leg(at, org, date.get(date.size() - 1)));
        return out;
    }

    /** Local constraints in eval.py's order, with null for absent ones. */
    public Map<String, Object> localConstraint() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("house rule", houseRule);
        out.put("cuisine", cuisine);
        out.put("room type", roomType);
        out.put("transportation", transportation);
        return out;
    }

    /** The query as an official JSON line (Python json.dumps layout); route/legs are added only when set. */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("org", org);
        out.put("dest", dest);
        out.put("days", days);
        out.put("visiting_city_number", visitingCityNumber);
        out.put("date", date);
        out.put("people_number", peopleNumber);
        out.put("local_constraint", localConstraint());
        out.put("budget", budget);
        out.put("query", query);
        out.put("level", level);
        if (route != null) out.put("route", route);
        if (legs != null) out.put("legs", legs.stream().map(l -> List.of(l.from, l.to, l.date)).toList());
        return PyJson.dumps(out);
    }
}
