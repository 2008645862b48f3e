package dev.imagine.tools;

import dev.imagine.sandbox.Database;
import dev.imagine.sandbox.EvalReport;
import dev.imagine.sandbox.EvaluationMode;
import dev.imagine.sandbox.Evaluator;
import dev.imagine.sandbox.MetricsTable;
import dev.imagine.sandbox.PlanRow;
import dev.imagine.sandbox.Plans;
import dev.imagine.sandbox.Queries;
import dev.imagine.sandbox.Query;
import dev.imagine.sandbox.SandboxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code imagine eval}: scores TravelPlanner plans with the official evaluator's semantics and prints the metrics. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate TravelPlanner plans exactly as the official evaluator does; print the six metrics per submission.")
final class EvalCommand implements Runnable {
    @Option(names = "--queries", required = true, description = "Queries JSONL (official structure).")
    Path queries;

    @Option(names = "--plans", required = true,
            description = "Plans JSONL: {\"idx\",\"query\",\"plan\"} rows (matched by position) or {\"query_idx\",\"variant\",\"plan\"} rows.")
    Path plans;

    @Option(names = "--database", description = "An official database/ folder (default: the built-in database).")
    Path database;

    @Option(names = "--details", description = "Write one JSON line per plan: query_idx, variant, commonsense, hard, error.")
    Path details;

    @Option(names = "--json", description = "Print the metrics as JSON instead of a table.")
    boolean json;

    @Option(names = "--breakdown", description = "Also print metrics by level and trip length and per-constraint pass rates.")
    boolean breakdown;

    @Option(names = "--strict", description = "Fix the official evaluator's bugs (see EvaluationMode.STRICT: S1-S7); default: official behaviour.")
    boolean strict;

    @Option(names = "--threads", defaultValue = "1", description = "Threads evaluating plans (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public void run() {
        Database db = database == null ? Database.builtIn() : Database.load(database, System.err);
        List<Query> qs = Queries.read(queries);
        List<PlanRow> rows = Plans.read(plans);
        long start = System.nanoTime();
        EvalReport report = EvalReport.run(new Evaluator(db, strict ? EvaluationMode.STRICT : EvaluationMode.OFFICIAL), qs, rows, Math.max(1, threads));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.printf("evaluated %,d plans against %,d queries in %.2f s%n", rows.size(), qs.size(), seconds);
        EvalReport.Family submission = report.families().get(EvalReport.SUBMISSION);
        if (submission != null && submission.queries().size() < qs.size())
            System.err.printf("warning: the submission has plans for %d of %d queries (eval.py would fail); metrics are over those %d%n",
                    submission.queries().size(), qs.size(), submission.queries().size());
        if (details != null) {
            try (var out = Files.newBufferedWriter(details, StandardCharsets.UTF_8)) {
                for (EvalReport.Row row : report.rows()) out.write(EvalReport.detailsJson(row) + "\n");
            } catch (IOException e) {
                throw new SandboxException("cannot write " + details + ": " + e.getMessage(), e);
            }
        }
        boolean breakdowns = breakdown || report.families().size() == 1;
        System.out.print(json ? MetricsTable.json(report, breakdowns) + "\n" : MetricsTable.text(report, breakdowns));
    }
}
