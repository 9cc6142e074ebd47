package dev.gradus.graph;

import dev.gradus.op.Builder;
import dev.gradus.op.Op;
import dev.gradus.op.Partial;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one reverse-mode pass that both kinds of differentiation share: {@link Grad#of} runs
 * it with the graph builder (gradients become nodes) and the LispMachine with the eager
 * builder (gradients become tensors).
 *
 * <p>The pass visits, from the cost down, the float nodes that lie on a path from a wrt
 * node to the cost, sums the contributions each node received, and hands that total to its
 * op's rule. Ops whose inputs need no gradient are skipped, so integer and boolean nodes
 * never see one.
 */
public final class ReverseMode {
    private ReverseMode() {
    }

    /**
     * Returns the gradient of {@code cost} with respect to each {@code wrt} node, in order;
     * an entry is null where no gradient reaches that node.
     *
     * @param cost the scalar to differentiate
     * @param wrt the nodes to differentiate with respect to
     * @param builder the interpreter the rules run through
     * @param valueOf the interpreter's value of a node (the node itself, or its forward value)
     * @param seed the gradient of the cost with respect to itself (a one of its type)
     * @throws IllegalArgumentException if an op's rule returns the wrong number of partials
     */
    public static <T> List<T> gradients(Node cost, List<Node> wrt, Builder<T> builder, Function<Node, T> valueOf, T seed) {
        Graph g = cost.graph();
        boolean[] needed = relevant(g, cost, wrt);
        List<List<T>> contributions = new ArrayList<>(cost.id() + 1);
        for (int i = 0; i <= cost.id(); i++) {
            contributions.add(null);
        }
        contribute(contributions, cost, seed);
        for (int id = cost.id(); id >= 0; id--) {
            Node n = g.nodes().get(id);
            List<T> parts = contributions.get(id);
            if (parts == null || !n.isOp() || !needed[id] || !anyNeeded(n.inputs(), needed)) {
                continue;
            }
            List<T> inputs = new ArrayList<>(n.inputs().size());
            for (Node in : n.inputs()) {
                inputs.add(valueOf.apply(in));
            }
            List<Partial<T>> partials = n.op().vjp(builder, inputs, valueOf.apply(n), sum(builder, parts));
            checkCount(n.op(), partials, inputs.size());
            for (int i = 0; i < partials.size(); i++) {
                Node in = n.inputs().get(i);
                Partial<T> p = partials.get(i);
                if (needed[in.id()] && p.isPresent()) {
                    contribute(contributions, in, p.get());
                }
            }
        }
        List<T> result = new ArrayList<>(wrt.size());
        for (Node w : wrt) {
            List<T> parts = w.id() < contributions.size() ? contributions.get(w.id()) : null;
            result.add(parts == null ? null : sum(builder, parts));
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

    private static boolean anyNeeded(List<Node> inputs, boolean[] needed) {
        for (Node in : inputs) {
            if (needed[in.id()]) {
                return true;
            }
        }
        return false;
    }

    private static <T> void contribute(List<List<T>> contributions, Node n, T grad) {
        List<T> parts = contributions.get(n.id());
        if (parts == null) {
            parts = new ArrayList<>(2);
            contributions.set(n.id(), parts);
        }
        parts.add(grad);
    }

    private static <T> T sum(Builder<T> b, List<T> parts) {
        T total = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            total = b.add(total, parts.get(i));
        }
        return total;
    }

    /**
     * Returns, indexed by node id up to the cost's, which float nodes lie on a path from some
     * {@code wrt} node to {@code cost}: the nodes whose gradients reverse mode must compute.
     */
    static boolean[] relevant(Graph g, Node cost, List<Node> wrt) {
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
