package dev.imagine.engine;

import jdk.incubator.vector.FloatVector;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Facts about the CPU the engine runs on: what the Vector API chose, how many cores, how much memory.
 *
 * <p>Usage: {@code CpuInfo cpu = CpuInfo.detect(); int lanes = cpu.floatLanes();}
 */
public record CpuInfo(String model, int cores, int vectorBits, int floatLanes, long totalMemoryBytes,
                      long maxHeapBytes, List<String> simdFlags) {

    /** Reads the facts once from the JVM and, on Linux, /proc/cpuinfo. */
    public static CpuInfo detect() {
        String model = "unknown";
        List<String> flags = List.of();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (model.equals("unknown") && line.startsWith("model name")) model = line.substring(line.indexOf(':') + 1).strip();
                if (flags.isEmpty() && line.startsWith("flags")) {
                    flags = List.of(line.substring(line.indexOf(':') + 1).strip().split("\\s+")).stream()
                            .filter(f -> f.startsWith("avx") || f.equals("fma") || f.startsWith("amx") || f.startsWith("sse4"))
                            .sorted().toList();
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // /proc/cpuinfo is Linux-only; the JVM's facts below still hold
        }
        long totalMemory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            totalMemory = os.getTotalMemorySize();
        }
        return new CpuInfo(model, Runtime.getRuntime().availableProcessors(),
                FloatVector.SPECIES_PREFERRED.vectorBitSize(), FloatVector.SPECIES_PREFERRED.length(),
                totalMemory, Runtime.getRuntime().maxMemory(), flags);
    }
}
