package dev.imagine.tools;

import dev.imagine.mas.Endpoint;
import dev.imagine.mas.MasConfig;
import dev.imagine.mas.MasQuery;
import dev.imagine.mas.MasSandbox;
import dev.imagine.mas.Orchestrator;
import dev.imagine.mas.ProgressBar;
import dev.imagine.mas.QueryFile;
import dev.imagine.mas.RetryPolicy;
import dev.imagine.mas.RolePrompts;
import dev.imagine.mas.RunSummary;
import dev.imagine.mas.TraceReader;
import dev.imagine.mas.TraceStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code imagine mas run}: the multi-agent teachers over HTTP, traces to an Arrow directory (resumable). */
@Command(name = "mas", mixinStandardHelpOptions = true,
        description = "IMAGINE's multi-agent system (Reasoner -> 2 Judges -> Reflector) over OpenAI-compatible teachers.",
        subcommands = {MasCommand.Run.class})
final class MasCommand implements Runnable {
    @Override
    public void run() {
        throw new UserError("name a subcommand: run (see 'imagine mas --help')");
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run every query through the teachers and write one trace row per query to Arrow files in --out.",
                    "Re-running with the same --out resumes: finished query ids are skipped."})
    static final class Run implements Runnable {
        @Option(names = "--queries", required = true, description = "queries.jsonl (TravelPlanner format; may carry route/legs and reference_information)")
        Path queries;
        @Option(names = "--teacher-url", required = true, description = "API base of the teachers, e.g. http://127.0.0.1:8000/v1")
        URI teacherUrl;
        @Option(names = "--out", required = true, description = "trace directory (part-*.arrow files)")
        Path out;
        @Option(names = "--concurrency", defaultValue = "8", description = "queries in flight (default: ${DEFAULT-VALUE})")
        int concurrency;
        @Option(names = "--max-requests", description = "HTTP requests in flight over all roles (default: 2 x concurrency)")
        Integer maxRequests;
        @Option(names = "--reasoner-url", description = "API base for the Reasoner (default: --teacher-url)")
        URI reasonerUrl;
        @Option(names = "--judge-url", description = "API base for both Judges (default: --teacher-url)")
        URI judgeUrl;
        @Option(names = "--reflector-url", description = "API base for the Reflector (default: --teacher-url)")
        URI reflectorUrl;
        @Option(names = "--reasoner-model", defaultValue = MasConfig.REASONER_MODEL, description = "default: ${DEFAULT-VALUE}")
        String reasonerModel;
        @Option(names = "--judge-model", defaultValue = MasConfig.JUDGE_MODEL, description = "model of judge 1 (default: ${DEFAULT-VALUE})")
        String judgeModel;
        @Option(names = "--judge2-model", description = "model of judge 2 (default: --judge-model)")
        String judge2Model;
        @Option(names = "--reflector-model", defaultValue = MasConfig.REFLECTOR_MODEL, description = "default: ${DEFAULT-VALUE}")
        String reflectorModel;
        @Option(names = "--api-key-env", description = "environment variable holding the API key (none sent if unset)")
        String apiKeyEnv;
        @Option(names = "--temperature", defaultValue = "0.6", description = "sampling temperature (default: ${DEFAULT-VALUE})")
        double temperature;
        @Option(names = "--max-tokens", defaultValue = "16384", description = "max_tokens of Reasoner and Reflector (default: ${DEFAULT-VALUE})")
        int maxTokens;
        @Option(names = "--judge-max-tokens", defaultValue = "4096", description = "max_tokens of the Judges; reasoning models think before the verdict (default: ${DEFAULT-VALUE})")
        int judgeMaxTokens;
        @Option(names = "--timeout-s", defaultValue = "600", description = "per-request timeout in seconds (default: ${DEFAULT-VALUE})")
        int timeoutSeconds;
        @Option(names = "--retries", defaultValue = "8", description = "attempts per request (default: ${DEFAULT-VALUE})")
        int attempts;
        @Option(names = "--prompts", description = "directory overriding any of the prompt files " + "(reasoner.system.txt, judge.user.txt, ...)")
        Path prompts;
        @Option(names = "--database", description = "TravelPlanner database/ folder (default: the built-in database)")
        Path database;
        @Option(names = "--retry-failed", description = "redo the queries that an earlier run into --out recorded with an error")
        boolean retryFailed;

        @Override
        public void run() {
            PrintStream err = System.err;
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            Endpoint judge1 = new Endpoint(or(judgeUrl), judgeModel, apiKeyEnv, temperature, judgeMaxTokens, timeout);
            MasConfig config = new MasConfig(
                    new Endpoint(or(reasonerUrl), reasonerModel, apiKeyEnv, temperature, maxTokens, timeout),
                    judge1,
                    judge2Model == null ? judge1 : new Endpoint(or(judgeUrl), judge2Model, apiKeyEnv, temperature, judgeMaxTokens, timeout),
                    new Endpoint(or(reflectorUrl), reflectorModel, apiKeyEnv, temperature, maxTokens, timeout),
                    concurrency, maxRequests == null ? 2 * concurrency : maxRequests,
                    new RetryPolicy(attempts, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5), 1234),
                    RolePrompts.load(prompts));
            MasSandbox sandbox = database == null ? MasSandbox.builtIn() : MasSandbox.load(database);
            List<MasQuery> qs = QueryFile.read(queries, sandbox);
            run(config, sandbox, qs, out, err, retryFailed);
            RunSummary.of(TraceReader.readAll(out)).lines().forEach(System.out::println);
        }

        private URI or(URI roleUrl) {
            return roleUrl == null ? teacherUrl : roleUrl;
        }

        /** Runs the queries into {@code out} with a progress bar on {@code err}; shared with the demo. */
        static Orchestrator.Outcome run(MasConfig config, MasSandbox sandbox, List<MasQuery> qs, Path out, PrintStream err,
                                        boolean retryFailed) {
            try (TraceStore store = TraceStore.open(out)) {
                store.notices().forEach(n -> err.println("mas: " + n));
                if (retryFailed) err.println("mas: " + store.dropFailed() + " failed queries will be done again");
                if (store.rowsAtOpen() > 0) err.println("mas: resuming " + out + ": " + store.rowsAtOpen() + " queries already finished");
                ProgressBar bar = new ProgressBar(err, "mas");
                int[] failed = {0};
                Orchestrator.Outcome outcome;
                // Ctrl-C ends the JVM without unwinding: say what is kept and how to go on.
                Thread onSignal = new Thread(() -> err.println("\nmas: stopped; every finished query is saved in " + out
                        + " (the ones in flight are not); run the same command again to resume"));
                Runtime.getRuntime().addShutdownHook(onSignal);
                try {
                    outcome = new Orchestrator(config, sandbox).run(qs, store, (row, k, n) -> {
                        synchronized (failed) {
                            if (!row.done()) failed[0]++;
                            bar.update(k, failed[0], n);
                        }
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UserError("interrupted; finished queries are saved in " + out + ", re-run to resume");
                } finally {
                    bar.finish();
                    Runtime.getRuntime().removeShutdownHook(onSignal);
                }
                err.printf("mas: %d done, %d failed, %d skipped (already in %s)%n", outcome.done(), outcome.failed(), outcome.skipped(), out);
                return outcome;
            }
        }
    }
}
