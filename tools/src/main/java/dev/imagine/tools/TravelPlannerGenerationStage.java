package dev.imagine.tools;

import dev.imagine.sandbox.Database;
import dev.imagine.sandbox.EvalReport;
import dev.imagine.sandbox.Evaluator;
import dev.imagine.sandbox.ExactPlanner;
import dev.imagine.sandbox.GeneratedQuery;
import dev.imagine.sandbox.Metrics;
import dev.imagine.sandbox.MetricsTable;
import dev.imagine.sandbox.Plan;
import dev.imagine.sandbox.PlanResult;
import dev.imagine.sandbox.PlanRow;
import dev.imagine.sandbox.PlannerRun;
import dev.imagine.sandbox.Query;
import dev.imagine.sandbox.QueryGenerator;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Demo stage: new queries from the database (IMAGINE stage 1), planned by the exact planner, scored by the evaluator. */
final class TravelPlannerGenerationStage implements DemoStage {
    static final int COUNT = 12;
    static final long SEED = 2026;

    @Override
    public String name() {
        return "TravelPlanner: generate queries, plan exactly, evaluate";
    }

    @Override
    public String run(Path workDir, PrintStream out) throws Exception {
        Database db = Database.builtIn();
        ExactPlanner planner = new ExactPlanner(db);
        long start = System.nanoTime();
        List<GeneratedQuery> generated = new QueryGenerator(planner, SEED).generate(COUNT, QueryGenerator.goldenQueries());
        double genSeconds = (System.nanoTime() - start) / 1e9;
        List<Query> queries = generated.stream().map(GeneratedQuery::query).toList();
        Path queriesFile = workDir.resolve("generated_queries.jsonl"), plansFile = workDir.resolve("exact_plans.jsonl");
        Files.write(queriesFile, generated.stream().map(GeneratedQuery::toJson).toList(), StandardCharsets.UTF_8);
        out.printf("generated %d queries (seed %d, 4 easy / 4 medium / 4 hard, 3/5/7 days) in %.2f s -> %s%n",
                COUNT, SEED, genSeconds, queriesFile);
        out.println("  e.g. [" + queries.getLast().level() + "] " + queries.getLast().query());

        PlannerRun run = new PlannerRun();
        List<PlanRow> rows = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            PlanResult r = planner.plan(queries.get(i));
            run.add(r);
            rows.add(new PlanRow(i + 1, i, "exact", r.feasible() ? r.plan() : Plan.of(null)));
            lines.add(PlannerRun.rowJson(i, "exact", r));
        }
        Files.write(plansFile, lines, StandardCharsets.UTF_8);
        out.print(run.summary());
        PlanResult last = planner.plan(queries.getLast());
        out.printf("  e.g. route %s, cheapest cost %.0f for budget %d -> %s%n", last.route(), last.cost(),
                queries.getLast().budget(), plansFile);

        EvalReport report = EvalReport.run(new Evaluator(db), queries, rows);
        out.print(MetricsTable.text(report, false));
        double fin = report.families().get("exact").metrics().rates().get(Metrics.FINAL);
        return String.format("%d new queries, %d feasible; exact plans: final pass %.0f%%, p95 %.0f ms per query",
                COUNT, run.count(PlanResult.Status.FEASIBLE), 100 * fin, 1000 * run.quantileSeconds(0.95));
    }
}
