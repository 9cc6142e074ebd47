package dev.gradus.graph;

import dev.gradus.op.Op;
import dev.gradus.op.ShapedBuilder;
import dev.gradus.op.TensorType;
import dev.gradus.tensor.DType;
import java.util.List;

/**
 * The symbolic interpreter: {@link #apply} adds a node to the graph (nothing runs). Used by
 * {@link Grad#of} to turn op rules into derivative nodes, and by {@code dev.gradus.Ops}.
 */
public final class GraphBuilder extends ShapedBuilder<Node> {
    private final Graph graph;

    GraphBuilder(Graph graph) {
        this.graph = graph;
    }

    /** Returns the graph nodes are added to. */
    public Graph graph() {
        return graph;
    }

    @Override
    public Node apply(Op op, List<Node> args) {
        return graph.apply(op, args);
    }

    /**
     * Multiplies, skipping a multiplication by a rank-0 constant 1 when the other operand
     * already has the result's type (the seed of every gradient would otherwise leave a
     * {@code 1 * g} node behind).
     */
    @Override
    public Node mul(Node a, Node b) {
        if (isOne(a) && b.dtype() == a.dtype()) {
            return b;
        }
        if (isOne(b) && a.dtype() == b.dtype()) {
            return a;
        }
        return super.mul(a, b);
    }

    private static boolean isOne(Node n) {
        return n.isConstant() && n.shape().isScalar() && n.value().item() == 1.0;
    }

    @Override
    public TensorType typeOf(Node value) {
        return value.type();
    }

    @Override
    public Node scalar(double value, DType dtype) {
        return graph.constant(value, dtype);
    }
}
