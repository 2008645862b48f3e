package dev.imagine.bench;

import dev.imagine.sandbox.Database;
import dev.imagine.sandbox.ExactPlanner;
import dev.imagine.sandbox.GeneratedQuery;
import dev.imagine.sandbox.PlannerRun;
import dev.imagine.sandbox.QueryGenerator;

import java.util.List;

/**
 * Time per query of the exact planner on freshly generated queries (the target: 95% within 1 s):
 * wall-clock and thread-CPU percentiles, with a fresh planner (cold lookup caches) per itinerary family.
 * Run: {@code java -cp bench/target/benchmarks.jar dev.imagine.bench.ExactPlannerTimes [count] [seed]}
 */
public final class ExactPlannerTimes {
    private ExactPlannerTimes() {
    }

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
        Database db = Database.builtIn();
        long start = System.nanoTime();
        List<GeneratedQuery> queries = new QueryGenerator(db, seed).generate(count, QueryGenerator.goldenQueries());
        System.out.printf("generated %d queries (seed %d) in %.1f s%n", count, seed, (System.nanoTime() - start) / 1e9);
        for (ExactPlanner.Itineraries family : ExactPlanner.Itineraries.values()) {
            ExactPlanner planner = new ExactPlanner(db, family);
            PlannerRun run = new PlannerRun();
            for (GeneratedQuery g : queries) run.add(planner.plan(g.query()));
            System.out.println("== " + family);
            System.out.print(run.summary());
        }
    }
}
