package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * The gradient of {@link MaxPool2d}: inputs (x, g) with x the forward input (N, C, H, W) and
 * g of the pooled shape; returns zeros of x's shape with each g element added at its
 * window's argmax in x (first on ties). Linear in g; piecewise constant in x. The kernel
 * does not allocate.
 */
public final class MaxPool2dScatter extends Op {
    private final Pool2dParams params;

    /** Creates the scatter for the given window. */
    public MaxPool2dScatter(Pool2dParams params) {
        super("maxPool2dScatter");
        this.params = java.util.Objects.requireNonNull(params, "params");
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        PoolLoops.checkGradient(this, params, inputs.get(1), inputs.get(0));
        return inputs.get(0);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        Tensor g = inputs[1];
        Shape gs = g.shape();
        out.fill(0);
        int planeSize = x.shape().dim(2) * x.shape().dim(3);
        int k = 0;
        for (int n = 0; n < gs.dim(0); n++) {
            for (int c = 0; c < gs.dim(1); c++) {
                int plane = PoolLoops.planeStart(x, n, c);
                int outPlane = out.offset() + (n * gs.dim(1) + c) * planeSize;
                for (int oh = 0; oh < gs.dim(2); oh++) {
                    for (int ow = 0; ow < gs.dim(3); ow++, k++) {
                        int o = outPlane + PoolLoops.argmax(x, plane, oh, ow, params);
                        out.setAt(o, out.getAt(o) + g.getAt(g.storageIndex(k)));
                    }
                }
            }
        }
    }

    /**
     * The reverse rule: linear in g, whose adjoint reads a cotangent G of x's shape at each
     * window's argmax ({@link MaxPool2dGather}); the argmax positions are piecewise constant
     * in x, so x gets no gradient.
     */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T dg = b.apply(new MaxPool2dGather(params), List.of(inputs.get(0), gradOut));
        return List.of(Partial.none("the argmax positions are piecewise constant in x"), Partial.of(dg));
    }

    @Override
    public String parameters() {
        return params.text();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaxPool2dScatter m && m.params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode() * 31 + 59;
    }
}
