package dev.gradus.cuda;

import dev.gradus.op.Op;
import dev.gradus.tensor.DType;

/**
 * Where the CUDA engine gets its kernels: PTX text for {@link KernelSpec}s. Implementations
 * are pure functions of their arguments (no GPU needed), so the text can be checked with
 * {@code ptxas} on any machine with the CUDA toolkit.
 */
public interface KernelSource {
    /** Returns true when {@code op} may appear in a {@link KernelSpec.Step} of this source. */
    boolean supports(Op op);

    /**
     * Returns a complete PTX module (with {@code .version}, {@code .target} and
     * {@code .address_size 64}) holding one {@code .entry} named {@code spec.entryName()} that
     * computes the chain over {@code n} elements with a grid-stride loop.
     *
     * @param spec the chain; every op must be {@link #supports supported}
     * @param dtype FLOAT32 or FLOAT64
     * @throws IllegalArgumentException if an op is not supported or the dtype is not a float
     */
    String module(KernelSpec spec, DType dtype);
}
