package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * The gradient of {@link Conv2d} with respect to its kernel: inputs (x, g, like) with x the
 * forward input (N, C, H, W), g the output gradient (N, O, H', W') and {@code like} the
 * kernel (O, C, kh, kw), of which only the shape is used. Returns
 * {@code dW = Σ_n g_n·cols(x_n)ᵀ} of {@code like}'s shape. Linear in x and in g. The kernel
 * computes in double in per-thread scratch arrays: allocation-free once warm.
 */
public final class Conv2dKernelGrad extends Op {
    private final Conv2dParams params;

    /** Creates the kernel gradient of the convolution with the given geometry. */
    public Conv2dKernelGrad(Conv2dParams params) {
        super("conv2dKernelGrad");
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
     *     shape of convolving x with {@code like}
     */
    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        ConvLoops.checkFloats(this, inputs);
        Shape expected = ConvLoops.outputShape(this, params, inputs.get(0).shape(), inputs.get(2).shape());
        if (!inputs.get(1).shape().equals(expected)) {
            throw new IllegalArgumentException(name() + ": the gradient has shape " + inputs.get(1).shape()
                    + " but convolving " + inputs.get(0).shape() + " with " + inputs.get(2).shape() + " gives " + expected);
        }
        return inputs.get(2);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        Tensor g = inputs[1];
        Shape ws = out.shape();
        Shape gs = g.shape();
        int outChannels = ws.dim(0);
        int depth = ws.dim(1) * ws.dim(2) * ws.dim(3);
        int plane = gs.dim(2) * gs.dim(3);
        double[] result = ConvLoops.scratch(ConvLoops.RESULT, outChannels * depth);
        double[] cols = ConvLoops.scratch(ConvLoops.COLUMNS, depth * plane);
        double[] grad = ConvLoops.scratch(ConvLoops.GRADIENT, outChannels * plane);
        java.util.Arrays.fill(result, 0, outChannels * depth, 0.0);
        for (int n = 0, count = gs.dim(0); n < count; n++) {
            ConvLoops.im2col(x, n, ws.dim(2), ws.dim(3), gs.dim(2), gs.dim(3), params, cols);
            ConvLoops.pack(g, n * outChannels * plane, grad, outChannels * plane);
            // dW (O, K) += g_n (O, P) · colsᵀ (P, K): one dot product per entry, both rows contiguous.
            for (int o = 0; o < outChannels; o++) {
                int gr = o * plane;
                for (int r = 0; r < depth; r++) {
                    int cr = r * plane;
                    double s = 0;
                    for (int q = 0; q < plane; q++) {
                        s += grad[gr + q] * cols[cr + q];
                    }
                    result[o * depth + r] += s;
                }
            }
        }
        ConvLoops.store(result, out, 0, outChannels * depth);
    }

    /**
     * The reverse rule. For a cotangent G of the kernel's shape,
     * ⟨G, KG(x, g)⟩ = ⟨conv(x, G), g⟩: hence dg = conv(x, G), and, conv being linear in its
     * input with adjoint IG, dx = IG(G, g) ({@link Conv2dInputGrad}).
     */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T x = inputs.get(0);
        T g = inputs.get(1);
        T dx = b.apply(new Conv2dInputGrad(params), List.of(gradOut, g, x));
        T dg = b.apply(new Conv2d(params), List.of(x, gradOut));
        return List.of(Partial.of(dx), Partial.of(dg), Partial.none("only its shape is used"));
    }

    @Override
    public String parameters() {
        return params.text();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conv2dKernelGrad c && c.params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode() * 31 + 47;
    }
}
