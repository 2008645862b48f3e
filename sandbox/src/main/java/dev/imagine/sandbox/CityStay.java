package dev.imagine.sandbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one visited city costs in the {@link ExactPlanner}'s itinerary family: the cheapest accommodation
 * for its nights that meets the query's room type, house rule and minimum nights, and the cheapest meals
 * for its stay days as a function of which required cuisines they cover ({@link #meals}), plus attractions.
 *
 * <p>Every item is judged as the evaluator judges it: the text {@code "Name, City"} is looked up with the
 * official substring rule, and the <em>first</em> matching row gives price, cuisines, room type, house rules,
 * minimum nights and occupancy. Two rows with the same name are one candidate (the same text would repeat).
 * Stricter than the official checks (so that plans are honest): every item is in the city of its day, and
 * the minimum-nights rule is applied even when several rows match the name.
 */
final class CityStay {
    /** One candidate restaurant: its plan text, effective row and cost for the whole party. */
    record Meal(String text, Restaurant row, double cost, int mask) {
    }

    final String city;
    /** The chosen accommodation text and row, and its cost per night for the party; null text = none valid. */
    final String accommodationText;
    final Accommodation accommodation;
    final double accommodationPerNight;
    /** Why the city cannot be visited, or null. */
    final String unusable;
    final List<String> attractions;
    /** mealCost[mask]: cheapest meals (mandatory + optional extras) whose required cuisines covered are exactly mask. */
    final double[] mealCost;
    private final List<List<Meal>> mealChoice;

    /**
     * @param cuisines the query's required cuisines (distinct, at most 4 → mask bits), empty if none
     * @param nights   nights spent in the city (the accommodation's minimum nights must not exceed it)
     * @param mandatory meals that must be eaten in the city (3 per stay day)
     * @param extras   optional meals that may be added (on travel days) to cover cuisines
     * @param attractionsWanted attractions to list (the first {@code attractionsNeeded} are required)
     */
    CityStay(SandboxLookup lookup, Query q, String city, List<String> cuisines, int nights, int mandatory,
             int extras, int attractionsNeeded, int attractionsWanted) {
        this.city = city;
        Database db = lookup.db();
        int people = q.peopleNumber();

        // accommodation: cheapest per night among names whose first matching row meets every rule
        String bestText = null;
        Accommodation best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        Set<String> seenNames = new HashSet<>();
        for (Accommodation a : db.accommodations(city)) {
            if (!seenNames.add(a.name())) continue;
            String text = a.name() + ", " + city;
            Accommodation row = resolve(lookup.accommodation(nameOf(text), city), text, city);
            if (row == null) continue;
            if (row.maximumOccupancy() <= 0 || row.minimumNights() > nights) continue;
            if (!roomTypeOk(q.roomType(), row.roomType()) || !houseRuleOk(q.houseRule(), row.houseRules())) continue;
            double perNight = row.price() * Math.ceil(people * 1.0 / row.maximumOccupancy());
            if (perNight < bestCost) {
                bestCost = perNight;
                best = row;
                bestText = text;
            }
        }
        accommodationText = bestText;
        accommodation = best;
        accommodationPerNight = bestCost;

        // attractions: distinct texts that parse back to a row of this city (no ';' inside a name)
        List<String> atts = new ArrayList<>();
        Set<String> seenAtt = new HashSet<>();
        for (Attraction a : db.attractions(city)) {
            if (atts.size() >= attractionsWanted) break;
            if (a.name().indexOf(';') >= 0 || !seenAtt.add(a.name())) continue;
            String text = a.name() + ", " + city;
            if (resolve(lookup.attraction(nameOf(text), city), text, city) == null) continue;
            atts.add(text);
        }
        attractions = List.copyOf(atts);

        // restaurants: the cheapest (mandatory + extras) per exact cuisine mask suffice (exchange argument:
        // a chosen restaurant outside the cheapest K of its mask can be swapped for an unchosen one of those K)
        int maxMeals = mandatory + extras;
        Map<Integer, List<Meal>> byMask = new LinkedHashMap<>();
        Set<String> seenRest = new HashSet<>();
        for (Restaurant r : db.restaurants(city)) {
            if (!seenRest.add(r.name())) continue;
            String text = r.name() + ", " + city;
            Restaurant row = resolve(lookup.restaurant(nameOf(text), city), text, city);
            if (row == null) continue;
            int mask = 0;
            for (int c = 0; c < cuisines.size(); c++) if (row.cuisines().contains(cuisines.get(c))) mask |= 1 << c;
            byMask.computeIfAbsent(mask, m -> new ArrayList<>()).add(new Meal(text, row, row.averageCost() * people, mask));
        }
        List<Meal> items = new ArrayList<>();
        for (List<Meal> group : byMask.values()) {
            group.sort(Comparator.comparingDouble(Meal::cost));   // stable: file order breaks ties
            items.addAll(group.subList(0, Math.min(maxMeals, group.size())));
        }
        int masks = 1 << cuisines.size();
        // dp[i][k][mask]: cheapest k of the first i items whose cuisine union is exactly mask
        double[][][] dp = new double[items.size() + 1][maxMeals + 1][masks];
        for (double[][] a : dp) for (double[] b : a) Arrays.fill(b, Double.POSITIVE_INFINITY);
        dp[0][0][0] = 0;
        for (int i = 0; i < items.size(); i++) {
            Meal it = items.get(i);
            for (int k = 0; k <= maxMeals; k++)
                for (int m = 0; m < masks; m++) {
                    double v = dp[i][k][m];
                    if (v == Double.POSITIVE_INFINITY) continue;
                    if (v < dp[i + 1][k][m]) dp[i + 1][k][m] = v;
                    if (k < maxMeals && v + it.cost() < dp[i + 1][k + 1][m | it.mask()])
                        dp[i + 1][k + 1][m | it.mask()] = v + it.cost();
                }
        }
        mealCost = new double[masks];
        mealChoice = new ArrayList<>();
        int n = items.size();
        for (int m = 0; m < masks; m++) {
            int bestK = -1;
            double bestV = Double.POSITIVE_INFINITY;
            for (int k = mandatory; k <= maxMeals; k++) if (dp[n][k][m] < bestV) {
                bestV = dp[n][k][m];
                bestK = k;
            }
            mealCost[m] = bestV;
            mealChoice.add(bestK < 0 ? null : backtrack(dp, items, bestK, m));
        }
        if (accommodationText == null) unusable = "no accommodation in " + city + " meets the room type, house rule and "
                + nights + "-night minimum-stay rules";
        else if (attractions.size() < attractionsNeeded) unusable = city + " has fewer than " + attractionsNeeded + " attractions";
        else if (Arrays.stream(mealCost).allMatch(Double::isInfinite))
            unusable = city + " has fewer than " + mandatory + " distinct restaurants";
        else unusable = null;
    }

    /** The restaurants behind {@code mealCost[mask]} (first {@code mandatory} on stay days, the rest extras). */
    List<Meal> meals(int mask) {
        return mealChoice.get(mask);
    }

    double accommodationCost(int nights) {
        return accommodationPerNight * nights;
    }

    private static List<Meal> backtrack(double[][][] dp, List<Meal> items, int k, int mask) {
        List<Meal> out = new ArrayList<>();
        double v = dp[items.size()][k][mask];
        for (int i = items.size(); i > 0 && k > 0; i--) {
            if (dp[i - 1][k][mask] == v) continue;   // item i-1 not needed to reach v
            Meal it = items.get(i - 1);
            // find the predecessor mask that reaches v with this item
            int prev = -1;
            for (int pm = 0; pm < dp[0][0].length; pm++)
                if ((pm | it.mask()) == mask && dp[i - 1][k - 1][pm] + it.cost() == v) {
                    prev = pm;
                    break;
                }
            if (prev < 0) throw new IllegalStateException("meal table backtrack failed in " + it.text());
            out.add(it);
            k--;
            mask = prev;
            v = dp[i - 1][k][mask];
        }
        if (k != 0) throw new IllegalStateException("meal table backtrack left " + k + " meals");
        out.sort(Comparator.comparingDouble(Meal::cost));
        return List.copyOf(out);
    }

    /** The name part the evaluator extracts from our text. */
    private static String nameOf(String text) {
        return OfficialText.nameCity(text)[0];
    }

    /** The row the evaluator will use for {@code text}, or null if the text does not parse back to this city. */
    private static <T> T resolve(SandboxLookup.Match<T> match, String text, String city) {
        String[] nc = OfficialText.nameCity(text);
        if (!nc[1].equals(city) || match.count() < 1) return null;
        return match.first();
    }

    /** hard_constraint.py's room-type mapping. */
    static boolean roomTypeOk(String wanted, String room) {
        if (wanted == null) return true;
        return switch (wanted) {
            case "not shared room" -> !room.equals("Shared room");
            case "shared room" -> room.equals("Shared room");
            case "private room" -> room.equals("Private room");
            case "entire room" -> room.equals("Entire home/apt");
            default -> true;
        };
    }

    /** hard_constraint.py: fails when house_rules contains "No &lt;rule&gt;". */
    static boolean houseRuleOk(String rule, String houseRules) {
        return rule == null || !Query.HOUSE_RULES.contains(rule) || !houseRules.contains("No " + rule);
    }
}
