/**
 * Solvers (optimizers) that update a model's parameters in place from their gradients:
 * {@link dev.gradus.solver.Sgd}, {@link dev.gradus.solver.Momentum} (with Nesterov's variant),
 * {@link dev.gradus.solver.AdaGrad}, {@link dev.gradus.solver.RmsProp},
 * {@link dev.gradus.solver.Adam}, {@link dev.gradus.solver.AdamW} and
 * {@link dev.gradus.solver.BarzilaiBorwein}, made through {@link dev.gradus.solver.Solvers}.
 *
 * <h2>Options every solver takes</h2>
 * Each solver's builder exposes exactly the options that solver honours, so an option that
 * does not apply does not compile. Every solver takes the five options of
 * {@link dev.gradus.solver.SolverBuilder}, and applies them to the raw gradient {@code g} of
 * a weight {@code w}, element by element, in this fixed order, before its own update rule:
 * <pre>
 *   g ← g / batchSize                      (the gradient of a loss summed over the batch, made a mean)
 *   g ← g + l2·w + l1·sign(w)              (regularization, on the weights before this step; sign(0) = 0)
 *   g ← min(max(g, −clip), clip)           (clipping, last: it bounds what the update rule sees)
 * </pre>
 * The update equations in each solver's Javadoc use this pre-processed {@code g}.
 * Regularization comes after the division because it penalizes the weights once per step,
 * not once per example; clipping comes last so that it bounds the whole gradient, the
 * penalty included. Defaults: batchSize 1, l1 = l2 = 0, no clipping; each solver documents
 * its default learn rate (PyTorch's, where PyTorch has the solver).
 *
 * <h2>Parameters and state</h2>
 * A solver keeps per-parameter state (moment estimates, velocities, ...) keyed by the
 * parameter's position in the list passed to {@code step}, so always pass the parameters in
 * the same order. The state is created on the first step, in the parameter's dtype (FLOAT32
 * or FLOAT64; the arithmetic is done in double and rounded when stored); later steps
 * allocate nothing. {@link dev.gradus.solver.Solver#state()} and
 * {@link dev.gradus.solver.Solver#loadState(java.util.Map)} move the state in and out for
 * checkpoints. Solvers are not thread-safe.
 */
package dev.gradus.solver;
