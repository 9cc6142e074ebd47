package dev.gradus.solver;

/**
 * The options every solver takes; each solver's {@code Builder} extends this with its own.
 * Setters check their value at once and throw {@link IllegalArgumentException} naming the
 * option. How the options act on a gradient, and in which order, is in the package
 * documentation.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 * @param <S> the solver it builds
 */
public abstract class SolverBuilder<B extends SolverBuilder<B, S>, S extends Solver> {
    private double learnRate;
    private double l1;
    private double l2;
    private double clip = Double.POSITIVE_INFINITY;
    private int batchSize = 1;

    SolverBuilder(double defaultLearnRate) {
        this.learnRate = defaultLearnRate;
    }

    /**
     * Sets the learn rate (step size) {@code lr} of the update rule; each solver documents its
     * default.
     *
     * @throws IllegalArgumentException if {@code learnRate} is negative, NaN or infinite
     */
    public B learnRate(double learnRate) {
        this.learnRate = Check.nonNegative("learnRate", learnRate);
        return self();
    }

    /**
     * Sets the L1 regularization strength: {@code l1·sign(w)} is added to each gradient
     * (default 0).
     *
     * @throws IllegalArgumentException if {@code l1} is negative, NaN or infinite
     */
    public B l1(double l1) {
        this.l1 = Check.nonNegative("l1", l1);
        return self();
    }

    /**
     * Sets the L2 regularization strength: {@code l2·w} is added to each gradient (default 0;
     * this is PyTorch's {@code weight_decay} for the solvers other than AdamW).
     *
     * @throws IllegalArgumentException if {@code l2} is negative, NaN or infinite
     */
    public B l2(double l2) {
        this.l2 = Check.nonNegative("l2", l2);
        return self();
    }

    /**
     * Clips each gradient element to {@code [−clip, clip]}, after the batch division and
     * regularization (default: no clipping; {@code Double.POSITIVE_INFINITY} turns it off).
     *
     * @throws IllegalArgumentException if {@code clip} is not &gt; 0 or is NaN
     */
    public B clip(double clip) {
        if (!(clip > 0)) {
            throw new IllegalArgumentException("clip must be > 0 (or +∞ for no clipping); got " + clip);
        }
        this.clip = clip;
        return self();
    }

    /**
     * Sets the batch size: each gradient is divided by it first, for losses summed (not
     * averaged) over a batch, as Gorgonia's solvers do (default 1).
     *
     * @throws IllegalArgumentException if {@code batchSize} is less than 1
     */
    public B batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be ≥ 1; got " + batchSize);
        }
        this.batchSize = batchSize;
        return self();
    }

    /** Returns a new solver with these options; the builder can be reused. */
    public abstract S build();

    GradientOptions gradientOptions() {
        return new GradientOptions(learnRate, l1, l2, clip, batchSize);
    }

    @SuppressWarnings("unchecked")
    final B self() {
        return (B) this;
    }
}
