package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;

/**
 * What the elementwise ops' fast path shares: when it applies, and when it splits across
 * threads.
 *
 * <p>The fast path covers the common case, a contiguous input of the output's shape and dtype
 * (float32 or float64): the op's own loop runs over plain arrays, split into contiguous ranges
 * by {@link dev.gradus.tensor.Parallel#forRange}. Every other layout (strided views,
 * broadcasting, mixed dtypes) goes through the general strided loops of
 * {@link dev.gradus.tensor.Loops}, which apply the scalar form.
 */
final class Elementwise {
    /**
     * Elements per thread below which a kernel stays on the calling thread. Waking a worker
     * and waiting for it costs a few microseconds; 32K elements of the cheapest op (a float add)
     * take about as long, so a split pays from 64K elements.
     */
    static final int GRAIN = 1 << 15;

    private Elementwise() {
    }

    /** Returns true if {@code x} is contiguous with {@code out}'s shape and dtype, a float dtype. */
    static boolean sameLayout(Tensor x, Tensor out) {
        DType t = out.dtype();
        return (t == DType.FLOAT64 || t == DType.FLOAT32) && x.dtype() == t && x.isContiguous() && out.isContiguous()
                && x.shape().equals(out.shape());
    }
}
