package dev.imagine.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    /** Runs the CLI in-process; returns exit code, stdout and stderr. */
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream savedOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cli = ImagineMain.commandLine();
            cli.setOut(new PrintWriter(System.out, true));
            cli.setErr(new PrintWriter(err, true));
            int exit = cli.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(savedOut);
        }
    }

    @Test
    void helpListsEveryCommandAndEachCommandHasHelp() {
        Run help = run("--help");
        assertEquals(0, help.exit());
        CommandLine cli = ImagineMain.commandLine();
        for (String name : cli.getSubcommands().keySet()) {
            assertTrue(help.out().contains(name), "--help lists " + name);
            if (name.equals("help")) continue;
            Run sub = run(name, "--help");
            assertEquals(0, sub.exit(), name + " --help");
            assertTrue(sub.out().contains("Usage: imagine " + name), name + " --help prints its usage");
        }
    }

    @Test
    void devicesNamesCpuAndCuda() {
        Run devices = run("devices");
        assertEquals(0, devices.exit());
        assertTrue(devices.out().contains("CPU"));
        assertTrue(devices.out().contains("Vector API"));
        assertTrue(devices.out().contains("CUDA"));
    }

    @Test
    void demoRunsEveryStageAndNamesWhatIsToCome(@TempDir Path dir) {
        Run demo = run("demo", "--work-dir", dir.toString());
        assertEquals(0, demo.exit(), demo.err());
        assertTrue(demo.out().contains("== summary"));
        for (DemoStage stage : DemoCommand.stages()) assertTrue(demo.out().contains("done     " + stage.name()));
    }

    @Test
    void unknownOptionIsAUsageErrorNotACrash() {
        Run bad = run("devices", "--no-such-option");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("Unknown option"));
    }
}
