package dev.gradus.processor.model;

import dev.gradus.op.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The model of a Tensor {@code @Expression} method's body: a straight-line list of steps,
 * each a parameter, a scalar constant, or a call of a {@code dev.gradus.Ops} function.
 * Equal calls are one step. Steps refer only to earlier steps.
 */
public final class TensorProgram {
    /** What a step is. */
    public enum Kind {
        /** A method parameter. */
        PARAMETER,
        /** A rank-0 constant of another step's dtype. */
        CONSTANT,
        /** A call of an Ops function. */
        CALL
    }

    /**
     * An argument of a call: a step, or literal Java source (an int, a boolean, an array...).
     *
     * @param step the step index, or -1 for a literal
     * @param literal the literal's source text, or null for a step
     */
    public record Arg(int step, String literal) {
        /** Returns an argument referring to step {@code i}. */
        public static Arg step(int i) {
            return new Arg(i, null);
        }

        /** Returns a literal argument. */
        public static Arg literal(String source) {
            return new Arg(-1, source);
        }

        /** Returns true for step references. */
        public boolean isStep() {
            return step >= 0;
        }
    }

    /**
     * One step.
     *
     * @param index position in the program
     * @param kind what it is
     * @param parameter the parameter index of a PARAMETER step
     * @param constant the value of a CONSTANT step
     * @param like the step whose dtype a CONSTANT takes
     * @param method the Ops function of a CALL
     * @param args the arguments of a CALL
     * @param inputs the steps a CALL's node takes as inputs, in the op's input order
     * @param rule the op whose rule the processor applies at compile time (null for
     *     parameters, constants and calls of other methods)
     */
    public record Step(int index, Kind kind, int parameter, double constant, int like, String method, List<Arg> args,
            List<Integer> inputs, Op rule, TensorCallee callee) {
    }

    /**
     * Another Tensor {@code @Expression} method called from a body: its generated graph
     * builder and vector-Jacobian product are called instead of copying its body.
     *
     * @param gradients the generated class of the callee
     * @param nodesRecord the callee's record of value and gradient nodes
     * @param method the callee's name
     * @param parameters the callee's parameter names
     * @param wrt the indices of the parameters the callee differentiates (its record has a
     *     gradient for each), ascending
     */
    public record TensorCallee(com.palantir.javapoet.ClassName gradients, com.palantir.javapoet.ClassName nodesRecord,
            String method, List<String> parameters, List<Integer> wrt) {
    }

    private final List<Step> steps = new ArrayList<>();
    private final Map<List<Object>, Integer> interned = new HashMap<>();
    private int result = -1;

    /** Adds (or finds) the step for parameter {@code i}. */
    public int parameter(int i) {
        return intern(List.of("p", i), () -> new Step(steps.size(), Kind.PARAMETER, i, 0, -1, null, List.of(), List.of(), null,
                null));
    }

    /** Adds (or finds) a rank-0 constant with the dtype of step {@code like}. */
    public int constant(double value, int like) {
        return intern(List.of("c", Double.doubleToLongBits(value), like),
                () -> new Step(steps.size(), Kind.CONSTANT, -1, value, like, null, List.of(), List.of(), null, null));
    }

    /** Adds (or finds) a call. */
    public int call(String method, List<Arg> args, List<Integer> inputs, Op rule) {
        List<Object> key = new ArrayList<>();
        key.add(method);
        key.addAll(args);
        return intern(key, () -> new Step(steps.size(), Kind.CALL, -1, 0, -1, method, List.copyOf(args),
                List.copyOf(inputs), rule, null));
    }

    /** Adds (or finds) a call of another Tensor {@code @Expression} method on the given steps. */
    public int callExpression(TensorCallee callee, List<Integer> inputs) {
        List<Object> key = new ArrayList<>();
        key.add(callee);
        key.addAll(inputs);
        List<Arg> args = new ArrayList<>();
        for (int i : inputs) {
            args.add(Arg.step(i));
        }
        return intern(key, () -> new Step(steps.size(), Kind.CALL, -1, 0, -1, callee.method(), List.copyOf(args),
                List.copyOf(inputs), null, callee));
    }

    private int intern(List<Object> key, java.util.function.Supplier<Step> make) {
        Integer existing = interned.get(key);
        if (existing != null) {
            return existing;
        }
        Step s = make.get();
        steps.add(s);
        interned.put(key, s.index());
        return s.index();
    }

    /** Sets the step the method returns. */
    public void setResult(int step) {
        this.result = step;
    }

    /** Returns the step the method returns. */
    public int result() {
        return result;
    }

    /** Returns the steps in order. */
    public List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    /** Returns step {@code i}. */
    public Step step(int i) {
        return steps.get(i);
    }
}
