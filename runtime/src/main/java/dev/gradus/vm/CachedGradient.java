package dev.gradus.vm;

import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.op.TensorType;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A function of tensors evaluated through compiled TapeMachine programs, one per distinct
 * list of input dtypes and shapes, built on first use and then reused (as {@code jax.jit}
 * caches one trace per input signature). The DSL's generated code uses it for the
 * tensor-taking form of an {@code @Expression} method.
 *
 * <p>Thread-safe: programs are built at most once per signature, and each program runs for
 * one caller at a time (callers with the same signature wait for each other; different
 * signatures run in parallel).
 */
public final class CachedGradient {
    /** Builds the graph of the function: given one input node per parameter, returns the output nodes. */
    @FunctionalInterface
    public interface Definition {
        /**
         * Returns the nodes to evaluate (for the DSL: the value, then one gradient per wrt
         * parameter), built on the graph of {@code inputs}.
         */
        List<Node> build(List<Node> inputs);
    }

    private final String name;
    private final List<String> parameters;
    private final Definition definition;
    private final Map<List<TensorType>, Program> programs = new ConcurrentHashMap<>();
    private final AtomicInteger compilations = new AtomicInteger();

    /**
     * Creates the cache; nothing is compiled until the first call.
     *
     * @param name the function's name, for messages
     * @param parameters the parameter names, used as the graph's input names
     * @param definition builds the graph
     */
    public CachedGradient(String name, List<String> parameters, Definition definition) {
        this.name = name;
        this.parameters = List.copyOf(parameters);
        this.definition = definition;
    }

    /**
     * Evaluates the function at {@code args}: returns new tensors (copies, owned by the
     * caller) of the output nodes, in order.
     *
     * @throws IllegalArgumentException if the number of arguments is wrong, or if the graph
     *     cannot be built for these shapes (the message names the op and nodes)
     */
    public Tensor[] evaluate(Tensor... args) {
        if (args.length != parameters.size()) {
            throw new IllegalArgumentException(name + " takes " + parameters.size() + " tensors " + parameters + ", got "
                    + args.length);
        }
        List<TensorType> key = new ArrayList<>(args.length);
        for (Tensor t : args) {
            key.add(new TensorType(t.dtype(), t.shape()));
        }
        Program p = programs.get(key);
        if (p == null) {
            p = programs.computeIfAbsent(List.copyOf(key), this::compile);
        }
        return p.run(args);
    }

    /** Returns how many programs have been compiled (one per distinct input signature seen). */
    public int compiledPrograms() {
        return compilations.get();
    }

    private Program compile(List<TensorType> types) {
        Graph g = new Graph();
        List<Node> inputs = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
            inputs.add(g.tensor(types.get(i).dtype(), types.get(i).shape(), parameters.get(i)));
        }
        List<Node> outputs = definition.build(inputs);
        TapeMachine.Builder options = TapeMachine.builder(g);
        options.keep(outputs.toArray(new Node[0]));
        compilations.incrementAndGet();
        return new Program(inputs, outputs, options.build());
    }

    private static final class Program {
        private final List<Node> inputs;
        private final List<Node> outputs;
        private final TapeMachine machine;

        Program(List<Node> inputs, List<Node> outputs, TapeMachine machine) {
            this.inputs = inputs;
            this.outputs = outputs;
            this.machine = machine;
        }

        synchronized Tensor[] run(Tensor[] args) {
            for (int i = 0; i < args.length; i++) {
                inputs.get(i).let(args[i]);
            }
            machine.runAll();
            Tensor[] out = new Tensor[outputs.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = outputs.get(i).value().copy();
            }
            return out;
        }
    }
}
