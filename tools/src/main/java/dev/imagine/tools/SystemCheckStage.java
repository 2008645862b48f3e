package dev.imagine.tools;

import java.io.PrintStream;
import java.nio.file.Path;

/** Demo stage 0: the build works and says what it can run on. */
final class SystemCheckStage implements DemoStage {
    @Override
    public String name() {
        return "system check (build, devices)";
    }

    @Override
    public String run(Path workDir, PrintStream out) {
        out.println("Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        DevicesCommand.print(out);
        var cuda = dev.imagine.cuda.CudaDevices.discover();
        return cuda.any() ? "CPU + " + cuda.devices().size() + " CUDA device(s)" : "CPU only (" + cuda.whyNone() + ")";
    }
}
