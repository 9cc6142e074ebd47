package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * The gradient of {@link AvgPool2d}: inputs (g, like) with g of the pooled shape and
 * {@code like} the forward input (N, C, H, W), of which only the shape is used; returns,
 * of like's shape, each g element divided by its window's divisor and added over the
 * window's positions inside the input. Linear in g; its adjoint is the average pooling
 * itself. The kernel does not allocate.
 */
public final class AvgPool2dGrad extends Op {
    private final Pool2dParams params;
    private final boolean countIncludePad;

    /** Creates the gradient of average pooling over the given window. */
    public AvgPool2dGrad(Pool2dParams params, boolean countIncludePad) {
        super("avgPool2dGrad");
        this.params = java.util.Objects.requireNonNull(params, "params");
        this.countIncludePad = countIncludePad;
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        PoolLoops.checkGradient(this, params, inputs.get(0), inputs.get(1));
        return inputs.get(1);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor g = inputs[0];
        Shape gs = g.shape();
        int h = out.shape().dim(2);
        int w = out.shape().dim(3);
        out.fill(0);
        int k = 0;
        for (int n = 0; n < gs.dim(0); n++) {
            for (int c = 0; c < gs.dim(1); c++) {
                int plane = out.offset() + (n * gs.dim(1) + c) * h * w;
                for (int oh = 0; oh < gs.dim(2); oh++) {
                    int top = oh * params.strideH() - params.padH();
                    for (int ow = 0; ow < gs.dim(3); ow++, k++) {
                        int left = ow * params.strideW() - params.padW();
                        double share = g.getAt(g.storageIndex(k)) / AvgPool2d.divisor(params, countIncludePad, h, w, oh, ow);
                        for (int iy = Math.max(0, top); iy < Math.min(h, top + params.kernelH()); iy++) {
                            for (int ix = Math.max(0, left); ix < Math.min(w, left + params.kernelW()); ix++) {
                                int o = plane + iy * w + ix;
                                out.setAt(o, out.getAt(o) + share);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The reverse rule: linear in g, with the average pooling as its adjoint. */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T dg = b.apply(new AvgPool2d(params, countIncludePad), List.of(gradOut));
        return List.of(Partial.of(dg), Partial.none("only its shape is used"));
    }

    @Override
    public String parameters() {
        return params.text() + (countIncludePad ? "" : ", countIncludePad=false");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvgPool2dGrad a && a.params.equals(params) && a.countIncludePad == countIncludePad;
    }

    @Override
    public int hashCode() {
        return (params.hashCode() * 31 + 71) * 2 + (countIncludePad ? 1 : 0);
    }
}
