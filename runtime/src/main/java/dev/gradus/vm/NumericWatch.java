package dev.gradus.vm;

import dev.gradus.graph.Node;
import dev.gradus.tensor.Tensor;

/** The NaN/Inf watch both machines offer: names the node that produced a non-finite value. */
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
    static void check(Node node, Tensor value, String where) {
        if (!value.dtype().isFloat()) {
            return;
        }
        for (int k = 0, n = value.size(); k < n; k++) {
            double v = value.getAt(value.storageIndex(k));
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                StringBuilder in = new StringBuilder();
                for (Node x : node.inputs()) {
                    in.append(in.length() == 0 ? "" : "; ").append(x.name()).append(' ').append(x.type());
                }
                throw new ArithmeticException("NaN/Inf watch: node '" + node.name() + "' (op " + node.op() + where
                        + ") produced " + v + " at element " + k + "; its inputs: " + in);
            }
        }
    }
}
