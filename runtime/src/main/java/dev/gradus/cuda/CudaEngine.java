package dev.gradus.cuda;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * One CUDA context on one device: device arrays, copies between host tensors and device
 * arrays through a page-locked staging buffer, and elementwise kernels built from a
 * {@link KernelSource}. Made by {@link Cuda#open}; the TapeMachine holds one per machine.
 *
 * <p>This interface names no JCuda type, so code that merely refers to it loads no JCuda
 * class. Not thread-safe. {@link #close()} frees every device array, module, the staging
 * buffer and the context at once.
 */
public interface CudaEngine extends AutoCloseable {
    /** Returns the device's name as the driver reports it, e.g. {@code NVIDIA H100 80GB HBM3}. */
    String deviceName();

    /** Returns the kernel source this engine builds its kernels from. */
    KernelSource kernels();

    /**
     * Allocates an uninitialized device array. Allocates device memory, freed by {@link #close()}.
     *
     * @throws IllegalArgumentException if the dtype is not FLOAT32 or FLOAT64, or the size is below 1
     * @throws IllegalStateException if the engine is closed or the device is out of memory
     */
    DeviceArray allocate(DType dtype, int size);

    /**
     * Copies {@code src} (any strides) into {@code dst}, through the staging buffer. Counts one
     * copy to the device. Allocates nothing once the staging buffer has grown to the size.
     *
     * @throws IllegalArgumentException if dtypes or element counts differ
     * @throws IllegalStateException if the engine is closed or the copy fails
     */
    void toDevice(Tensor src, DeviceArray dst);

    /**
     * Copies {@code src} into the contiguous tensor {@code dst}, waiting for queued kernels
     * first. Counts one copy to the host. Allocates nothing once the staging buffer has grown.
     *
     * @throws IllegalArgumentException if dtypes or element counts differ, or {@code dst} is
     *     not contiguous
     * @throws IllegalStateException if the engine is closed or the copy fails
     */
    void toHost(DeviceArray src, Tensor dst);

    /**
     * Binds the kernel for {@code spec} to its arrays. The PTX module for the spec's structure
     * and dtype is generated and loaded once per engine and cached.
     *
     * @param spec the chain to run
     * @param dtype FLOAT32 or FLOAT64, the dtype of every array
     * @param out the result array, at least {@code n} elements
     * @param arrays one entry per spec input: the array for an ARRAY input, null for a SCALAR
     *     one (set its value with {@link KernelLaunch#setScalar})
     * @param n the element count
     * @throws IllegalArgumentException if the arrays do not match the spec, or the kernel
     *     source refuses the spec
     * @throws IllegalStateException if the engine is closed or the driver refuses the module
     */
    KernelLaunch prepare(KernelSpec spec, DType dtype, DeviceArray out, List<DeviceArray> arrays, int n);

    /** Makes this engine's context current on the calling thread; cheap, call before work from a new thread. */
    void makeCurrent();

    /** Waits until all queued work has finished. @throws IllegalStateException if queued work failed */
    void synchronize();

    /**
     * Runs {@code work} between two CUDA events on the engine's stream and returns the
     * device time between them in milliseconds (waits for the second event).
     */
    float elapsedMillis(Runnable work);

    /** Returns the number of {@link #toDevice} copies since the engine was made. */
    long copiesToDevice();

    /** Returns the number of {@link #toHost} copies since the engine was made. */
    long copiesToHost();

    /** Returns the number of kernel launches since the engine was made. */
    long launches();

    /**
     * Frees every device array, module, event, the staging buffer and the context, at once.
     * Idempotent; afterwards every other method throws {@link IllegalStateException}.
     *
     * @throws IllegalStateException if the driver reports a failure while freeing (everything
     *     is still attempted)
     */
    @Override
    void close();
}
