package dev.gradus.op;

import dev.gradus.tensor.Loops;
import dev.gradus.tensor.Tensor;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * An elementwise op of one float input: {@code y[i] = f(x[i])}. The definition carries the
 * scalar form {@code f} (used by the CPU kernel), the same function as Java source text
 * (used by generated straight-line code, see {@link #javaSource}) and the derivative rule
 * {@link #gradient}; see {@link UnaryOps} for the table.
 */
public abstract class UnaryOp extends Op {
    private final DoubleUnaryOperator scalarForm;
    private final String javaForm;

    /**
     * Creates an elementwise op.
     *
     * @param name op name
     * @param scalarForm the function on one element, in double precision (float32 kernels
     *     round its result once)
     * @param javaForm the same function as a {@link String#format} template of a Java
     *     expression of type double, with {@code %s} (or {@code %1$s}, as often as needed)
     *     standing for the argument's text: it must compute exactly what {@code scalarForm}
     *     computes, parenthesize the argument wherever precedence could matter, and be
     *     self-contained (infix results wrapped in parentheses), e.g. {@code "Math.sin(%s)"}
     *     or {@code "((%1$s) * (%1$s))"}
     * @throws NullPointerException if a form is null
     */
    protected UnaryOp(String name, DoubleUnaryOperator scalarForm, String javaForm) {
        super(name);
        this.scalarForm = Objects.requireNonNull(scalarForm, "scalarForm");
        this.javaForm = Objects.requireNonNull(javaForm, "javaForm");
    }

    /** Returns the scalar form {@code f}. */
    public final DoubleUnaryOperator scalarForm() {
        return scalarForm;
    }

    /**
     * Returns a Java expression of type double that computes {@code f(x)} bit for bit as
     * {@link #scalarForm()} does, for every input (NaN, ±0, ±∞ and subnormals included).
     * The result is self-contained: it can be used as an operand of any operator without
     * further parentheses. Helpers it calls are named by their fully qualified names.
     *
     * @param x the text of a Java expression of type double; it is parenthesized where
     *     precedence matters, and may appear more than once in the result, so it must be
     *     free of side effects (a local variable, a literal or a pure expression)
     * @return new source text; nothing is evaluated
     */
    public final String javaSource(String x) {
        return String.format(javaForm, x);
    }

    /** Applies the scalar form to one value. */
    public final double apply(double x) {
        return scalarForm.applyAsDouble(x);
    }

    @Override
    public final int arity() {
        return 1;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType x = inputs.get(0);
        if (!x.dtype().isFloat()) {
            throw new IllegalArgumentException(name() + " needs a float32 or float64 input, got " + x.dtype());
        }
        return x;
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Loops.map(inputs[0], out, scalarForm);
    }

    @Override
    public final <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        return List.of(gradient(b, inputs.get(0), output, gradOut));
    }

    /**
     * The derivative rule: returns {@code g · f'(x)} given the input {@code x}, the output
     * {@code y = f(x)} and the incoming gradient {@code g}.
     */
    public abstract <T> Partial<T> gradient(Builder<T> b, T x, T y, T g);

    @Override
    public boolean canComputeInPlace(int input) {
        return true;
    }

    @Override
    public boolean isElementwise() {
        return true;
    }
}
