package dev.gradus.op;

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
public final class LogSoftmax extends AlongAxis {
    /**
     * Creates log-softmax along {@code axis}.
     *
     * @param axis the axis; negative counts from the end of the input's rank
     */
    public LogSoftmax(int axis) {
        super("logSoftmax", axis);
    }

    /**
     * Given the line's maximum m: Σ exp(x − m), then {@code out = (x − m) − log Σ}. Float32
     * computes in double and rounds once. Allocation-free.
     */
    @Override
    void line(Tensor x, int xi, int xs, Tensor out, int oi, int os, int n, double m) {
        double sum = 0.0;
        for (int k = 0, i = xi; k < n; k++, i += xs) {
            sum += Math.exp(x.getAt(i) - m);
        }
        double logSum = Math.log(sum);
        for (int k = 0, i = xi, o = oi; k < n; k++, i += xs, o += os) {
            out.setAt(o, (x.getAt(i) - m) - logSum);
        }
    }

    /** The reverse rule, with y = logSoftmax(x) and g the output gradient. */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        // d y_i / d x_j = δ_ij − softmax_j = δ_ij − exp(y_j)  ⇒  dx = g − exp(y) ⊙ Σ_axis g
        T total = b.sum(gradOut, new int[] {axis()}, true);
        return List.of(Partial.of(b.sub(gradOut, b.mul(b.exp(output), total))));
    }
}
