package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * 2-D average pooling of an NCHW float input: each output element is the sum of its window's
 * input elements ({@link Pool2dParams}) divided by the window size kh·kw when
 * {@code countIncludePad} is set (padding counts as zeros, PyTorch's default), or by the
 * number of window positions inside the input when it is not. Linear; the gradient spreads
 * each output gradient evenly over its window ({@link AvgPool2dGrad}). The kernel does not
 * allocate.
 */
public final class AvgPool2d extends Op {
    private final Pool2dParams params;
    private final boolean countIncludePad;

    /** Creates average pooling over the given window. */
    public AvgPool2d(Pool2dParams params, boolean countIncludePad) {
        super("avgPool2d");
        this.params = java.util.Objects.requireNonNull(params, "params");
        this.countIncludePad = countIncludePad;
    }

    /** Returns the window. */
    public Pool2dParams params() {
        return params;
    }

    /** Returns whether padding positions count in the divisor. */
    public boolean countIncludePad() {
        return countIncludePad;
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

    /** Returns the divisor of the window at (oh, ow) of a plane of size h × w. */
    static double divisor(Pool2dParams p, boolean countIncludePad, int h, int w, int oh, int ow) {
        if (countIncludePad) {
            return p.kernelH() * p.kernelW();
        }
        int top = oh * p.strideH() - p.padH();
        int left = ow * p.strideW() - p.padW();
        int rows = Math.min(h, top + p.kernelH()) - Math.max(0, top);
        int cols = Math.min(w, left + p.kernelW()) - Math.max(0, left);
        return rows * cols;
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        Shape os = out.shape();
        int h = x.shape().dim(2);
        int w = x.shape().dim(3);
        int sy = x.stride(2);
        int sx = x.stride(3);
        int k = out.offset();
        for (int n = 0; n < os.dim(0); n++) {
            for (int c = 0; c < os.dim(1); c++) {
                int plane = PoolLoops.planeStart(x, n, c);
                for (int oh = 0; oh < os.dim(2); oh++) {
                    int top = oh * params.strideH() - params.padH();
                    for (int ow = 0; ow < os.dim(3); ow++) {
                        int left = ow * params.strideW() - params.padW();
                        double s = 0;
                        for (int iy = Math.max(0, top); iy < Math.min(h, top + params.kernelH()); iy++) {
                            for (int ix = Math.max(0, left); ix < Math.min(w, left + params.kernelW()); ix++) {
                                s += x.getAt(plane + iy * sy + ix * sx);
                            }
                        }
                        out.setAt(k++, s / divisor(params, countIncludePad, h, w, oh, ow));
                    }
                }
            }
        }
    }

    /** The reverse rule: y is linear in x, dx = Σ over the windows holding x of g / divisor. */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        return List.of(Partial.of(b.apply(new AvgPool2dGrad(params, countIncludePad), List.of(gradOut, inputs.get(0)))));
    }

    @Override
    public String parameters() {
        return params.text() + (countIncludePad ? "" : ", countIncludePad=false");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvgPool2d a && a.params.equals(params) && a.countIncludePad == countIncludePad;
    }

    @Override
    public int hashCode() {
        return (params.hashCode() * 31 + 67) * 2 + (countIncludePad ? 1 : 0);
    }
}
