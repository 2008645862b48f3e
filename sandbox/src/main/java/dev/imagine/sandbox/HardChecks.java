package dev.imagine.sandbox;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.imagine.sandbox.CommonsenseChecks.day;
import static dev.imagine.sandbox.CommonsenseChecks.dayCount;
import static dev.imagine.sandbox.CommonsenseChecks.filled;
import static dev.imagine.sandbox.CommonsenseChecks.fromTo;
import static dev.imagine.sandbox.CommonsenseChecks.lower;
import static dev.imagine.sandbox.CommonsenseChecks.nameCity;

/**
 * The five hard checks and {@code get_total_cost} of the official evaluation/hard_constraint.py, with the
 * official semantics (first matching row decides, origin-city meals skip the rest of the day for cuisine,
 * flight price from the first row with that number, README quirks 5, 6, 12-14).
 */
final class HardChecks {
    static final List<String> NAMES = List.of("valid_cuisine", "valid_room_rule", "valid_transportation",
            "valid_room_type", "valid_cost");

    private final SandboxLookup lookup;
    private final Query q;
    private final Object plan;
    private final boolean strict;

    HardChecks(SandboxLookup lookup, Query q, Object plan, EvaluationMode mode) {
        this.lookup = lookup;
        this.q = q;
        this.plan = plan;
        this.strict = mode == EvaluationMode.STRICT;
    }

    Result run(String name) {
        return switch (name) {
            case "valid_cuisine" -> cuisine();
            case "valid_room_rule" -> roomRule();
            case "valid_transportation" -> transportation();
            case "valid_room_type" -> roomType();
            case "valid_cost" -> new Result(totalCost() <= q.budget(), null);   // raises like get_total_cost
            default -> throw new IllegalArgumentException(name);
        };
    }

    private Double cost;
    private Py.PyError costError;

    /** {@code get_total_cost} (computed once per plan: valid_cost and the reported cost share it). */
    double totalCost() {
        if (cost == null && costError == null) {
            try {
                cost = computeTotalCost();
            } catch (Py.PyError e) {
                costError = e;
            }
        }
        if (costError != null) throw costError;
        return cost;
    }

    /** Flights × people, cars × ceil(people / 5 or 4), meals × people, rooms × ceil(people / occupancy). */
    private double computeTotalCost() {
        double total = 0;
        int people = q.peopleNumber();
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object unit = day(plan, i);
            Object value = Py.getItem(unit, "transportation");
            if (filled(value)) {
                String[] ft = fromTo(lookup, value);
                if (ft[0] == null || ft[1] == null) ft = fromTo(lookup, Py.getItem(unit, "current_city"));
                if (ft[0] != null && ft[1] != null) {
                    String lower = lower(value);
                    if (lower.contains("flight number")) {
                        Double price;
                        if (strict) {   // S3: the row of this number, route and date
                            String date = i < q.date().size() ? q.date().get(i) : null;
                            int row = lookup.flightRow(CommonsenseChecks.flightNumberAnyCase((String) value),
                                    OfficialText.beforeParenthesis(ft[0]), OfficialText.beforeParenthesis(ft[1]), date);
                            price = row < 0 ? null : lookup.db().flights.price(row);
                        } else {
                            price = lookup.firstFlightPrice(CommonsenseChecks.flightNumber((String) value));
                        }
                        if (price != null) total += price * people;
                    } else if (lower.contains("self-driving") || lower.contains("taxi")) {
                        TravelMode mode = lower.contains("self-driving") ? TravelMode.SELF_DRIVING : TravelMode.TAXI;
                        Integer cost = lookup.db().drive(ft[0], ft[1], mode).cost();
                        if (cost == null) throw Py.typeError("unsupported operand type(s) for *: 'NoneType' and 'int'");
                        total += (double) cost * Math.ceil(people * 1.0 / mode.perCar);
                    }
                }
            }
            for (String meal : new String[]{"breakfast", "lunch", "dinner"}) {
                Object meal_ = Py.getItem(unit, meal);
                if (!filled(meal_)) continue;
                String[] nc = nameCity(lookup, meal_);
                SandboxLookup.Match<Restaurant> m = lookup.restaurant(nc[0], nc[1]);
                if (m.count() > 0) total += m.first().averageCost() * people;
            }
            Object stay = Py.getItem(unit, "accommodation");
            if (filled(stay)) {
                String[] nc = nameCity(lookup, stay);
                SandboxLookup.Match<Accommodation> m = lookup.accommodation(nc[0], nc[1]);
                if (m.count() > 0)
                    total += m.first().price() * Math.ceil(people * 1.0 / m.first().maximumOccupancy());
            }
        }
        return total;
    }

    Result roomRule() {
        String rule = q.houseRule();
        if (rule == null) return Result.NOT_APPLICABLE;
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object stay = Py.getItem(day(plan, i), "accommodation");
            if (!filled(stay)) continue;
            String[] nc = nameCity(lookup, stay);
            SandboxLookup.Match<Accommodation> m = lookup.accommodation(nc[0], nc[1]);
            if (m.count() > 0 && Query.HOUSE_RULES.contains(rule) && m.first().houseRules().contains("No " + rule))
                return Result.fail("The house rule should be " + rule + ".");
        }
        return Result.PASS;
    }

    Result cuisine() {
        List<String> wanted = q.cuisine();
        if (wanted == null || wanted.isEmpty()) return Result.NOT_APPLICABLE;
        Set<String> found = new LinkedHashSet<>();
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object unit = day(plan, i);
            for (String meal : new String[]{"breakfast", "lunch", "dinner"}) {
                Object value = Py.getItem(unit, meal);
                if (!filled(value)) continue;
                String[] nc = nameCity(lookup, value);
                if (nc[1].equals(q.org())) {
                    if (strict) continue;   // S6: skip only this meal
                    break;   // the official `continue` leaves the day's loop body: later meals are skipped
                }
                SandboxLookup.Match<Restaurant> m = lookup.restaurant(nc[0], nc[1]);
                if (m.count() > 0)
                    for (String c : wanted) if (m.first().cuisines().contains(c)) found.add(c);
            }
        }
        if (found.size() == wanted.size()) return Result.PASS;
        for (String c : wanted) if (!found.contains(c)) return Result.fail("The cuisine " + c + " is not satisfied.");
        // duplicates in the query's list: the official function falls off its end and returns None
        return Result.NOT_APPLICABLE;
    }

    Result transportation() {
        String rule = q.transportation();
        if (rule == null) return Result.NOT_APPLICABLE;
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object value = Py.getItem(day(plan, i), "transportation");
            if (!filled(value)) continue;
            if (rule.equals("no flight") && Py.contains(value, "Flight")
                    || rule.equals("no self-driving") && Py.contains(value, "Self-driving"))
                return Result.fail("The transportation should not be " + rule + ".");
        }
        return Result.PASS;
    }

    Result roomType() {
        String type = q.roomType();
        if (type == null) return Result.NOT_APPLICABLE;
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object stay = Py.getItem(day(plan, i), "accommodation");
            if (!filled(stay)) continue;
            String[] nc = nameCity(lookup, stay);
            SandboxLookup.Match<Accommodation> m = lookup.accommodation(nc[0], nc[1]);
            if (m.count() == 0) continue;
            String room = m.first().roomType();
            boolean bad = switch (type) {
                case "not shared room" -> room.equals("Shared room");
                case "shared room" -> !room.equals("Shared room");
                case "private room" -> !room.equals("Private room");
                case "entire room" -> !room.equals("Entire home/apt");
                default -> false;
            };
            if (bad) return Result.fail("The room type should be " + type + ".");
        }
        return Result.PASS;
    }
}
