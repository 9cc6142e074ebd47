package dev.gradus.graph;

import dev.gradus.op.Op;
import dev.gradus.op.TensorType;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * A node of a {@link Graph}: an input (a variable whose value is set with {@code let}), a
 * constant, or the application of an {@link Op} to other nodes. Its type (dtype and shape)
 * is fixed when it is built.
 *
 * <p>Nodes are created only by their graph (through {@link Graph}'s factories or
 * {@code dev.gradus.Ops}); structurally equal op nodes are the same object. After a machine
 * runs, {@link #value()} holds the node's value and, for inputs differentiated by the
 * machine, {@link #gradient()} the gradient of the cost.
 */
public final class Node {
    /** What a node is. */
    public enum Kind {
        /** A variable: its value is set with {@code let} and may change between runs. */
        INPUT,
        /** A fixed value. */
        CONSTANT,
        /** The result of an op applied to other nodes. */
        OP
    }

    private final Graph graph;
    private final int id;
    private final Kind kind;
    private final Op op;
    private final List<Node> inputs;
    private final TensorType type;
    private String name;
    private boolean userNamed;
    private Tensor value;
    private boolean ownsValue;
    private String unavailable;
    private Tensor gradient;
    private boolean discarded;

    Node(Graph graph, int id, Kind kind, Op op, List<Node> inputs, TensorType type, String name, boolean userNamed) {
        this.graph = graph;
        this.id = id;
        this.kind = kind;
        this.op = op;
        this.inputs = List.copyOf(inputs);
        this.type = type;
        this.name = name;
        this.userNamed = userNamed;
        this.unavailable = kind == Kind.INPUT ? "input '" + name + "' has no value; set one with let(...)"
                : "node '" + name + "' has not been computed; run a TapeMachine or LispMachine on its graph";
    }

    /** Returns the graph this node belongs to. */
    public Graph graph() {
        return graph;
    }

    /** Returns the node's id, unique in its graph and increasing in creation (topological) order. */
    public int id() {
        return id;
    }

    /** Returns the node's name: the one given, or a printed form of its expression. */
    public String name() {
        return name;
    }

    /** Returns true if the name was given by the user (inputs, or {@link #withName}). */
    public boolean hasUserName() {
        return userNamed;
    }

    /**
     * Renames this node and returns it. Because structurally equal nodes are shared, the
     * name applies wherever the same expression was built.
     *
     * @throws IllegalArgumentException if another input of the graph already has this name
     */
    public Node withName(String newName) {
        graph.rename(this, newName);
        this.name = newName;
        this.userNamed = true;
        return this;
    }

    /** Returns what kind of node this is. */
    public Kind kind() {
        return kind;
    }

    /** Returns true for inputs (variables). */
    public boolean isInput() {
        return kind == Kind.INPUT;
    }

    /** Returns true for constants. */
    public boolean isConstant() {
        return kind == Kind.CONSTANT;
    }

    /** Returns true for op applications. */
    public boolean isOp() {
        return kind == Kind.OP;
    }

    /** Returns the op, or null for inputs and constants. */
    public Op op() {
        return op;
    }

    /** Returns the input nodes of an op node (empty for inputs and constants). */
    public List<Node> inputs() {
        return inputs;
    }

    /** Returns the static type. */
    public TensorType type() {
        return type;
    }

    /** Returns the shape. */
    public Shape shape() {
        return type.shape();
    }

    /** Returns the dtype. */
    public DType dtype() {
        return type.dtype();
    }

    /** Returns true if {@link #value()} would return a value. */
    public boolean hasValue() {
        return value != null;
    }

    /**
     * Returns the current value: a constant's value, the value last given to an input, or
     * an op node's value from the last machine run. The tensor is shared with the machine
     * and overwritten by its next run; copy it to keep it.
     *
     * @throws IllegalStateException saying why when there is no value (input never set,
     *     graph not run, or a TapeMachine reused the node's buffer; keep it with
     *     {@code TapeMachine.builder(g).keep(node)})
     */
    public Tensor value() {
        if (value == null) {
            throw new IllegalStateException(unavailable);
        }
        return value;
    }

    /** Returns the value as a double; see {@link #value()}. The value must have one element. */
    public double scalarValue() {
        return value().item();
    }

    /**
     * Returns the gradient of the cost with respect to this node from the last machine run
     * that computed it (a LispMachine's backward pass, or a TapeMachine with
     * {@code bindGradients()}).
     *
     * @throws IllegalStateException if no machine has bound a gradient to this node
     */
    public Tensor gradient() {
        if (gradient == null) {
            throw new IllegalStateException("node '" + name + "' has no gradient: run a LispMachine backward pass, "
                    + "or a TapeMachine built with bindGradients() after Grad.of");
        }
        return gradient;
    }

    /** Returns true if a machine has bound a gradient to this node. */
    public boolean hasGradient() {
        return gradient != null;
    }

    /**
     * Sets an input's value to {@code t} (bound, not copied).
     *
     * @throws IllegalArgumentException naming the node, the expected and the given dtype and
     *     shape, if they differ; the old value is kept
     * @throws IllegalStateException if this node is not an input
     */
    public void let(Tensor t) {
        checkInput();
        if (t.dtype() != dtype() || !t.shape().equals(shape())) {
            throw new IllegalArgumentException("cannot let input '" + name + "' of type " + type + " be a " + t.dtype()
                    + t.shape() + " tensor; its value is unchanged");
        }
        value = t;
        ownsValue = false;
    }

    /**
     * Sets a scalar input's value (converted to the node's dtype). Writes into the node's own
     * value tensor when it has one, so repeated calls allocate nothing.
     *
     * @throws IllegalArgumentException if the node is not a rank-0 float input; the old value
     *     is kept
     */
    public void let(double v) {
        checkInput();
        if (!shape().isScalar()) {
            throw new IllegalArgumentException("cannot let input '" + name + "' of shape " + shape()
                    + " be the scalar " + v + "; pass a Tensor of that shape; its value is unchanged");
        }
        if (ownsValue && value != null) {
            value.setAt(value.offset(), v);
        } else {
            value = Tensor.scalar(dtype(), v);
            ownsValue = true;
        }
    }

    /**
     * Copies {@code data} (row-major) into the input's own value tensor, allocating it on
     * first use.
     *
     * @throws IllegalArgumentException if the length differs from the node's size; the old
     *     value is kept
     */
    public void let(double[] data) {
        checkInput();
        if (data.length != shape().size()) {
            throw new IllegalArgumentException("cannot let input '" + name + "' of shape " + shape() + " ("
                    + shape().size() + " elements) be " + data.length + " values; its value is unchanged");
        }
        if (!ownsValue || value == null) {
            value = Tensor.zeros(dtype(), shape());
            ownsValue = true;
        }
        for (int k = 0; k < data.length; k++) {
            value.setAt(value.offset() + k, data[k]);
        }
    }

    private void checkInput() {
        if (kind != Kind.INPUT) {
            throw new IllegalStateException("let is only for inputs; '" + name + "' is " + (kind == Kind.CONSTANT
                    ? "a constant" : "the result of " + op.name()));
        }
    }

    // ---- for machines: how a VM publishes results ----

    /**
     * For machines: publishes {@code t} as this op node's computed value (shared, not
     * copied). Users set inputs with {@code let} instead.
     */
    public void bindComputedValue(Tensor t) {
        if (kind != Kind.OP) {
            throw new IllegalStateException("only op nodes get computed values; '" + name + "' is " + kind);
        }
        // Machines republish the same tensors every run: skipping unchanged stores skips their GC write barriers.
        if (value != t) {
            value = t;
        }
    }

    /** For machines: marks the value as unavailable; {@link #value()} then throws with {@code reason}. */
    public void unbindComputedValue(String reason) {
        if (kind != Kind.OP) {
            throw new IllegalStateException("only op nodes get computed values; '" + name + "' is " + kind);
        }
        if (value != null || unavailable != reason) {
            value = null;
            unavailable = reason;
        }
    }

    /** For machines: publishes {@code t} as the gradient of the cost with respect to this node. */
    public void bindGradient(Tensor t) {
        if (gradient != t) {
            gradient = t;
        }
    }

    /**
     * Returns true for a node that {@link Grad#of} built as part of an op's rule but that no
     * requested gradient uses (a rule gives every input its gradient; only some are asked for).
     * Machines skip discarded nodes; building an expression that uses one revives it.
     */
    public boolean isDiscarded() {
        return discarded;
    }

    void setDiscarded(boolean value) {
        discarded = value;
    }

    void setConstantValue(Tensor t) {
        value = t;
        ownsValue = false;
    }

    /** Returns the node's name and type, e.g. {@code x :: float64(2, 3)}. */
    @Override
    public String toString() {
        return name + " :: " + type;
    }
}
