package dev.imagine.sandbox;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact planner's optimum against an independent brute force over the same itinerary family, and its
 * infeasibility claims on constructed cases.
 */
class ExactPlannerOracleTest {
    static final Database DB = ExactPlannerTest.DB;
    static final ExactPlanner PLANNER = ExactPlannerTest.PLANNER;
    static final SandboxLookup LOOKUP = new SandboxLookup(DB);
    static final ExactPlanner ANY_SPLIT = new ExactPlanner(DB, ExactPlanner.Itineraries.ANY_SPLIT);

    /** First row of the city whose name contains {@code name}: the row the evaluator prices. */
    static <T> T firstContaining(List<T> rows, String name, java.util.function.Function<T, String> nameOf) {
        for (T r : rows) if (nameOf.apply(r).contains(name)) return r;
        return null;
    }

    static double nightly(Query q, String city, int nights) {
        double best = Double.POSITIVE_INFINITY;
        for (Accommodation a : DB.accommodations(city)) {
            Accommodation row = firstContaining(DB.accommodations(city), a.name().strip(), Accommodation::name);
            if (row.minimumNights() > nights || row.maximumOccupancy() <= 0) continue;
            if (q.houseRule() != null && row.houseRules().contains("No " + q.houseRule())) continue;
            if (q.roomType() != null && !switch (q.roomType()) {
                case "shared room" -> row.roomType().equals("Shared room");
                case "not shared room" -> !row.roomType().equals("Shared room");
                case "private room" -> row.roomType().equals("Private room");
                default -> row.roomType().equals("Entire home/apt");
            }) continue;
            best = Math.min(best, row.price() * Math.ceil(q.peopleNumber() / row.maximumOccupancy()));
        }
        return best;
    }

    /** Cheapest set of 3..3+|R| distinct restaurants of the city covering R, by enumerating subsets. */
    static double meals(Query q, String city, int mandatory) {
        List<String> wanted = q.cuisine() == null ? List.of() : q.cuisine();
        List<double[]> items = new ArrayList<>();   // {cost, mask}
        Set<String> names = new HashSet<>();
        for (Restaurant r : DB.restaurants(city)) {
            if (!names.add(r.name())) continue;
            Restaurant row = firstContaining(DB.restaurants(city), r.name().strip(), Restaurant::name);
            int mask = 0;
            for (int c = 0; c < wanted.size(); c++) if (row.cuisines().contains(wanted.get(c))) mask |= 1 << c;
            items.add(new double[]{row.averageCost() * q.peopleNumber(), mask});
        }
        return subsets(items, 0, 0, 0, 0, mandatory, mandatory + wanted.size(), (1 << wanted.size()) - 1);
    }

    private static double subsets(List<double[]> items, int from, int size, double cost, int mask, int min, int max, int full) {
        double best = size >= min && mask == full ? cost : Double.POSITIVE_INFINITY;
        if (size == max) return best;
        for (int i = from; i < items.size(); i++)
            best = Math.min(best, subsets(items, i + 1, size + 1, cost + items.get(i)[0], mask | (int) items.get(i)[1], min, max, full));
        return best;
    }

    static double[] leg(Query q, String from, String to, String date) {
        double flight = Double.POSITIVE_INFINITY;
        if (!"no flight".equals(q.transportation()))
            for (Flight f : DB.flights(from, to, date)) flight = Math.min(flight, LOOKUP.firstFlightPrice(f.number()) * q.peopleNumber());
        Integer taxi = DB.drive(from, to, TravelMode.TAXI).cost(), drive = DB.drive(from, to, TravelMode.SELF_DRIVING).cost();
        double t = taxi == null ? Double.POSITIVE_INFINITY : taxi * Math.ceil(q.peopleNumber() / 4.0);
        double d = drive == null || "no self-driving".equals(q.transportation()) ? Double.POSITIVE_INFINITY
                : drive * Math.ceil(q.peopleNumber() / 5.0);
        return new double[]{Math.min(flight, t), d};
    }

    /** Brute force over every route and split (cities' meals independent: no cuisine, or a single city). */
    static double bruteForce(Query q, boolean anySplit) {
        int k = q.visitingCityNumber();
        List<String> cities = new ArrayList<>();
        if (q.days() == 3) cities.add(q.dest());
        else for (String c : new java.util.LinkedHashSet<>(DB.cities(q.dest()))) if (!c.equals(q.org())) cities.add(c);
        List<int[]> splits = new ArrayList<>();
        if (!anySplit || k == 1) splits.add(k == 1 ? new int[]{0, 2} : k == 2 ? new int[]{0, 2, 4} : new int[]{0, 2, 4, 6});
        else if (k == 2) for (int a = 1; a <= 3; a++) splits.add(new int[]{0, a, 4});
        else for (int a = 1; a <= 4; a++) for (int b = a + 1; b <= 5; b++) splits.add(new int[]{0, a, b, 6});
        java.util.Map<String, Double> stayCost = new java.util.HashMap<>();
        java.util.Map<String, double[]> legs = new java.util.HashMap<>();
        double best = Double.POSITIVE_INFINITY;
        for (int[] t : splits)
            for (List<String> route : orderings(cities, k)) {
                double mixed = 0, drive = 0, stay = 0;
                for (int l = 0; l <= k; l++) {
                    String from = l == 0 ? q.org() : route.get(l - 1), to = l == k ? q.org() : route.get(l), date = q.date().get(t[l]);
                    double[] o = legs.computeIfAbsent(from + "|" + to + "|" + date, key -> leg(q, from, to, date));
                    mixed += o[0];
                    drive += o[1];
                }
                for (int i = 0; i < k; i++) {
                    int nights = t[i + 1] - t[i];
                    String c = route.get(i);
                    stay += stayCost.computeIfAbsent(c + "|" + nights, key -> DB.attractions(c).size() < nights - 1
                            ? Double.POSITIVE_INFINITY : nights * nightly(q, c, nights) + meals(q, c, 3 * (nights - 1)));
                }
                best = Math.min(best, stay + Math.min(mixed, drive));
            }
        return best;
    }

    static List<List<String>> orderings(List<String> cities, int k) {
        List<List<String>> out = new ArrayList<>();
        if (k == 0) {
            out.add(List.of());
            return out;
        }
        for (String c : cities) {
            List<String> rest = new ArrayList<>(cities);
            rest.remove(c);
            for (List<String> tail : orderings(rest, k - 1)) {
                List<String> r = new ArrayList<>();
                r.add(c);
                r.addAll(tail);
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void optimumEqualsBruteForce() {
        List<GeneratedQuery> qs = new QueryGenerator(PLANNER, 77).generate(27, List.of());
        int checked = 0;
        for (GeneratedQuery g : qs) {
            Query q = g.query();
            boolean independentMeals = q.days() == 3 || q.cuisine() == null;
            boolean smallCity = q.days() > 3 || DB.restaurants(q.dest()).size() <= 40;
            if (!independentMeals || !smallCity) continue;
            assertEquals(bruteForce(q, false), PLANNER.plan(q).cost(), 1e-6, q.toJson());
            if (q.days() < 7) {   // the any-split brute force of 7-day trips is too slow for a unit test
                PlanResult any = ANY_SPLIT.plan(q);
                assertEquals(bruteForce(q, true), any.cost(), 1e-6, "any split: " + q.toJson());
                ExactPlannerTest.assertAllPass(q, any.plan(), "any split " + q.toJson());
            }
            checked++;
        }
        assertTrue(checked >= 15, "checked " + checked);
    }

    @Test
    void constructedInfeasibleCases() {
        Query base = ExactPlannerTest.queriesUnchecked("visible").getFirst();   // 3 days, Pocatello -> Bangor
        assertEquals(PlanResult.Status.FEASIBLE, PLANNER.plan(base).status());
        // a city with no shared room: a shared-room query cannot be planned, and the reason says why
        String city = null;
        for (String c : DB.allCities())
            if (!DB.attractions(c).isEmpty() && !DB.accommodations(c).isEmpty() && !c.equals(base.org())
                    && DB.accommodations(c).stream().noneMatch(a -> a.roomType().equals("Shared room"))) {
                city = c;
                break;
            }
        assertTrue(city != null);
        Query shared = new Query(base.org(), city, 3, 1, base.date(), 1, null, null, "shared room", null, 100_000,
                "", "medium", null, null);
        PlanResult r = PLANNER.plan(shared);
        assertEquals(PlanResult.Status.NO_PLAN, r.status(), r.reason());
        assertTrue(r.reason().contains("accommodation"), r.reason());
        // a cuisine no restaurant of the city serves
        String noFrench = null;
        for (String c : DB.allCities())
            if (!DB.attractions(c).isEmpty() && !DB.accommodations(c).isEmpty() && !DB.restaurants(c).isEmpty()
                    && !c.equals(base.org()) && DB.restaurants(c).stream().noneMatch(x -> x.cuisines().contains("French"))) {
                noFrench = c;
                break;
            }
        assertTrue(noFrench != null);
        Query french = new Query(base.org(), noFrench, 3, 1, base.date(), 1, null, List.of("French"), null, null, 100_000,
                "", "medium", null, null);
        assertEquals(PlanResult.Status.NO_PLAN, PLANNER.plan(french).status());
        // unknown origin or destination, origin = destination, unsupported shapes
        assertEquals(PlanResult.Status.NO_PLAN, PLANNER.plan(new Query("Atlantis", base.dest(), 3, 1, base.date(), 1, null,
                null, null, null, 100_000, "", "easy", null, null)).status());
        assertEquals(PlanResult.Status.NO_PLAN, PLANNER.plan(new Query(base.org(), base.org(), 3, 1, base.date(), 1, null,
                null, null, null, 100_000, "", "easy", null, null)).status());
        assertEquals(PlanResult.Status.NO_PLAN, PLANNER.plan(new Query(base.org(), "Atlantis", 3, 1, base.date(), 1, null,
                null, null, null, 100_000, "", "easy", null, null)).status());
        assertEquals(PlanResult.Status.UNSUPPORTED, PLANNER.plan(new Query(base.org(), base.dest(), 4, 1,
                List.of("2022-03-01", "2022-03-02", "2022-03-03", "2022-03-04"), 1, null, null, null, null, 100_000, "", "easy",
                null, null)).status());
        assertEquals(PlanResult.Status.UNSUPPORTED, PLANNER.plan(new Query(base.org(), base.dest(), 3, 1,
                List.of("2022-03-01"), 1, null, null, null, null, 100_000, "", "easy", null, null)).status());
    }
}
