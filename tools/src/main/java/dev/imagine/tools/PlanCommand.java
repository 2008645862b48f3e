package dev.imagine.tools;

import dev.imagine.sandbox.Database;
import dev.imagine.sandbox.ExactPlanner;
import dev.imagine.sandbox.PlanResult;
import dev.imagine.sandbox.PlannerRun;
import dev.imagine.sandbox.Queries;
import dev.imagine.sandbox.Query;
import dev.imagine.sandbox.SandboxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code imagine plan}: plans every query with a planner and writes {"query_idx", "variant", "plan"} rows for {@code imagine eval}. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Plan TravelPlanner queries. 'exact': the cheapest plan meeting all 13 constraints, or a proof there is none.")
final class PlanCommand implements Runnable {
    @Option(names = "--planner", defaultValue = "exact", description = "Planner: exact (default: ${DEFAULT-VALUE}).")
    String planner;

    @Option(names = "--queries", required = true, description = "Queries JSONL (official structure).")
    Path queries;

    @Option(names = "--out", required = true,
            description = "Output plans JSONL: {\"query_idx\", \"variant\", \"plan\", \"status\", \"cost\", \"reason\"}; plan null when infeasible.")
    Path out;

    @Option(names = "--database", description = "An official database/ folder (default: the built-in database).")
    Path database;

    @Option(names = "--itineraries", defaultValue = "STANDARD",
            description = "STANDARD (travel on days 1,3,5,7; default) or ANY_SPLIT (any travel days: cheaper, wider infeasibility proofs).")
    ExactPlanner.Itineraries itineraries;

    @Option(names = "--on-route", description = "Visit exactly each query's 'route' (as its reference information shows) instead of choosing the cities.")
    boolean onRoute;

    @Option(names = "--threads", defaultValue = "1", description = "Queries planned in parallel (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public void run() {
        if (threads < 1) throw new UserError("--threads must be at least 1");
        if (!planner.equals("exact")) throw new UserError("unknown planner '" + planner + "' (available: exact)");
        Database db = database == null ? Database.builtIn() : Database.load(database, System.err);
        List<Query> qs = Queries.read(queries);
        ExactPlanner exact = new ExactPlanner(db, itineraries);
        ProgressLine progress = new ProgressLine(System.err, "plan", qs.size());
        PlannerRun run = new PlannerRun();
        // rows are written in query order; with --threads > 1 the queries are planned ahead in a pool
        try (var writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
             ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<PlanResult>> results = new ArrayList<>();
            for (Query q : qs) results.add(pool.submit(() -> onRoute ? exact.planOnRoute(q) : exact.plan(q)));
            for (int i = 0; i < qs.size(); i++) {
                PlanResult r = results.get(i).get();
                run.add(r);
                writer.write(PlannerRun.rowJson(i, "exact", r) + "\n");
                progress.update(i + 1);
            }
        } catch (IOException e) {
            throw new SandboxException("cannot write " + out + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
        progress.done();
        System.out.printf("wrote %d plans to %s%n", qs.size(), out);
        System.out.print(run.summary());
    }
}
