package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Reads a tensor at the argmax positions of max pooling: inputs (x, v) of one NCHW shape;
 * returns, at each pooled position, v at the position where x's window has its maximum
 * (first on ties). {@code MaxPool2dGather(x, x)} is max pooling; the op exists as the
 * adjoint of {@link MaxPool2dScatter}, for second derivatives. The kernel does not allocate.
 */
public final class MaxPool2dGather extends Op {
    private final Pool2dParams params;

    /** Creates the gather for the given window. */
    public MaxPool2dGather(Pool2dParams params) {
        super("maxPool2dGather");
        this.params = java.util.Objects.requireNonNull(params, "params");
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType x = inputs.get(0);
        TensorType v = inputs.get(1);
        if (!v.equals(x)) {
            throw new IllegalArgumentException(name() + " needs x and v of one type, got " + x + " and " + v);
        }
        return x.withShape(PoolLoops.outputShape(this, params, x));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        Tensor v = inputs[1];
        Shape os = out.shape();
        int k = out.offset();
        for (int n = 0; n < os.dim(0); n++) {
            for (int c = 0; c < os.dim(1); c++) {
                int plane = PoolLoops.planeStart(x, n, c);
                int vPlane = PoolLoops.planeStart(v, n, c);
                for (int oh = 0; oh < os.dim(2); oh++) {
                    for (int ow = 0; ow < os.dim(3); ow++) {
                        out.setAt(k++, v.getAt(PoolLoops.at(v, vPlane, PoolLoops.argmax(x, plane, oh, ow, params))));
                    }
                }
            }
        }
    }

    /** The reverse rule: linear in v with adjoint {@link MaxPool2dScatter}; piecewise constant in x. */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T dv = b.apply(new MaxPool2dScatter(params), List.of(inputs.get(0), gradOut));
        return List.of(Partial.none("the argmax positions are piecewise constant in x"), Partial.of(dv));
    }

    @Override
    public String parameters() {
        return params.text();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaxPool2dGather m && m.params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode() * 31 + 61;
    }
}
