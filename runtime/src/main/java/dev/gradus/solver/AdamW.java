package dev.gradus.solver;

import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as PyTorch's
 * {@code AdamW}. With {@code g} the pre-processed gradient (see the package documentation,
 * computed from the weights before this step), λ the weight decay, {@code t} the step
 * number (1 at the first step), and {@code m}, {@code v} zero before the first step:
 * <pre>
 *   w ← w·(1 − lr·λ)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   m̂ = m / (1 − β1ᵗ)
 *   v̂ = v / (1 − β2ᵗ)
 *   w ← w − lr·m̂ / (√v̂ + ε)
 * </pre>
 * The decay shrinks the weights directly instead of passing through the moments as the
 * {@code l2} option does; both may be used.
 *
 * <p>Options: those of {@link SolverBuilder} (learnRate default 1e-3), {@code beta1} (0.9),
 * {@code beta2} (0.999), {@code eps} (1e-8), {@code weightDecay} (1e-2) — all PyTorch's
 * defaults. State: {@code "p/m"}, {@code "p/v"} and {@code "t"}.
 */
public final class AdamW extends BaseSolver {
    /** The default learn rate, 1e-3 (PyTorch's). */
    public static final double DEFAULT_LEARN_RATE = 1e-3;
    /** The default weight decay λ, 1e-2 (PyTorch's). */
    public static final double DEFAULT_WEIGHT_DECAY = 1e-2;

    private final double learnRate;
    private final double weightDecay;
    private final AdamRule rule;

    private AdamW(Builder b) {
        super(b.gradientOptions(), List.of("m", "v"));
        this.learnRate = options.learnRate();
        this.weightDecay = b.weightDecay;
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
        double decayed = w * (1 - learnRate * weightDecay);
        return rule.apply(state[0], state[1], k, decayed, g, learnRate);
    }

    @Override
    String describeOwnOptions() {
        return rule.describe() + ", weightDecay=" + weightDecay;
    }

    /** Options of {@link AdamW}: those of {@link SolverBuilder}, beta1, beta2, eps and weightDecay. */
    public static final class Builder extends MomentBuilder<Builder, AdamW> {
        private double weightDecay = DEFAULT_WEIGHT_DECAY;

        private Builder() {
            super(DEFAULT_LEARN_RATE);
        }

        /**
         * Sets the decoupled weight decay λ (default 1e-2); 0 makes AdamW plain Adam.
         *
         * @throws IllegalArgumentException if {@code weightDecay} is negative, NaN or infinite
         */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = Check.nonNegative("weightDecay", weightDecay);
            return this;
        }

        /** Returns a new {@link AdamW} with these options. */
        @Override
        public AdamW build() {
            return new AdamW(this);
        }
    }
}
