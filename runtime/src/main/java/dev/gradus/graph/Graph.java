package dev.gradus.graph;

import dev.gradus.op.Op;
import dev.gradus.op.TensorType;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An expression graph: inputs, constants and op applications. Building a node checks
 * dtypes and shapes at once and throws naming the op, the input nodes and their shapes.
 *
 * <p>The graph hash-conses: applying an equal op to the same input nodes returns the
 * existing node, and equal constants are shared, so common subexpressions are computed
 * once. Nodes are kept in creation order, which is a topological order.
 *
 * <p>Not thread-safe: build a graph from one thread.
 */
public final class Graph {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Object, Node> interned = new HashMap<>();
    private final Map<String, Node> inputsByName = new LinkedHashMap<>();
    private final List<GradientBinding> gradients = new ArrayList<>();
    private final GraphBuilder builder = new GraphBuilder(this);

    /** Creates an empty graph. */
    public Graph() {
    }

    // ---------------------------------------------------------------- inputs

    /** Creates a rank-0 input with no value yet. */
    public Node scalar(DType dtype, String name) {
        return tensor(dtype, Shape.scalar(), name);
    }

    /** Creates a rank-0 input with an initial value. */
    public Node scalar(DType dtype, String name, double initial) {
        Node n = scalar(dtype, name);
        n.let(initial);
        return n;
    }

    /** Creates a rank-1 input of length {@code n} with no value yet. */
    public Node vector(DType dtype, int n, String name) {
        return tensor(dtype, Shape.of(n), name);
    }

    /** Creates a rank-2 input of {@code rows × cols} with no value yet. */
    public Node matrix(DType dtype, int rows, int cols, String name) {
        return tensor(dtype, Shape.of(rows, cols), name);
    }

    /**
     * Creates an input of any shape with no value yet.
     *
     * @throws IllegalArgumentException if the name is empty or another input already has it
     */
    public Node tensor(DType dtype, Shape shape, String name) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        checkNewInputName(name);
        Node n = add(Node.Kind.INPUT, null, List.of(), new TensorType(dtype, shape), name, true);
        inputsByName.put(name, n);
        return n;
    }

    /** Creates an input whose type is {@code initial}'s, with {@code initial} as its value (bound, not copied). */
    public Node input(String name, Tensor initial) {
        Node n = tensor(initial.dtype(), initial.shape(), name);
        n.let(initial);
        return n;
    }

    private void checkNewInputName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an input needs a non-empty name");
        }
        if (inputsByName.containsKey(name)) {
            throw new IllegalArgumentException("the graph already has an input named '" + name + "'");
        }
    }

    void rename(Node node, String newName) {
        if (newName == null || newName.isBlank()) {
            throw new IllegalArgumentException("a node name must not be empty");
        }
        if (node.isInput()) {
            Node other = inputsByName.get(newName);
            if (other != null && other != node) {
                throw new IllegalArgumentException("the graph already has an input named '" + newName + "'");
            }
            inputsByName.remove(node.name());
            inputsByName.put(newName, node);
        }
    }

    // ---------------------------------------------------------------- constants

    /** Returns the rank-0 constant {@code value} of {@code dtype} (shared when equal). */
    public Node constant(double value, DType dtype) {
        Tensor t = Tensor.scalar(dtype, value);
        return constant(t);
    }

    /**
     * Returns a constant holding a copy of {@code value}; equal constants (same dtype, shape
     * and elements) are shared.
     */
    public Node constant(Tensor value) {
        Tensor copy = value.copy();
        ConstantKey key = new ConstantKey(copy);
        Node existing = interned.get(key);
        if (existing != null) {
            revive(existing);
            return existing;
        }
        String name = copy.size() == 1 ? copy.toString() : "const" + copy.shape();
        Node n = add(Node.Kind.CONSTANT, null, List.of(), new TensorType(copy.dtype(), copy.shape()), name, false);
        n.setConstantValue(copy);
        interned.put(key, n);
        return n;
    }

    // ---------------------------------------------------------------- ops

    /** Applies {@code op} to {@code inputs}; see {@link #apply(Op, List)}. */
    public Node apply(Op op, Node... inputs) {
        return apply(op, Arrays.asList(inputs));
    }

    /**
     * Returns the node for {@code op} applied to {@code inputs}: the existing one if an equal
     * op was already applied to the same nodes, else a new node.
     *
     * @throws IllegalArgumentException naming the op, the input nodes and their types when
     *     the op's type rule rejects them, or when an input belongs to another graph
     */
    public Node apply(Op op, List<Node> inputs) {
        Objects.requireNonNull(op, "op");
        List<TensorType> types = new ArrayList<>(inputs.size());
        for (Node in : inputs) {
            Objects.requireNonNull(in, "input node");
            if (in.graph() != this) {
                throw new IllegalArgumentException(op.name() + ": input '" + in.name() + "' belongs to another graph");
            }
            types.add(in.type());
        }
        OpKey key = new OpKey(op, List.copyOf(inputs));
        Node existing = interned.get(key);
        if (existing != null) {
            revive(existing);
            return existing;
        }
        for (Node in : inputs) {
            revive(in);
        }
        TensorType type;
        try {
            type = op.infer(types);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op.name() + "(" + describe(inputs) + "): " + e.getMessage(), e);
        }
        List<String> argNames = new ArrayList<>(inputs.size());
        for (Node in : inputs) {
            argNames.add(in.name());
        }
        String printed = op.format(argNames);
        String name = printed.length() <= 48 ? printed : op.name() + "#" + nodes.size();
        Node n = add(Node.Kind.OP, op, inputs, type, name, false);
        interned.put(key, n);
        return n;
    }

    private static String describe(List<Node> inputs) {
        StringBuilder sb = new StringBuilder();
        for (Node in : inputs) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(in.name()).append(" ").append(in.dtype()).append(in.shape());
        }
        return sb.toString();
    }

    private Node add(Node.Kind kind, Op op, List<Node> inputs, TensorType type, String name, boolean userNamed) {
        Node n = new Node(this, nodes.size(), kind, op, inputs, type, name, userNamed);
        nodes.add(n);
        return n;
    }

    // ---------------------------------------------------------------- queries

    /** Returns the builder that applies op rules to this graph's nodes. */
    public GraphBuilder builder() {
        return builder;
    }

    /** Returns every node in creation order (a topological order). */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** Returns the inputs in creation order. */
    public List<Node> inputs() {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.isInput()) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Returns the input with the given name.
     *
     * @throws IllegalArgumentException if there is none
     */
    public Node input(String name) {
        Node n = inputsByName.get(name);
        if (n == null) {
            throw new IllegalArgumentException("the graph has no input named '" + name + "'; inputs: " + inputsByName.keySet());
        }
        return n;
    }

    /** Returns the nodes no other node uses, in creation order (discarded nodes excluded). */
    public List<Node> roots() {
        boolean[] used = new boolean[nodes.size()];
        for (Node n : nodes) {
            if (!n.isDiscarded()) {
                for (Node in : n.inputs()) {
                    used[in.id()] = true;
                }
            }
        }
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (!used[n.id()] && !n.isDiscarded()) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Marks the nodes created since {@code firstNew} (an earlier {@code nodes().size()}) that
     * none of {@code results} depends on as discarded (see {@link Node#isDiscarded()}): machines
     * skip them, and building an expression that uses one revives it. Builders of gradient
     * nodes call this because rules build a gradient for every input of an op, needed or not.
     *
     * @param firstNew the id of the first node to consider
     * @param results the nodes that must stay computable; nodes of this graph
     */
    public void discardUnused(int firstNew, List<Node> results) {
        boolean[] live = new boolean[nodes.size()];
        List<Node> stack = new ArrayList<>(results);
        while (!stack.isEmpty()) {
            Node n = stack.remove(stack.size() - 1);
            if (!live[n.id()]) {
                live[n.id()] = true;
                stack.addAll(n.inputs());
            }
        }
        for (int id = firstNew; id < nodes.size(); id++) {
            if (!live[id]) {
                nodes.get(id).setDiscarded(true);
            }
        }
    }

    /** Clears the discarded mark of {@code n} and of everything it depends on. */
    private static void revive(Node n) {
        if (!n.isDiscarded()) {
            return;
        }
        List<Node> stack = new ArrayList<>(List.of(n));
        while (!stack.isEmpty()) {
            Node m = stack.remove(stack.size() - 1);
            if (m.isDiscarded()) {
                m.setDiscarded(false);
                stack.addAll(m.inputs());
            }
        }
    }

    /** Returns, for each node id, the nodes that use it. */
    public List<List<Node>> consumers() {
        List<List<Node>> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            out.add(new ArrayList<>());
        }
        for (Node n : nodes) {
            for (Node in : n.inputs()) {
                List<Node> c = out.get(in.id());
                if (!c.contains(n)) {
                    c.add(n);
                }
            }
        }
        return out;
    }

    /** Returns the gradient nodes recorded by {@link Grad#of}, in the order they were made. */
    public List<GradientBinding> gradients() {
        return Collections.unmodifiableList(gradients);
    }

    void recordGradient(GradientBinding binding) {
        if (!gradients.contains(binding)) {
            gradients.add(binding);
        }
    }

    /** Returns the graph in Graphviz DOT, with Gorgonia's conventions; see {@link Dot}. */
    public String toDot() {
        return Dot.render(this);
    }

    /**
     * A gradient made by {@link Grad#of}: {@code gradient} is ∂cost/∂wrt.
     *
     * @param wrt the node differentiated with respect to
     * @param gradient the gradient node
     * @param cost the scalar cost
     */
    public record GradientBinding(Node wrt, Node gradient, Node cost) {
    }

    private record OpKey(Op op, List<Node> inputs) {
        // Nodes compare by identity, so equal keys mean equal ops on the very same nodes.
    }

    private static final class ConstantKey {
        private final Tensor value;
        private final int hash;

        ConstantKey(Tensor value) {
            this.value = value;
            int h = value.dtype().hashCode() * 31 + value.shape().hashCode();
            for (int k = 0, n = value.size(); k < n; k++) {
                h = h * 31 + Double.hashCode(value.getFlat(k));
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof ConstantKey other) || other.hash != hash) {
                return false;
            }
            Tensor a = value;
            Tensor b = other.value;
            if (a.dtype() != b.dtype() || !a.shape().equals(b.shape())) {
                return false;
            }
            for (int k = 0, n = a.size(); k < n; k++) {
                if (Double.doubleToLongBits(a.getFlat(k)) != Double.doubleToLongBits(b.getFlat(k))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
