package dev.imagine.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into the CUDA driver API ({@code libcuda.so.1}), bound at run time so that the project
 * builds and runs on machines with no GPU and no CUDA installation.
 *
 * <p>Usage: {@code CudaDriver.load().ifPresent(cu -> System.out.println(cu.deviceCount()));}
 *
 * <p>Each method checks the {@code CUresult} and throws {@link CudaException} naming the call and the
 * driver's error name. Only the calls the engine needs are bound; add more the same way.
 */
public final class CudaDriver {
    /** CU_DEVICE_ATTRIBUTE_* values from cuda.h. */
    public static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    public static final int ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
    public static final int ATTR_COMPUTE_CAPABILITY_MINOR = 76;

    private static final String LIBRARY = "libcuda.so.1";
    private static volatile Object loaded; // a CudaDriver, or the String reason it could not be loaded

    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceTotalMem, cuDeviceGetAttribute, cuGetErrorName, cuDevicePrimaryCtxRetain, cuCtxSetCurrent,
            cuModuleLoadData, cuModuleGetFunction, cuMemAlloc, cuMemFree, cuMemcpyHtoD, cuMemcpyDtoH,
            cuLaunchKernel, cuCtxSynchronize;

    private CudaDriver(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        cuInit = bind(linker, lib, "cuInit", JAVA_INT);
        cuDriverGetVersion = bind(linker, lib, "cuDriverGetVersion", ADDRESS);
        cuDeviceGetCount = bind(linker, lib, "cuDeviceGetCount", ADDRESS);
        cuDeviceGet = bind(linker, lib, "cuDeviceGet", ADDRESS, JAVA_INT);
        cuDeviceGetName = bind(linker, lib, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceTotalMem = bind(linker, lib, "cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
        cuDeviceGetAttribute = bind(linker, lib, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        cuGetErrorName = bind(linker, lib, "cuGetErrorName", JAVA_INT, ADDRESS);
        cuDevicePrimaryCtxRetain = bind(linker, lib, "cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        cuCtxSetCurrent = bind(linker, lib, "cuCtxSetCurrent", ADDRESS);
        cuModuleLoadData = bind(linker, lib, "cuModuleLoadData", ADDRESS, ADDRESS);
        cuModuleGetFunction = bind(linker, lib, "cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
        cuMemAlloc = bind(linker, lib, "cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        cuMemFree = bind(linker, lib, "cuMemFree_v2", JAVA_LONG);
        cuMemcpyHtoD = bind(linker, lib, "cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
        cuMemcpyDtoH = bind(linker, lib, "cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
        cuLaunchKernel = bind(linker, lib, "cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        cuCtxSynchronize = bind(linker, lib, "cuCtxSynchronize");
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, ValueLayout... args) {
        MemorySegment symbol = lib.find(name)
                .orElseThrow(() -> new CudaException(LIBRARY + " has no symbol " + name + " (driver too old?)"));
        return linker.downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, args));
    }

    /**
     * The driver, loaded and initialised ({@code cuInit(0)}) once per process; empty when there is none.
     * {@link #unavailableReason()} then says why.
     */
    public static Optional<CudaDriver> load() {
        Object state = loaded;
        if (state == null) {
            synchronized (CudaDriver.class) {
                state = loaded;
                if (state == null) {
                    state = tryLoad();
                    loaded = state;
                }
            }
        }
        return state instanceof CudaDriver driver ? Optional.of(driver) : Optional.empty();
    }

    /** Why {@link #load()} is empty, in one line; null when the driver loaded. */
    public static String unavailableReason() {
        load();
        return loaded instanceof String reason ? reason : null;
    }

    private static Object tryLoad() {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException notFound) {
            return "no NVIDIA driver: " + LIBRARY + " is not installed or not on the library path";
        }
        try {
            CudaDriver driver = new CudaDriver(lib);
            driver.check(driver.call(driver.cuInit, 0), "cuInit");
            return driver;
        } catch (CudaException e) {
            return "the NVIDIA driver did not initialise: " + e.getMessage();
        }
    }

    /** The driver's CUDA version as an int, e.g. 13000 for 13.0. */
    public int driverVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(call(cuDriverGetVersion, out), "cuDriverGetVersion");
            return out.get(JAVA_INT, 0);
        }
    }

    public int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(call(cuDeviceGetCount, out), "cuDeviceGetCount");
            return out.get(JAVA_INT, 0);
        }
    }

    /** The CUdevice handle of the device with this ordinal. */
    public int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(call(cuDeviceGet, out, ordinal), "cuDeviceGet(" + ordinal + ")");
            return out.get(JAVA_INT, 0);
        }
    }

    public String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(256);
            check(call(cuDeviceGetName, out, 256, device), "cuDeviceGetName");
            return out.getString(0);
        }
    }

    public long totalMemoryBytes(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check(call(cuDeviceTotalMem, out, device), "cuDeviceTotalMem");
            return out.get(JAVA_LONG, 0);
        }
    }

    public int attribute(int device, int attribute) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(call(cuDeviceGetAttribute, out, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
            return out.get(JAVA_INT, 0);
        }
    }

    /** Retains the device's primary context and makes it current on the calling thread; returns the CUcontext. */
    public MemorySegment usePrimaryContext(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(call(cuDevicePrimaryCtxRetain, out, device), "cuDevicePrimaryCtxRetain");
            MemorySegment ctx = out.get(ADDRESS, 0);
            check(call(cuCtxSetCurrent, ctx), "cuCtxSetCurrent");
            return ctx;
        }
    }

    /** Loads a PTX (NUL-terminated text) or cubin image into the current context; returns the CUmodule. */
    public MemorySegment loadModule(byte[] image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(image.length + 1L);
            MemorySegment.copy(image, 0, data, ValueLayout.JAVA_BYTE, 0, image.length);
            MemorySegment out = arena.allocate(ADDRESS);
            check(call(cuModuleLoadData, out, data), "cuModuleLoadData");
            return out.get(ADDRESS, 0);
        }
    }

    public MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(call(cuModuleGetFunction, out, module, arena.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
            return out.get(ADDRESS, 0);
        }
    }

    /** Allocates device memory; returns the CUdeviceptr. */
    public long malloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check(call(cuMemAlloc, out, bytes), "cuMemAlloc(" + bytes + " bytes)");
            return out.get(JAVA_LONG, 0);
        }
    }

    public void free(long devicePointer) {
        check(call(cuMemFree, devicePointer), "cuMemFree");
    }

    public void copyToDevice(long devicePointer, MemorySegment host) {
        check(call(cuMemcpyHtoD, devicePointer, host, host.byteSize()), "cuMemcpyHtoD");
    }

    public void copyToHost(MemorySegment host, long devicePointer) {
        check(call(cuMemcpyDtoH, host, devicePointer, host.byteSize()), "cuMemcpyDtoH");
    }

    /**
     * Launches a kernel. {@code params} is an array of pointers, one per kernel argument, each pointing
     * at that argument's value (the driver API's {@code kernelParams}).
     */
    public void launch(MemorySegment function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                       int sharedBytes, MemorySegment params) {
        check(call(cuLaunchKernel, function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
                MemorySegment.NULL, params, MemorySegment.NULL), "cuLaunchKernel");
    }

    public void synchronize() {
        check(call(cuCtxSynchronize), "cuCtxSynchronize");
    }

    private int call(MethodHandle handle, Object... args) {
        try {
            return (int) handle.invokeWithArguments(args);
        } catch (Throwable t) {
            throw new CudaException("CUDA driver call failed: " + t, t);
        }
    }

    private void check(int result, String what) {
        if (result == 0) return;
        String name = "CUDA error " + result;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            if ((int) cuGetErrorName.invokeExact(result, out) == 0) {
                name = out.get(ADDRESS, 0).reinterpret(128).getString(0) + " (" + result + ")";
            }
        } catch (Throwable ignored) {
            // keep the numeric code
        }
        throw new CudaException(what + " failed: " + name);
    }
}
