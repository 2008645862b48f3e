package dev.imagine.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.zip.GZIPInputStream;

/**
 * New TravelPlanner queries from the database (IMAGINE stage 1), with the official generation rules
 * (utils/query_element_selection.py as the golden visible set was made, README "Generated queries"):
 * <ul>
 *   <li>levels easy/medium/hard in equal numbers (in that order), days 3/5/7 balanced within each level;</li>
 *   <li>consecutive March-2022 dates, the first drawn from the 31 - days + 1 possibilities;</li>
 *   <li>origin: any city; 3 days: a usable city of another state; 5/7 days: the state of a random city line,
 *       other than the origin's, with more than 3 usable cities (usable = has attractions, restaurants and
 *       accommodations after dropna: 277 of 312 on the built-in database);</li>
 *   <li>people: easy 1, otherwise choice(choice([[2], [3..8]]));</li>
 *   <li>medium: one of house rule / cuisine (2 cuisines) / room type; hard: 3 of house rule, cuisine (4
 *       cuisines), room type, transportation drawn without replacement with p = 0.3/0.1/0.3/0.3; room type
 *       from all four values if people &lt;= 2, else private/entire;</li>
 *   <li>kept only if the {@link ExactPlanner} finds a plan meeting every non-budget constraint (the official
 *       generator used a greedy constructor; ours is exact, so budgets are tighter and never unattainable);</li>
 *   <li>budget = round_to_hundreds(cheapest cost × U(1.15,1.6) easy, U(1.1,1.45) medium, U(1.05,1.3) hard),
 *       raised by 100 until it covers the cost;</li>
 *   <li>no two queries (existing or new) share (org, dest, dates); text from {@link QueryText} templates.</li>
 * </ul>
 * With {@link #withInfeasibleFraction} > 0, that fraction of queries instead gets a budget below the cheapest
 * cost (round_down_to_hundreds(cost × U(0.6, 0.95))) and is labelled infeasible: training material for
 * "no plan exists". Deterministic for a seed and an existing-query list.
 *
 * <pre>{@code
 * QueryGenerator gen = new QueryGenerator(Database.builtIn(), 42);
 * List<GeneratedQuery> qs = gen.generate(100, QueryGenerator.goldenQueries());
 * }</pre>
 */
public final class QueryGenerator {
    public static final List<String> CUISINES = List.of("Chinese", "American", "Italian", "Mexican", "Indian", "Mediterranean", "French");
    private static final List<String> HARD_KINDS = List.of("house rule", "cuisine", "room type", "transportation");
    private static final double[] HARD_P = {0.3, 0.1, 0.3, 0.3};
    private static final int MAX_ATTEMPTS_PER_QUERY = 10_000;

    private final Database db;
    private final ExactPlanner planner;
    private final long seed;
    private double infeasibleFraction;
    private final List<String> usableCities = new ArrayList<>();
    private final Set<String> usableSet = new HashSet<>();
    private final java.util.Map<String, Integer> rejected = new java.util.TreeMap<>();

    public QueryGenerator(Database db, long seed) {
        this(new ExactPlanner(db), seed);
    }

    public QueryGenerator(ExactPlanner planner, long seed) {
        this.db = planner.database();
        this.planner = planner;
        this.seed = seed;
        for (String c : db.allCities())
            if (!db.attractions(c).isEmpty() && !db.restaurants(c).isEmpty() && !db.accommodations(c).isEmpty()) {
                usableCities.add(c);
                usableSet.add(c);
            }
    }

    /** Makes this fraction (0..1) of the queries infeasible by budget; default 0 (the official rules). */
    public QueryGenerator withInfeasibleFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) throw new SandboxException("infeasible fraction must be in [0, 1], found " + fraction);
        this.infeasibleFraction = fraction;
        return this;
    }

    /** Cities with attractions, restaurants and accommodations (after dropna), in file order. */
    public List<String> usableCities() {
        return Collections.unmodifiableList(usableCities);
    }

    /** The 45 official train queries and the 150 golden visible queries, to de-duplicate against. */
    public static List<Query> goldenQueries() {
        List<Query> out = new ArrayList<>(Examples.trainQueries());
        String name = "/dev/imagine/sandbox/generation/visible_queries.jsonl.gz";
        try (InputStream in = QueryGenerator.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            out.addAll(Queries.read("visible_queries.jsonl", new GZIPInputStream(in)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Drafts rejected by the last {@link #generate} call: duplicates, destination-rule misses and drafts without
     * any plan meeting their constraints (the official generator reports the same "rejected proposals").
     */
    public int rejectedProposals() {
        return rejected.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** {@link #rejectedProposals()} by reason: "destination rule", "duplicate", "no plan", "free trip". */
    public java.util.Map<String, Integer> rejectedByReason() {
        return java.util.Collections.unmodifiableMap(rejected);
    }

    /** The de-duplication key (org, dest, dates). */
    static String key(Query q) {
        return q.org() + "\u0000" + q.dest() + "\u0000" + String.join(",", q.date());
    }

    public List<GeneratedQuery> generate(int count, List<Query> existing) {
        return generate(count, existing, done -> { });
    }

    /** Generates {@code count} queries unlike {@code existing}; {@code progress} gets the number done so far. */
    public List<GeneratedQuery> generate(int count, List<Query> existing, IntConsumer progress) {
        if (count < 0) throw new SandboxException("count must not be negative, found " + count);
        SplittableRandom rnd = new SplittableRandom(seed);
        rejected.clear();
        Set<String> seen = new HashSet<>();
        for (Query q : existing) seen.add(key(q));
        List<GeneratedQuery> out = new ArrayList<>(count);
        int[] perLevel = split(count, 3);
        for (int level = 0; level < 3; level++) {
            int[] perDays = split(perLevel[level], 3);
            for (int d = 0; d < 3; d++) {
                for (int i = 0; i < perDays[d]; i++) {
                    out.add(one(rnd, Query.LEVELS.get(level), 3 + 2 * d, seen));
                    progress.accept(out.size());
                }
            }
        }
        return out;
    }

    /** n split into parts as equal as possible, the first ones larger (150 → 50/50/50, 50 → 17/17/16). */
    private static int[] split(int n, int parts) {
        int[] out = new int[parts];
        for (int i = 0; i < parts; i++) out[i] = n / parts + (i < n % parts ? 1 : 0);
        return out;
    }

    private GeneratedQuery one(SplittableRandom rnd, String level, int days, Set<String> seen) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS_PER_QUERY; attempt++) {
            Query draft = draw(rnd, level, days);
            if (draft == null || seen.contains(key(draft))) {
                rejected.merge(draft == null ? "destination rule" : "duplicate", 1, Integer::sum);
                continue;
            }
            PlanResult r = planner.plan(draft.withBudget(Integer.MAX_VALUE));
            if (!r.feasible()) {
                rejected.merge("no plan", 1, Integer::sum);
                continue;
            }
            double cost = r.cost();
            boolean makeInfeasible = infeasibleFraction > 0 && rnd.nextDouble() < infeasibleFraction;
            int budget;
            if (makeInfeasible) {
                budget = (int) (Math.floor(cost * uniform(rnd, 0.6, 0.95) / 100) * 100);
                while (budget >= cost && budget > 0) budget -= 100;
                if (budget >= cost) {   // a free trip cannot be made infeasible by budget
                    rejected.merge("free trip", 1, Integer::sum);
                    continue;
                }
            } else {
                double factor = switch (level) {
                    case "easy" -> uniform(rnd, 1.15, 1.6);
                    case "medium" -> uniform(rnd, 1.1, 1.45);
                    default -> uniform(rnd, 1.05, 1.3);
                };
                budget = (int) (Math.round(cost * factor / 100) * 100);
                while (budget < cost) budget += 100;
            }
            Query q = draft.withBudget(budget);
            q = new Query(q.org(), q.dest(), q.days(), q.visitingCityNumber(), q.date(), q.peopleNumber(), q.houseRule(),
                    q.cuisine(), q.roomType(), q.transportation(), budget, QueryText.write(q, rnd), level, r.route(), r.legs());
            seen.add(key(q));
            // the cheapest plan does not depend on the budget, so the label is cost <= budget
            return new GeneratedQuery(q, cost <= budget, cost);
        }
        throw new SandboxException("could not generate a new " + level + " " + days + "-day query in "
                + MAX_ATTEMPTS_PER_QUERY + " attempts (database too small, or the existing queries cover it)");
    }

    /** One draft query (budget 0, no text) with the official element rules, or null if the draw fails. */
    private Query draw(SplittableRandom rnd, String level, int days) {
        int first = 1 + rnd.nextInt(31 - days + 1);
        List<String> dates = new ArrayList<>();
        for (int i = 0; i < days; i++) dates.add(LocalDate.of(2022, 3, first + i).toString());
        List<String> all = db.allCities();
        String org = all.get(rnd.nextInt(all.size()));
        String orgState = db.stateOf(org);
        String dest;
        if (days == 3) {
            dest = usableCities.get(rnd.nextInt(usableCities.size()));
            if (db.stateOf(dest).equals(orgState)) return null;
        } else {
            dest = db.stateOf(all.get(rnd.nextInt(all.size())));
            if (dest.equals(orgState) || usableIn(dest) <= 3) return null;
        }
        int people = level.equals("easy") ? 1 : rnd.nextBoolean() ? 2 : 3 + rnd.nextInt(6);
        String houseRule = null, roomType = null, transportation = null;
        List<String> cuisine = null;
        List<String> kinds = switch (level) {
            case "easy" -> List.of();
            case "medium" -> List.of(List.of("house rule", "cuisine", "room type").get(rnd.nextInt(3)));
            default -> drawWithoutReplacement(rnd, 3);
        };
        for (String kind : kinds) {
            switch (kind) {
                case "house rule" -> houseRule = Query.HOUSE_RULES.get(rnd.nextInt(Query.HOUSE_RULES.size()));
                case "cuisine" -> cuisine = sample(rnd, CUISINES, level.equals("medium") ? 2 : 4);
                case "room type" -> roomType = people <= 2 ? Query.ROOM_TYPES.get(rnd.nextInt(4))
                        : rnd.nextBoolean() ? "private room" : "entire room";
                case "transportation" -> transportation = Query.TRANSPORTATIONS.get(rnd.nextInt(2));
                default -> throw new IllegalStateException(kind);
            }
        }
        return new Query(org, dest, days, (days - 1) / 2, dates, people, houseRule, cuisine, roomType, transportation,
                0, null, level, null, null);
    }

    private int usableIn(String state) {
        int n = 0;
        for (String c : new LinkedHashSet<>(db.cities(state))) if (usableSet.contains(c)) n++;
        return n;
    }

    /** numpy's choice(HARD_KINDS, k, replace=False, p=HARD_P): successive draws, renormalised. */
    private static List<String> drawWithoutReplacement(SplittableRandom rnd, int k) {
        List<String> kinds = new ArrayList<>(HARD_KINDS);
        List<Double> p = new ArrayList<>();
        for (double v : HARD_P) p.add(v);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            double total = 0;
            for (double v : p) total += v;
            double u = rnd.nextDouble() * total;
            int j = 0;
            while (j < p.size() - 1 && (u -= p.get(j)) >= 0) j++;
            out.add(kinds.remove(j));
            p.remove(j);
        }
        return out;
    }

    private static List<String> sample(SplittableRandom rnd, List<String> from, int k) {
        List<String> pool = new ArrayList<>(from);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < k; i++) out.add(pool.remove(rnd.nextInt(pool.size())));
        return out;
    }

    private static double uniform(SplittableRandom rnd, double lo, double hi) {
        return lo + (hi - lo) * rnd.nextDouble();
    }
}
