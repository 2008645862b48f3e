package dev.imagine.tools;

import dev.imagine.mas.BuiltInTeacher;
import dev.imagine.mas.MasSandbox;
import dev.imagine.mas.TeacherServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code imagine teacher serve}: the built-in teacher (planner + evaluator) as an OpenAI-compatible server. */
@Command(name = "teacher", mixinStandardHelpOptions = true,
        description = "The built-in teacher: an OpenAI-compatible server backed by the exact planner and the evaluator.",
        subcommands = {TeacherCommand.Serve.class})
final class TeacherCommand implements Runnable {
    @Override
    public void run() {
        throw new UserError("name a subcommand: serve (see 'imagine teacher --help')");
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serve GET /v1/models and POST /v1/chat/completions on 127.0.0.1.",
                    "Roles by model name: " + dev.imagine.mas.MasConfig.REASONER_MODEL + ", " + dev.imagine.mas.MasConfig.JUDGE_MODEL
                            + ", " + dev.imagine.mas.MasConfig.REFLECTOR_MODEL + " (or by the built-in system prompts)."})
    static final class Serve implements Runnable {
        @Option(names = "--port", defaultValue = "8000", description = "port on 127.0.0.1, 0 = any free one (default: ${DEFAULT-VALUE})")
        int port;
        @Option(names = "--mistake-rate", defaultValue = "0.3", description = "share of queries whose Reasoner plan carries a deliberate mistake (default: ${DEFAULT-VALUE})")
        double mistakeRate;
        @Option(names = "--seed", defaultValue = "1", description = "seed of the mistakes (default: ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--database", description = "TravelPlanner database/ folder (default: the built-in database)")
        Path database;
        @Option(names = "--for-seconds", description = "stop after this many seconds (default: until interrupted)")
        Long forSeconds;

        @Override
        public void run() {
            MasSandbox sandbox = database == null ? MasSandbox.builtIn() : MasSandbox.load(database);
            try (TeacherServer server = TeacherServer.start(new BuiltInTeacher(sandbox, mistakeRate, seed), port)) {
                System.out.println("teacher: serving the OpenAI API at " + server.baseUrl() + " (Ctrl-C stops)");
                System.out.flush();
                if (forSeconds != null) Thread.sleep(forSeconds * 1000);
                else Thread.sleep(Long.MAX_VALUE);
                System.out.println("teacher: stopping after " + server.requestsServed() + " chat requests");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
