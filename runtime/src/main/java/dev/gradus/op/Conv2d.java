package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) of an NCHW input
 * x (N, C, H, W) with a kernel w (O, C, kh, kw), both float of one dtype, giving
 * (N, O, H', W') with {@code y[n, o, oh, ow] = Σ_{c,i,j} w[o, c, i, j] ·
 * x[n, c, oh·s − p + i·d, ow·s − p + j·d]} (zero outside the input); see
 * {@link Conv2dParams} for H' and W'.
 *
 * <p>The kernel lowers each sample to a column matrix (im2col, (C·kh·kw, H'·W')) and
 * multiplies the kernel viewed as (O, C·kh·kw) by it, in double precision, in per-thread
 * scratch arrays: allocation-free once warm. The reverse rule uses {@link Conv2dInputGrad}
 * and {@link Conv2dKernelGrad}, which take the input or kernel as a shape-only
 * ("like") argument, so no rule asks for a shape.
 */
public final class Conv2d extends Op {
    private final Conv2dParams params;

    /** Creates the convolution with the given stride, padding and dilation. */
    public Conv2d(Conv2dParams params) {
        super("conv2d");
        this.params = java.util.Objects.requireNonNull(params, "params");
    }

    /** Returns the geometry. */
    public Conv2dParams params() {
        return params;
    }

    @Override
    public int arity() {
        return 2;
    }

    /**
     * Returns (N, O, H', W') in the inputs' dtype.
     *
     * @throws IllegalArgumentException if the inputs are not rank-4 floats of one dtype, the
     *     channels differ, or the kernel does not fit the padded input
     */
    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        ConvLoops.checkFloats(this, inputs);
        return inputs.get(0).withShape(ConvLoops.outputShape(this, params, inputs.get(0).shape(), inputs.get(1).shape()));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Shape ws = w.shape();
        Shape os = out.shape();
        int outChannels = ws.dim(0);
        int depth = ws.dim(1) * ws.dim(2) * ws.dim(3);
        int plane = os.dim(2) * os.dim(3);
        double[] weights = ConvLoops.scratch(ConvLoops.WEIGHTS, outChannels * depth);
        double[] cols = ConvLoops.scratch(ConvLoops.COLUMNS, depth * plane);
        double[] result = ConvLoops.scratch(ConvLoops.RESULT, outChannels * plane);
        ConvLoops.pack(w, 0, weights, outChannels * depth);
        for (int n = 0, count = os.dim(0); n < count; n++) {
            ConvLoops.im2col(x, n, ws.dim(2), ws.dim(3), os.dim(2), os.dim(3), params, cols);
            // result (O, P) = weights (O, K) · cols (K, P), row by row (i-k-j order).
            java.util.Arrays.fill(result, 0, outChannels * plane, 0.0);
            for (int o = 0; o < outChannels; o++) {
                int wr = o * depth;
                int rr = o * plane;
                for (int r = 0; r < depth; r++) {
                    double wv = weights[wr + r];
                    int cr = r * plane;
                    for (int q = 0; q < plane; q++) {
                        result[rr + q] += wv * cols[cr + q];
                    }
                }
            }
            ConvLoops.store(result, out, n * outChannels * plane, outChannels * plane);
        }
    }

    /**
     * The reverse rule. Per sample, y = W·cols(x) with W the kernel as (O, K); so
     * dW = Σ_n g_n·cols(x_n)ᵀ ({@link Conv2dKernelGrad}) and dx = col2im(Wᵀ·g_n)
     * ({@link Conv2dInputGrad}), the adjoint of x ↦ W·cols(x).
     */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T x = inputs.get(0);
        T w = inputs.get(1);
        T dx = b.apply(new Conv2dInputGrad(params), List.of(w, gradOut, x));
        T dw = b.apply(new Conv2dKernelGrad(params), List.of(x, gradOut, w));
        return List.of(Partial.of(dx), Partial.of(dw));
    }

    @Override
    public String parameters() {
        return params.text();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conv2d c && c.params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode() * 31 + 41;
    }
}
