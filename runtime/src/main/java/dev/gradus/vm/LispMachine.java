package dev.gradus.vm;

import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.graph.ReverseMode;
import dev.gradus.op.EagerBuilder;
import dev.gradus.tensor.Tensor;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks the graph and evaluates it directly, then back-propagates through the same op rules
 * with the eager evaluator (reverse-mode automatic differentiation), as Gorgonia's
 * LispMachine does. Nothing is compiled, so it is cheap to create: build a new graph and a
 * new machine per example when the graph's shape depends on the data (recursive or
 * variable-length networks).
 *
 * <p>The forward pass stores every op node's value ({@link Node#value()}). The backward pass
 * differentiates a scalar cost (given, or the graph's only scalar float root) and binds the
 * gradient to each wrt node ({@link Node#gradient()}); by default the wrt nodes are all
 * float inputs, and an input the cost does not depend on gets zeros. Not thread-safe.
 */
public final class LispMachine implements AutoCloseable {
    private static final Logger LOG = System.getLogger(LispMachine.class.getName());

    private final Graph graph;
    private final Node cost;
    private final List<Node> wrt;
    private final boolean forward;
    private final boolean backward;
    private final boolean nanWatch;
    private final boolean trace;
    private final Set<Node> watch;

    private LispMachine(Builder b) {
        this.graph = b.graph;
        this.cost = b.cost;
        this.wrt = b.wrt;
        this.forward = !b.backwardOnly;
        this.backward = !b.forwardOnly;
        this.nanWatch = b.nanWatch;
        this.trace = b.trace;
        this.watch = Set.copyOf(b.watch);
    }

    /** Returns a machine with default options: forward, then backward from the only scalar root. */
    public static LispMachine of(Graph graph) {
        return builder(graph).build();
    }

    /** Returns an options builder for a machine over {@code graph}. */
    public static Builder builder(Graph graph) {
        return new Builder(graph);
    }

    /**
     * Runs the forward pass, then the backward pass (either can be turned off).
     *
     * @throws IllegalStateException if an input has no value, if backward-only finds a node
     *     without a forward value, or if no cost can be chosen
     * @throws ArithmeticException with the NaN/Inf watch on, naming the first node whose
     *     value has NaN or ±Inf
     */
    public void runAll() {
        if (forward) {
            runForward();
        }
        if (backward) {
            runBackward();
        }
    }

    private void runForward() {
        for (Node n : List.copyOf(graph.nodes())) {
            if (!n.isOp() || n.isDiscarded()) {
                continue;
            }
            List<Tensor> args = new ArrayList<>(n.inputs().size());
            for (Node in : n.inputs()) {
                args.add(in.value());
            }
            Tensor out;
            try {
                out = EagerBuilder.INSTANCE.apply(n.op(), args);
            } catch (RuntimeException e) {
                throw NumericWatch.failure(n, "", e);
            }
            if (nanWatch) {
                NumericWatch.check(n, out, "");
            }
            n.bindComputedValue(out);
            if (trace || watch.contains(n)) {
                LOG.log(Level.INFO, () -> (trace ? "trace " : "watch ") + n.name() + " = " + out);
            }
        }
    }

    private void runBackward() {
        Node c = cost != null ? cost : findCost();
        if (!c.shape().isScalar() || !c.dtype().isFloat()) {
            throw new IllegalArgumentException("LispMachine: the cost '" + c.name() + "' is " + c.type()
                    + "; it must be a float scalar (shape ())");
        }
        List<Node> targets = wrt != null ? wrt : floatInputs();
        List<Tensor> grads = ReverseMode.gradients(c, targets, EagerBuilder.INSTANCE, LispMachine::valueFor,
                Tensor.ones(c.dtype(), c.shape()));
        Set<Tensor> bound = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < targets.size(); i++) {
            Node w = targets.get(i);
            Tensor g = grads.get(i) != null ? grads.get(i) : Tensor.zeros(w.dtype(), w.shape());
            // Rules pass gradients through unchanged (add, the seed), so two inputs may get the same
            // tensor; each gets its own, so changing one gradient never changes another.
            w.bindGradient(bound.add(g) ? g : g.copy());
        }
    }
    private static Tensor valueFor(Node n) {
        if (!n.hasValue()) {
            throw new IllegalStateException("LispMachine backward pass: node '" + n.name()
                    + "' has no forward value; run the forward pass first");
        }
        return n.value();
    }

    private Node findCost() {
        Set<Node> recordedCosts = new HashSet<>();
        Set<Node> gradientNodes = new HashSet<>();
        for (Graph.GradientBinding b : graph.gradients()) {
            recordedCosts.add(b.cost());
            gradientNodes.add(b.gradient());
        }
        if (recordedCosts.size() == 1) {
            return recordedCosts.iterator().next();
        }
        List<Node> candidates = new ArrayList<>();
        for (Node r : graph.roots()) {
            if (r.isOp() && r.shape().isScalar() && r.dtype().isFloat() && !gradientNodes.contains(r)) {
                candidates.add(r);
            }
        }
        if (candidates.size() != 1) {
            List<String> names = new ArrayList<>();
            for (Node r : candidates) {
                names.add(r.name());
            }
            throw new IllegalStateException("LispMachine: cannot choose the cost to differentiate: the graph has "
                    + candidates.size() + " scalar float roots " + names + "; name it with builder(graph).cost(node)");
        }
        return candidates.get(0);
    }

    private List<Node> floatInputs() {
        List<Node> out = new ArrayList<>();
        for (Node n : graph.inputs()) {
            if (n.dtype().isFloat()) {
                out.add(n);
            }
        }
        return out;
    }

    /** Does nothing: the machine holds no buffers of its own (values live on the nodes). */
    @Override
    public void close() {
        // Values are ordinary heap tensors owned by the nodes; there is nothing to release.
    }

    /** Options for a {@link LispMachine}. */
    public static final class Builder {
        private final Graph graph;
        private Node cost;
        private List<Node> wrt;
        private boolean forwardOnly;
        private boolean backwardOnly;
        private boolean nanWatch;
        private boolean trace;
        private final Set<Node> watch = new HashSet<>();

        private Builder(Graph graph) {
            this.graph = graph;
        }

        /** Differentiates this scalar node (default: the graph's only scalar float root). */
        public Builder cost(Node node) {
            checkOwn(node);
            this.cost = node;
            return this;
        }

        /** Binds gradients to these nodes only (default: every float input). */
        public Builder wrt(Node... nodes) {
            for (Node n : nodes) {
                checkOwn(n);
                if (!n.dtype().isFloat()) {
                    throw new IllegalArgumentException("cannot differentiate with respect to '" + n.name() + "' of dtype "
                            + n.dtype());
                }
            }
            this.wrt = Arrays.asList(nodes.clone());
            return this;
        }

        /** Runs only the forward pass (evaluation). */
        public Builder forwardOnly() {
            this.forwardOnly = true;
            return this;
        }

        /** Runs only the backward pass, using the values of an earlier forward pass. */
        public Builder backwardOnly() {
            this.backwardOnly = true;
            return this;
        }

        /** Throws, naming the first node, when a forward value has NaN or ±Inf. */
        public Builder watchNaN() {
            this.nanWatch = true;
            return this;
        }

        /** Logs every computed value (System.Logger, level INFO). */
        public Builder trace() {
            this.trace = true;
            return this;
        }

        /** Logs the values of the given nodes (System.Logger, level INFO). */
        public Builder watch(Node... nodes) {
            for (Node n : nodes) {
                checkOwn(n);
                watch.add(n);
            }
            return this;
        }

        private void checkOwn(Node n) {
            if (n.graph() != graph) {
                throw new IllegalArgumentException("node '" + n.name() + "' belongs to another graph");
            }
        }

        /**
         * Returns the machine.
         *
         * @throws IllegalStateException if both forwardOnly and backwardOnly were asked for
         */
        public LispMachine build() {
            if (forwardOnly && backwardOnly) {
                throw new IllegalStateException("forwardOnly and backwardOnly exclude each other");
            }
            return new LispMachine(this);
        }
    }
}
