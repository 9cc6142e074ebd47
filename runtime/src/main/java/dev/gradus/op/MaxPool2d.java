package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * 2-D max pooling of an NCHW float input: each output element is the largest element of its
 * window ({@link Pool2dParams}); padding counts as −∞, so it never wins. NaN propagates.
 * The gradient goes to the argmax of each window, the first in row-major window order on
 * ties ({@link MaxPool2dScatter}); overlapping windows add up. The kernel does not
 * allocate.
 */
public final class MaxPool2d extends Op {
    private final Pool2dParams params;

    /** Creates max pooling over the given window. */
    public MaxPool2d(Pool2dParams params) {
        super("maxPool2d");
        this.params = java.util.Objects.requireNonNull(params, "params");
    }

    /** Returns the window. */
    public Pool2dParams params() {
        return params;
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        return inputs.get(0).withShape(PoolLoops.outputShape(this, params, inputs.get(0)));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        Shape os = out.shape();
        int k = out.offset();
        for (int n = 0; n < os.dim(0); n++) {
            for (int c = 0; c < os.dim(1); c++) {
                int plane = PoolLoops.planeStart(x, n, c);
                for (int oh = 0; oh < os.dim(2); oh++) {
                    for (int ow = 0; ow < os.dim(3); ow++) {
                        out.setAt(k++, x.getAt(PoolLoops.at(x, plane, PoolLoops.argmax(x, plane, oh, ow, params))));
                    }
                }
            }
        }
    }

    /** The reverse rule: y = x[argmax], so dx = g routed to each window's argmax. */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        return List.of(Partial.of(b.apply(new MaxPool2dScatter(params), List.of(inputs.get(0), gradOut))));
    }

    @Override
    public String parameters() {
        return params.text();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaxPool2d m && m.params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode() * 31 + 53;
    }
}
