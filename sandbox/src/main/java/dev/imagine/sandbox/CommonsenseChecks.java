package dev.imagine.sandbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The eight commonsense checks of the official evaluation/commonsense_constraint.py, one method each, with
 * the official semantics, messages and exceptions (as {@link Py.PyError}). Each mirrors the Python line by
 * line on the raw plan value; the README's quirks 1-12 live here (character-wise city tests on single-city
 * days, {@code split(';')[:-1]}, substring lookups, the 50% rule counting every key, ...).
 */
final class CommonsenseChecks {
    static final List<String> NAMES = List.of("is_reasonable_visiting_city", "is_valid_restaurants",
            "is_valid_attractions", "is_valid_accommodation", "is_valid_transportation",
            "is_valid_information_in_current_city", "is_valid_information_in_sandbox", "is_not_absent");

    static final String NOT_NEEDED = "You don't need to fill in the information for this or later days.";

    private final SandboxLookup lookup;
    private final Query q;
    private final Object plan;
    private final boolean strict;

    CommonsenseChecks(SandboxLookup lookup, Query q, Object plan, EvaluationMode mode) {
        this.lookup = lookup;
        this.q = q;
        this.plan = plan;
        this.strict = mode == EvaluationMode.STRICT;
    }

    Result run(String name) {
        return switch (name) {
            case "is_reasonable_visiting_city" -> reasonableVisitingCity();
            case "is_valid_restaurants" -> validRestaurants();
            case "is_valid_attractions" -> validAttractions();
            case "is_valid_accommodation" -> validAccommodation();
            case "is_valid_transportation" -> validTransportation();
            case "is_valid_information_in_current_city" -> informationInCurrentCity();
            case "is_valid_information_in_sandbox" -> informationInSandbox();
            case "is_not_absent" -> notAbsent();
            default -> throw new IllegalArgumentException(name);
        };
    }

    // ---- shared pieces (utils/func.py) ----

    /** {@code range(min(question['days'], len(tested_data)))}. */
    static int dayCount(Query q, Object plan) {
        return Math.min(q.days(), Py.len(plan));
    }

    static Object day(Object plan, int i) {
        return Py.getItem(plan, i);
    }

    /** {@code extract_from_to(text)}: raises TypeError for a non-string; {null, null} if no "from A to B". */
    static String[] fromTo(SandboxLookup lookup, Object text) {
        return lookup.fromTo(Py.reString(text));
    }

    /** {@code extract_before_parenthesis(s)}: raises TypeError for None. */
    static String beforeParenthesis(Object s) {
        return OfficialText.beforeParenthesis(Py.reString(s));
    }

    /** {@code get_valid_name_city(info)}: raises TypeError for a non-string. */
    static String[] nameCity(SandboxLookup lookup, Object info) {
        return lookup.nameCity(Py.reString(info));
    }

    /** {@code x and x != '-'} for a plan field. */
    static boolean filled(Object value) {
        return Py.truthy(value) && !"-".equals(value);
    }

    /** {@code 'key' in unit and unit['key'] and unit['key'] != '-'}. */
    static boolean hasFilled(Object unit, String key) {
        return Py.contains(unit, key) && filled(Py.getItem(unit, key));
    }

    /** {@code value.split(';')[:-1]}: every piece but the text after the last ';' (strict S2: every non-blank piece, stripped). */
    static List<String> attractionsOf(Object value, boolean strict) {
        if (!(value instanceof String s))
            throw new Py.PyError("AttributeError", "'" + Py.typeName(value) + "' object has no attribute 'split'");
        List<String> parts = OfficialText.split(s, ';');
        if (!strict) return parts.subList(0, parts.size() - 1);
        List<String> out = new ArrayList<>();
        for (String part : parts) if (!OfficialText.pyStrip(part).isEmpty()) out.add(OfficialText.pyStrip(part));
        return out;
    }

    static String lower(Object value) {
        if (!(value instanceof String s))
            throw new Py.PyError("AttributeError", "'" + Py.typeName(value) + "' object has no attribute 'lower'");
        return OfficialText.lower(s);
    }

    // ---- the eight checks ----

    Result reasonableVisitingCity() {
        List<String> cities = new ArrayList<>();
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object cityValue = Py.getItem(day(plan, i), "current_city");
            if (Py.contains(cityValue, "from")) {
                String[] ft = fromTo(lookup, cityValue);
                String city1 = beforeParenthesis(ft[0]), city2 = beforeParenthesis(ft[1]);
                if (i == 0 && !city1.equals(q.org())) return Result.fail("The first day's city should be " + q.org() + ".");
                cities.add(city1);
                cities.add(city2);
            } else {
                cities.add(beforeParenthesis(cityValue));
            }
        }
        if (cities.isEmpty()) throw new Py.PyError("IndexError", "list index out of range");
        if (!cities.getFirst().equals(cities.getLast())) return Result.fail("The trip should be a closed circle.");
        if (!validCitySequence(cities)) return Result.fail("The city sequence is invalid.");
        for (int idx = 0; idx < cities.size(); idx++) {
            String city = cities.get(idx);
            String state = lookup.db().stateOf(city);
            if (state == null) return Result.fail(city + " is not a valid city.");
            if (idx != 0 && idx != cities.size() - 1 && q.days() > 3 && !state.equals(q.dest()))
                return Result.fail(city + " is not in " + q.dest() + ".");
            if (strict && idx != 0 && idx != cities.size() - 1 && q.days() <= 3 && !city.equals(q.dest()))
                return Result.fail(city + " is not " + q.dest() + ".");   // strict S5
        }
        return Result.PASS;
    }

    /** {@code is_valid_city_sequence}: every city but the first and last in one consecutive block of 2+. */
    static boolean validCitySequence(List<String> cities) {
        if (cities.size() < 3) return false;
        Set<String> visited = new HashSet<>();
        int i = 0;
        while (i < cities.size()) {
            String city = cities.get(i);
            if (visited.contains(city) && i != 0 && i != cities.size() - 1) return false;
            int count = 0;
            while (i < cities.size() && cities.get(i).equals(city)) {
                count++;
                i++;
            }
            if (count == 1 && 0 < i - 1 && i - 1 < cities.size() - 1) return false;
            visited.add(city);
        }
        return true;
    }

    Result validRestaurants() {
        List<Object> seen = new ArrayList<>();
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object unit = day(plan, i);
            for (String meal : new String[]{"breakfast", "lunch", "dinner"}) {
                if (!hasFilled(unit, meal)) continue;
                Object value = Py.getItem(unit, meal);
                if (!Py.contains(seen, value)) {
                    seen.add(value);
                } else {
                    return Result.fail("lunch".equals(meal)
                            ? "The restaurant in day " + (i + 1) + " lunch " + Py.str(value) + " is repeated."
                            : "The restaurant in day " + (i + 1) + " " + meal + " is repeated.");
                }
            }
        }
        return Result.PASS;
    }

    Result validAttractions() {
        List<String> seen = new ArrayList<>();
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object unit = day(plan, i);
            if (!hasFilled(unit, "attraction")) continue;
            for (String attraction : attractionsOf(Py.getItem(unit, "attraction"), strict)) {
                if (!seen.contains(attraction)) seen.add(attraction);
                else return Result.fail("The attraction '" + attraction + "' in day " + (i + 1) + " is repeated.");
            }
        }
        return Result.PASS;
    }

    Result validAccommodation() {
        List<Object> values = new ArrayList<>();
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object unit = day(plan, i);
            if (!Py.contains(unit, "accommodation")) return Result.fail("No Accommodation Info.");
            values.add(Py.getItem(unit, "accommodation"));
        }
        // count_consecutive_values: runs of equal values; the minimum-nights rule applies per run
        int i = 0;
        while (i < values.size()) {
            Object value = values.get(i);
            int count = 0;
            while (i < values.size() && Py.pyEquals(values.get(i), value)) {
                count++;
                i++;
            }
            if ("-".equals(value) || "".equals(value)) continue;
            String[] nc = nameCity(lookup, value);
            SandboxLookup.Match<Accommodation> m = lookup.accommodation(nc[0], nc[1]);
            if (m.count() == 1 && count < m.first().minimumNights())
                return Result.fail("The accommodation " + Py.str(value) + " do not obey the minumum nights rule.");
        }
        return Result.PASS;
    }

    /** {@code transportation_match}: taxi > self-driving > flight by substring; null if none. */
    static String transportationMatch(Object text) {
        String lower = lower(text);
        if (lower.contains("taxi")) return "Taxi";
        if (lower.contains("self-driving")) return "Self-driving";
        if (lower.contains("flight")) return "Flight";
        return null;
    }

    Result validTransportation() {
        Object first = Py.getItem(day(plan, 0), "transportation");
        List<String> modes = new ArrayList<>();
        if (filled(first)) modes.add(transportationMatch(first));
        else return Result.fail("The transportation in day 1 should not be empty.");
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object unit = day(plan, i);
            if (hasFilled(unit, "transportation")) modes.add(transportationMatch(Py.getItem(unit, "transportation")));
        }
        boolean drive = modes.contains("Self-driving");
        if (drive && (modes.contains("Flight") || modes.contains("Taxi"))) return Result.fail("The transportation is conflicting.");
        return Result.PASS;
    }

    Result informationInCurrentCity() {
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object unit = day(plan, i);
            Object currentCity = Py.getItem(unit, "current_city");
            // a travel day gives the list [city1, city2]; any other day gives a *string*, whose characters
            // the loops below then run over (README quirk 1)
            List<String> cities;
            if (Py.contains(currentCity, "from")) {
                String[] ft = fromTo(lookup, currentCity);
                cities = List.of(beforeParenthesis(ft[0]), beforeParenthesis(ft[1]));
            } else {
                String city = beforeParenthesis(currentCity);
                cities = strict ? List.of(city) : characters(city);   // strict S1: the city, not its characters
            }
            if (hasFilled(unit, "transportation")) {
                Object value = Py.getItem(unit, "transportation");
                for (String city : cities)
                    if (!Py.contains(value, city)) return Result.fail("The transportation in day " + (i + 1) + " is invalid city choice.");
            }
            for (String meal : new String[]{"breakfast", "lunch", "dinner"}) {
                if (!hasFilled(unit, meal)) continue;
                Object value = Py.getItem(unit, meal);
                boolean found = false;
                for (String city : cities) if (Py.contains(value, city)) found = true;
                if (!found) return Result.fail("The " + meal + " in day " + (i + 1) + " is invalid city choice.");
            }
            if (hasFilled(unit, "attraction")) {
                for (String attraction : attractionsOf(Py.getItem(unit, "attraction"), strict)) {
                    boolean found = false;
                    for (String city : cities) if (attraction.contains(city)) found = true;
                    if (!found) return Result.fail("The attraction in day " + (i + 1) + " is invalid city choice.");
                }
            }
            if (hasFilled(unit, "accommodation")) {
                if (cities.isEmpty()) throw new Py.PyError("IndexError", "string index out of range");
                if (!Py.contains(Py.getItem(unit, "accommodation"), cities.getLast()))
                    return Result.fail("The accommodation in day " + (i + 1) + " is invalid city choice.");
            }
        }
        return Result.PASS;
    }

    /** Iterating a Python str: its code points as one-character strings. */
    private static List<String> characters(String s) {
        List<String> out = new ArrayList<>(s.length());
        s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        return out;
    }

    Result informationInSandbox() {
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object unit = day(plan, i);
            Object value = Py.getItem(unit, "transportation");
            if (filled(value)) {
                String[] ft = fromTo(lookup, value);
                if (ft[0] == null || ft[1] == null) ft = fromTo(lookup, Py.getItem(unit, "current_city"));
                String lower = lower(value);
                if (lower.contains("flight number")) {
                    if (ft[0] == null || ft[1] == null) {
                        if (strict) return Result.fail("The flight number in day " + (i + 1) + " is invalid in the sandbox.");
                        throw new Py.PyError("ValueError", "The transportation " + Py.str(value) + " in day " + (i + 1) + " can not be parsed.");
                    }
                    String org = OfficialText.beforeParenthesis(ft[0]), dest = OfficialText.beforeParenthesis(ft[1]);
                    boolean exists;
                    if (strict) {   // S3: number in any case, and the day's date
                        String date = i < q.date().size() ? q.date().get(i) : null;
                        exists = lookup.flightRow(flightNumberAnyCase((String) value), org, dest, date) >= 0;
                    } else {
                        exists = lookup.flightExists(flightNumber((String) value), org, dest);
                    }
                    if (!exists) return Result.fail("The flight number in day " + (i + 1) + " is invalid in the sandbox.");
                } else if (lower.contains("self-driving") || lower.contains("taxi")) {
                    String org = "-", dest = "-";   // the official fallback when from/to cannot be parsed
                    if (ft[0] != null && ft[1] != null) {
                        org = OfficialText.beforeParenthesis(ft[0]);
                        dest = OfficialText.beforeParenthesis(ft[1]);
                    }
                    if (lower.contains("self-driving")) {
                        if (lookup.db().drive(org, dest, TravelMode.SELF_DRIVING).cost() == null)
                            return Result.fail("The self-driving in day " + (i + 1) + " is invalid in the sandbox.");
                    } else if (lookup.db().drive(org, dest, TravelMode.TAXI).cost() == null) {
                        return Result.fail("The taxi in day " + (i + 1) + " is invalid in the sandbox.");
                    }
                }
            }
            for (String meal : new String[]{"breakfast", "lunch", "dinner"}) {
                if (!hasFilled(unit, meal)) continue;
                String[] nc = nameCity(lookup, Py.getItem(unit, meal));
                if (lookup.restaurant(nc[0], nc[1]).count() < 1)
                    return Result.fail("The " + meal + " in day " + (i + 1) + " is invalid in the sandbox.");
            }
            if (hasFilled(unit, "attraction")) {
                for (String attraction : attractionsOf(Py.getItem(unit, "attraction"), strict)) {
                    String[] nc = lookup.nameCity(attraction);
                    if (lookup.attraction(nc[0], nc[1]).count() < 1)
                        return Result.fail("The attraction " + attraction + " in day " + (i + 1) + " is invalid in the sandbox.");
                }
            }
            if (hasFilled(unit, "accommodation")) {
                String[] nc = nameCity(lookup, Py.getItem(unit, "accommodation"));
                if (lookup.accommodation(nc[0], nc[1]).count() < 1)
                    return Result.fail("The accommodation in day " + (i + 1) + " is invalid in the sandbox.");
            }
        }
        return Result.PASS;
    }

    /** {@code value.split('Flight Number: ')[1].split(',')[0]}: case-sensitive; IndexError without the label. */
    static String flightNumber(String value) {
        int at = value.indexOf("Flight Number: ");
        if (at < 0) throw new Py.PyError("IndexError", "list index out of range");
        String rest = value.substring(at + "Flight Number: ".length());
        int next = rest.indexOf("Flight Number: ");
        if (next >= 0) rest = rest.substring(0, next);   // split()[1] ends at the next separator
        int comma = rest.indexOf(',');
        return comma < 0 ? rest : rest.substring(0, comma);
    }

    /** Strict S3: the text after "flight number:" in any case, up to the next comma, stripped. */
    static String flightNumberAnyCase(String value) {
        int at = OfficialText.lower(value).indexOf("flight number:");
        String rest = value.substring(at + "flight number:".length());
        int comma = rest.indexOf(',');
        return OfficialText.pyStrip(comma < 0 ? rest : rest.substring(0, comma));
    }

    boolean validDays() {
        int count = 0;
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object unit = day(plan, i);
            if (unit instanceof Map<?, ?> m && m.isEmpty()) continue;
            if (!NOT_NEEDED.equals(Py.getItem(unit, "current_city"))) count++;
        }
        return count == q.days();
    }

    boolean validVisitingCityNumber() {
        Set<String> cities = new HashSet<>();
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object cityValue = Py.getItem(day(plan, i), "current_city");
            if (Py.contains(cityValue, "from")) {
                String[] ft = fromTo(lookup, cityValue);
                String city1 = beforeParenthesis(ft[0]), city2 = beforeParenthesis(ft[1]);
                if (i == 0 && !city1.equals(q.org())) return false;
                cities.add(city1);
                cities.add(city2);
            } else {
                cities.add(beforeParenthesis(cityValue));
            }
        }
        cities.remove(q.org());
        return cities.size() == q.visitingCityNumber();
    }

    Result notAbsent() {
        int needed = 6 * q.days();
        int valid = 0;
        if (!validDays()) return Result.fail("Invalid Days");
        if (!validVisitingCityNumber()) return Result.fail("Invalid City Number");
        int n = dayCount(q, plan);
        for (int i = 0; i < n; i++) {
            Object unit = day(plan, i);
            if (!Py.contains(unit, "transportation")) return Result.fail("No Transportation Info.");
            if (!Py.contains(unit, "breakfast")) return Result.fail("No Breakfast Info.");
            if (!Py.contains(unit, "lunch")) return Result.fail("No Lunch Info.");
            if (!Py.contains(unit, "dinner")) return Result.fail("No Dinner Info.");
            if (!Py.contains(unit, "attraction")) return Result.fail("No Attraction Info.");
            if (!Py.contains(unit, "accommodation")) return Result.fail("No Accommodation Info.");
            if ((Py.contains(Py.getItem(unit, "current_city"), "from ") || Py.contains(Py.getItem(unit, "current_city"), "to "))
                    && emptyOrDash(Py.getItem(unit, "transportation")))
                return Result.fail("No transportation in day " + (i + 1) + " is not allowed.");
            if (!Py.contains(Py.getItem(unit, "current_city"), "from ") && !Py.contains(Py.getItem(unit, "current_city"), " to ")
                    && emptyOrDash(Py.getItem(unit, "attraction")))
                return Result.fail("No attaction in day " + (i + 1) + " is not allowed.");
            if (i != q.days() - 1 && emptyOrDash(Py.getItem(unit, "accommodation")))
                return Result.fail("No accommodation in day " + (i + 1) + " is not allowed.");
            if ((emptyOrDash(Py.getItem(unit, "breakfast")) || emptyOrDash(Py.getItem(unit, "lunch"))
                    || emptyOrDash(Py.getItem(unit, "dinner"))) && !Py.contains(Py.getItem(unit, "current_city"), "from "))
                return Result.fail("No meal in day " + (i + 1) + " is not allowed.");
            valid += countFilled(unit);
        }
        if (valid * 1.0 / needed < 0.5) return Result.fail("The absent information is more than 50%.");
        return Result.PASS;
    }

    /** {@code value in ['', '-']}: None is *not* empty here (README quirk 8; strict S4: it is). */
    private boolean emptyOrDash(Object value) {
        return "".equals(value) || "-".equals(value) || strict && value == null;
    }

    /** {@code for key in unit: if unit[key] and unit[key] != '-'}: every key counts, 'days' and extras included. */
    private static int countFilled(Object unit) {
        if (!(unit instanceof Map<?, ?> m))
            throw Py.typeError("string indices must be integers, not 'str'");
        int count = 0;
        for (Object v : m.values()) if (filled(v)) count++;
        return count;
    }
}
