package dev.gradus.vm;

import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.op.Op;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a graph once into a program of instructions and runs it many times (Gorgonia's
 * TapeMachine).
 *
 * <p>Compilation takes the graph's nodes in topological order, computes each node's last
 * use, and assigns every op node a preallocated buffer: a buffer whose node is dead is
 * reused by a later node of the same dtype and size, and an elementwise op whose input dies
 * at that instruction writes over the input in place. After the first run, {@link #runAll()}
 * allocates nothing on the Java heap (with the watch and trace options off).
 *
 * <p>Which values stay readable after a run: inputs, constants, roots, gradient nodes made
 * by {@code Grad.of}, and the nodes named in {@link Builder#keep} or {@link Builder#watch};
 * other nodes' buffers may be reused, and their {@link Node#value()} then says so. Use
 * {@link Builder#keepAll()} to keep every value.
 *
 * <p>The program covers the nodes that exist when the machine is built. Not thread-safe;
 * {@link #close()} releases the buffers at once.
 */
public final class TapeMachine implements AutoCloseable {
    private static final Logger LOG = System.getLogger(TapeMachine.class.getName());

    private final Graph graph;
    private final Instruction[] program;
    private final Node[] publishedNodes;
    private final Tensor[] publishedValues;
    private final Node[] unavailableNodes;
    private final String unavailableReason;
    private final Node[] boundWrt;
    private final Node[] boundGradient;
    private final Tensor[] boundHolder;
    private final boolean[] boundCopies;
    private final Tensor[] valueOf;
    private final boolean nanWatch;
    private final boolean trace;
    private final int bufferCount;
    private final long bufferBytes;
    private boolean closed;

    private TapeMachine(Builder b) {
        this.graph = b.graph;
        this.nanWatch = b.nanWatch;
        this.trace = b.trace;
        Compiler c = new Compiler(b);
        this.program = c.program.toArray(new Instruction[0]);
        this.valueOf = c.valueOf;
        this.bufferCount = c.buffers.size();
        long bytes = 0;
        for (Buffer buf : c.buffers) {
            bytes += (long) buf.size * buf.dtype.byteSize();
        }
        this.bufferBytes = bytes;
        List<Node> published = new ArrayList<>();
        List<Node> unavailable = new ArrayList<>();
        for (Node n : c.nodes) {
            if (n.isOp()) {
                (c.kept[n.id()] ? published : unavailable).add(n);
            }
        }
        this.publishedNodes = published.toArray(new Node[0]);
        this.publishedValues = new Tensor[publishedNodes.length];
        for (int i = 0; i < publishedNodes.length; i++) {
            publishedValues[i] = valueOf[publishedNodes[i].id()];
        }
        this.unavailableNodes = unavailable.toArray(new Node[0]);
        this.unavailableReason = "the TapeMachine reused this node's buffer; keep its value with "
                + "TapeMachine.builder(graph).keep(node) or keepAll()";
        this.boundWrt = c.bindWrt.toArray(new Node[0]);
        this.boundGradient = c.bindGradient.toArray(new Node[0]);
        this.boundHolder = new Tensor[boundWrt.length];
        this.boundCopies = new boolean[boundWrt.length];
        for (int i = 0; i < boundWrt.length; i++) {
            Node gn = boundGradient[i];
            // A gradient node's kept buffer is bound as it is: no copy per run. A copy is made only
            // when the node is a constant or input (its value must not be changed through the
            // gradient) or stands for several wrt nodes (each gets its own tensor).
            boolean shared = false;
            for (int j = 0; j < boundGradient.length; j++) {
                shared |= j != i && boundGradient[j] == gn;
            }
            boundCopies[i] = !gn.isOp() || shared;
            boundHolder[i] = boundCopies[i] ? Tensor.zeros(boundWrt[i].dtype(), boundWrt[i].shape()) : valueOf[gn.id()];
        }
    }

    /** Compiles {@code graph} with default options. */
    public static TapeMachine of(Graph graph) {
        return builder(graph).build();
    }

    /** Returns an options builder for a machine over {@code graph}. */
    public static Builder builder(Graph graph) {
        return new Builder(graph);
    }

    /**
     * Runs the program once: reads the inputs' current values, executes every instruction,
     * publishes the kept values and, with {@code bindGradients}, binds each gradient to its wrt
     * node's {@link Node#gradient()} (the machine's buffer, overwritten by every run, never
     * accumulated across runs).
     *
     * @throws IllegalStateException if an input has no value, or the machine is closed
     * @throws IllegalArgumentException if a kernel refuses its input (an index out of range),
     *     naming the node, its op and its inputs
     * @throws ArithmeticException with the NaN/Inf watch on, naming the first node whose
     *     value contains NaN or ±Inf
     */
    public void runAll() {
        if (closed) {
            throw new IllegalStateException("this TapeMachine is closed");
        }
        for (Instruction ins : program) {
            int[] dyn = ins.dynamicArgs;
            for (int p : dyn) {
                ins.args[p] = ins.inputs[p].value();
            }
            try {
                ins.op.compute(ins.args, ins.out);
            } catch (RuntimeException e) {
                throw NumericWatch.failure(ins.node, ins.where, e);
            }
            if (nanWatch) {
                NumericWatch.check(ins.node, ins.out, ins.where);
            }
            if (trace) {
                LOG.log(Level.INFO, () -> "trace " + ins.index + ": " + ins.node.name() + " = " + ins.out);
            } else if (ins.watched) {
                LOG.log(Level.INFO, () -> "watch " + ins.node.name() + " = " + ins.out);
            }
        }
        for (int i = 0; i < publishedNodes.length; i++) {
            publishedNodes[i].bindComputedValue(publishedValues[i]);
        }
        for (Node n : unavailableNodes) {
            n.unbindComputedValue(unavailableReason);
        }
        for (int i = 0; i < boundWrt.length; i++) {
            if (boundCopies[i]) {
                Node gn = boundGradient[i];
                boundHolder[i].copyFrom(gn.isOp() ? valueOf[gn.id()] : gn.value());
            }
            boundWrt[i].bindGradient(boundHolder[i]);
        }
    }

    /** Returns the graph this machine runs. */
    public Graph graph() {
        return graph;
    }

    /** Returns the number of instructions. */
    public int instructionCount() {
        return program.length;
    }

    /** Returns the number of distinct buffers the program uses. */
    public int bufferCount() {
        return bufferCount;
    }

    /** Returns the bytes held by the program's buffers. */
    public long bufferBytes() {
        return bufferBytes;
    }

    /**
     * Returns the program as text: one line per instruction with its node, op, operands,
     * output buffer and type, marking in-place updates and buffer releases.
     */
    public String listing() {
        StringBuilder sb = new StringBuilder();
        sb.append("TapeMachine: ").append(program.length).append(" instructions, ").append(bufferCount)
                .append(" buffers (").append(bufferBytes).append(" bytes)\n");
        for (Instruction ins : program) {
            sb.append(String.format("%4d  %-6s %-14s %-28s -> buf%-3d %s", ins.index, "n" + ins.node.id(), ins.op,
                    operands(ins), ins.buffer, ins.node.type()));
            if (ins.inPlace) {
                sb.append("  in place");
            }
            if (!ins.frees.isEmpty()) {
                sb.append("  frees ").append(ins.frees);
            }
            sb.append("   ; ").append(ins.node.name()).append('\n');
        }
        for (int i = 0; i < boundWrt.length; i++) {
            sb.append("  bind gradient n").append(boundGradient[i].id()).append(" -> ").append(boundWrt[i].name())
                    .append('\n');
        }
        return sb.toString();
    }

    private String operands(Instruction ins) {
        StringBuilder sb = new StringBuilder();
        for (Node in : ins.inputs) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(in.isInput() ? in.name() : in.isConstant() ? "const n" + in.id() : "n" + in.id());
        }
        return sb.toString();
    }

    /**
     * Releases the machine's buffers at once: the machine drops every buffer and further
     * runs throw. Values already published to nodes (kept values, bound gradients) stay
     * readable as ordinary tensors owned by those nodes. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Arrays.fill(valueOf, null);
        Arrays.fill(publishedValues, null);
        for (Instruction ins : program) {
            ins.release();
        }
    }

    /** Options for a {@link TapeMachine}; {@link #build()} compiles. */
    public static final class Builder {
        private final Graph graph;
        private final Set<Node> watch = new HashSet<>();
        private final Set<Node> keep = new HashSet<>();
        private boolean keepAll;
        private boolean nanWatch;
        private boolean trace;
        private boolean bindGradients;
        private Node bindCost;
        private boolean reuseBuffers = true;

        private Builder(Graph graph) {
            this.graph = graph;
        }

        /** Logs the value of each given node (System.Logger, level INFO) after every run's instruction that computes it; keeps their values. */
        public Builder watch(Node... nodes) {
            for (Node n : nodes) {
                checkOwn(n);
                watch.add(n);
            }
            return this;
        }

        /** Keeps the given nodes' values readable after a run (their buffers are not reused). */
        public Builder keep(Node... nodes) {
            for (Node n : nodes) {
                checkOwn(n);
                keep.add(n);
            }
            return this;
        }

        /** Keeps every node's value readable after a run (no buffer reuse or in-place updates). */
        public Builder keepAll() {
            this.keepAll = true;
            return this;
        }

        /** Turns buffer reuse and in-place updates on (default) or off. */
        public Builder reuseBuffers(boolean reuse) {
            this.reuseBuffers = reuse;
            return this;
        }

        /** Checks every instruction's output for NaN and ±Inf and throws naming the first node that produced one. */
        public Builder watchNaN() {
            this.nanWatch = true;
            return this;
        }

        /** Logs every instruction's output (System.Logger, level INFO). Allocates; for debugging. */
        public Builder trace() {
            this.trace = true;
            return this;
        }

        /**
         * After each run, binds every gradient made by {@code Grad.of} on this graph to its
         * wrt node's {@link Node#gradient()} (Gorgonia's BindDualValues; each run overwrites,
         * never accumulates). The bound tensor is the machine's buffer, valid until the next run.
         */
        public Builder bindGradients() {
            this.bindGradients = true;
            return this;
        }

        /** As {@link #bindGradients()}, but only the gradients of {@code cost}, for graphs with several costs. */
        public Builder bindGradientsOf(Node cost) {
            checkOwn(cost);
            this.bindGradients = true;
            this.bindCost = cost;
            return this;
        }

        private void checkOwn(Node n) {
            if (n.graph() != graph) {
                throw new IllegalArgumentException("node '" + n.name() + "' belongs to another graph");
            }
        }

        /**
         * Compiles the program.
         *
         * @throws IllegalStateException if {@code bindGradients()} finds two different
         *     gradients for one node (several costs: use {@link #bindGradientsOf})
         */
        public TapeMachine build() {
            return new TapeMachine(this);
        }
    }

    private static final class Buffer {
        final int id;
        final DType dtype;
        final int size;
        final Object array;

        Buffer(int id, DType dtype, int size) {
            this.id = id;
            this.dtype = dtype;
            this.size = size;
            this.array = switch (dtype) {
                case FLOAT64 -> new double[size];
                case FLOAT32 -> new float[size];
                case INT32, BOOL -> new int[size];
            };
        }

        Tensor view(Shape shape) {
            int[] dims = shape.dims();
            return switch (dtype) {
                case FLOAT64 -> Tensor.of((double[]) array, dims);
                case FLOAT32 -> Tensor.of((float[]) array, dims);
                case INT32 -> Tensor.ofInts((int[]) array, dims);
                case BOOL -> Tensor.ofBools((int[]) array, dims);
            };
        }
    }

    private static final class Instruction {
        final int index;
        final Node node;
        final Op op;
        final Node[] inputs;
        final Tensor[] args;
        final int[] dynamicArgs;
        Tensor out;
        final int buffer;
        final boolean inPlace;
        final boolean watched;
        final String where;
        final List<String> frees = new ArrayList<>();

        Instruction(int index, Node node, Tensor[] valueOf, int buffer, boolean inPlace, boolean watched) {
            this.index = index;
            this.node = node;
            this.op = node.op();
            this.inputs = node.inputs().toArray(new Node[0]);
            this.args = new Tensor[inputs.length];
            int dyn = 0;
            for (Node in : inputs) {
                if (!in.isOp()) {
                    dyn++;
                }
            }
            this.dynamicArgs = new int[dyn];
            int j = 0;
            for (int p = 0; p < inputs.length; p++) {
                if (inputs[p].isOp()) {
                    args[p] = valueOf[inputs[p].id()];
                } else {
                    dynamicArgs[j++] = p;
                }
            }
            this.out = valueOf[node.id()];
            this.buffer = buffer;
            this.inPlace = inPlace;
            this.watched = watched;
            this.where = ", instruction " + index;
        }

        void release() {
            Arrays.fill(args, null);
            out = null;
        }
    }

    /** Liveness analysis and buffer assignment. */
    private static final class Compiler {
        final List<Node> nodes;
        final boolean[] kept;
        final Tensor[] valueOf;
        final List<Buffer> buffers = new ArrayList<>();
        final List<Instruction> program = new ArrayList<>();
        final List<Node> bindWrt = new ArrayList<>();
        final List<Node> bindGradient = new ArrayList<>();

        Compiler(Builder b) {
            List<Node> live = new ArrayList<>();
            for (Node node : b.graph.nodes()) {
                if (!node.isDiscarded()) {
                    live.add(node);
                }
            }
            this.nodes = live;
            int n = b.graph.nodes().size();
            this.kept = new boolean[n];
            this.valueOf = new Tensor[n];
            int[] lastUse = new int[n];
            Arrays.fill(lastUse, -1);
            for (Node node : nodes) {
                for (Node in : node.inputs()) {
                    lastUse[in.id()] = Math.max(lastUse[in.id()], node.id());
                }
            }
            if (b.bindGradients) {
                collectBindings(b);
            }
            for (Node node : nodes) {
                boolean k = b.keepAll || !b.reuseBuffers || lastUse[node.id()] < 0 || b.keep.contains(node)
                        || b.watch.contains(node);
                kept[node.id()] = k;
            }
            for (var binding : b.graph.gradients()) {
                if (binding.gradient().id() < n) {
                    kept[binding.gradient().id()] = true;
                }
                if (binding.cost().id() < n) {
                    kept[binding.cost().id()] = true;
                }
            }
            Map<Long, Deque<Buffer>> free = new HashMap<>();
            int[] bufferOf = new int[n];
            Arrays.fill(bufferOf, -1);
            for (Node node : nodes) {
                if (!node.isOp()) {
                    continue;
                }
                int id = node.id();
                int chosen = -1;
                boolean inPlace = false;
                if (b.reuseBuffers && node.op().isElementwise()) {
                    List<Node> ins = node.inputs();
                    for (int p = 0; p < ins.size() && chosen < 0; p++) {
                        Node in = ins.get(p);
                        if (in.isOp() && !kept[in.id()] && lastUse[in.id()] == id && in.type().equals(node.type())
                                && node.op().canComputeInPlace(p) && bufferOf[in.id()] >= 0) {
                            chosen = bufferOf[in.id()];
                            inPlace = true;
                        }
                    }
                }
                if (chosen < 0) {
                    long key = key(node.dtype(), node.shape().size());
                    Deque<Buffer> pool = free.get(key);
                    Buffer buf = pool == null || pool.isEmpty() ? null : pool.pop();
                    if (buf == null) {
                        buf = new Buffer(buffers.size(), node.dtype(), node.shape().size());
                        buffers.add(buf);
                    }
                    chosen = buf.id;
                }
                bufferOf[id] = chosen;
                valueOf[id] = buffers.get(chosen).view(node.shape());
                Instruction ins = new Instruction(program.size(), node, valueOf, chosen, inPlace, b.watch.contains(node));
                Set<Integer> released = new HashSet<>();
                for (Node in : node.inputs()) {
                    int bi = in.isOp() ? bufferOf[in.id()] : -1;
                    if (bi >= 0 && bi != chosen && !kept[in.id()] && lastUse[in.id()] == id && released.add(bi)) {
                        Buffer buf = buffers.get(bi);
                        free.computeIfAbsent(key(buf.dtype, buf.size), x -> new ArrayDeque<>()).push(buf);
                        ins.frees.add("buf" + bi);
                    }
                }
                program.add(ins);
            }
        }

        private static long key(DType dtype, int size) {
            return ((long) dtype.ordinal() << 32) | (size & 0xffffffffL);
        }

        private void collectBindings(Builder b) {
            Map<Node, Node> chosen = new LinkedHashMap<>();
            Map<Node, Node> costOf = new HashMap<>();
            for (var binding : b.graph.gradients()) {
                if (b.bindCost != null && binding.cost() != b.bindCost) {
                    continue;
                }
                Node previous = chosen.get(binding.wrt());
                if (previous != null && previous != binding.gradient()) {
                    throw new IllegalStateException("bindGradients: '" + binding.wrt().name() + "' has gradients of two costs, '"
                            + costOf.get(binding.wrt()).name() + "' and '" + binding.cost().name()
                            + "'; choose one with bindGradientsOf(cost)");
                }
                chosen.put(binding.wrt(), binding.gradient());
                costOf.put(binding.wrt(), binding.cost());
            }
            for (var e : chosen.entrySet()) {
                bindWrt.add(e.getKey());
                bindGradient.add(e.getValue());
            }
        }
    }
}
