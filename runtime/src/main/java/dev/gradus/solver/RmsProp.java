package dev.gradus.solver;

import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * RMSProp (Hinton's lecture 6e), as PyTorch's {@code RMSprop} without momentum or centering.
 * With {@code g} the pre-processed gradient (see the package documentation), ρ the decay
 * rate and {@code a} the running average of squared gradients (zero before the first step):
 * <pre>
 *   a ← ρ·a + (1 − ρ)·g²
 *   w ← w − lr·g / (√a + ε)
 * </pre>
 * Unlike Gorgonia's RMSPropSolver, the batch size (and every other option) is honoured.
 *
 * <p>Options: those of {@link SolverBuilder} (learnRate default 1e-2, PyTorch's),
 * {@code rho} (PyTorch's {@code alpha}, Keras's {@code rho}, Gorgonia's {@code decay};
 * default 0.99, PyTorch's) and {@code eps} (default 1e-8, PyTorch's). State:
 * {@code "p/squareAverage"} and {@code "t"}.
 */
public final class RmsProp extends BaseSolver {
    /** The default learn rate, 1e-2 (PyTorch's). */
    public static final double DEFAULT_LEARN_RATE = 1e-2;
    /** The default decay rate ρ, 0.99 (PyTorch's alpha). */
    public static final double DEFAULT_RHO = 0.99;
    /** The default ε, 1e-8 (PyTorch's). */
    public static final double DEFAULT_EPS = 1e-8;

    private final double learnRate;
    private final double rho;
    private final double eps;

    private RmsProp(Builder b) {
        super(b.gradientOptions(), List.of("squareAverage"));
        this.learnRate = options.learnRate();
        this.rho = b.rho;
        this.eps = b.eps;
    }

    /** Returns a builder with the default options. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    double updateElement(Tensor[] state, int k, double w, double g) {
        Tensor squareAverage = state[0];
        double a = rho * squareAverage.getAt(k) + (1 - rho) * g * g;
        squareAverage.setAt(k, a);
        return w - learnRate * g / (Math.sqrt(a) + eps);
    }

    @Override
    String describeOwnOptions() {
        return "rho=" + rho + ", eps=" + eps;
    }

    /** Options of {@link RmsProp}: those of {@link SolverBuilder}, rho and eps. */
    public static final class Builder extends SolverBuilder<Builder, RmsProp> {
        private double rho = DEFAULT_RHO;
        private double eps = DEFAULT_EPS;

        private Builder() {
            super(DEFAULT_LEARN_RATE);
        }

        /**
         * Sets the decay rate ρ of the squared-gradient average (default 0.99).
         *
         * @throws IllegalArgumentException if {@code rho} is not in [0, 1)
         */
        public Builder rho(double rho) {
            this.rho = Check.rate("rho", rho);
            return this;
        }

        /**
         * Sets ε, added to the denominator for numerical stability (default 1e-8).
         *
         * @throws IllegalArgumentException if {@code eps} is not a finite number &gt; 0
         */
        public Builder eps(double eps) {
            this.eps = Check.positive("eps", eps);
            return this;
        }

        /** Returns a new {@link RmsProp} with these options. */
        @Override
        public RmsProp build() {
            return new RmsProp(this);
        }
    }
}
