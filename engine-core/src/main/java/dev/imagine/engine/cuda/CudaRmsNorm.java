package dev.imagine.engine.cuda;

import dev.imagine.cuda.CudaDevice;
import dev.imagine.cuda.CudaDevices;
import dev.imagine.cuda.CudaDriver;
import dev.imagine.cuda.CudaException;
import dev.imagine.engine.tensor.DType;
import dev.imagine.kernels.PtxKernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * RMSNorm on a CUDA device through the PTX built from {@code kernels/src/main/cuda/rmsnorm.cu}:
 * {@code y[t,i] = x[t,i] / sqrt(mean_i x[t,i]² + eps) · w[i]}, x f32 or bf16, w and y f32.
 * The first kernel of the GPU backend: it proves the path .cu → PTX → jar → driver → launch.
 *
 * <p>Usage: {@code try (var norm = CudaRmsNorm.open().orElseThrow()) { norm.apply(x, DType.F32, w, y, rows, dim, 1e-6f); }}
 */
public final class CudaRmsNorm implements AutoCloseable {
    private static final int THREADS = 256; // a multiple of 32, as the kernel's block reduction needs

    private final CudaDriver cu;
    private final MemorySegment f32Kernel;
    private final MemorySegment bf16Kernel;

    private CudaRmsNorm(CudaDriver cu, MemorySegment f32Kernel, MemorySegment bf16Kernel) {
        this.cu = cu;
        this.f32Kernel = f32Kernel;
        this.bf16Kernel = bf16Kernel;
    }

    /** Opens device 0; empty when there is no device or no PTX fits it (the reason is in {@link CudaDevices#discover()}). */
    public static Optional<CudaRmsNorm> open() {
        var found = CudaDevices.discover();
        if (!found.any()) return Optional.empty();
        CudaDevice device = found.devices().getFirst();
        int capability = device.computeMajor() * 10 + device.computeMinor();
        Optional<byte[]> ptx = PtxKernels.ptx("rmsnorm", capability);
        if (ptx.isEmpty()) return Optional.empty();
        CudaDriver cu = CudaDriver.load().orElseThrow();
        cu.usePrimaryContext(cu.device(device.ordinal()));
        MemorySegment module = cu.loadModule(ptx.get());
        return Optional.of(new CudaRmsNorm(cu, cu.function(module, "rmsnorm_f32"), cu.function(module, "rmsnorm_bf16")));
    }

    /**
     * Normalises {@code rows} rows of {@code dim} values. x is host memory in {@code xType} (F32 or BF16),
     * w holds dim f32 values, y receives rows·dim f32 values. Copies in, launches, copies out.
     */
    public void apply(MemorySegment x, DType xType, MemorySegment w, MemorySegment y, int rows, int dim, float eps) {
        if (xType != DType.F32 && xType != DType.BF16) throw new IllegalArgumentException("rmsnorm input must be F32 or BF16, got " + xType);
        long xBytes = xType.bytes((long) rows * dim), yBytes = (long) rows * dim * 4;
        if (x.byteSize() < xBytes || w.byteSize() < dim * 4L || y.byteSize() < yBytes) {
            throw new IllegalArgumentException("rmsnorm buffers too small for " + rows + "x" + dim);
        }
        long dx = 0, dw = 0, dy = 0;
        try (Arena arena = Arena.ofConfined()) {
            dx = cu.malloc(xBytes);
            dw = cu.malloc(dim * 4L);
            dy = cu.malloc(yBytes);
            cu.copyToDevice(dx, x.asSlice(0, xBytes));
            cu.copyToDevice(dw, w.asSlice(0, dim * 4L));
            // kernelParams: one pointer per argument, each pointing at the argument's value
            MemorySegment params = arena.allocate(ValueLayout.ADDRESS, 5);
            params.setAtIndex(ValueLayout.ADDRESS, 0, arena.allocateFrom(ValueLayout.JAVA_LONG, dx));
            params.setAtIndex(ValueLayout.ADDRESS, 1, arena.allocateFrom(ValueLayout.JAVA_LONG, dw));
            params.setAtIndex(ValueLayout.ADDRESS, 2, arena.allocateFrom(ValueLayout.JAVA_LONG, dy));
            params.setAtIndex(ValueLayout.ADDRESS, 3, arena.allocateFrom(ValueLayout.JAVA_INT, dim));
            params.setAtIndex(ValueLayout.ADDRESS, 4, arena.allocateFrom(ValueLayout.JAVA_FLOAT, eps));
            cu.launch(xType == DType.F32 ? f32Kernel : bf16Kernel, rows, 1, 1, THREADS, 1, 1, 0, params);
            cu.synchronize();
            cu.copyToHost(y.asSlice(0, yBytes), dy);
        } finally {
            freeQuietly(dx);
            freeQuietly(dw);
            freeQuietly(dy);
        }
    }

    private void freeQuietly(long pointer) {
        if (pointer == 0) return;
        try {
            cu.free(pointer);
        } catch (CudaException ignored) {
            // the launch error, if any, is the one worth reporting
        }
    }

    @Override
    public void close() {
        // the primary context and module live as long as the process; nothing to release per instance
    }
}
