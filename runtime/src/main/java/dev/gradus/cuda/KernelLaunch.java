package dev.gradus.cuda;

/**
 * A kernel bound to its device arrays and element count, made once by
 * {@link CudaEngine#prepare} and launched any number of times without allocating on the
 * Java heap.
 */
public interface KernelLaunch {
    /**
     * Sets the value passed for a {@link KernelSpec.InputKind#SCALAR} input at the next
     * launches (rounded to float for FLOAT32 kernels). Allocation-free.
     *
     * @param input the input's index in {@link KernelSpec#inputs()}
     * @throws IllegalArgumentException if that input is not a scalar
     */
    void setScalar(int input, double value);

    /**
     * Queues the kernel on the engine's stream; it runs after earlier launches and before
     * later copies, so results are visible to the next {@link CudaEngine#toHost}.
     *
     * @throws IllegalStateException if the engine is closed or the driver refuses the launch
     */
    void launch();
}
