package dev.gradus.cuda;

/**
 * CUDA cannot be used here: no NVIDIA driver, no CUDA device, JCuda's native library missing
 * or unloadable, or no kernel generator on the class path. The message says which.
 */
public final class CudaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param reason what is missing, phrased for a user ("no CUDA device found")
     * @param cause the underlying error, or null
     */
    public CudaUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
