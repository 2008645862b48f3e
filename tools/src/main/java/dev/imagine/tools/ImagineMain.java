package dev.imagine.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code imagine} command-line program. Each subcommand is one class: it parses arguments, calls a
 * module's API and prints. Expected user errors (bad files, bad arguments) print one line, no stack trace.
 *
 * <p>Usage: {@code ./imagine --help}
 */
@Command(name = "imagine", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Train and serve reasoning planners on the JVM (IMAGINE: distil a multi-agent system into one Qwen3, then GRPO).",
        subcommands = {
                BenchCommand.class,
                DemoCommand.class,
                DevicesCommand.class,
                EvalCommand.class,
                RefinfoCommand.class,
                QueriesCommand.class,
                PlanCommand.class,
                MasCommand.class,
                TeacherCommand.class,
                TracesCommand.class,
                TokenizeCommand.class,
                DetokenizeCommand.class,
                GenerateCommand.class,
                LogitsCommand.class,
                ModelCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class ImagineMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line with the project's error handling; tests call this to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ImagineMain());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
