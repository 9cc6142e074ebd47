package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;

/**
 * What the elementwise ops' fast path shares: when it applies, and when it splits across
 * threads.
 *
 * <p>The fast path covers the common case, a contiguous input of the output's shape and dtype
 * (float32 or float64): the op's own loop runs over plain arrays, split into contiguous ranges
 * by {@link dev.gradus.tensor.Parallel#forRange}; a binary op's input that repeats along the
 * output ({@link #trailingPeriod}: a bias row, a scalar) runs the same loop once per
 * repetition. Every other layout (strided views, other broadcasts, mixed dtypes) goes through
 * the general strided loops of {@link dev.gradus.tensor.Loops}, which apply the scalar form.
 */
final class Elementwise {
    /**
     * Elements per thread below which a kernel stays on the calling thread. Waking a worker
     * and waiting for it costs a few microseconds; 32K elements of the cheapest op (a float add)
     * take about as long, so a split pays from 64K elements.
     */
    static final int GRAIN = 1 << 15;

    /**
     * {@link #GRAIN} for kernels that evaluate a polynomial or a division per element (exp,
     * tanh, sigmoid: about 2 ns per element on one core), so that a tanh over a 64 × 256
     * activation is shared by two threads.
     */
    static final int COSTLY_GRAIN = 1 << 12;

    private Elementwise() {
    }

    /**
     * Returns the period with which a broadcast input repeats along {@code out}, or -1 when the
     * fast path does not cover it: {@code x} is contiguous, of {@code out}'s float dtype, and its
     * shape (leading size-1 axes ignored) is {@code out}'s trailing axes, so element {@code k}
     * of {@code out} reads element {@code k % period} of {@code x} — a bias row, or a scalar
     * (period 1).
     */
    static int trailingPeriod(Tensor x, Tensor out) {
        DType t = out.dtype();
        if (!(t == DType.FLOAT64 || t == DType.FLOAT32) || x.dtype() != t || !x.isContiguous() || !out.isContiguous()
                || x.size() == 0) {
            return -1;
        }
        int lead = 0;
        while (lead < x.rank() && x.shape().dim(lead) == 1) {
            lead++;
        }
        int kept = x.rank() - lead;
        if (kept > out.rank()) {
            return -1;
        }
        for (int i = 0; i < kept; i++) {
            if (x.shape().dim(lead + i) != out.shape().dim(out.rank() - kept + i)) {
                return -1;
            }
        }
        return x.size();
    }

    /** Per-thread rows of a repeated scalar, so scalar-broadcast kernels allocate nothing after a thread's first use. */
    static final int SCALAR_CHUNK = 512;
    private static final ThreadLocal<float[]> FLOAT_ROW = ThreadLocal.withInitial(() -> new float[SCALAR_CHUNK]);
    private static final ThreadLocal<double[]> DOUBLE_ROW = ThreadLocal.withInitial(() -> new double[SCALAR_CHUNK]);

    /** Returns this thread's row of {@link #SCALAR_CHUNK} copies of {@code v}. */
    static float[] floatRow(float v) {
        float[] row = FLOAT_ROW.get();
        // A row is filled whole, so its first element tells which value it holds.
        if (Float.floatToRawIntBits(row[0]) != Float.floatToRawIntBits(v)) {
            java.util.Arrays.fill(row, v);
        }
        return row;
    }

    /** Returns this thread's row of {@link #SCALAR_CHUNK} copies of {@code v}. */
    static double[] doubleRow(double v) {
        double[] row = DOUBLE_ROW.get();
        if (Double.doubleToRawLongBits(row[0]) != Double.doubleToRawLongBits(v)) {
            java.util.Arrays.fill(row, v);
        }
        return row;
    }

    /** Returns true if {@code x} is contiguous with {@code out}'s shape and dtype, a float dtype. */
    static boolean sameLayout(Tensor x, Tensor out) {
        DType t = out.dtype();
        return (t == DType.FLOAT64 || t == DType.FLOAT32) && x.dtype() == t && x.isContiguous() && out.isContiguous()
                && x.shape().equals(out.shape());
    }
}
