package dev.imagine.mas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A greedy plan constructor that reads only a query and its reference information (the sandbox
 * README's greedy: standard itinerary with 2 nights per city, cheapest transport that the query allows
 * without mixing self-driving with flights or taxis, the cheapest accommodation meeting room type, house
 * rule and minimum nights, distinct restaurants covering the required cuisines first, then cheapest, and
 * distinct attractions). If the full-meal plan is over budget it drops the lunches of moving days and the
 * return day's lunch. It is not optimal and may fail a constraint; the exact planner is.
 *
 * <p>Usage: {@code String planJson = GreedyPlanner.plan(queryNode, referenceInfoNode)}
 */
public final class GreedyPlanner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COST = Pattern.compile("cost: (\\d+)");
    private static final Pattern FLIGHT_KEY = Pattern.compile("Flight from (.+) to (.+) on (\\d{4}-\\d{2}-\\d{2})");

    private GreedyPlanner() {
    }

    /** One way of making a leg: its plan text and its cost for the whole group. */
    private record Move(String text, double cost) {
    }

    /** A meal slot of the plan: day index, meal key, city. */
    private record Slot(int day, String meal, String city) {
    }

    public static String plan(JsonNode query, JsonNode ref) {
        ArrayNode full = build(query, ref, false);
        if (cost(full, query, ref) <= query.path("budget").asDouble(Double.MAX_VALUE)) return full.toString();
        return build(query, ref, true).toString();
    }

    private static ArrayNode build(JsonNode q, JsonNode ref, boolean lean) {
        String org = q.path("org").asText();
        int days = q.path("days").asInt();
        int people = Math.max(1, q.path("people_number").asInt(1));
        JsonNode local = q.path("local_constraint");
        List<String> route = new ArrayList<>();
        ref.fieldNames().forEachRemaining(k -> {
            if (k.startsWith("Accommodations in ")) route.add(k.substring("Accommodations in ".length()));
        });
        if (route.isEmpty()) throw new MasException("reference information lists no accommodations, so no visited city");
        List<String[]> legs = new ArrayList<>();    // from, to, date
        ref.fieldNames().forEachRemaining(k -> {
            Matcher m = FLIGHT_KEY.matcher(k);
            if (m.matches()) legs.add(new String[]{m.group(1), m.group(2), m.group(3)});
        });
        if (legs.size() != route.size() + 1) throw new MasException("reference information has " + legs.size() + " legs for " + route.size() + " cities");
        List<Move> moves = transport(legs, ref, people, local.path("transportation").asText(""));

        // Day layout: travel on day 1, 3, 5 (into route[i]) and on the last day (home); stay days between.
        int k = route.size();
        String[] current = new String[days];
        String[] transportText = new String[days];
        String[] stayCity = new String[days];      // where the night is spent ("-" on the last day)
        for (int d = 0; d < days; d++) {
            int city = Math.min(d / 2, k - 1);
            boolean arrive = d % 2 == 0 && d / 2 < k;
            boolean last = d == days - 1;
            if (last) {
                current[d] = "from " + route.get(k - 1) + " to " + org;
                transportText[d] = moves.get(k).text();
                stayCity[d] = "-";
            } else if (arrive) {
                String from = d == 0 ? org : route.get(city - 1);
                current[d] = "from " + from + " to " + route.get(city);
                transportText[d] = moves.get(city).text();
                stayCity[d] = route.get(city);
            } else {
                current[d] = route.get(city);
                transportText[d] = "-";
                stayCity[d] = route.get(city);
            }
        }

        Map<String, JsonNode> hotel = new LinkedHashMap<>();
        for (String city : route) hotel.put(city, accommodation(ref.path("Accommodations in " + city), people, local));

        // Meal slots per day.
        List<Slot> slots = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            boolean last = d == days - 1;
            boolean moving = current[d].startsWith("from ");
            if (d == 0) slots.add(new Slot(d, "dinner", stayCity[d]));
            else if (last) {
                String city = route.get(k - 1);
                slots.add(new Slot(d, "breakfast", city));
                if (!lean) slots.add(new Slot(d, "lunch", city));
            } else if (moving) {
                slots.add(new Slot(d, "breakfast", route.get(d / 2 - 1)));
                if (!lean) slots.add(new Slot(d, "lunch", stayCity[d]));
                slots.add(new Slot(d, "dinner", stayCity[d]));
            } else {
                for (String meal : List.of("breakfast", "lunch", "dinner")) slots.add(new Slot(d, meal, stayCity[d]));
            }
        }
        Map<Slot, String> meals = restaurants(slots, ref, local.path("cuisine"));

        ArrayNode plan = JSON.createArrayNode();
        Set<String> usedSights = new HashSet<>();
        for (int d = 0; d < days; d++) {
            ObjectNode day = plan.addObject();
            day.put("days", d + 1);
            day.put("current_city", current[d]);
            day.put("transportation", transportText[d]);
            boolean moving = current[d].startsWith("from ");
            String sightCity = d == days - 1 ? route.get(k - 1) : stayCity[d];
            int sights = d == 0 ? 0 : moving ? 1 : 2;
            day.put("breakfast", meals.getOrDefault(new Slot(d, "breakfast", d == days - 1 ? route.get(k - 1) : moving && d > 0 ? route.get(d / 2 - 1) : stayCity[d]), "-"));
            day.put("attraction", attractions(ref.path("Attractions in " + sightCity), sights, usedSights));
            day.put("lunch", meals.getOrDefault(new Slot(d, "lunch", d == days - 1 ? route.get(k - 1) : stayCity[d]), "-"));
            day.put("dinner", meals.getOrDefault(new Slot(d, "dinner", stayCity[d]), "-"));
            day.put("accommodation", stayCity[d].equals("-") ? "-" : hotel.get(stayCity[d]).path("NAME").asText() + ", " + stayCity[d]);
        }
        return plan;
    }

    /** Cheapest allowed moves; self-driving is all-or-nothing because mixing it with flights or taxis is a conflict. */
    private static List<Move> transport(List<String[]> legs, JsonNode ref, int people, String rule) {
        List<Move> driving = new ArrayList<>();
        List<Move> other = new ArrayList<>();
        boolean canDrive = !rule.equals("no self-driving");
        boolean canFly = !rule.equals("no flight");
        for (String[] leg : legs) {
            String route = "from " + leg[0] + " to " + leg[1];
            Move drive = canDrive ? drive(ref.path("Self-driving " + route).asText(""), "Self-driving", Math.ceil(people / 5.0)) : null;
            if (drive == null) canDrive = false;
            driving.add(drive);
            Move best = drive(ref.path("Taxi " + route).asText(""), "Taxi", Math.ceil(people / 4.0));
            JsonNode flights = ref.path("Flight " + route + " on " + leg[2]);
            if (canFly && flights.isArray()) {
                for (JsonNode f : flights) {
                    double c = f.path("Price").asDouble() * people;
                    if (best == null || c < best.cost())
                        best = new Move("Flight Number: " + f.path("Flight Number").asText() + ", " + route + ", Departure Time: "
                                + f.path("DepTime").asText() + ", Arrival Time: " + f.path("ArrTime").asText(), c);
                }
            }
            other.add(best);
        }
        boolean otherOk = other.stream().allMatch(m -> m != null);
        double driveCost = canDrive ? driving.stream().mapToDouble(Move::cost).sum() : Double.MAX_VALUE;
        double otherCost = otherOk ? other.stream().mapToDouble(Move::cost).sum() : Double.MAX_VALUE;
        if (!canDrive && !otherOk) throw new MasException("no allowed transport for every leg of the route");
        return driveCost <= otherCost ? driving : other;
    }

    /** "self-driving, from A to B, duration: …, cost: 71" → a move, or null for "no valid information". */
    private static Move drive(String text, String label, double vehicles) {
        Matcher m = COST.matcher(text);
        if (!m.find() || text.contains("no valid information")) return null;
        return new Move(label + text.substring(text.indexOf(',')), Integer.parseInt(m.group(1)) * vehicles);
    }

    private static JsonNode accommodation(JsonNode rows, int people, JsonNode local) {
        String roomType = local.path("room type").asText("");
        String houseRule = local.path("house rule").asText("");
        JsonNode best = null;
        double bestCost = Double.MAX_VALUE;
        for (JsonNode r : rows) {
            String type = r.path("room type").asText();
            boolean typeOk = switch (roomType) {
                case "shared room" -> type.equals("Shared room");
                case "not shared room" -> !type.equals("Shared room");
                case "private room" -> type.equals("Private room");
                case "entire room" -> type.equals("Entire home/apt");
                default -> true;
            };
            if (!typeOk) continue;
            if (!houseRule.isEmpty() && r.path("house_rules").asText().contains("No " + houseRule)) continue;
            if (r.path("minimum nights").asDouble() > 2) continue;
            if (!unambiguous(rows, "NAME", r.path("NAME").asText())) continue;
            double cost = r.path("price").asDouble() * Math.ceil(people / Math.max(1.0, r.path("maximum occupancy").asDouble()));
            if (cost < bestCost) {
                bestCost = cost;
                best = r;
            }
        }
        if (best == null) throw new MasException("no accommodation meets the query's room type, house rule and minimum nights");
        return best;
    }

    /** Required cuisines first (cheapest restaurant serving each), then the cheapest unused per slot. */
    private static Map<Slot, String> restaurants(List<Slot> slots, JsonNode ref, JsonNode cuisines) {
        Map<Slot, String> out = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        List<Slot> free = new ArrayList<>(slots);
        if (cuisines.isArray()) {
            for (JsonNode c : cuisines) {
                JsonNode pick = null;
                Slot at = null;
                for (Slot s : free) {
                    for (JsonNode r : ref.path("Restaurants in " + s.city())) {
                        if (used.contains(r.path("Name").asText()) || !r.path("Cuisines").asText().contains(c.asText())) continue;
                        if (!unambiguous(ref.path("Restaurants in " + s.city()), "Name", r.path("Name").asText())) continue;
                        if (pick == null || r.path("Average Cost").asDouble() < pick.path("Average Cost").asDouble()) {
                            pick = r;
                            at = s;
                        }
                    }
                }
                if (pick == null) continue;   // not servable: the evaluator will say so
                used.add(pick.path("Name").asText());
                out.put(at, pick.path("Name").asText() + ", " + at.city());
                free.remove(at);
            }
        }
        for (Slot s : free) {
            JsonNode pick = null;
            for (JsonNode r : ref.path("Restaurants in " + s.city())) {
                if (used.contains(r.path("Name").asText())) continue;
                if (!unambiguous(ref.path("Restaurants in " + s.city()), "Name", r.path("Name").asText())) continue;
                if (pick == null || r.path("Average Cost").asDouble() < pick.path("Average Cost").asDouble()) pick = r;
            }
            if (pick == null) continue;
            used.add(pick.path("Name").asText());
            out.put(s, pick.path("Name").asText() + ", " + s.city());
        }
        return out;
    }

    private static String attractions(JsonNode rows, int n, Set<String> used) {
        StringBuilder s = new StringBuilder();
        int taken = 0;
        for (JsonNode r : rows) {
            if (taken == n) break;
            String name = r.path("Name").asText();
            if (used.contains(name) || !unambiguous(rows, "Name", name)) continue;
            used.add(name);
            s.append(name).append(", ").append(r.path("City").asText()).append(';');
            taken++;
        }
        return taken == 0 ? "-" : s.toString();
    }

    /** The evaluator looks names up by substring: a name inside another row's name would be ambiguous. */
    private static boolean unambiguous(JsonNode rows, String key, String name) {
        int matches = 0;
        for (JsonNode r : rows) if (r.path(key).asText().contains(name)) matches++;
        return matches == 1;
    }

    /** The plan's cost as the evaluator counts it, from the reference information. */
    static double cost(ArrayNode plan, JsonNode q, JsonNode ref) {
        int people = Math.max(1, q.path("people_number").asInt(1));
        double total = 0;
        for (JsonNode day : plan) {
            String t = day.path("transportation").asText("-");
            Matcher m = COST.matcher(t);
            if (t.startsWith("Flight Number: ")) {
                String number = t.substring("Flight Number: ".length(), t.indexOf(','));
                for (Map.Entry<String, JsonNode> e : ref.properties())
                    if (e.getKey().startsWith("Flight ") && e.getValue().isArray())
                        for (JsonNode f : e.getValue()) if (f.path("Flight Number").asText().equals(number)) total += f.path("Price").asDouble() * people;
            } else if (m.find()) {
                total += Integer.parseInt(m.group(1)) * Math.ceil(people / (t.startsWith("Taxi") ? 4.0 : 5.0));
            }
            for (String meal : List.of("breakfast", "lunch", "dinner")) total += price(ref, day.path(meal).asText("-"), "Restaurants in ", "Name", "Average Cost") * people;
            String acc = day.path("accommodation").asText("-");
            if (!acc.equals("-")) {
                String city = PlanMistakes.cityOf(acc);
                for (JsonNode r : ref.path("Accommodations in " + city))
                    if (acc.startsWith(r.path("NAME").asText() + ",")) {
                        total += r.path("price").asDouble() * Math.ceil(people / Math.max(1.0, r.path("maximum occupancy").asDouble()));
                        break;
                    }
            }
        }
        return total;
    }

    private static double price(JsonNode ref, String nameCity, String prefix, String key, String field) {
        if (nameCity.equals("-")) return 0;
        String city = PlanMistakes.cityOf(nameCity);
        for (JsonNode r : ref.path(prefix + city)) if (nameCity.startsWith(r.path(key).asText() + ",")) return r.path(field).asDouble();
        return 0;
    }
}
