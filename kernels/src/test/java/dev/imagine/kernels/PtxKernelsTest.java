package dev.imagine.kernels;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PtxKernelsTest {
    private static boolean nvccPresent() {
        String path = System.getenv().getOrDefault("PATH", "");
        boolean onPath = Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "nvcc")));
        return onPath || Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"));
    }

    @Test
    void rmsnormPtxIsPackagedWhenNvccExists() {
        if (!nvccPresent()) {
            assertTrue(PtxKernels.available().isEmpty(), "no nvcc, so no PTX");
            return;
        }
        assertTrue(PtxKernels.available().containsAll(java.util.List.of("rmsnorm.sm_80.ptx", "rmsnorm.sm_90.ptx")),
                "PTX list: " + PtxKernels.available());
        String sm90 = new String(PtxKernels.ptx("rmsnorm", 90).orElseThrow(), StandardCharsets.US_ASCII);
        assertTrue(sm90.contains(".target sm_90"), "sm_90 PTX targets sm_90");
        assertTrue(sm90.contains(".entry rmsnorm_f32") && sm90.contains(".entry rmsnorm_bf16"));
        // capability 8.9 (Ada) runs the sm_80 build; 7.5 has none
        String sm89 = new String(PtxKernels.ptx("rmsnorm", 89).orElseThrow(), StandardCharsets.US_ASCII);
        assertTrue(sm89.contains(".target sm_80"));
        assertEquals(java.util.Optional.empty(), PtxKernels.ptx("rmsnorm", 75));
    }
}
