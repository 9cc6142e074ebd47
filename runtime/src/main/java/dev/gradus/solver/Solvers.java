package dev.gradus.solver;

/**
 * Where solvers are made: one builder per solver, exposing only the options that solver
 * honours, e.g.
 * <pre>{@code
 * Solver adam = Solvers.adam().learnRate(1e-3).l2(1e-4).clip(5).batchSize(64).build();
 * for (...) {
 *     machine.runAll();          // a TapeMachine built with bindGradients()
 *     adam.step(parameters);     // updates the parameters' values in place
 * }
 * }</pre>
 * Every builder takes learnRate, l1, l2, clip and batchSize ({@link SolverBuilder}); see the
 * package documentation for how they pre-process the gradient, and each solver's Javadoc for
 * its update equations, own options and defaults.
 */
public final class Solvers {
    private Solvers() {
    }

    /** Returns a builder for plain gradient descent, {@link Sgd}. */
    public static Sgd.Builder sgd() {
        return Sgd.builder();
    }

    /** Returns a builder for gradient descent with momentum (optionally Nesterov's), {@link Momentum}. */
    public static Momentum.Builder momentum() {
        return Momentum.builder();
    }

    /** Returns a builder for {@link AdaGrad}. */
    public static AdaGrad.Builder adaGrad() {
        return AdaGrad.builder();
    }

    /** Returns a builder for {@link RmsProp}. */
    public static RmsProp.Builder rmsProp() {
        return RmsProp.builder();
    }

    /** Returns a builder for {@link Adam}. */
    public static Adam.Builder adam() {
        return Adam.builder();
    }

    /** Returns a builder for {@link AdamW}, Adam with decoupled weight decay. */
    public static AdamW.Builder adamW() {
        return AdamW.builder();
    }

    /** Returns a builder for gradient descent with the Barzilai-Borwein step size, {@link BarzilaiBorwein}. */
    public static BarzilaiBorwein.Builder barzilaiBorwein() {
        return BarzilaiBorwein.builder();
    }
}
