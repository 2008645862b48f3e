package dev.imagine.tools;

import dev.imagine.sandbox.Database;
import dev.imagine.sandbox.EvalReport;
import dev.imagine.sandbox.Evaluator;
import dev.imagine.sandbox.Examples;
import dev.imagine.sandbox.MetricsTable;
import dev.imagine.sandbox.PlanRow;
import dev.imagine.sandbox.Query;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Demo stage: the official evaluator on the built-in train plans (annotated, greedy, mutations). */
final class SandboxEvalStage implements DemoStage {
    @Override
    public String name() {
        return "TravelPlanner sandbox: evaluate plans";
    }

    @Override
    public String run(Path workDir, PrintStream out) {
        long start = System.nanoTime();
        Database db = Database.builtIn();
        out.println(db);
        List<Query> queries = Examples.trainQueries();
        List<PlanRow> plans = Examples.trainPlans();
        double loaded = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        EvalReport report = EvalReport.run(new Evaluator(db), queries, plans);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("loaded in %.2f s; evaluated %d plans for %d train queries in %.2f s%n", loaded, plans.size(), queries.size(), seconds);
        out.print(MetricsTable.text(report, false));
        var annotated = report.families().get("annotated").metrics();
        return String.format("%d plans in %d families; official annotated plans: final pass %.0f%%; %d families make eval.py raise",
                plans.size(), report.families().size(), 100 * annotated.rates().get(dev.imagine.sandbox.Metrics.FINAL),
                MetricsTable.raising(report).size());
    }
}
