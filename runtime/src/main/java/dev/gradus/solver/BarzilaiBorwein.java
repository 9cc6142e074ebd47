package dev.gradus.solver;

import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Gradient descent with the Barzilai-Borwein step size (Barzilai and Borwein, 1988; the
 * "BB1" or long step), computed over all parameters together as if they were one vector.
 * With {@code g} the pre-processed gradient (see the package documentation) at step k:
 * <pre>
 *   s = w_k − w_{k−1}        (the previous step, all parameters)
 *   y = g_k − g_{k−1}        (the change of gradient)
 *   α_k = (s·s) / (s·y)      clamped to [minStep, maxStep]   when k ≥ 1 and s·y &gt; 0
 *   α_k = lr                                                 at the first step, or when s·y ≤ 0
 *   w ← w − α_k·g
 * </pre>
 * The fallback to {@code lr} when {@code s·y ≤ 0} covers non-convex regions (negative
 * curvature along s), a step that did not move ({@code s = 0}), and NaN. The method suits
 * full-batch, deterministic gradients; with noisy minibatch gradients the BB step can be
 * erratic, which the step bounds and {@code clip} can tame.
 *
 * <p>Options: those of {@link SolverBuilder} (learnRate, the first and fallback step,
 * default 1e-3) and {@code stepBounds} (default [0, +∞): no clamping). State:
 * {@code "p/previousValue"}, {@code "p/previousGradient"} (w_{k−1} and the pre-processed
 * g_{k−1}) and {@code "t"}.
 */
public final class BarzilaiBorwein extends BaseSolver {
    /** The default learn rate (first and fallback step), 1e-3. */
    public static final double DEFAULT_LEARN_RATE = 1e-3;

    private final double learnRate;
    private final double minStep;
    private final double maxStep;
    private double lastStepSize = Double.NaN;

    private BarzilaiBorwein(Builder b) {
        super(b.gradientOptions(), List.of("previousValue", "previousGradient"));
        this.learnRate = options.learnRate();
        this.minStep = b.minStep;
        this.maxStep = b.maxStep;
    }

    /** Returns a builder with the default options. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the step size α used by the last step, or NaN before the first step. */
    public double lastStepSize() {
        return lastStepSize;
    }

    @Override
    void update(Tensor[] values, Tensor[] gradients, int count, long t) {
        // Pass 1: pre-process the gradients, accumulate s·s and s·y, and keep w_k and g_k as the
        // next step's "previous" (the old ones are needed only here).
        double ss = 0;
        double sy = 0;
        for (int p = 0; p < count; p++) {
            Tensor w = values[p];
            Tensor g = gradients[p];
            Tensor previousValue = state[p][0];
            Tensor previousGradient = state[p][1];
            int wOffset = w.offset();
            for (int k = 0, n = w.size(); k < n; k++) {
                double wk = w.getAt(wOffset + k);
                double gk = options.apply(gradientAt(g, k), wk);
                double s = wk - previousValue.getAt(k);
                double y = gk - previousGradient.getAt(k);
                ss += s * s;
                sy += s * y;
                previousValue.setAt(k, wk);
                previousGradient.setAt(k, gk);
            }
        }
        double alpha = learnRate;
        if (t > 1 && sy > 0) {
            alpha = Math.min(maxStep, Math.max(minStep, ss / sy));
        }
        lastStepSize = alpha;
        // Pass 2: w ← w − α·g with the pre-processed gradient kept in pass 1.
        for (int p = 0; p < count; p++) {
            Tensor w = values[p];
            Tensor previousGradient = state[p][1];
            int wOffset = w.offset();
            for (int k = 0, n = w.size(); k < n; k++) {
                w.setAt(wOffset + k, w.getAt(wOffset + k) - alpha * previousGradient.getAt(k));
            }
        }
    }

    @Override
    double updateElement(Tensor[] state, int k, double w, double g) {
        throw new AssertionError("BarzilaiBorwein updates all parameters together in update()");
    }

    @Override
    String describeOwnOptions() {
        return "minStep=" + minStep + ", maxStep=" + maxStep;
    }

    /** Options of {@link BarzilaiBorwein}: those of {@link SolverBuilder} and stepBounds. */
    public static final class Builder extends SolverBuilder<Builder, BarzilaiBorwein> {
        private double minStep = 0;
        private double maxStep = Double.POSITIVE_INFINITY;

        private Builder() {
            super(DEFAULT_LEARN_RATE);
        }

        /**
         * Clamps the Barzilai-Borwein step size α to {@code [minStep, maxStep]} (default
         * [0, +∞): no clamping). The first and fallback steps use the learn rate, unclamped.
         *
         * @throws IllegalArgumentException if {@code minStep} is negative or NaN, {@code maxStep}
         *     is not &gt; 0, or {@code minStep > maxStep}
         */
        public Builder stepBounds(double minStep, double maxStep) {
            Check.nonNegative("minStep", minStep);
            if (!(maxStep > 0)) {
                throw new IllegalArgumentException("maxStep must be > 0 (or +∞); got " + maxStep);
            }
            if (minStep > maxStep) {
                throw new IllegalArgumentException("minStep (" + minStep + ") must not exceed maxStep (" + maxStep + ")");
            }
            this.minStep = minStep;
            this.maxStep = maxStep;
            return this;
        }

        /** Returns a new {@link BarzilaiBorwein} with these options. */
        @Override
        public BarzilaiBorwein build() {
            return new BarzilaiBorwein(this);
        }
    }
}
