package dev.gradus.solver;

import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent (Gorgonia's VanillaSolver, PyTorch's {@code SGD} without
 * momentum). With {@code g} the pre-processed gradient (see the package documentation):
 * <pre>
 *   w ← w − lr·g
 * </pre>
 * Options: those of {@link SolverBuilder} only; learnRate defaults to 1e-3 (PyTorch's).
 * State: {@code "t"} only.
 */
public final class Sgd extends BaseSolver {
    /** The default learn rate, 1e-3 (PyTorch's). */
    public static final double DEFAULT_LEARN_RATE = 1e-3;

    private final double learnRate;

    private Sgd(Builder b) {
        super(b.gradientOptions(), List.of());
        this.learnRate = options.learnRate();
    }

    /** Returns a builder with the default options. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    double updateElement(Tensor[] state, int k, double w, double g) {
        return w - learnRate * g;
    }

    @Override
    boolean updatePlainFloat32(float[] w, int wo, float[] g, int go, int from, int to) {
        float rate = (float) learnRate;
        if (wo == go) {
            // One index for both arrays, the only form C2 vectorizes (docs/ARCHITECTURE.md,
            // "Loops C2 vectorizes"); the usual case, both stored from 0.
            for (int k = wo + from; k < wo + to; k++) {
                w[k] -= rate * g[k];
            }
        } else {
            for (int k = from; k < to; k++) {
                w[wo + k] -= rate * g[go + k];
            }
        }
        return true;
    }

    @Override
    boolean updatePlainFloat64(double[] w, int wo, double[] g, int go, int from, int to) {
        double rate = learnRate;
        if (wo == go) {
            // One index, as in the float32 loop.
            for (int k = wo + from; k < wo + to; k++) {
                w[k] -= rate * g[k];
            }
        } else {
            for (int k = from; k < to; k++) {
                w[wo + k] -= rate * g[go + k];
            }
        }
        return true;
    }

    /** Options of {@link Sgd}: those of {@link SolverBuilder}. */
    public static final class Builder extends SolverBuilder<Builder, Sgd> {
        private Builder() {
            super(DEFAULT_LEARN_RATE);
        }

        /** Returns a new {@link Sgd} with these options. */
        @Override
        public Sgd build() {
            return new Sgd(this);
        }
    }
}
