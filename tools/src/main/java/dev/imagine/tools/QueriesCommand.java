package dev.imagine.tools;

import dev.imagine.sandbox.Database;
import dev.imagine.sandbox.ExactPlanner;
import dev.imagine.sandbox.GeneratedQuery;
import dev.imagine.sandbox.Queries;
import dev.imagine.sandbox.Query;
import dev.imagine.sandbox.QueryGenerator;
import dev.imagine.sandbox.SandboxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code imagine queries}: TravelPlanner query files; {@code queries generate} makes new ones (IMAGINE stage 1). */
@Command(name = "queries", mixinStandardHelpOptions = true,
        description = "TravelPlanner queries: generate new ones from the database.",
        subcommands = {QueriesCommand.Generate.class, CommandLine.HelpCommand.class})
final class QueriesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Generate new queries with the official rules (levels, days/cities, constraints), budgets and "
                    + "feasibility labels from the exact planner, de-duplicated against the train + visible sets.")
    static final class Generate implements Runnable {
        @Option(names = "--count", required = true, description = "Number of queries (easy/medium/hard in equal numbers).")
        int count;

        @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", required = true, description = "Output queries JSONL (official keys + route, legs, feasible, planner_cost).")
        Path out;

        @Option(names = "--database", description = "An official database/ folder (default: the built-in database).")
        Path database;

        @Option(names = "--existing", description = "More queries JSONL files to avoid (same org, dest and dates).")
        List<Path> existing = new ArrayList<>();

        @Option(names = "--itineraries", defaultValue = "STANDARD",
                description = "Itineraries the exact planner searches to set budgets: STANDARD (default) or ANY_SPLIT.")
        ExactPlanner.Itineraries itineraries;

        @Option(names = "--infeasible-fraction", defaultValue = "0",
                description = "Fraction of queries given a budget below the cheapest plan (default: ${DEFAULT-VALUE}, the official rules).")
        double infeasibleFraction;

        @Override
        public void run() {
            if (count < 0) throw new UserError("--count must not be negative");
            Database db = database == null ? Database.builtIn() : Database.load(database, System.err);
            List<Query> avoid = new ArrayList<>(QueryGenerator.goldenQueries());
            for (Path p : existing) avoid.addAll(Queries.read(p));
            QueryGenerator generator = new QueryGenerator(new ExactPlanner(db, itineraries), seed).withInfeasibleFraction(infeasibleFraction);
            ProgressLine progress = new ProgressLine(System.err, "generate", count);
            long start = System.nanoTime();
            List<GeneratedQuery> qs = generator.generate(count, avoid, progress::update);
            progress.done();
            double seconds = (System.nanoTime() - start) / 1e9;
            try (var writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                for (GeneratedQuery g : qs) writer.write(g.toJson() + "\n");
            } catch (IOException e) {
                throw new SandboxException("cannot write " + out + ": " + e.getMessage(), e);
            }
            Map<String, Integer> byKind = new TreeMap<>();
            int feasible = 0;
            for (GeneratedQuery g : qs) {
                byKind.merge(g.query().level() + " " + g.query().days() + "d", 1, Integer::sum);
                if (g.feasible()) feasible++;
            }
            System.out.printf("wrote %d queries to %s in %.1f s (%d feasible, %d infeasible by budget; %d drafts rejected)%n",
                    qs.size(), out, seconds, feasible, qs.size() - feasible, generator.rejectedProposals());
            System.out.println("  by level and days: " + byKind);
            System.out.println("  rejected drafts by reason: " + generator.rejectedByReason());
        }
    }
}
