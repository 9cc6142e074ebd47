package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * An op that normalizes each line of its input along one axis, starting from the line's
 * maximum (softmax, log-softmax): same dtype and shape as the input. Holds the axis, the type
 * rule, printing and equality; the kernel walks the lines without scratch arrays and hands each
 * one, with its maximum, to {@link #line}.
 */
abstract class AlongAxis extends Op {
    private final int axis;

    /**
     * Creates the op.
     *
     * @param name op name
     * @param axis the axis; a negative axis counts from the end of each input's rank
     *     (the form the DSL's compile-time rules need before ranks are known)
     */
    AlongAxis(String name, int axis) {
        super(name);
        this.axis = axis;
    }

    /** Returns the axis the op normalizes over, as given (negative: counted from the end). */
    public final int axis() {
        return axis;
    }

    /** Returns the non-negative axis for an input of rank {@code rank} (not checked against it). */
    final int axisFor(int rank) {
        return axis < 0 ? axis + rank : axis;
    }

    @Override
    public final int arity() {
        return 1;
    }

    /**
     * Returns the input's type.
     *
     * @throws IllegalArgumentException if the input is not float or the axis is out of range
     */
    @Override
    public final TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType x = inputs.get(0);
        AxisLoops.checkFloat(this, x);
        int resolved = axisFor(x.shape().rank());
        if (resolved < 0 || resolved >= x.shape().rank()) {
            throw new IllegalArgumentException(name() + " axis " + axis + " is out of range for an input of rank "
                    + x.shape().rank() + " (shape " + x.shape() + ")");
        }
        return x;
    }

    /** Finds each line's maximum, then lets {@link #line} write the line. Allocation-free. */
    @Override
    public final void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        Shape s = x.shape();
        int axis = axisFor(s.rank());
        int n = s.dim(axis);
        int xs = x.stride(axis);
        int os = out.stride(axis);
        for (int line = 0, lines = AxisLoops.lineCount(s, axis); line < lines && n > 0; line++) {
            int xi = AxisLoops.lineStart(x, axis, line);
            int oi = AxisLoops.lineStart(out, axis, line);
            double m = Double.NEGATIVE_INFINITY;
            for (int k = 0, i = xi; k < n; k++, i += xs) {
                m = Math.max(m, x.getAt(i));
            }
            line(x, xi, xs, out, oi, os, n, m);
        }
    }

    /**
     * Writes one line: {@code n} elements of {@code x} from backing index {@code xi} by
     * {@code xs}, into {@code out} from {@code oi} by {@code os}; {@code max} is the line's
     * maximum. Must not allocate.
     */
    abstract void line(Tensor x, int xi, int xs, Tensor out, int oi, int os, int n, double max);

    @Override
    public final String parameters() {
        return "axis=" + axis;
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((AlongAxis) o).axis == axis;
    }

    @Override
    public final int hashCode() {
        return getClass().hashCode() * 31 + axis;
    }
}
