package dev.imagine.cuda;

/** One CUDA device as the driver reports it. */
public record CudaDevice(int ordinal, String name, long totalMemoryBytes, int computeMajor, int computeMinor,
                         int multiprocessors) {
    public String computeCapability() {
        return computeMajor + "." + computeMinor;
    }
}
