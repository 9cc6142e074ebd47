package dev.gradus.solver;

import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * AdaGrad (Duchi, Hazan and Singer, 2011), as PyTorch's {@code Adagrad} without learn-rate
 * decay. With {@code g} the pre-processed gradient (see the package documentation) and
 * {@code G} the running sum of squared gradients (zero before the first step):
 * <pre>
 *   G ← G + g²
 *   w ← w − lr·g / (√G + ε)
 * </pre>
 * Unlike Gorgonia's AdaGradSolver, every option is honoured.
 *
 * <p>Options: those of {@link SolverBuilder} (learnRate default 1e-2, PyTorch's) and
 * {@code eps} (default 1e-10, PyTorch's). State: {@code "p/sum"} and {@code "t"}.
 */
public final class AdaGrad extends BaseSolver {
    /** The default learn rate, 1e-2 (PyTorch's). */
    public static final double DEFAULT_LEARN_RATE = 1e-2;
    /** The default ε, 1e-10 (PyTorch's). */
    public static final double DEFAULT_EPS = 1e-10;

    private final double learnRate;
    private final double eps;

    private AdaGrad(Builder b) {
        super(b.gradientOptions(), List.of("sum"));
        this.learnRate = options.learnRate();
        this.eps = b.eps;
    }

    /** Returns a builder with the default options. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    double updateElement(Tensor[] state, int k, double w, double g) {
        Tensor sum = state[0];
        double s = sum.getAt(k) + g * g;
        sum.setAt(k, s);
        return w - learnRate * g / (Math.sqrt(s) + eps);
    }

    @Override
    String describeOwnOptions() {
        return "eps=" + eps;
    }

    /** Options of {@link AdaGrad}: those of {@link SolverBuilder} and eps. */
    public static final class Builder extends SolverBuilder<Builder, AdaGrad> {
        private double eps = DEFAULT_EPS;

        private Builder() {
            super(DEFAULT_LEARN_RATE);
        }

        /**
         * Sets ε, added to the denominator for numerical stability (default 1e-10).
         *
         * @throws IllegalArgumentException if {@code eps} is not a finite number &gt; 0
         */
        public Builder eps(double eps) {
            this.eps = Check.positive("eps", eps);
            return this;
        }

        /** Returns a new {@link AdaGrad} with these options. */
        @Override
        public AdaGrad build() {
            return new AdaGrad(this);
        }
    }
}
