package dev.gradus.graph;

import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Symbolic reverse-mode differentiation (Gorgonia's {@code Grad}): adds to the graph the
 * nodes that compute the gradient of a scalar cost with respect to chosen nodes, by
 * applying each op's rule through the graph's {@link GraphBuilder}. Nothing runs; a
 * machine evaluates the new nodes like any others.
 *
 * <p>Where a node feeds the cost along several paths, the contributions are summed. A
 * {@code wrt} node that the cost does not depend on (or depends on only through ops with no
 * gradient, such as comparisons or floor) gets a constant zero gradient of its own shape,
 * as in JAX.
 *
 * <p>An op's rule gives every input its gradient; the ones no requested gradient needs (the
 * gradient for the data in {@code matMul(x, w)} when only {@code w} is asked for) are marked
 * discarded and never run.
 */
public final class Grad {
    private Grad() {
    }

    /** Returns the gradient nodes of {@code cost} with respect to each {@code wrt}, in order. */
    public static List<Node> of(Node cost, Node... wrt) {
        return of(cost, Arrays.asList(wrt));
    }

    /**
     * Returns the gradient nodes of {@code cost} with respect to each {@code wrt}, in order,
     * and records them in the graph (for DOT output and TapeMachine gradient binding).
     *
     * @throws IllegalArgumentException if the cost is not a rank-0 float node, if a wrt node
     *     is not float or belongs to another graph, or if an op rule returns the wrong number
     *     of gradients
     */
    public static List<Node> of(Node cost, List<Node> wrt) {
        Graph g = cost.graph();
        if (!cost.shape().isScalar()) {
            throw new IllegalArgumentException("Grad.of: the cost '" + cost.name() + "' has shape " + cost.shape()
                    + "; it must be a scalar (shape ()). Reduce it first, e.g. with Ops.sum or Ops.mean");
        }
        if (!cost.dtype().isFloat()) {
            throw new IllegalArgumentException("Grad.of: the cost '" + cost.name() + "' is " + cost.dtype()
                    + "; it must be float32 or float64");
        }
        if (wrt.isEmpty()) {
            throw new IllegalArgumentException("Grad.of: give at least one node to differentiate with respect to");
        }
        for (Node w : wrt) {
            if (w.graph() != g) {
                throw new IllegalArgumentException("Grad.of: '" + w.name() + "' belongs to another graph than the cost '"
                        + cost.name() + "'");
            }
            if (!w.dtype().isFloat()) {
                throw new IllegalArgumentException("Grad.of: cannot differentiate with respect to '" + w.name()
                        + "' of dtype " + w.dtype() + "; only float32 and float64 nodes have gradients");
            }
        }
        int firstNew = g.nodes().size();
        List<Node> grads = ReverseMode.gradients(cost, wrt, g.builder(), n -> n, g.constant(1.0, cost.dtype()));
        List<Node> result = new ArrayList<>(wrt.size());
        for (int i = 0; i < wrt.size(); i++) {
            Node w = wrt.get(i);
            Node grad = grads.get(i) != null ? grads.get(i) : g.constant(Tensor.zeros(w.dtype(), w.shape()));
            g.recordGradient(new Graph.GradientBinding(w, grad, cost));
            result.add(grad);
        }
        // Rules build a gradient for every input of an op; drop those no requested gradient uses,
        // so machines neither compute them nor trip the NaN watch on them.
        g.discardUnused(firstNew, result);
        return result;
    }
}
