package dev.gradus.solver;

import dev.gradus.graph.Node;
import dev.gradus.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters in place from their gradients, one step at a time. Make one with
 * {@link Solvers}, e.g. {@code Solvers.adam().learnRate(1e-3).l2(1e-4).clip(5).build()}.
 *
 * <p>Per-parameter state is keyed by position in the parameter list: pass the same
 * parameters in the same order at every step. The first step checks the parameters and
 * creates the state; every later step checks that the count, shapes and dtypes are the same
 * and allocates nothing. See the package documentation for how the options common to all
 * solvers (batch size, L1, L2, clip) pre-process each gradient. Not thread-safe.
 */
public interface Solver {
    /**
     * Takes one step: reads each node's {@link Node#value()} and {@link Node#gradient()} (as
     * bound by a {@code TapeMachine} built with {@code bindGradients()}, or by a
     * {@code LispMachine}) and updates the value in place. The nodes are normally the graph's
     * trainable inputs; a TapeMachine reads their new values at its next run.
     *
     * @param parameters the parameters, in the same order at every step
     * @throws IllegalArgumentException naming the parameter when a value is not FLOAT32 or
     *     FLOAT64, is not contiguous, has a gradient of another dtype or shape, or differs in
     *     shape or dtype from the same position at earlier steps (or in the loaded state), or
     *     when the number of parameters changed; nothing is updated then
     * @throws IllegalStateException if a node has no value or no gradient
     */
    void step(List<Node> parameters);

    /**
     * Takes one step on plain tensors (e.g. the gradients of a DSL-generated gradient record):
     * updates {@code values.get(i)} in place from {@code gradients.get(i)}.
     *
     * @param values the parameters' values, in the same order at every step
     * @param gradients their gradients, in the same order
     * @throws IllegalArgumentException as {@link #step(List)}, naming the parameter by index,
     *     and also when the two lists differ in length; nothing is updated then
     */
    void step(List<Tensor> values, List<Tensor> gradients);

    /**
     * Returns a snapshot of the solver's state for a checkpoint: {@code "t"}, the number of
     * steps taken (a FLOAT64 scalar), and, for each parameter position {@code p}, one entry
     * {@code "p/name"} per state tensor of that solver (e.g. {@code "0/m"}, {@code "0/v"} for
     * Adam), in the parameter's dtype and shape. Allocates copies: later steps do not change
     * the returned tensors. Before the first step (and with nothing loaded) only {@code "t"}
     * (zero) is present.
     *
     * @return an unmodifiable map, parameters in position order, then {@code "t"}
     */
    Map<String, Tensor> state();

    /**
     * Replaces the solver's state with {@code state} (as returned by {@link #state()}, from this
     * or another solver of the same kind and options), copying the tensors. A fresh solver
     * takes the parameter count, shapes and dtypes from the map; one that has already stepped
     * requires them to match. Continuing from restored state gives the same trajectory as if
     * the solver had never stopped.
     *
     * @throws IllegalArgumentException naming the entry when one is missing, unexpected, of
     *     another shape or dtype than required, or when {@code "t"} is not a non-negative whole
     *     number; the solver's state is unchanged then
     */
    void loadState(Map<String, Tensor> state);
}
