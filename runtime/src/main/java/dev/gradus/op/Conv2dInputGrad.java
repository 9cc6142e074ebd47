package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * The gradient of {@link Conv2d} with respect to its input (a transposed convolution):
 * inputs (w, g, like) with w the kernel (O, C, kh, kw), g the output gradient
 * (N, O, H', W') and {@code like} the forward input (N, C, H, W), of which only the shape is
 * used (H and W cannot be recovered from g when the stride does not divide evenly). Returns
 * {@code dx = col2im(Wᵀ·g_n)} per sample, of {@code like}'s shape. Linear in w and in g.
 * The kernel computes in double in per-thread scratch arrays: allocation-free once warm.
 */
public final class Conv2dInputGrad extends Op {
    private final Conv2dParams params;

    /** Creates the input gradient of the convolution with the given geometry. */
    public Conv2dInputGrad(Conv2dParams params) {
        super("conv2dInputGrad");
        this.params = java.util.Objects.requireNonNull(params, "params");
    }

    /** Returns the geometry. */
    public Conv2dParams params() {
        return params;
    }

    @Override
    public int arity() {
        return 3;
    }

    /**
     * Returns {@code like}'s type.
     *
     * @throws IllegalArgumentException if the dtypes differ or g's shape is not the output
     *     shape of convolving {@code like} with w
     */
    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        ConvLoops.checkFloats(this, inputs);
        Shape expected = ConvLoops.outputShape(this, params, inputs.get(2).shape(), inputs.get(0).shape());
        if (!inputs.get(1).shape().equals(expected)) {
            throw new IllegalArgumentException(name() + ": the gradient has shape " + inputs.get(1).shape()
                    + " but convolving " + inputs.get(2).shape() + " with " + inputs.get(0).shape() + " gives " + expected);
        }
        return inputs.get(2);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor w = inputs[0];
        Tensor g = inputs[1];
        Shape ws = w.shape();
        Shape gs = g.shape();
        Shape xs = out.shape();
        int outChannels = ws.dim(0);
        int depth = ws.dim(1) * ws.dim(2) * ws.dim(3);
        int plane = gs.dim(2) * gs.dim(3);
        int image = xs.dim(1) * xs.dim(2) * xs.dim(3);
        double[] weights = ConvLoops.scratch(ConvLoops.WEIGHTS, outChannels * depth);
        double[] cols = ConvLoops.scratch(ConvLoops.COLUMNS, depth * plane);
        double[] grad = ConvLoops.scratch(ConvLoops.GRADIENT, outChannels * plane);
        double[] result = ConvLoops.scratch(ConvLoops.RESULT, image);
        ConvLoops.pack(w, 0, weights, outChannels * depth);
        for (int n = 0, count = gs.dim(0); n < count; n++) {
            ConvLoops.pack(g, n * outChannels * plane, grad, outChannels * plane);
            // cols (K, P) = Wᵀ (K, O) · g_n (O, P)
            java.util.Arrays.fill(cols, 0, depth * plane, 0.0);
            for (int o = 0; o < outChannels; o++) {
                int wr = o * depth;
                int gr = o * plane;
                for (int r = 0; r < depth; r++) {
                    double wv = weights[wr + r];
                    int cr = r * plane;
                    for (int q = 0; q < plane; q++) {
                        cols[cr + q] += wv * grad[gr + q];
                    }
                }
            }
            java.util.Arrays.fill(result, 0, image, 0.0);
            ConvLoops.col2im(cols, xs.dim(1), xs.dim(2), xs.dim(3), ws.dim(2), ws.dim(3), gs.dim(2), gs.dim(3), params, result);
            ConvLoops.store(result, out, n * image, image);
        }
    }

    /**
     * The reverse rule. y = IG(w, g) is the adjoint of x ↦ conv(x, w), so for a cotangent G
     * of x's shape ⟨G, IG(w, g)⟩ = ⟨conv(G, w), g⟩: hence dg = conv(G, w), and, conv being
     * linear in its kernel with adjoint KG, dw = KG(G, g) ({@link Conv2dKernelGrad}).
     */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T w = inputs.get(0);
        T g = inputs.get(1);
        T dw = b.apply(new Conv2dKernelGrad(params), List.of(gradOut, g, w));
        T dg = b.apply(new Conv2d(params), List.of(gradOut, w));
        return List.of(Partial.of(dw), Partial.of(dg), Partial.none("only its shape is used"));
    }

    @Override
    public String parameters() {
        return params.text();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conv2dInputGrad c && c.params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode() * 31 + 43;
    }
}
