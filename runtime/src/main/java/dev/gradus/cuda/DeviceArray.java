package dev.gradus.cuda;

import dev.gradus.tensor.DType;

/**
 * An array in device memory, made by {@link CudaEngine#allocate} and freed when its engine
 * closes. Opaque: only its engine reads or writes it.
 */
public interface DeviceArray {
    /** Returns the element type. */
    DType dtype();

    /** Returns the number of elements. */
    int size();
}
