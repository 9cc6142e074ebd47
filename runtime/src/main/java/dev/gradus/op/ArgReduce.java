package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * argmax / argmin along one axis: the INT32 position, along {@code axis}, of the largest
 * (smallest) element of each line. The output shape is
 * {@code x.shape().reduce(new int[] {axis}, keepDims)}.
 *
 * <p>As in numpy, the first position wins on ties, and NaN counts as the extreme: a line
 * containing NaN gives the position of its first NaN. A line of zero elements has no
 * answer, so {@link #infer} rejects an empty axis when the output has elements. No
 * gradient flows (the output holds indices).
 */
public final class ArgReduce extends Op {
    private final boolean max;
    private final int axis;
    private final boolean keepDims;

    /**
     * Creates argmax ({@code max} true) or argmin along {@code axis}.
     *
     * @param max true for argmax, false for argmin
     * @param axis the normalized (non-negative) axis
     * @param keepDims whether the reduced axis stays in the output as size 1
     * @throws IllegalArgumentException if {@code axis} is negative
     */
    public ArgReduce(boolean max, int axis, boolean keepDims) {
        super(max ? "argmax" : "argmin");
        this.max = max;
        this.axis = AxisLoops.checkNormalized(name(), axis);
        this.keepDims = keepDims;
    }

    /** Returns true for argmax, false for argmin. */
    public boolean isMax() {
        return max;
    }

    /** Returns the axis searched along. */
    public int axis() {
        return axis;
    }

    /** Returns whether the searched axis stays as size 1. */
    public boolean keepDims() {
        return keepDims;
    }

    @Override
    public int arity() {
        return 1;
    }

    /**
     * Returns INT32 with shape {@code x.shape().reduce(new int[] {axis}, keepDims)}.
     *
     * @throws IllegalArgumentException if the input is not float, the axis is out of range,
     *     or the axis is empty while the output is not
     */
    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType x = inputs.get(0);
        AxisLoops.checkFloat(this, x);
        Shape s = x.shape();
        AxisLoops.checkAxis(this, axis, s);
        Shape out = s.reduce(new int[] {axis}, keepDims);
        if (s.dim(axis) == 0 && out.size() > 0) {
            throw new IllegalArgumentException(name() + " along axis " + axis + " of shape " + s
                    + " searches zero elements");
        }
        return new TensorType(DType.INT32, out);
    }

    /** Writes the position of each line's extreme into {@code out}. Allocation-free. */
    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        int n = x.shape().dim(axis);
        int stride = x.stride(axis);
        int[] o = out.int32Data();
        int oo = out.offset();
        for (int line = 0, lines = out.size(); line < lines; line++) {
            int i = AxisLoops.lineStart(x, axis, line);
            double best = x.getAt(i);
            int bestAt = 0;
            // best != best: the first element is NaN and already wins.
            for (int k = 1; k < n && best == best; k++) {
                i += stride;
                double v = x.getAt(i);
                // Strict comparisons keep the first of equal elements; NaN beats everything.
                if (v != v || (max ? v > best : v < best)) {
                    best = v;
                    bestAt = k;
                }
            }
            o[oo + line] = bestAt;
        }
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        return List.of(Partial.none(name() + " returns integer indices"));
    }

    @Override
    public String parameters() {
        return "axis=" + axis + (keepDims ? ", keepDims=true" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArgReduce a && a.max == max && a.axis == axis && a.keepDims == keepDims;
    }

    @Override
    public int hashCode() {
        return ((axis * 2 + (max ? 1 : 0)) * 2 + (keepDims ? 1 : 0)) * 31 + 17;
    }
}
