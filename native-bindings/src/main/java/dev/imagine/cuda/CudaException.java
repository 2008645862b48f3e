package dev.imagine.cuda;

/** A CUDA driver call failed, or the driver could not be loaded. The message names the call and the CUDA error. */
public final class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
