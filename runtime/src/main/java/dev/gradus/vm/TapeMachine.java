package dev.gradus.vm;

import dev.gradus.cuda.Cuda;
import dev.gradus.cuda.CudaEngine;
import dev.gradus.cuda.CudaUnavailableException;
import dev.gradus.cuda.DeviceArray;
import dev.gradus.cuda.KernelLaunch;
import dev.gradus.cuda.KernelSource;
import dev.gradus.cuda.KernelSpec;
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
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

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
 * <p>CUDA (opt-in, as in Gorgonia): with {@link Builder#useCuda()} or
 * {@link Builder#useCudaFor}, elementwise instructions the kernel source supports run on the
 * GPU. Consecutive GPU instructions keep their values on the device, and chains of them whose
 * intermediates nobody else reads are fused into one kernel; values cross between host and
 * device only where a CPU instruction, a kept or watched node, or a GPU instruction needs
 * them. Without a usable GPU the machine runs on the CPU and logs one line, unless
 * {@link Builder#requireCuda()} asked for an exception.
 *
 * <p>The program covers the nodes that exist when the machine is built. Not thread-safe;
 * {@link #close()} releases the buffers, and any device memory and CUDA context, at once.
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
    private final CudaEngine engine;
    private final Transfer[] finalTransfers;
    private final CopyCounter copies;
    private final int cudaKernelCount;
    private boolean closed;

    private TapeMachine(Builder b, CudaEngine engine) {
        this.graph = b.graph;
        this.nanWatch = b.nanWatch;
        this.trace = b.trace;
        this.engine = engine;
        this.copies = new CopyCounter();
        Compiler c = new Compiler(b);
        if (engine != null) {
            new CudaPlanner(b, c, engine, copies).plan();
        }
        this.finalTransfers = c.finalTransfers.toArray(new Transfer[0]);
        int kernels = 0;
        for (Instruction ins : c.program) {
            kernels += ins.gpu != null ? 1 : 0;
        }
        this.cudaKernelCount = kernels;
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
        if (cudaKernelCount > 0) {
            engine.makeCurrent();
        }
        for (Instruction ins : program) {
            for (Transfer t : ins.before) {
                t.run(engine);
            }
            if (ins.gpu != null) {
                try {
                    ins.gpu.run();
                } catch (RuntimeException e) {
                    throw NumericWatch.failure(ins.node, ins.where, e);
                }
                for (Transfer t : ins.after) {
                    t.run(engine);
                }
                if (ins.after.length == 0) {
                    // The value stays on the device: nothing on the host to check or log.
                    continue;
                }
            } else {
                int[] dyn = ins.dynamicArgs;
                for (int p : dyn) {
                    ins.args[p] = ins.inputs[p].value();
                }
                try {
                    ins.op.compute(ins.args, ins.out);
                } catch (RuntimeException e) {
                    throw NumericWatch.failure(ins.node, ins.where, e);
                }
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
        for (Transfer t : finalTransfers) {
            t.run(engine);
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
     * Returns true when this machine holds a CUDA engine: CUDA was asked for and a GPU was
     * found (whether or not any instruction ended up on it).
     */
    public boolean usesCuda() {
        return engine != null;
    }

    /** Returns the name of the GPU this machine runs on, or empty when it runs on the CPU only. */
    public String cudaDevice() {
        return engine == null ? "" : engine.deviceName();
    }

    /** Returns the number of program entries that launch a CUDA kernel (a fused chain counts once). */
    public int cudaKernelCount() {
        return cudaKernelCount;
    }

    /** Returns how many host-to-device copies this machine's runs have made so far. */
    public long copiesToDevice() {
        return copies.toDevice;
    }

    /** Returns how many device-to-host copies this machine's runs have made so far. */
    public long copiesToHost() {
        return copies.toHost;
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
            for (Transfer t : ins.before) {
                sb.append("      ").append(t).append('\n');
            }
            sb.append(String.format("%4d  %-6s %-14s %-28s -> buf%-3d %s", ins.index, "n" + ins.node.id(),
                    ins.gpu != null ? ins.gpu.label() : ins.op, ins.gpu != null ? ins.gpu.operands() : operands(ins),
                    ins.buffer, ins.node.type()));
            if (ins.inPlace) {
                sb.append("  in place");
            }
            if (!ins.frees.isEmpty()) {
                sb.append("  frees ").append(ins.frees);
            }
            sb.append("   ; ").append(ins.node.name()).append('\n');
            for (Transfer t : ins.after) {
                sb.append("      ").append(t).append('\n');
            }
        }
        for (Transfer t : finalTransfers) {
            sb.append("      ").append(t).append('\n');
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
     * runs throw. With CUDA, it frees every device array, kernel module, the page-locked
     * staging buffer and the CUDA context before returning, without waiting for garbage
     * collection. Values already published to nodes (kept values, bound gradients) stay
     * readable as ordinary tensors owned by those nodes. Idempotent.
     *
     * @throws IllegalStateException if the CUDA driver fails to free something (everything
     *     is still attempted, and the machine is closed)
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
        if (engine != null) {
            engine.close();
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
        private boolean cudaAll;
        private final SortedSet<String> cudaOps = new TreeSet<>();
        private boolean cudaRequired;
        private boolean fuseKernels = true;
        private KernelSource cudaKernels;
        private Function<KernelSource, CudaEngine> engineFactory = Cuda::open;

        private Builder(Graph graph) {
            this.graph = graph;
        }

        /**
         * Runs every elementwise op that the kernel source supports on the GPU (float32 or
         * float64, inputs of the output's shape or single elements); other ops run on the CPU.
         * Without a usable GPU the machine runs on the CPU and logs one line (System.Logger,
         * WARNING); see {@link #requireCuda()}.
         */
        public Builder useCuda() {
            this.cudaAll = true;
            return this;
        }

        /**
         * Runs only the named elementwise ops on the GPU (Gorgonia's per-op opt-in), e.g.
         * {@code useCudaFor("tanh", "sigmoid")}; may be called several times, adding names.
         * Falls back to the CPU as {@link #useCuda()} does.
         *
         * @throws IllegalArgumentException naming an unknown op name and listing the
         *     elementwise op names ({@link Cuda#opNames}); {@link #build()} also refuses a name
         *     the kernel source has no kernel for
         */
        public Builder useCudaFor(String... opNames) {
            SortedSet<String> known = Cuda.opNames(null);
            for (String name : opNames) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("useCudaFor: no elementwise op is named '" + name
                            + "'; ops that can run on CUDA: " + known);
                }
            }
            cudaOps.addAll(List.of(opNames));
            return this;
        }

        /**
         * Makes a missing GPU an error: {@link #build()} then throws
         * {@link CudaUnavailableException} saying why (no driver, no device, JCuda's natives
         * missing, no kernel generator) instead of falling back to the CPU. Implies
         * {@link #useCuda()} unless {@link #useCudaFor} chose ops.
         */
        public Builder requireCuda() {
            this.cudaRequired = true;
            return this;
        }

        /**
         * Sets where GPU kernels come from; the default is {@link Cuda#defaultKernels()}, the
         * PTX generator built from the op table.
         *
         * @throws NullPointerException if {@code kernels} is null
         */
        public Builder cudaKernels(KernelSource kernels) {
            this.cudaKernels = java.util.Objects.requireNonNull(kernels, "kernels");
            return this;
        }

        /**
         * Turns the fusion of chains of GPU instructions into single kernels on (default) or
         * off (one kernel per op, for comparison). The NaN/Inf watch and trace turn it off,
         * since they look at every value.
         */
        public Builder fuseKernels(boolean fuse) {
            this.fuseKernels = fuse;
            return this;
        }

        /** For tests: how an engine is opened for a kernel source (default {@link Cuda#open}). */
        Builder cudaEngineFactory(Function<KernelSource, CudaEngine> factory) {
            this.engineFactory = java.util.Objects.requireNonNull(factory, "factory");
            return this;
        }

        boolean cudaRequested() {
            return cudaAll || cudaRequired || !cudaOps.isEmpty();
        }

        /** Returns true when {@code op} was chosen for the GPU (the kernel source is asked separately). */
        boolean chosenForCuda(Op op) {
            // requireCuda() alone means every op, as useCuda() does.
            boolean everyOp = cudaAll || (cudaRequired && cudaOps.isEmpty());
            return everyOp || cudaOps.contains(op.name());
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
         * Compiles the program; with CUDA, opens the engine (its own CUDA context), loads the
         * kernels and allocates the device arrays.
         *
         * @throws IllegalStateException if {@code bindGradients()} finds two different
         *     gradients for one node (several costs: use {@link #bindGradientsOf})
         * @throws IllegalArgumentException if {@link #useCudaFor} named an op the kernel
         *     source has no kernel for
         * @throws CudaUnavailableException with {@link #requireCuda()}, if CUDA cannot be used
         */
        public TapeMachine build() {
            CudaEngine engine = openEngine();
            try {
                return new TapeMachine(this, engine);
            } catch (RuntimeException e) {
                if (engine != null) {
                    try {
                        engine.close();
                    } catch (RuntimeException closing) {
                        e.addSuppressed(closing);
                    }
                }
                throw e;
            }
        }

        private CudaEngine openEngine() {
            if (!cudaRequested()) {
                return null;
            }
            try {
                KernelSource kernels = cudaKernels != null ? cudaKernels : Cuda.defaultKernels();
                SortedSet<String> supported = Cuda.opNames(kernels);
                for (String name : cudaOps) {
                    if (!supported.contains(name)) {
                        throw new IllegalArgumentException("useCudaFor: the CUDA kernel source has no kernel for '" + name
                                + "'; it has kernels for " + supported);
                    }
                }
                return engineFactory.apply(kernels);
            } catch (CudaUnavailableException e) {
                if (cudaRequired) {
                    throw new CudaUnavailableException("requireCuda(): " + e.getMessage(), e);
                }
                LOG.log(Level.WARNING, "CUDA was asked for but cannot be used, so this TapeMachine runs on the CPU: "
                        + e.getMessage());
                return null;
            }
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

    private static final Transfer[] NO_TRANSFERS = new Transfer[0];

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
        /** Copies made before this entry runs (inputs it needs on its side). */
        Transfer[] before = NO_TRANSFERS;
        /** Copies made after it runs (a GPU result a watch must see). */
        Transfer[] after = NO_TRANSFERS;
        /** The kernel this entry launches instead of {@code op.compute}, or null on the CPU. */
        GpuKernel gpu;

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

    /** Counts the copies between host and device made by a machine's runs. */
    private static final class CopyCounter {
        long toDevice;
        long toHost;
    }

    /** One copy between a node's host value and a device array, made at a fixed point of every run. */
    private static final class Transfer {
        final Node node;
        final boolean toDevice;
        final DeviceArray device;
        /** The node's host buffer view for op nodes; null for inputs and constants (read per run). */
        final Tensor host;
        /** Constants never change: their copy to the device is made by the first run only. */
        final boolean once;
        final CopyCounter counter;
        boolean done;

        Transfer(Node node, boolean toDevice, DeviceArray device, Tensor host, CopyCounter counter) {
            this.node = node;
            this.toDevice = toDevice;
            this.device = device;
            this.host = host;
            this.once = toDevice && node.isConstant();
            this.counter = counter;
        }

        void run(CudaEngine engine) {
            if (once && done) {
                return;
            }
            Tensor h = host != null ? host : node.value();
            if (toDevice) {
                engine.toDevice(h, device);
                counter.toDevice++;
            } else {
                engine.toHost(device, h);
                counter.toHost++;
            }
            done = true;
        }

        @Override
        public String toString() {
            String name = node.isInput() ? node.name() : node.isConstant() ? "const n" + node.id() : "n" + node.id();
            return (toDevice ? "copy to device: " : "copy to host:   ") + name + (once ? " (first run only)" : "");
        }
    }

    /** One CUDA kernel launch standing for one or more consecutive elementwise instructions. */
    private static final class GpuKernel {
        final KernelSpec spec;
        final Node[] members;
        final Node[] externals;
        final KernelLaunch launch;
        /** Spec input indices passed by value, and where their host values are read. */
        final int[] scalarInputs;
        final Node[] scalarNodes;
        final Tensor[] scalarHost;

        GpuKernel(KernelSpec spec, Node[] members, Node[] externals, KernelLaunch launch, Tensor[] valueOf) {
            this.spec = spec;
            this.members = members;
            this.externals = externals;
            this.launch = launch;
            int count = 0;
            for (KernelSpec.InputKind kind : spec.inputs()) {
                count += kind == KernelSpec.InputKind.SCALAR ? 1 : 0;
            }
            this.scalarInputs = new int[count];
            this.scalarNodes = new Node[count];
            this.scalarHost = new Tensor[count];
            int j = 0;
            for (int i = 0; i < externals.length; i++) {
                if (spec.inputs().get(i) == KernelSpec.InputKind.SCALAR) {
                    scalarInputs[j] = i;
                    scalarNodes[j] = externals[i];
                    scalarHost[j] = externals[i].isOp() ? valueOf[externals[i].id()] : null;
                    j++;
                }
            }
        }

        void run() {
            for (int j = 0; j < scalarInputs.length; j++) {
                Tensor t = scalarHost[j] != null ? scalarHost[j] : scalarNodes[j].value();
                launch.setScalar(scalarInputs[j], t.getAt(t.offset()));
            }
            launch.launch();
        }

        String label() {
            StringBuilder sb = new StringBuilder("cuda:");
            for (int k = 0; k < members.length; k++) {
                sb.append(k == 0 ? "" : ",").append(members[k].op().name());
            }
            return sb.toString();
        }

        String operands() {
            StringBuilder sb = new StringBuilder();
            for (Node in : externals) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(in.isInput() ? in.name() : in.isConstant() ? "const n" + in.id() : "n" + in.id());
            }
            return sb.toString();
        }
    }

    /**
     * Places a compiled CPU program on the GPU: picks the instructions that can run there,
     * groups consecutive ones into fused kernels, gives device arrays to the values that live
     * on the device, and schedules the copies between host and device.
     *
     * <p>Device arrays mirror the host buffers: the value of a node whose host buffer is
     * {@code b} lives in device array {@code b}, so the host compiler's liveness and in-place
     * decisions hold on the device too (an elementwise kernel reads element i of every input
     * before writing element i of its output, so in place is safe). Inputs and constants get
     * their own device arrays.
     */
    private static final class CudaPlanner {
        private final Builder b;
        private final Compiler c;
        private final CudaEngine engine;
        private final CopyCounter counter;
        private final KernelSource kernels;
        private final List<List<Node>> consumers = new ArrayList<>();
        private final DeviceArray[] deviceOfBuffer;
        private final Map<Node, DeviceArray> deviceOfLeaf = new HashMap<>();
        private final boolean[] hostValid;
        private final boolean[] deviceValid;
        private final boolean fuse;

        CudaPlanner(Builder b, Compiler c, CudaEngine engine, CopyCounter counter) {
            this.b = b;
            this.c = c;
            this.engine = engine;
            this.counter = counter;
            this.kernels = engine.kernels();
            int n = c.kept.length;
            for (int i = 0; i < n; i++) {
                consumers.add(new ArrayList<>());
            }
            for (Node node : c.nodes) {
                for (Node in : node.inputs()) {
                    consumers.get(in.id()).add(node);
                }
            }
            this.deviceOfBuffer = new DeviceArray[c.buffers.size()];
            this.hostValid = new boolean[n];
            this.deviceValid = new boolean[n];
            this.fuse = b.fuseKernels && !b.nanWatch && !b.trace;
        }

        /** Returns true when {@code node}'s instruction can be a step of a CUDA kernel. */
        private boolean eligible(Node node) {
            Op op = node.op();
            if (!op.isElementwise() || !b.chosenForCuda(op) || !kernels.supports(op) || !node.dtype().isFloat()
                    || node.shape().size() < 2) {
                return false;
            }
            for (Node in : node.inputs()) {
                if (in.dtype() != node.dtype() || !(in.shape().equals(node.shape()) || in.shape().size() == 1)) {
                    return false;
                }
            }
            return true;
        }

        void plan() {
            List<Instruction> cpu = c.program;
            int count = cpu.size();
            boolean[] onGpu = new boolean[count];
            for (int i = 0; i < count; i++) {
                onGpu[i] = eligible(cpu.get(i).node);
            }
            int[] segment = segments(cpu, onGpu);
            for (Node node : c.nodes) {
                hostValid[node.id()] = !node.isOp();
            }
            List<Instruction> program = new ArrayList<>();
            int i = 0;
            while (i < count) {
                Instruction ins = cpu.get(i);
                if (!onGpu[i]) {
                    List<Transfer> before = new ArrayList<>();
                    for (Node in : ins.inputs) {
                        needOnHost(in, before);
                    }
                    ins.before = before.toArray(NO_TRANSFERS);
                    hostValid[ins.node.id()] = true;
                    deviceValid[ins.node.id()] = false;
                    program.add(ins);
                    i++;
                    continue;
                }
                int j = i;
                while (j + 1 < count && onGpu[j + 1] && segment[j + 1] == segment[i]) {
                    j++;
                }
                program.add(kernel(cpu.subList(i, j + 1)));
                i = j + 1;
            }
            for (Node node : c.nodes) {
                if (node.isOp() && c.kept[node.id()] && !hostValid[node.id()]) {
                    c.finalTransfers.add(toHost(node));
                    hostValid[node.id()] = true;
                }
            }
            c.program.clear();
            c.program.addAll(program);
        }

        /**
         * Numbers the fusion groups: a group is a run of consecutive GPU instructions of one
         * dtype and size, cut after every node that is read outside its group or kept, so
         * that a group's intermediates never need to exist in memory. Cutting can make an
         * earlier node's reader fall outside its group, so cuts are repeated until none is added.
         */
        private int[] segments(List<Instruction> cpu, boolean[] onGpu) {
            int count = cpu.size();
            boolean[] cutAfter = new boolean[count];
            int[] segment = new int[count];
            int[] segmentOfNode = new int[c.kept.length];
            boolean changed = true;
            while (changed) {
                changed = false;
                Arrays.fill(segmentOfNode, -1);
                int id = -1;
                for (int i = 0; i < count; i++) {
                    if (!onGpu[i]) {
                        segment[i] = -1;
                        continue;
                    }
                    Node node = cpu.get(i).node;
                    boolean continues = fuse && i > 0 && onGpu[i - 1] && !cutAfter[i - 1]
                            && cpu.get(i - 1).node.dtype() == node.dtype()
                            && cpu.get(i - 1).node.shape().size() == node.shape().size();
                    if (!continues) {
                        id++;
                    }
                    segment[i] = id;
                    segmentOfNode[node.id()] = id;
                }
                for (int i = 0; i < count; i++) {
                    if (!onGpu[i] || cutAfter[i]) {
                        continue;
                    }
                    boolean lastOfSegment = i + 1 == count || segment[i + 1] != segment[i];
                    if (lastOfSegment) {
                        continue;
                    }
                    Node node = cpu.get(i).node;
                    boolean escapes = c.kept[node.id()] || b.watch.contains(node);
                    for (Node reader : consumers.get(node.id())) {
                        escapes |= segmentOfNode[reader.id()] != segment[i];
                    }
                    if (escapes) {
                        cutAfter[i] = true;
                        changed = true;
                    }
                }
            }
            return segment;
        }

        private Instruction kernel(List<Instruction> group) {
            Set<Node> members = new HashSet<>();
            for (Instruction ins : group) {
                members.add(ins.node);
            }
            Node result = group.get(group.size() - 1).node;
            DType dtype = result.dtype();
            int n = result.shape().size();
            List<Node> externals = new ArrayList<>();
            Map<Node, Integer> operand = new HashMap<>();
            for (Instruction ins : group) {
                for (Node in : ins.inputs) {
                    if (!members.contains(in) && !operand.containsKey(in)) {
                        operand.put(in, externals.size());
                        externals.add(in);
                    }
                }
            }
            List<KernelSpec.InputKind> kinds = new ArrayList<>();
            List<DeviceArray> arrays = new ArrayList<>();
            List<Transfer> before = new ArrayList<>();
            for (Node in : externals) {
                if (in.shape().size() == n) {
                    kinds.add(KernelSpec.InputKind.ARRAY);
                    arrays.add(deviceArray(in));
                    if (!deviceValid[in.id()]) {
                        before.add(new Transfer(in, true, deviceArray(in), in.isOp() ? c.valueOf[in.id()] : null, counter));
                        deviceValid[in.id()] = true;
                    }
                } else {
                    kinds.add(KernelSpec.InputKind.SCALAR);
                    arrays.add(null);
                    needOnHost(in, before);
                }
            }
            List<KernelSpec.Step> steps = new ArrayList<>();
            StringBuilder name = new StringBuilder();
            for (int k = 0; k < group.size(); k++) {
                Node node = group.get(k).node;
                List<Integer> args = new ArrayList<>();
                for (Node in : node.inputs()) {
                    args.add(operand.get(in));
                }
                operand.put(node, externals.size() + k);
                steps.add(new KernelSpec.Step(node.op(), args));
                name.append(k == 0 ? "" : "_").append(node.op().name().replaceAll("[^A-Za-z0-9_]", "_"));
            }
            String entry = (group.size() == 1 ? "" : "fused_") + name + (dtype == DType.FLOAT32 ? "_f32" : "_f64");
            KernelSpec spec = new KernelSpec(entry, kinds, steps);
            KernelLaunch launch = engine.prepare(spec, dtype, deviceArray(result), arrays, n);
            Instruction ins = new Instruction(group.get(0).index, result, c.valueOf, c.bufferOf[result.id()], false,
                    b.watch.contains(result));
            ins.gpu = new GpuKernel(spec, members(group), externals.toArray(new Node[0]), launch, c.valueOf);
            ins.before = before.toArray(NO_TRANSFERS);
            for (Instruction member : group) {
                ins.frees.addAll(member.frees);
            }
            deviceValid[result.id()] = true;
            hostValid[result.id()] = false;
            if (b.nanWatch || b.trace || b.watch.contains(result)) {
                ins.after = new Transfer[] {toHost(result)};
                hostValid[result.id()] = true;
            }
            return ins;
        }

        private static Node[] members(List<Instruction> group) {
            Node[] nodes = new Node[group.size()];
            for (int k = 0; k < nodes.length; k++) {
                nodes[k] = group.get(k).node;
            }
            return nodes;
        }

        private void needOnHost(Node in, List<Transfer> before) {
            if (in.isOp() && !hostValid[in.id()]) {
                before.add(toHost(in));
                hostValid[in.id()] = true;
            }
        }

        private Transfer toHost(Node node) {
            return new Transfer(node, false, deviceArray(node), c.valueOf[node.id()], counter);
        }

        private DeviceArray deviceArray(Node node) {
            if (!node.isOp()) {
                return deviceOfLeaf.computeIfAbsent(node, x -> engine.allocate(x.dtype(), x.shape().size()));
            }
            int buffer = c.bufferOf[node.id()];
            if (deviceOfBuffer[buffer] == null) {
                Buffer host = c.buffers.get(buffer);
                deviceOfBuffer[buffer] = engine.allocate(host.dtype, host.size);
            }
            return deviceOfBuffer[buffer];
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
        final List<Transfer> finalTransfers = new ArrayList<>();
        int[] bufferOf;

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
            bufferOf = new int[n];
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
