package dev.gradus.solver;

/**
 * The options Adam and AdamW share on top of {@link SolverBuilder}: β1, β2 and ε of the
 * moment averages (defaults as PyTorch: 0.9, 0.999, 1e-8).
 *
 * @param <B> the concrete builder
 * @param <S> the solver it builds
 */
public abstract class MomentBuilder<B extends MomentBuilder<B, S>, S extends Solver> extends SolverBuilder<B, S> {
    double beta1 = Adam.DEFAULT_BETA1;
    double beta2 = Adam.DEFAULT_BETA2;
    double eps = Adam.DEFAULT_EPS;

    MomentBuilder(double defaultLearnRate) {
        super(defaultLearnRate);
    }

    /**
     * Sets β1, the decay rate of the first-moment average (default 0.9).
     *
     * @throws IllegalArgumentException if {@code beta1} is not in [0, 1)
     */
    public B beta1(double beta1) {
        this.beta1 = Check.rate("beta1", beta1);
        return self();
    }

    /**
     * Sets β2, the decay rate of the second-moment average (default 0.999).
     *
     * @throws IllegalArgumentException if {@code beta2} is not in [0, 1)
     */
    public B beta2(double beta2) {
        this.beta2 = Check.rate("beta2", beta2);
        return self();
    }

    /**
     * Sets ε, added to the denominator for numerical stability (default 1e-8).
     *
     * @throws IllegalArgumentException if {@code eps} is not a finite number &gt; 0
     */
    public B eps(double eps) {
        this.eps = Check.positive("eps", eps);
        return self();
    }

    /** Returns the moment-average rule these options describe. */
    AdamRule rule() {
        return new AdamRule(beta1, beta2, eps);
    }
}
