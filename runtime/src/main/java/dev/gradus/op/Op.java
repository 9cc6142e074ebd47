package dev.gradus.op;

import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * One operation of the op table, defined once: name, arity, type rule (dtype and shape),
 * CPU kernel, reverse-mode rule, and how it prints. Every interpreter (the graph builder,
 * the eager evaluator, the annotation processor's source emitter) uses the same
 * definition.
 *
 * <p>Ops are immutable values. Parameterized ops (axes, flags, target shapes) implement
 * {@code equals}/{@code hashCode} over their parameters so that the graph can hash-cons
 * structurally equal nodes.
 */
public abstract class Op {
    /** Arity of ops that take any number of inputs (at least one). */
    public static final int VARIADIC = -1;

    private final String name;

    /** Creates an op with the given name, as used in listings and error messages. */
    protected Op(String name) {
        this.name = name;
    }

    /** Returns the op's name, e.g. {@code sin} or {@code matMul}. */
    public final String name() {
        return name;
    }

    /** Returns the number of inputs, or {@link #VARIADIC}. */
    public abstract int arity();

    /**
     * Returns the output type for the given input types.
     *
     * @throws IllegalArgumentException describing the offending dtypes or shapes; callers add
     *     the names of the nodes involved
     */
    public abstract TensorType infer(List<TensorType> inputs);

    /**
     * The CPU kernel: computes the output into {@code out}, a contiguous tensor of the
     * inferred type. Inputs may be strided views. Must not allocate on the Java heap for the
     * ops used in steady-state training, and must not modify its inputs unless
     * {@code out} is one of them (see {@link #canComputeInPlace(int)}).
     */
    public abstract void compute(Tensor[] inputs, Tensor out);

    /**
     * The reverse-mode rule (vector-Jacobian product): given the inputs, the output and the
     * gradient of a scalar cost with respect to the output, returns one {@link Partial} per
     * input, in input order. Written against {@link Builder} so that every interpreter
     * runs the same rule.
     */
    public abstract <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut);

    /**
     * Returns true if the kernel stays correct when {@code out} is input {@code input}'s
     * storage (same dtype and shape, contiguous). Elementwise ops say yes.
     */
    public boolean canComputeInPlace(int input) {
        return false;
    }

    /** Returns true for ops applied independently to each element (candidates for fusion and GPU kernels). */
    public boolean isElementwise() {
        return false;
    }

    /**
     * Returns how an application prints, given its printed arguments: {@code sin(x)},
     * {@code x + y}, {@code sum(x, axes=[0])}.
     */
    public String format(List<String> args) {
        String params = parameters();
        return name + "(" + String.join(", ", args) + (params.isEmpty() ? "" : (args.isEmpty() ? "" : ", ") + params) + ")";
    }

    /** Returns the op's parameters as text ({@code axes=[0], keepDims=true}), or empty. */
    public String parameters() {
        return "";
    }

    /** Returns the name with parameters, e.g. {@code sum[axes=[1]]}. */
    @Override
    public String toString() {
        String params = parameters();
        return params.isEmpty() ? name : name + "[" + params + "]";
    }

    /** Checks an input count against {@link #arity()} and names the op when it is wrong. */
    protected final void checkArity(int count) {
        int a = arity();
        if (a == VARIADIC ? count < 1 : count != a) {
            throw new IllegalArgumentException(name + " takes " + (a == VARIADIC ? "at least 1 input" : a + " input" + (a == 1 ? "" : "s"))
                    + " but got " + count);
        }
    }
}
