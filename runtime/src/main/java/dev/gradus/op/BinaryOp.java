package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Loops;
import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleBinaryOperator;

/**
 * An elementwise op of two float inputs of the same dtype with numpy broadcasting:
 * {@code y[i] = f(a[i], b[i])}. The definition carries the scalar form {@code f}, the same
 * function as Java source text (see {@link #javaSource}) and the derivative rule; see
 * {@link BinaryOps} for the table.
 *
 * <p>The CPU kernel: two contiguous inputs of the output's shape and dtype (the common case)
 * run through {@link #zipFloat64} or {@link #zipFloat32}, split across
 * {@link Parallel#threads()} for large tensors; broadcasting and strided inputs apply the
 * scalar form through the strided loops of {@link Loops}. As in {@link UnaryOp}, an op of the
 * table may override the array kernels with its own loop.
 */
public abstract class BinaryOp extends Op {
    private final DoubleBinaryOperator scalarForm;
    private final String javaForm;
    private final String symbol;

    /**
     * Creates a broadcasting elementwise op.
     *
     * @param name op name
     * @param symbol infix symbol for printing, or null to print as a call
     * @param scalarForm the function on one pair of elements, in double precision
     * @param javaForm the same function as a {@link String#format} template of a Java
     *     expression of type double, with {@code %1$s} and {@code %2$s} standing for the
     *     arguments' text: it must compute exactly what {@code scalarForm} computes,
     *     parenthesize the arguments wherever precedence could matter, and be self-contained,
     *     e.g. {@code "((%1$s) + (%2$s))"} or {@code "Math.pow(%1$s, %2$s)"}
     * @throws NullPointerException if a form is null
     */
    protected BinaryOp(String name, String symbol, DoubleBinaryOperator scalarForm, String javaForm) {
        super(name);
        this.symbol = symbol;
        this.scalarForm = Objects.requireNonNull(scalarForm, "scalarForm");
        this.javaForm = Objects.requireNonNull(javaForm, "javaForm");
    }

    /** Returns the scalar form {@code f}. */
    public final DoubleBinaryOperator scalarForm() {
        return scalarForm;
    }

    /**
     * Returns a Java expression of type double that computes {@code f(a, b)} bit for bit as
     * {@link #scalarForm()} does, for every pair of inputs (NaN, ±0, ±∞ and subnormals
     * included). The result is self-contained: it can be used as an operand of any operator
     * without further parentheses.
     *
     * @param a the text of a Java expression of type double, parenthesized where precedence
     *     matters; it may appear more than once in the result, so it must be free of side
     *     effects
     * @param b the same for the second argument
     * @return new source text; nothing is evaluated
     */
    public final String javaSource(String a, String b) {
        return String.format(javaForm, a, b);
    }

    /** Applies the scalar form to one pair. */
    public final double apply(double a, double b) {
        return scalarForm.applyAsDouble(a, b);
    }

    /** Returns the infix symbol, or null. */
    public final String symbol() {
        return symbol;
    }

    @Override
    public final int arity() {
        return 2;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType a = inputs.get(0);
        TensorType b = inputs.get(1);
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("dtypes differ: " + a.dtype() + " and " + b.dtype()
                    + " (cast one side with Ops.cast)");
        }
        if (!a.dtype().isFloat()) {
            throw new IllegalArgumentException(name() + " needs float32 or float64 inputs, got " + a.dtype());
        }
        return new TensorType(a.dtype(), Shape.broadcast(a.shape(), b.shape()));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor a = inputs[0];
        Tensor b = inputs[1];
        if (out.size() == 1 && a.size() == 1 && b.size() == 1) {
            // One element (scalar graphs): the scalar form directly, without the array machinery.
            out.setAt(out.offset(), scalarForm.applyAsDouble(a.getAt(a.offset()), b.getAt(b.offset())));
        } else if (Elementwise.sameLayout(a, out) && Elementwise.sameLayout(b, out)) {
            Parallel.forRange(out.size(), Elementwise.GRAIN, this, a, b, out, BinaryOp::computeRange);
        } else if (Elementwise.sameLayout(a, out) && Elementwise.trailingPeriod(b, out) > 0) {
            // x + bias, x * scalar: the op's own loop over each repetition of b.
            Parallel.forRange(out.size(), Elementwise.GRAIN, this, a, b, out, BinaryOp::computeRangeBroadcastSecond);
        } else if (Elementwise.sameLayout(b, out) && Elementwise.trailingPeriod(a, out) > 0) {
            Parallel.forRange(out.size(), Elementwise.GRAIN, this, a, b, out, BinaryOp::computeRangeBroadcastFirst);
        } else {
            Loops.zip(a, b, out, scalarForm);
        }
    }

    /** {@code out = f(a, b)} over {@code [from, to)} where b repeats with period {@code b.size()}. */
    private static void computeRangeBroadcastSecond(BinaryOp op, Tensor a, Tensor b, Tensor out, int from, int to) {
        broadcastRange(op, a, b, out, from, to, false);
    }

    /** {@code out = f(a, b)} over {@code [from, to)} where a repeats with period {@code a.size()}. */
    private static void computeRangeBroadcastFirst(BinaryOp op, Tensor a, Tensor b, Tensor out, int from, int to) {
        broadcastRange(op, b, a, out, from, to, true);
    }

    /**
     * Runs the op's array kernel over {@code [from, to)} of {@code out}, {@code full} having
     * out's layout and {@code small} repeating along it; {@code smallFirst} says which operand
     * {@code small} is. A scalar is expanded into a per-thread row, so each kernel call covers
     * many elements; the values are those of the scalar form, bit for bit, as for same-shape inputs.
     */
    private static void broadcastRange(BinaryOp op, Tensor full, Tensor small, Tensor out, int from, int to,
            boolean smallFirst) {
        int period = small.size();
        boolean f64 = out.dtype() == DType.FLOAT64;
        int fo = full.offset();
        int so = small.offset();
        int oo = out.offset();
        double[] fullD = f64 ? full.float64Data() : null;
        float[] fullF = f64 ? null : full.float32Data();
        double[] smallD;
        float[] smallF;
        if (period == 1) {
            smallD = f64 ? Elementwise.doubleRow(small.float64Data()[so]) : null;
            smallF = f64 ? null : Elementwise.floatRow(small.float32Data()[so]);
            period = Elementwise.SCALAR_CHUNK;
            so = 0;
        } else {
            smallD = f64 ? small.float64Data() : null;
            smallF = f64 ? null : small.float32Data();
        }
        for (int k = from; k < to; ) {
            int pos = k % period;
            int n = Math.min(period - pos, to - k);
            if (f64) {
                if (smallFirst) {
                    op.zipFloat64(smallD, so + pos, fullD, fo + k, out.float64Data(), oo + k, n);
                } else {
                    op.zipFloat64(fullD, fo + k, smallD, so + pos, out.float64Data(), oo + k, n);
                }
            } else if (smallFirst) {
                op.zipFloat32(smallF, so + pos, fullF, fo + k, out.float32Data(), oo + k, n);
            } else {
                op.zipFloat32(fullF, fo + k, smallF, so + pos, out.float32Data(), oo + k, n);
            }
            k += n;
        }
    }

    private static void computeRange(BinaryOp op, Tensor a, Tensor b, Tensor out, int from, int to) {
        if (out.dtype() == DType.FLOAT64) {
            op.zipFloat64(a.float64Data(), a.offset() + from, b.float64Data(), b.offset() + from,
                    out.float64Data(), out.offset() + from, to - from);
        } else {
            op.zipFloat32(a.float32Data(), a.offset() + from, b.float32Data(), b.offset() + from,
                    out.float32Data(), out.offset() + from, to - from);
        }
    }

    /**
     * The float64 kernel over plain arrays: {@code out[outOffset + k] = f(a[aOffset + k],
     * b[bOffset + k])} for {@code 0 <= k < n}. {@code out} may be the same array as an input at
     * the same offset (in place). The default applies {@link #scalarForm()}; an override
     * computes the same values bit for bit. Allocation-free.
     *
     * @param a first input's elements
     * @param aOffset index of its first element
     * @param b second input's elements
     * @param bOffset index of its first element
     * @param out output array
     * @param outOffset index of the first output element
     * @param n number of elements
     */
    protected void zipFloat64(double[] a, int aOffset, double[] b, int bOffset, double[] out, int outOffset, int n) {
        DoubleBinaryOperator f = scalarForm;
        for (int k = 0; k < n; k++) {
            out[outOffset + k] = f.applyAsDouble(a[aOffset + k], b[bOffset + k]);
        }
    }

    /**
     * The float32 kernel over plain arrays: the scalar form computed in double and rounded once
     * per element. Same contract as {@link #zipFloat64}; an override may compute in float where
     * that rounds to the same value (as it does for +, −, ×, ÷, min and max of two floats).
     *
     * @param a first input's elements
     * @param aOffset index of its first element
     * @param b second input's elements
     * @param bOffset index of its first element
     * @param out output array
     * @param outOffset index of the first output element
     * @param n number of elements
     */
    protected void zipFloat32(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset, int n) {
        DoubleBinaryOperator f = scalarForm;
        for (int k = 0; k < n; k++) {
            out[outOffset + k] = (float) f.applyAsDouble(a[aOffset + k], b[bOffset + k]);
        }
    }

    @Override
    public boolean canComputeInPlace(int input) {
        return true;
    }

    @Override
    public boolean isElementwise() {
        return true;
    }

    @Override
    public String format(List<String> args) {
        return symbol == null ? super.format(args) : "(" + args.get(0) + " " + symbol + " " + args.get(1) + ")";
    }

    @Override
    public final <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T x = inputs.get(0);
        T y = inputs.get(1);
        Partial<T> ga = gradientA(b, x, y, output, gradOut);
        Partial<T> gb = gradientB(b, x, y, output, gradOut);
        return List.of(unbroadcast(b, ga, x), unbroadcast(b, gb, y));
    }

    private static <T> Partial<T> unbroadcast(Builder<T> b, Partial<T> p, T like) {
        return p.isPresent() ? Partial.of(b.unbroadcast(p.get(), like)) : p;
    }

    /**
     * The rule for the first input, at the broadcast shape (the caller sums it back to
     * {@code a}'s shape): returns {@code g · ∂f/∂a}.
     */
    protected abstract <T> Partial<T> gradientA(Builder<T> b, T a, T c, T y, T g);

    /** The rule for the second input, at the broadcast shape: returns {@code g · ∂f/∂b}. */
    protected abstract <T> Partial<T> gradientB(Builder<T> b, T a, T c, T y, T g);
}
