package dev.imagine.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The PTX files that {@code nvcc} compiled from {@code kernels/src/main/cuda} at build time, packaged
 * as resources. Empty when the build machine had no nvcc.
 *
 * <p>Usage: {@code PtxKernels.ptx("rmsnorm", 90).ifPresent(bytes -> driver.loadModule(bytes));}
 */
public final class PtxKernels {
    private static final String DIR = "/dev/imagine/kernels/ptx/";

    private PtxKernels() {
    }

    /** Resource names, e.g. {@code rmsnorm.sm_90.ptx}; empty when no PTX was built. */
    public static List<String> available() {
        try (InputStream in = PtxKernels.class.getResourceAsStream(DIR + "kernels.list")) {
            if (in == null) return List.of();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(text.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel list resource " + DIR + "kernels.list", e);
        }
    }

    /**
     * The PTX of kernel source {@code name} for the newest architecture not above {@code computeCapability}
     * (e.g. 90 for sm_90; a device of capability 8.9 gets the sm_80 build). Empty if none fits.
     */
    public static Optional<byte[]> ptx(String name, int computeCapability) {
        int best = -1;
        for (String file : available()) {
            if (!file.startsWith(name + ".sm_") || !file.endsWith(".ptx")) continue;
            int arch = Integer.parseInt(file.substring(name.length() + 4, file.length() - 4));
            if (arch <= computeCapability && arch > best) best = arch;
        }
        if (best < 0) return Optional.empty();
        String resource = DIR + name + ".sm_" + best + ".ptx";
        try (InputStream in = PtxKernels.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("kernel list names " + resource + " but the jar lacks it");
            return Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel resource " + resource, e);
        }
    }
}
