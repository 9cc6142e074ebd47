package dev.gradus.graph;

import dev.gradus.op.Op;
import dev.gradus.op.Partial;
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
        boolean[] needed = relevant(g, cost, wrt);
        List<List<Node>> contributions = new ArrayList<>(g.nodes().size());
        for (int i = 0; i <= cost.id(); i++) {
            contributions.add(null);
        }
        GraphBuilder b = g.builder();
        contribute(contributions, cost, g.constant(1.0, cost.dtype()));
        for (int id = cost.id(); id >= 0; id--) {
            Node n = g.nodes().get(id);
            List<Node> parts = contributions.get(id);
            if (parts == null || !n.isOp() || !needed[id]) {
                continue;
            }
            boolean anyInputNeeded = false;
            for (Node in : n.inputs()) {
                anyInputNeeded |= needed[in.id()];
            }
            if (!anyInputNeeded) {
                continue;
            }
            Node total = sum(b, parts);
            List<Partial<Node>> partials = n.op().vjp(b, n.inputs(), n, total);
            checkCount(n.op(), partials, n.inputs().size());
            for (int i = 0; i < partials.size(); i++) {
                Node in = n.inputs().get(i);
                Partial<Node> p = partials.get(i);
                if (needed[in.id()] && p.isPresent()) {
                    contribute(contributions, in, p.get());
                }
            }
        }
        List<Node> result = new ArrayList<>(wrt.size());
        for (Node w : wrt) {
            List<Node> parts = w.id() < contributions.size() ? contributions.get(w.id()) : null;
            Node grad = parts == null ? g.constant(Tensor.zeros(w.dtype(), w.shape())) : sum(b, parts);
            g.recordGradient(new Graph.GradientBinding(w, grad, cost));
            result.add(grad);
        }
        return result;
    }

    /**
     * Checks that a rule returned one partial per input.
     *
     * @throws IllegalArgumentException naming the op otherwise
     */
    public static void checkCount(Op op, List<?> partials, int inputs) {
        if (partials == null || partials.size() != inputs) {
            throw new IllegalArgumentException("failed to compute gradient for " + op.name() + ": its rule returned "
                    + (partials == null ? "nothing" : partials.size() + " gradients") + " for " + inputs + " inputs");
        }
    }

    private static void contribute(List<List<Node>> contributions, Node n, Node grad) {
        List<Node> parts = contributions.get(n.id());
        if (parts == null) {
            parts = new ArrayList<>(2);
            contributions.set(n.id(), parts);
        }
        parts.add(grad);
    }

    private static Node sum(GraphBuilder b, List<Node> parts) {
        Node total = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            total = b.add(total, parts.get(i));
        }
        return total;
    }

    /**
     * Returns, indexed by node id up to the cost's, which float nodes lie on a path from some
     * {@code wrt} node to {@code cost}: the nodes whose gradients reverse mode must compute.
     */
    public static boolean[] relevant(Graph g, Node cost, List<Node> wrt) {
        int n = cost.id() + 1;
        boolean[] fromWrt = new boolean[n];
        for (Node w : wrt) {
            if (w.id() < n) {
                fromWrt[w.id()] = true;
            }
        }
        for (int id = 0; id < n; id++) {
            Node node = g.nodes().get(id);
            if (!fromWrt[id] && node.dtype().isFloat()) {
                for (Node in : node.inputs()) {
                    if (fromWrt[in.id()]) {
                        fromWrt[id] = true;
                        break;
                    }
                }
            }
        }
        boolean[] toCost = new boolean[n];
        toCost[cost.id()] = true;
        for (int id = n - 1; id >= 0; id--) {
            if (toCost[id]) {
                for (Node in : g.nodes().get(id).inputs()) {
                    toCost[in.id()] = true;
                }
            }
        }
        boolean[] needed = new boolean[n];
        for (int id = 0; id < n; id++) {
            needed[id] = fromWrt[id] && toCost[id] && g.nodes().get(id).dtype().isFloat();
        }
        return needed;
    }
}
