package dev.gradus.vm;

import dev.gradus.graph.Node;
import dev.gradus.tensor.Tensor;

/**
 * What both machines report about a node: the NaN/Inf watch, and kernel failures with the
 * node named.
 */
final class NumericWatch {
    private NumericWatch() {
    }

    /**
     * Throws if {@code value}, the value just computed for {@code node}, holds NaN or ±Inf.
     * Allocation-free when every element is finite.
     *
     * @param where extra context for the message, e.g. the instruction number, or empty
     * @throws ArithmeticException naming the node, its op, the first bad element and the
     *     node's inputs
     */
    /**
     * Returns {@code e}, which a kernel threw while computing {@code node}, as an exception of
     * the same kind whose message names the node, its op, where it ran and its inputs; {@code e}
     * is kept as the cause.
     */
    static RuntimeException failure(Node node, String where, RuntimeException e) {
        String message = "node '" + node.name() + "' (op " + node.op() + where + ", inputs " + inputs(node) + "): "
                + e.getMessage();
        return e instanceof IllegalArgumentException ? new IllegalArgumentException(message, e)
                : new IllegalStateException(message, e);
    }

    private static String inputs(Node node) {
        StringBuilder in = new StringBuilder();
        for (Node x : node.inputs()) {
            in.append(in.length() == 0 ? "" : "; ").append(x.name()).append(' ').append(x.type());
        }
        return in.toString();
    }

    static void check(Node node, Tensor value, String where) {
        if (!value.dtype().isFloat()) {
            return;
        }
        for (int k = 0, n = value.size(); k < n; k++) {
            double v = value.getAt(value.storageIndex(k));
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new ArithmeticException("NaN/Inf watch: node '" + node.name() + "' (op " + node.op() + where
                        + ") produced " + v + " at element " + k + "; its inputs: " + inputs(node));
            }
        }
    }
}
