package dev.imagine.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code imagine demo}: the main job on built-in defaults. Runs every stage that exists, in pipeline
 * order, and names the stages still to come.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the IMAGINE pipeline on built-in defaults and print what each stage did.")
final class DemoCommand implements Runnable {
    @Option(names = "--work-dir", description = "Where the demo writes its files (default: ${DEFAULT-VALUE}).",
            defaultValue = ".imagine/demo")
    Path workDir;

    /** The stages that exist, in pipeline order. */
    static List<DemoStage> stages() {
        return List.of(new SystemCheckStage(), new TokenizerStage(), new SandboxEvalStage(), new TravelPlannerGenerationStage(),
                new MasDemoStage(), new EngineDemoStage());
    }

    /** Pipeline stages not built yet, each with the issue that adds it. */
    static final List<String> STILL_TO_COME = List.of(
            "SFT on traces, then GRPO with group rollouts",
            "serving: planner API, OpenAI-compatible server, batch plans");

    @Override
    public void run() {
        PrintStream out = System.out;
        try {
            Files.createDirectories(workDir);
        } catch (java.io.IOException e) {
            throw new UserError("cannot create the work directory " + workDir + ": " + e.getMessage());
        }
        List<String> summary = new ArrayList<>();
        List<DemoStage> stages = stages();
        for (int i = 0; i < stages.size(); i++) {
            DemoStage stage = stages.get(i);
            out.printf("== [%d/%d] %s%n", i + 1, stages.size(), stage.name());
            long start = System.nanoTime();
            String outcome;
            try {
                outcome = stage.run(workDir, out);
            } catch (Exception e) {
                throw new IllegalStateException("demo stage '" + stage.name() + "' failed: " + e.getMessage(), e);
            }
            summary.add(String.format("%-40s %s (%.1f s)", stage.name(), outcome, (System.nanoTime() - start) / 1e9));
        }
        out.println("== summary");
        summary.forEach(line -> out.println("  done     " + line));
        STILL_TO_COME.forEach(line -> out.println("  to come  " + line));
    }
}
