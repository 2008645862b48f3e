package dev.imagine.engine.cuda;

import dev.imagine.cuda.CudaDevices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where the engine computes. {@code auto} picks CUDA when a device and kernels are present, else the CPU,
 * and says so in one log line (once per process) when it falls back.
 *
 * <p>Usage: {@code ComputeDevice d = ComputeDevice.select("auto");}
 */
public enum ComputeDevice {
    CPU, CUDA;

    private static final Logger LOG = LoggerFactory.getLogger(ComputeDevice.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    /**
     * @param requested "auto", "cpu" or "cuda"; "cuda" without a device is an error naming the reason.
     *                  Until the CUDA backend implements the whole model, "auto" chooses the CPU for the model
     *                  and only logs what the GPU could do.
     */
    public static ComputeDevice select(String requested) {
        var found = CudaDevices.discover();
        return switch (requested) {
            case "cpu" -> CPU;
            case "cuda" -> {
                if (!found.any()) throw new IllegalArgumentException("--device cuda: " + found.whyNone());
                yield CUDA;
            }
            case "auto" -> {
                if (!found.any()) {
                    if (FALLBACK_LOGGED.compareAndSet(false, true)) LOG.info("no CUDA device ({}); running on the CPU", found.whyNone());
                } else if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                    LOG.info("CUDA device {} found; the CUDA backend covers RMSNorm only so far, so the model runs on the CPU",
                            found.devices().getFirst().name());
                }
                yield CPU;
            }
            default -> throw new IllegalArgumentException("unknown device '" + requested + "' (auto, cpu or cuda)");
        };
    }
}
