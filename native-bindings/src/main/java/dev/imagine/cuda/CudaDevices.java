package dev.imagine.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Discovers CUDA devices without ever failing: on a machine with no driver or no GPU the result is
 * empty and {@link Discovery#whyNone()} says why in one line.
 *
 * <p>Usage: {@code var found = CudaDevices.discover(); found.devices().forEach(System.out::println);}
 */
public final class CudaDevices {
    private CudaDevices() {
    }

    /** Devices found, or none with the reason. */
    public record Discovery(List<CudaDevice> devices, int driverVersion, String whyNone) {
        public boolean any() {
            return !devices.isEmpty();
        }

        /** Driver version as "major.minor", or null when there is no driver. */
        public String driverVersionText() {
            return driverVersion <= 0 ? null : (driverVersion / 1000) + "." + (driverVersion % 1000) / 10;
        }
    }

    public static Discovery discover() {
        var driver = CudaDriver.load();
        if (driver.isEmpty()) return new Discovery(List.of(), 0, CudaDriver.unavailableReason());
        CudaDriver cu = driver.get();
        try {
            int count = cu.deviceCount();
            List<CudaDevice> devices = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int d = cu.device(i);
                devices.add(new CudaDevice(i, cu.deviceName(d), cu.totalMemoryBytes(d),
                        cu.attribute(d, CudaDriver.ATTR_COMPUTE_CAPABILITY_MAJOR),
                        cu.attribute(d, CudaDriver.ATTR_COMPUTE_CAPABILITY_MINOR),
                        cu.attribute(d, CudaDriver.ATTR_MULTIPROCESSOR_COUNT)));
            }
            return new Discovery(List.copyOf(devices), cu.driverVersion(),
                    devices.isEmpty() ? "the NVIDIA driver is installed but reports no CUDA device" : null);
        } catch (CudaException e) {
            return new Discovery(List.of(), 0, "CUDA device query failed: " + e.getMessage());
        }
    }
}
