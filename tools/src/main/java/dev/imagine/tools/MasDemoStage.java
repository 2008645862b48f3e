package dev.imagine.tools;

import dev.imagine.mas.BuiltInTeacher;
import dev.imagine.mas.MasConfig;
import dev.imagine.mas.MasQuery;
import dev.imagine.mas.MasSandbox;
import dev.imagine.mas.Orchestrator;
import dev.imagine.mas.QueryFile;
import dev.imagine.mas.RunSummary;
import dev.imagine.mas.TeacherServer;
import dev.imagine.mas.TraceReader;
import dev.imagine.sandbox.GeneratedQuery;
import dev.imagine.sandbox.QueryGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Demo stage: new queries from the sandbox's generator through the multi-agent system, over HTTP against the built-in teacher
 * on a loopback port, traces to Arrow files, then the run's summary.
 */
final class MasDemoStage implements DemoStage {
    @Override
    public String name() {
        return "teacher multi-agent system over HTTP -> Arrow traces";
    }

    @Override
    public String run(Path workDir, PrintStream out) throws IOException, InterruptedException {
        Path traces = workDir.resolve("mas-traces");
        clear(traces);   // the demo shows a whole run, not a resumed one
        MasSandbox sandbox = MasSandbox.builtIn();
        long start = System.nanoTime();
        // New queries (IMAGINE stage 1): 9 = each level with 3, 5 and 7 days, unlike the train/visible ones.
        List<GeneratedQuery> generated = new QueryGenerator(sandbox.database(), 20260522).generate(9, QueryGenerator.goldenQueries());
        Path queries = workDir.resolve("mas-queries.jsonl");
        Files.write(queries, generated.stream().map(GeneratedQuery::toJson).toList());
        out.printf("generated %d queries in %.1f s -> %s%n", generated.size(), (System.nanoTime() - start) / 1e9, queries);
        List<MasQuery> qs = QueryFile.read(queries, sandbox);
        try (TeacherServer teacher = TeacherServer.start(new BuiltInTeacher(sandbox, 0.5, 1), 0)) {
            out.println("built-in teacher at " + teacher.baseUrl());
            Orchestrator.Outcome outcome = MasCommand.Run.run(MasConfig.sameServer(teacher.baseUrl(), null, 4), sandbox, qs, traces, System.err, false);
            RunSummary summary = RunSummary.of(TraceReader.readAll(traces));
            summary.lines().forEach(line -> out.println("  " + line));
            out.println("teacher " + sandbox.planSourceReport());
            out.println("traces: " + traces + " (./imagine traces show " + traces + ")");
            return String.format("%d queries, %d failed, reflection rate %.0f%%, final plans pass %d/%d",
                    outcome.done() + outcome.failed(), outcome.failed(), 100 * summary.reflectionRate(),
                    summary.finalPlan().fin(), summary.finalPlan().n());
        }
    }

    private static void clear(Path traces) throws IOException {
        if (!Files.isDirectory(traces)) return;
        try (Stream<Path> files = Files.list(traces)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.endsWith(".arrow") || n.endsWith(".arrow.tmp") || n.endsWith(".damaged")) Files.delete(f);
            }
        }
    }
}
