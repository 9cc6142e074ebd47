package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * softmax along one axis: {@code y_i = exp(x_i) / Σ_j exp(x_j)} over each line along
 * {@code axis}; same dtype and shape as the input.
 *
 * <p>Computed as {@code exp(x_i − m) / Σ_j exp(x_j − m)} with {@code m} the line's maximum,
 * so large |x| neither overflows nor underflows to 0/0. A line whose maximum is ±∞ or NaN
 * gives NaN (as in JAX and PyTorch).
 */
public final class Softmax extends Op {
    private final int axis;

    /**
     * Creates softmax along {@code axis}.
     *
     * @param axis the normalized (non-negative) axis
     * @throws IllegalArgumentException if {@code axis} is negative
     */
    public Softmax(int axis) {
        super("softmax");
        this.axis = AxisLoops.checkNormalized(name(), axis);
    }

    /** Returns the axis the softmax normalizes over. */
    public int axis() {
        return axis;
    }

    @Override
    public int arity() {
        return 1;
    }

    /**
     * Returns the input's type.
     *
     * @throws IllegalArgumentException if the input is not float or the axis is out of range
     */
    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType x = inputs.get(0);
        AxisLoops.checkFloat(this, x);
        AxisLoops.checkAxis(this, axis, x.shape());
        return x;
    }

    /**
     * Three passes per line, no scratch: the maximum, then {@code exp(x − m)} written to
     * {@code out} while summing, then {@code out} divided by the sum. Float32 computes in
     * double and rounds on each write. Allocation-free.
     */
    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        Shape s = x.shape();
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
            double sum = 0.0;
            for (int k = 0, i = xi, o = oi; k < n; k++, i += xs, o += os) {
                double e = Math.exp(x.getAt(i) - m);
                out.setAt(o, e);
                sum += e;
            }
            for (int k = 0, o = oi; k < n; k++, o += os) {
                out.setAt(o, out.getAt(o) / sum);
            }
        }
    }

    /** The reverse rule, with y = softmax(x) and g the output gradient. */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        // d softmax_i / d x_j = s_i (δ_ij − s_j)  ⇒  dx = y ⊙ (g − Σ_axis g⊙y)
        T dot = b.sum(b.mul(gradOut, output), new int[] {axis}, true);
        return List.of(Partial.of(b.mul(output, b.sub(gradOut, dot))));
    }

    @Override
    public String parameters() {
        return "axis=" + axis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Softmax sm && sm.axis == axis;
    }

    @Override
    public int hashCode() {
        return axis * 31 + 3;
    }
}
