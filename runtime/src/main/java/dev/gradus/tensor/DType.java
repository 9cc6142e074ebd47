package dev.gradus.tensor;

/**
 * The element type of a {@link Tensor}.
 *
 * <p>FLOAT32 and FLOAT64 are the differentiable types. INT32 holds indices (argmax, gather,
 * one-hot input); BOOL holds comparison results as 0 or 1. INT32 and BOOL share an
 * {@code int[]} backing store.
 */
public enum DType {
    /** 32-bit IEEE 754 floating point, stored in a {@code float[]}. */
    FLOAT32("float32", 4),
    /** 64-bit IEEE 754 floating point, stored in a {@code double[]}. */
    FLOAT64("float64", 8),
    /** 32-bit signed integer, stored in an {@code int[]}. */
    INT32("int32", 4),
    /** Boolean as 0 or 1, stored in an {@code int[]}. */
    BOOL("bool", 4);

    private final String displayName;
    private final int byteSize;

    DType(String displayName, int byteSize) {
        this.displayName = displayName;
        this.byteSize = byteSize;
    }

    /** Returns true for FLOAT32 and FLOAT64, the types gradients flow through. */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** Returns the size of one element in bytes. */
    public int byteSize() {
        return byteSize;
    }

    /** Returns the lower-case name used in printing, e.g. {@code float64}. */
    @Override
    public String toString() {
        return displayName;
    }
}
