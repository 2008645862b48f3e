package dev.imagine.sandbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The exact TravelPlanner planner: for a query, the cheapest plan that meets all 13 constraints as our
 * {@link Evaluator} judges them (default official semantics), or a proof that there is none.
 *
 * <pre>{@code
 * ExactPlanner planner = new ExactPlanner(Database.builtIn());
 * PlanResult r = planner.plan(query);
 * r.feasiblePlan().ifPresent(plan -> System.out.println(plan.toJson() + " costs " + r.cost()));
 * }</pre>
 *
 * <h2>The searched family (what "cheapest" is exact over)</h2>
 * <ul>
 *   <li>k = 1/2/3 cities for 3/5/7 days. {@link Itineraries#STANDARD} (default): the itinerary the official
 *       format implies, 2 nights per city, travel on days 1, 3, 5, 7 (dates = the query's dates of those
 *       days). {@link Itineraries#ANY_SPLIT}: travel on day 1, the last day and any k-1 days between.</li>
 *   <li>Cities: 3 days - the query's destination; 5/7 days - every ordering of every k distinct cities of the
 *       destination state other than the origin (exhaustive enumeration; the per-city costs are computed once
 *       per query, so a 7-day query in a 40-city state is ~60,000 cheap route evaluations).</li>
 *   <li>Transport per leg: the cheapest flight of that leg's date, self-driving or taxi, with the official
 *       conflict rule (self-driving never mixed with flight or taxi) and the query's transportation rule.</li>
 *   <li>Every item is in the city of its day (stricter than the official single-city-day check, which only
 *       compares characters - README quirk 1) and is judged by the row the evaluator resolves its text to.</li>
 *   <li>Meals: the completeness rule requires breakfast, lunch and dinner on days without {@code 'from '}
 *       (stay days) and nothing on travel days; travel-day meals are added only when they are needed to cover
 *       a required cuisine more cheaply (in a visited city, never the origin: the official cuisine check skips
 *       origin-city meals). All restaurants distinct.</li>
 *   <li>Accommodation: one per city for all its nights (splitting a stay can never be cheaper: the cheapest
 *       one-night option also allows more nights), meeting room type, house rule and a minimum stay of at most
 *       the city's nights, applied even to names several rows match.</li>
 *   <li>Attractions: up to two distinct ones on each stay day (one is required; they cost nothing), none on
 *       travel days.</li>
 * </ul>
 * Within this family the search is exhaustive, so {@code OVER_BUDGET} and {@code NO_PLAN} are proofs for the
 * family. Each returned plan is checked with the {@link Evaluator}: all constraints pass (budget aside for
 * OVER_BUDGET) and the official total cost equals the searched cost, else an {@link IllegalStateException}.
 * Thread-safe: one instance can serve many threads.
 */
public final class ExactPlanner {
    private static final int MEALS_PER_STAY_DAY = 3, ATTRACTIONS_PER_STAY_DAY = 2;
    /** The meal tables have 2^cuisines entries; the official queries use at most 4 of 7 cuisines. */
    private static final int MAX_CUISINES = 8;

    /** Which itineraries are searched: when the k+1 travel days fall. */
    public enum Itineraries {
        /** Travel on days 1, 3, 5, 7: two nights per city (the official format; reference information covers these dates). */
        STANDARD,
        /**
         * Travel on day 1, the last day and any k-1 distinct days between: every night split with at least one
         * night per city (a city with one night has no stay day). Finds cheaper plans, and infeasibility proofs
         * for this wider family; flights may then be on dates the standard reference information does not show.
         */
        ANY_SPLIT
    }

    private final Database db;
    private final SandboxLookup lookup;
    private final Evaluator evaluator;
    private final Itineraries itineraries;

    /** The planner over the standard itinerary. */
    public ExactPlanner(Database db) {
        this(db, Itineraries.STANDARD);
    }

    public ExactPlanner(Database db, Itineraries itineraries) {
        this.db = db;
        this.lookup = new SandboxLookup(db);
        this.evaluator = new Evaluator(db);
        this.itineraries = itineraries;
    }

    public Itineraries itineraries() {
        return itineraries;
    }

    public Database database() {
        return db;
    }

    /** Plans one query: the cheapest plan of the family (see the class comment), or why there is none. */
    public PlanResult plan(Query q) {
        return timed(q, false);
    }

    /**
     * Plans one query on its own {@code route} (the visited cities in that order, as its reference information
     * shows them): the cheapest plan of the family that visits exactly those cities, or why there is none. For
     * a teacher whose prompt holds the reference information of that route. UNSUPPORTED if the query has no
     * route (3-day queries default to {@code [dest]}) or the route breaks the destination rules.
     */
    public PlanResult planOnRoute(Query q) {
        return timed(q, true);
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private PlanResult timed(Query q, boolean onRoute) {
        boolean cpu = THREADS.isCurrentThreadCpuTimeSupported();
        long cpuStart = cpu ? THREADS.getCurrentThreadCpuTime() : 0, start = System.nanoTime();
        PlanResult r = search(q, onRoute);
        long wall = System.nanoTime() - start, cpuTime = cpu ? THREADS.getCurrentThreadCpuTime() - cpuStart : -1;
        return new PlanResult(r.status(), r.plan(), r.cost(), r.route(), r.legs(), r.reason(), wall, cpuTime);
    }

    private static PlanResult none(PlanResult.Status status, String reason) {
        return new PlanResult(status, null, Double.NaN, List.of(), List.of(), reason, 0, 0);
    }

    private PlanResult search(Query q, boolean onRoute) {
        int k = q.visitingCityNumber();
        int days = q.days();
        if (!(days == 3 && k == 1 || days == 5 && k == 2 || days == 7 && k == 3))
            return none(PlanResult.Status.UNSUPPORTED, days + " days with " + k + " cities is outside the standard itinerary (3/1, 5/2, 7/3)");
        if (q.date().size() < days)
            return none(PlanResult.Status.UNSUPPORTED, "the query lists " + q.date().size() + " dates for " + days + " days");
        if (q.peopleNumber() < 1) return none(PlanResult.Status.UNSUPPORTED, "people_number must be positive");
        if (q.cuisine() != null && new LinkedHashSet<>(q.cuisine()).size() > MAX_CUISINES)
            return none(PlanResult.Status.UNSUPPORTED, "more than " + MAX_CUISINES + " distinct cuisines");
        if (db.stateOf(q.org()) == null) return none(PlanResult.Status.NO_PLAN, q.org() + " (origin) is not a city of the database");
        if (days == 3 && q.dest().equals(q.org())) return none(PlanResult.Status.NO_PLAN, "the destination is the origin");

        List<String> candidates = new ArrayList<>();
        if (onRoute) {
            List<String> route = q.routeOrDefault();
            if (route == null || route.size() != k)
                return none(PlanResult.Status.UNSUPPORTED, "the query has no route of " + k + " cities");
            if (new LinkedHashSet<>(route).size() != k || route.contains(q.org()))
                return none(PlanResult.Status.UNSUPPORTED, "the route " + route + " repeats a city or visits the origin");
            for (String c : route) {
                if (db.stateOf(c) == null) return none(PlanResult.Status.UNSUPPORTED, c + " is not a city of the database");
                if (days > 3 && !db.stateOf(c).equals(q.dest()))
                    return none(PlanResult.Status.UNSUPPORTED, "the route city " + c + " is not in " + q.dest());
            }
            if (days == 3 && !route.getFirst().equals(q.dest()))
                return none(PlanResult.Status.UNSUPPORTED, "the route " + route + " is not the destination " + q.dest());
            candidates.addAll(route);
        } else if (days == 3) {
            if (db.stateOf(q.dest()) == null) return none(PlanResult.Status.NO_PLAN, q.dest() + " is not a city of the database");
            candidates.add(q.dest());
        } else {
            if (db.cities(q.dest()).isEmpty()) return none(PlanResult.Status.NO_PLAN, q.dest() + " is not a state of the database");
            for (String c : new LinkedHashSet<>(db.cities(q.dest()))) if (!c.equals(q.org())) candidates.add(c);
        }
        List<String> cuisines = q.cuisine() == null ? List.of() : List.copyOf(new LinkedHashSet<>(q.cuisine()));
        int full = (1 << cuisines.size()) - 1;
        List<int[]> splits = itineraries == Itineraries.STANDARD ? List.of(standardSplit(k)) : allSplits(days, k);
        int maxNights = days - k;   // a city's nights when every other city gets one

        // stays[c][nights]: city c's costs for that many nights (null = not needed by any split)
        CityStay[][] stays = new CityStay[candidates.size()][maxNights + 1];
        List<String> unusable = new ArrayList<>();
        List<Integer> usable = new ArrayList<>();
        for (int c = 0; c < candidates.size(); c++) {
            boolean any = false;
            String why = null;
            for (int[] t : splits)
                for (int i = 0; i < k; i++) {
                    int nights = t[i + 1] - t[i];
                    if (stays[c][nights] == null)
                        stays[c][nights] = new CityStay(lookup, q, candidates.get(c), cuisines, nights,
                                MEALS_PER_STAY_DAY * (nights - 1), cuisines.size(), nights - 1, ATTRACTIONS_PER_STAY_DAY * (nights - 1));
                    if (stays[c][nights].unusable == null) any = true;
                    else why = stays[c][nights].unusable;
                }
            if (any) usable.add(c);
            else unusable.add(why);
        }
        if (usable.size() < k)
            return none(PlanResult.Status.NO_PLAN, "only " + usable.size() + " usable cities for " + k + " needed"
                    + (unusable.isEmpty() ? "" : ": " + String.join("; ", unusable.subList(0, Math.min(3, unusable.size())))
                    + (unusable.size() > 3 ? "; ..." : "")));

        int n = candidates.size();
        // legs[day][a][b]: travel on that day from stop a to stop b; stop n is the origin
        LegOptions[][][] legs = new LegOptions[days][n + 1][n + 1];
        Map<Long, Double> mealMemo = new HashMap<>();
        double best = Double.POSITIVE_INFINITY;
        int[] bestRoute = null, bestSplit = null;
        boolean bestDrive = false;
        int u = usable.size();
        int[] route = new int[k], counters = new int[k];
        for (int[] t : splits) {
            Arrays.fill(counters, 0);
            // enumerate ordered k-tuples of distinct usable cities: counters is an odometer over [0, u)^k
            while (true) {
                boolean ok = true;
                for (int i = 0; i < k && ok; i++) for (int j = 0; j < i; j++) if (counters[i] == counters[j]) {
                    ok = false;
                    break;
                }
                if (onRoute) for (int i = 0; i < k; i++) ok &= usable.get(counters[i]) == i;   // only the route's own order
                double stay = 0;
                for (int i = 0; i < k && ok; i++) {
                    route[i] = usable.get(counters[i]);
                    CityStay cs = stays[route[i]][t[i + 1] - t[i]];
                    if (cs.unusable != null) ok = false;
                    else stay += cs.accommodationCost(t[i + 1] - t[i]);
                }
                if (ok) {
                    double meals = mealCost(stays, route, t, full, mealMemo);
                    if (stay + meals < best) {
                        double mixed = 0, drive = 0;
                        for (int l = 0; l <= k; l++) {
                            LegOptions leg = leg(legs, q, candidates, route, t, l, n);
                            mixed += leg.mixedCost();
                            drive += leg.driveCost();
                        }
                        double transport = Math.min(mixed, drive);
                        if (stay + meals + transport < best) {
                            best = stay + meals + transport;
                            bestRoute = route.clone();
                            bestSplit = t;
                            bestDrive = drive < mixed;
                        }
                    }
                }
                int i = k - 1;
                while (i >= 0 && ++counters[i] == u) counters[i--] = 0;
                if (i < 0) break;
            }
        }
        if (bestRoute == null) return none(PlanResult.Status.NO_PLAN, noRouteReason(q, unusable, k));

        Plan plan = assemble(q, stays, candidates, bestRoute, bestSplit, bestDrive, legs, full);
        List<String> routeCities = new ArrayList<>();
        for (int c : bestRoute) routeCities.add(candidates.get(c));
        List<Query.Leg> travel = new ArrayList<>();
        for (int l = 0; l <= k; l++)
            travel.add(new Query.Leg(l == 0 ? q.org() : routeCities.get(l - 1), l == k ? q.org() : routeCities.get(l), q.date().get(bestSplit[l])));
        double cost = verify(q, plan, best);
        PlanResult.Status status = cost <= q.budget() ? PlanResult.Status.FEASIBLE : PlanResult.Status.OVER_BUDGET;
        String reason = status == PlanResult.Status.FEASIBLE ? null
                : "the cheapest plan costs " + fmt(cost) + " > budget " + q.budget();
        return new PlanResult(status, plan, cost, routeCities, travel, reason, 0, 0);
    }

    /** Travel days (0-based) of the standard itinerary: 0, 2, ..., 2k. */
    private static int[] standardSplit(int k) {
        int[] t = new int[k + 1];
        for (int i = 0; i <= k; i++) t[i] = 2 * i;
        return t;
    }

    /** Every choice of travel days 0 = t0 < t1 < ... < tk = days-1, the standard one first (it wins ties). */
    private static List<int[]> allSplits(int days, int k) {
        List<int[]> out = new ArrayList<>();
        out.add(standardSplit(k));
        int[] t = new int[k + 1];
        t[k] = days - 1;
        addSplits(out, t, 1, days, k);
        return out;
    }

    private static void addSplits(List<int[]> out, int[] t, int i, int days, int k) {
        if (i == k) {
            if (!Arrays.equals(t, standardSplit(k))) out.add(t.clone());
            return;
        }
        for (int day = t[i - 1] + 1; day <= days - 1 - (k - i); day++) {
            t[i] = day;
            addSplits(out, t, i + 1, days, k);
        }
    }

    private String noRouteReason(Query q, List<String> unusable, int k) {
        String rule = q.transportation() == null ? "" : " (" + q.transportation() + ")";
        String cuisine = q.cuisine() == null || q.cuisine().isEmpty() ? "" : " or no choice of restaurants covers " + q.cuisine();
        return "no route of " + k + " usable cities has allowed transport on every leg" + rule + cuisine
                + (unusable.isEmpty() ? "" : "; unusable: " + String.join("; ", unusable.subList(0, Math.min(3, unusable.size()))));
    }

    private LegOptions leg(LegOptions[][][] legs, Query q, List<String> cities, int[] route, int[] t, int l, int n) {
        int k = route.length;
        int a = l == 0 ? n : route[l - 1], b = l == k ? n : route[l];
        LegOptions o = legs[t[l]][a][b];
        if (o == null) {
            String from = a == n ? q.org() : cities.get(a), to = b == n ? q.org() : cities.get(b);
            o = LegOptions.of(lookup, q, from, to, q.date().get(t[l]));
            legs[t[l]][a][b] = o;
        }
        return o;
    }

    /** Cheapest meals over the route's cities whose cuisines together cover every required one (order-independent). */
    private static double mealCost(CityStay[][] stays, int[] route, int[] t, int full, Map<Long, Double> memo) {
        int k = route.length;
        long[] keys = new long[k];
        for (int i = 0; i < k; i++) keys[i] = (long) route[i] * 16 + (t[i + 1] - t[i]);
        Arrays.sort(keys);
        long key = 0;
        for (long part : keys) key = (key << 20) | part;
        Double cached = memo.get(key);
        if (cached != null) return cached;
        // acc[mask]: cheapest meals of the cities so far whose covered cuisines are exactly mask
        double[] acc = null;
        for (long part : keys) {
            double[] g = stays[(int) (part / 16)][(int) (part % 16)].mealCost;
            if (acc == null) {
                acc = g.clone();
                continue;
            }
            double[] next = new double[acc.length];
            Arrays.fill(next, Double.POSITIVE_INFINITY);
            for (int a = 0; a <= full; a++) {
                if (acc[a] == Double.POSITIVE_INFINITY) continue;
                for (int b = 0; b <= full; b++) if (acc[a] + g[b] < next[a | b]) next[a | b] = acc[a] + g[b];
            }
            acc = next;
        }
        memo.put(key, acc[full]);
        return acc[full];
    }

    /** Builds the plan of a route and split: picks each city's cuisine share, places meals, attractions, transport. */
    private Plan assemble(Query q, CityStay[][] stays, List<String> cities, int[] route, int[] t, boolean drive,
                          LegOptions[][][] legs, int full) {
        int k = route.length, n = cities.size();
        CityStay[] visit = new CityStay[k];
        for (int i = 0; i < k; i++) visit[i] = stays[route[i]][t[i + 1] - t[i]];
        // choose per-city cuisine masks (exactly as mealCost minimised), then the restaurants behind them
        int[] masks = bestMasks(visit, full);
        List<List<CityStay.Meal>> meals = new ArrayList<>();
        int[] mandatory = new int[k];
        for (int i = 0; i < k; i++) {
            meals.add(new ArrayList<>(visit[i].meals(masks[i])));
            mandatory[i] = MEALS_PER_STAY_DAY * (t[i + 1] - t[i] - 1);
        }
        pruneExtras(meals, mandatory, full);

        // travel leg l has 3 meal slots; city i arrives with leg i and leaves with leg i+1
        String[][] travelMeals = new String[k + 1][3];
        for (String[] slots : travelMeals) Arrays.fill(slots, "-");
        for (int i = 0; i < k; i++) {
            List<CityStay.Meal> extras = meals.get(i).subList(mandatory[i], meals.get(i).size());
            int placed = 0;
            for (int s = 2; s >= 0 && placed < extras.size(); s--)      // arrival day: dinner, then lunch, breakfast
                if (travelMeals[i][s].equals("-")) travelMeals[i][s] = extras.get(placed++).text();
            for (int s = 0; s < 3 && placed < extras.size(); s++)       // departure day: breakfast first
                if (travelMeals[i + 1][s].equals("-")) travelMeals[i + 1][s] = extras.get(placed++).text();
            if (placed < extras.size()) throw new IllegalStateException("no free travel-day meal slot for " + visit[i].city);
        }

        List<PlanDay> out = new ArrayList<>();
        for (int l = 0; l <= k; l++) {
            LegOptions leg = legs[t[l]][l == 0 ? n : route[l - 1]][l == k ? n : route[l]];
            String transport = drive ? leg.driveText() : leg.mixedText();
            String accommodation = l < k ? visit[l].accommodationText : "-";
            String[] m = travelMeals[l];
            out.add(new PlanDay(t[l] + 1, "from " + leg.from() + " to " + leg.to(), transport, m[0], "-", m[1], m[2], accommodation));
            if (l == k) break;
            CityStay stay = visit[l];
            List<CityStay.Meal> own = meals.get(l);
            int stayDays = t[l + 1] - t[l] - 1;
            for (int j = 0; j < stayDays; j++) {
                // attractions round-robin over the stay days, so each day gets at least one
                List<String> todays = new ArrayList<>();
                for (int a = j; a < stay.attractions.size(); a += stayDays) todays.add(stay.attractions.get(a));
                out.add(new PlanDay(t[l] + 2 + j, stay.city, "-", own.get(3 * j).text(), String.join(";", todays) + ";",
                        own.get(3 * j + 1).text(), own.get(3 * j + 2).text(), stay.accommodationText));
            }
        }
        return Plan.ofDays(out);
    }

    private static int[] bestMasks(CityStay[] visit, int full) {
        int k = visit.length;
        int[] masks = new int[k], cur = new int[k];
        double best = Double.POSITIVE_INFINITY;
        int combos = 1;
        for (int i = 0; i < k; i++) combos *= full + 1;
        for (int code = 0; code < combos; code++) {
            int c = code, union = 0;
            double cost = 0;
            for (int i = 0; i < k; i++) {
                cur[i] = c % (full + 1);
                c /= full + 1;
                union |= cur[i];
                cost += visit[i].mealCost[cur[i]];
            }
            if (union == full && cost < best) {
                best = cost;
                System.arraycopy(cur, 0, masks, 0, k);
            }
        }
        return masks;
    }

    /** Drops optional meals (beyond the stay days' ones) that no required cuisine needs: at most one per cuisine remains. */
    private static void pruneExtras(List<List<CityStay.Meal>> meals, int[] mandatory, int full) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int c = 0; c < meals.size(); c++) {
                List<CityStay.Meal> city = meals.get(c);
                if (city.size() <= mandatory[c]) continue;
                for (int j = city.size() - 1; j >= 0; j--) {
                    CityStay.Meal m = city.remove(j);
                    if (union(meals) == full) {
                        changed = true;
                        break;
                    }
                    city.add(j, m);
                }
                if (changed) break;
            }
        }
    }

    private static int union(List<List<CityStay.Meal>> meals) {
        int u = 0;
        for (List<CityStay.Meal> city : meals) for (CityStay.Meal m : city) u |= m.mask();
        return u;
    }

    /** Checks the plan with the evaluator; returns its official total cost. */
    private double verify(Query q, Plan plan, double searched) {
        Evaluation e = evaluator.evaluate(q, plan);
        List<String> failed = new ArrayList<>();
        if (e.error() != null) failed.add(e.error());
        if (e.commonsense() != null)
            e.commonsense().forEach((name, r) -> { if (!Boolean.TRUE.equals(r.value())) failed.add(name + ": " + r.reason()); });
        if (e.hard() == null) failed.add("hard constraints not evaluated");
        else e.hard().forEach((name, r) -> {
            if (!name.equals("valid_cost") && Boolean.FALSE.equals(r.value())) failed.add(name + ": " + r.reason());
        });
        if (e.totalCost() == null || Math.abs(e.totalCost() - searched) > 1e-6 * Math.max(1, searched))
            failed.add("official cost " + e.totalCost() + " != searched cost " + searched);
        if (!failed.isEmpty())
            throw new IllegalStateException("exact planner produced a plan the evaluator rejects " + failed + ": " + plan.toJson());
        return e.totalCost();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
