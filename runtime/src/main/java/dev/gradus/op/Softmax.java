package dev.gradus.op;

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
public final class Softmax extends AlongAxis {
    /**
     * Creates softmax along {@code axis}.
     *
     * @param axis the axis; negative counts from the end of the input's rank
     */
    public Softmax(int axis) {
        super("softmax", axis);
    }

    /**
     * Given the line's maximum m: {@code exp(x − m)} written to {@code out} while summing, then
     * {@code out} divided by the sum. Float32 computes in double and rounds on each write.
     * Allocation-free.
     */
    @Override
    void line(Tensor x, int xi, int xs, Tensor out, int oi, int os, int n, double m) {
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

    /** The reverse rule, with y = softmax(x) and g the output gradient. */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        // d softmax_i / d x_j = s_i (δ_ij − s_j)  ⇒  dx = y ⊙ (g − Σ_axis g⊙y)
        T dot = b.sum(b.mul(gradOut, output), new int[] {axis()}, true);
        return List.of(Partial.of(b.mul(output, b.sub(gradOut, dot))));
    }
}
