package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * log-softmax along one axis: {@code y_i = x_i − log Σ_j exp(x_j)} over each line along
 * {@code axis}; same dtype and shape as the input.
 *
 * <p>Computed as {@code (x_i − m) − log Σ_j exp(x_j − m)} with {@code m} the line's
 * maximum: the sum lies in [1, n], so the result is finite and accurate for large |x|
 * (log(softmax(x)) would give log 0 = −∞ where softmax underflows). A line whose maximum is
 * ±∞ or NaN gives NaN.
 */
public final class LogSoftmax extends Op {
    private final int axis;

    /**
     * Creates log-softmax along {@code axis}.
     *
     * @param axis the normalized (non-negative) axis
     * @throws IllegalArgumentException if {@code axis} is negative
     */
    public LogSoftmax(int axis) {
        super("logSoftmax");
        this.axis = AxisLoops.checkNormalized(name(), axis);
    }

    /** Returns the axis the log-softmax normalizes over. */
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
     * Three passes per line, no scratch: the maximum m, then Σ exp(x − m), then
     * {@code out = (x − m) − log Σ}. Float32 computes in double and rounds once.
     * Allocation-free.
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
            for (int k = 0, i = xi; k < n; k++, i += xs) {
                sum += Math.exp(x.getAt(i) - m);
            }
            double logSum = Math.log(sum);
            for (int k = 0, i = xi, o = oi; k < n; k++, i += xs, o += os) {
                out.setAt(o, (x.getAt(i) - m) - logSum);
            }
        }
    }

    /** The reverse rule, with y = logSoftmax(x) and g the output gradient. */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        // d y_i / d x_j = δ_ij − softmax_j = δ_ij − exp(y_j)  ⇒  dx = g − exp(y) ⊙ Σ_axis g
        T total = b.sum(gradOut, new int[] {axis}, true);
        return List.of(Partial.of(b.sub(gradOut, b.mul(b.exp(output), total))));
    }

    @Override
    public String parameters() {
        return "axis=" + axis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogSoftmax ls && ls.axis == axis;
    }

    @Override
    public int hashCode() {
        return axis * 31 + 5;
    }
}
