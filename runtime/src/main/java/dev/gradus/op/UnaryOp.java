package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Loops;
import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.Tensor;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * An elementwise op of one float input: {@code y[i] = f(x[i])}. The definition carries the
 * scalar form {@code f} (used by the CPU kernel), the same function as Java source text
 * (used by generated straight-line code, see {@link #javaSource}) and the derivative rule
 * {@link #gradient}; see {@link UnaryOps} for the table.
 *
 * <p>The CPU kernel: a contiguous input of the output's shape and dtype (the common case) runs
 * through {@link #mapFloat64} or {@link #mapFloat32}, split across {@link Parallel#threads()}
 * for large tensors; any other layout applies the scalar form through the strided loops of
 * {@link Loops}. The two array kernels apply the scalar form by default; an op of the table
 * overrides them with its own loop, which the JIT compiles for that op alone (inlined, and
 * vectorized where the JIT can) instead of one loop calling every op's scalar form through an
 * interface. Each element's value never depends on how the work was split.
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
        Tensor x = inputs[0];
        if (out.size() == 1 && x.size() == 1) {
            // One element (scalar graphs): the scalar form directly, without the array machinery.
            out.setAt(out.offset(), scalarForm.applyAsDouble(x.getAt(x.offset())));
        } else if (Elementwise.sameLayout(x, out)) {
            Parallel.forRange(out.size(), grain(), this, x, out, null, UnaryOp::computeRange);
        } else {
            Loops.map(x, out, scalarForm);
        }
    }

    /**
     * Elements per thread below which this op's kernel stays on the calling thread:
     * {@link Elementwise#GRAIN} for cheap ops, less for those whose kernels spend nanoseconds
     * per element (see {@link Elementwise#COSTLY_GRAIN}).
     */
    int grain() {
        return Elementwise.GRAIN;
    }

    private static void computeRange(UnaryOp op, Tensor x, Tensor out, Object unused, int from, int to) {
        if (out.dtype() == DType.FLOAT64) {
            op.mapFloat64(x.float64Data(), x.offset() + from, out.float64Data(), out.offset() + from, to - from);
        } else {
            op.mapFloat32(x.float32Data(), x.offset() + from, out.float32Data(), out.offset() + from, to - from);
        }
    }

    /**
     * The float64 kernel over plain arrays: {@code out[outOffset + k] = f(x[xOffset + k])} for
     * {@code 0 <= k < n}. {@code x} and {@code out} may be the same array at the same offset (in
     * place). The default applies {@link #scalarForm()}; an override computes the same values
     * bit for bit unless its op's documentation states a bound (tested against the scalar form).
     * Allocation-free.
     *
     * @param x input elements
     * @param xOffset index of the first input element
     * @param out output array
     * @param outOffset index of the first output element
     * @param n number of elements
     */
    protected void mapFloat64(double[] x, int xOffset, double[] out, int outOffset, int n) {
        DoubleUnaryOperator f = scalarForm;
        for (int k = 0; k < n; k++) {
            out[outOffset + k] = f.applyAsDouble(x[xOffset + k]);
        }
    }

    /**
     * The float32 kernel over plain arrays: {@code out[outOffset + k] = (float) f(x[xOffset + k])}
     * for {@code 0 <= k < n}, the scalar form computed in double and rounded once. Same contract
     * as {@link #mapFloat64}: an override may compute in float where that gives the same
     * rounded value, or within a bound its op states.
     *
     * @param x input elements
     * @param xOffset index of the first input element
     * @param out output array
     * @param outOffset index of the first output element
     * @param n number of elements
     */
    protected void mapFloat32(float[] x, int xOffset, float[] out, int outOffset, int n) {
        DoubleUnaryOperator f = scalarForm;
        for (int k = 0; k < n; k++) {
            out[outOffset + k] = (float) f.applyAsDouble(x[xOffset + k]);
        }
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
