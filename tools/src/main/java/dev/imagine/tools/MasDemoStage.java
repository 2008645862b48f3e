package dev.imagine.tools;

import dev.imagine.mas.BuiltInTeacher;
import dev.imagine.mas.DemoQueries;
import dev.imagine.mas.MasConfig;
import dev.imagine.mas.MasQuery;
import dev.imagine.mas.MasSandbox;
import dev.imagine.mas.Orchestrator;
import dev.imagine.mas.QueryFile;
import dev.imagine.mas.RunSummary;
import dev.imagine.mas.TeacherServer;
import dev.imagine.mas.TraceReader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Demo stage: the built-in queries through the multi-agent system, over HTTP against the built-in teacher
 * on a loopback port, traces to Arrow files, then the run's summary.
 */
final class MasDemoStage implements DemoStage {
    @Override
    public String name() {
        return "teacher multi-agent system over HTTP -> Arrow traces";
    }

    @Override
    public String run(Path workDir, PrintStream out) throws IOException, InterruptedException {
        Path queries = DemoQueries.write(workDir.resolve("mas-queries.jsonl"));
        Path traces = workDir.resolve("mas-traces");
        clear(traces);   // the demo shows a whole run, not a resumed one
        MasSandbox sandbox = MasSandbox.builtIn();
        List<MasQuery> qs = QueryFile.read(queries, sandbox);
        try (TeacherServer teacher = TeacherServer.start(new BuiltInTeacher(sandbox, 0.5, 1), 0)) {
            out.println("built-in teacher at " + teacher.baseUrl() + "; " + qs.size() + " queries from " + queries);
            Orchestrator.Outcome outcome = MasCommand.Run.run(MasConfig.sameServer(teacher.baseUrl(), null, 4), sandbox, qs, traces, System.err);
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
