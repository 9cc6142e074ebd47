package dev.gradus.solver;

import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Gradient descent with momentum, PyTorch's formulation ({@code SGD} with {@code momentum},
 * no dampening), and optionally Nesterov's accelerated variant. With {@code g} the
 * pre-processed gradient (see the package documentation), μ the momentum and {@code v} the
 * velocity (zero before the first step):
 * <pre>
 *   v ← μ·v + g
 *   w ← w − lr·v                 (classical)
 *   w ← w − lr·(g + μ·v)         (Nesterov, with the updated v)
 * </pre>
 * Gorgonia writes the classical rule as {@code v ← μ·v − lr·g; w ← w + v}, the same
 * trajectory while lr is constant.
 *
 * <p>Options: those of {@link SolverBuilder} (learnRate default 1e-3), {@code momentum}
 * (default 0.9, Gorgonia's and the usual choice; PyTorch has no default) and
 * {@code nesterov} (default false). State: {@code "p/velocity"} and {@code "t"}.
 */
public final class Momentum extends BaseSolver {
    /** The default learn rate, 1e-3. */
    public static final double DEFAULT_LEARN_RATE = 1e-3;
    /** The default momentum, 0.9. */
    public static final double DEFAULT_MOMENTUM = 0.9;

    private final double learnRate;
    private final double momentum;
    private final boolean nesterov;

    private Momentum(Builder b) {
        super(b.gradientOptions(), List.of("velocity"));
        this.learnRate = options.learnRate();
        this.momentum = b.momentum;
        this.nesterov = b.nesterov;
    }

    /** Returns a builder with the default options. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    double updateElement(Tensor[] state, int k, double w, double g) {
        Tensor velocity = state[0];
        double v = momentum * velocity.getAt(k) + g;
        velocity.setAt(k, v);
        return nesterov ? w - learnRate * (g + momentum * v) : w - learnRate * v;
    }

    @Override
    String describeOwnOptions() {
        return "momentum=" + momentum + ", nesterov=" + nesterov;
    }

    /** Options of {@link Momentum}: those of {@link SolverBuilder}, momentum and nesterov. */
    public static final class Builder extends SolverBuilder<Builder, Momentum> {
        private double momentum = DEFAULT_MOMENTUM;
        private boolean nesterov;

        private Builder() {
            super(DEFAULT_LEARN_RATE);
        }

        /**
         * Sets the momentum μ (default 0.9).
         *
         * @throws IllegalArgumentException if {@code momentum} is not in [0, 1)
         */
        public Builder momentum(double momentum) {
            this.momentum = Check.rate("momentum", momentum);
            return this;
        }

        /** Uses Nesterov's accelerated gradient when {@code nesterov} is true (default false). */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /**
         * Returns a new {@link Momentum} with these options.
         *
         * @throws IllegalArgumentException if nesterov is on with momentum 0 (that is plain
         *     gradient descent; PyTorch refuses it too)
         */
        @Override
        public Momentum build() {
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("nesterov needs momentum > 0; with momentum 0 use Solvers.sgd()");
            }
            return new Momentum(this);
        }
    }
}
