package dev.imagine.tools;

import dev.imagine.cuda.CudaDevice;
import dev.imagine.cuda.CudaDevices;
import dev.imagine.engine.CpuInfo;
import dev.imagine.kernels.PtxKernels;
import picocli.CommandLine.Command;

import java.io.PrintStream;

/** {@code imagine devices}: what the engine can run on here. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the CPU (cores, SIMD width the Vector API picked, memory) and CUDA devices, or why there are none.")
final class DevicesCommand implements Runnable {
    @Override
    public void run() {
        print(System.out);
    }

    static void print(PrintStream out) {
        CpuInfo cpu = CpuInfo.detect();
        out.printf("CPU     %s%n", cpu.model());
        out.printf("        %d cores, Vector API %d-bit (%d float lanes), %s memory, max heap %s%n",
                cpu.cores(), cpu.vectorBits(), cpu.floatLanes(), gib(cpu.totalMemoryBytes()), gib(cpu.maxHeapBytes()));
        if (!cpu.simdFlags().isEmpty()) out.printf("        SIMD flags: %s%n", String.join(" ", cpu.simdFlags()));
        var cuda = CudaDevices.discover();
        if (!cuda.any()) {
            out.printf("CUDA    none: %s%n", cuda.whyNone());
        } else {
            out.printf("CUDA    driver %s, %d device(s)%n", cuda.driverVersionText(), cuda.devices().size());
            for (CudaDevice d : cuda.devices()) {
                out.printf("        [%d] %s, compute %s, %d SMs, %s%n", d.ordinal(), d.name(), d.computeCapability(),
                        d.multiprocessors(), gib(d.totalMemoryBytes()));
            }
        }
        var ptx = PtxKernels.available();
        out.printf("Kernels %s%n", ptx.isEmpty() ? "no PTX in this build (nvcc was absent when it was built)"
                : ptx.size() + " PTX files: " + String.join(", ", ptx));
    }

    static String gib(long bytes) {
        return bytes < 0 ? "unknown" : String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
