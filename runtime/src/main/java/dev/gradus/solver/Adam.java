package dev.gradus.solver;

import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Adam (Kingma and Ba, 2015). With {@code g} the pre-processed gradient (see the package
 * documentation), {@code t} the step number (1 at the first step), and the moments {@code m},
 * {@code v} zero before the first step:
 * <pre>
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   m̂ = m / (1 − β1ᵗ)
 *   v̂ = v / (1 − β2ᵗ)
 *   w ← w − lr·m̂ / (√v̂ + ε)
 * </pre>
 * The {@code l2} option is PyTorch's Adam {@code weight_decay} (added to the gradient, so it
 * passes through the moments); for decoupled weight decay use {@link AdamW}.
 *
 * <p>Options: those of {@link SolverBuilder} (learnRate default 1e-3), {@code beta1} (0.9),
 * {@code beta2} (0.999), {@code eps} (1e-8) — all PyTorch's defaults. State: {@code "p/m"},
 * {@code "p/v"} and {@code "t"}.
 */
public final class Adam extends BaseSolver {
    /** The default learn rate, 1e-3 (PyTorch's). */
    public static final double DEFAULT_LEARN_RATE = 1e-3;
    /** The default β1, 0.9 (PyTorch's). */
    public static final double DEFAULT_BETA1 = 0.9;
    /** The default β2, 0.999 (PyTorch's). */
    public static final double DEFAULT_BETA2 = 0.999;
    /** The default ε, 1e-8 (PyTorch's). */
    public static final double DEFAULT_EPS = 1e-8;

    private final double learnRate;
    private final AdamRule rule;

    private Adam(Builder b) {
        super(b.gradientOptions(), List.of("m", "v"));
        this.learnRate = options.learnRate();
        this.rule = b.rule();
    }

    /** Returns a builder with the default options. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    void beginStep(long t) {
        rule.beginStep(t);
    }

    @Override
    double updateElement(Tensor[] state, int k, double w, double g) {
        return rule.apply(state[0], state[1], k, w, g, learnRate);
    }

    @Override
    String describeOwnOptions() {
        return rule.describe();
    }

    /** Options of {@link Adam}: those of {@link SolverBuilder}, beta1, beta2 and eps. */
    public static final class Builder extends MomentBuilder<Builder, Adam> {

        private Builder() {
            super(DEFAULT_LEARN_RATE);
        }

        /** Returns a new {@link Adam} with these options. */
        @Override
        public Adam build() {
            return new Adam(this);
        }
    }
}
