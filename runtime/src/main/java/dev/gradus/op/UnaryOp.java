package dev.gradus.op;

import dev.gradus.tensor.Loops;
import dev.gradus.tensor.Tensor;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * An elementwise op of one float input: {@code y[i] = f(x[i])}. The definition carries the
 * scalar Java form {@code f} (used by the CPU kernel, and by generated straight-line code)
 * and the derivative rule {@link #gradient}; see {@link UnaryOps} for the table.
 */
public abstract class UnaryOp extends Op {
    private final DoubleUnaryOperator scalarForm;

    /**
     * Creates an elementwise op.
     *
     * @param name op name
     * @param scalarForm the function on one element, in double precision (float32 kernels
     *     round its result once)
     */
    protected UnaryOp(String name, DoubleUnaryOperator scalarForm) {
        super(name);
        this.scalarForm = scalarForm;
    }

    /** Returns the scalar form {@code f}. */
    public final DoubleUnaryOperator scalarForm() {
        return scalarForm;
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
