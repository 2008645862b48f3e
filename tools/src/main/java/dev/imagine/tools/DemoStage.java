package dev.imagine.tools;

import java.io.PrintStream;
import java.nio.file.Path;

/** One stage of {@code imagine demo}: runs on built-in defaults in {@code workDir} and prints what it did. */
interface DemoStage {
    String name();

    /** Runs the stage; returns a one-line outcome for the demo's summary. */
    String run(Path workDir, PrintStream out) throws Exception;
}
