package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Softmax cross-entropy fused from logits: for logits z (N, K) and float targets t (N, K) of
 * the same dtype (one-hot rows, or any class weights such as label-smoothed probabilities),
 * returns the scalar {@code (1/N) Σ_n Σ_k t[n,k]·(logΣexp z[n] − z[n,k])}, the mean over the
 * batch of −Σ_k t_k log softmax(z)_k. Each row's log-sum-exp is taken around its maximum, so
 * large logits neither overflow nor give log 0. The kernel does not allocate.
 */
public final class SoftmaxCrossEntropy extends Op {
    /** The shared instance (the op has no parameters). */
    public static final SoftmaxCrossEntropy INSTANCE = new SoftmaxCrossEntropy();

    private SoftmaxCrossEntropy() {
        super("softmaxCrossEntropy");
    }

    @Override
    public int arity() {
        return 2;
    }

    /**
     * Returns a rank-0 value of the logits' dtype.
     *
     * @throws IllegalArgumentException unless logits and targets are rank-2 floats of one type
     */
    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        ConvLoops.checkFloats(this, inputs);
        Shape z = inputs.get(0).shape();
        if (z.rank() != 2 || !inputs.get(1).shape().equals(z)) {
            throw new IllegalArgumentException(name() + " needs logits (N, K) and targets of the same shape, got " + z
                    + " and " + inputs.get(1).shape());
        }
        return inputs.get(0).withShape(Shape.of());
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor z = inputs[0];
        Tensor t = inputs[1];
        int rows = z.shape().dim(0);
        int classes = z.shape().dim(1);
        double total = 0;
        for (int n = 0; n < rows; n++) {
            int zi = z.offset() + n * z.stride(0);
            int ti = t.offset() + n * t.stride(0);
            double m = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                m = Math.max(m, z.getAt(zi + k * z.stride(1)));
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(z.getAt(zi + k * z.stride(1)) - m);
            }
            double logSum = m + Math.log(sum);
            for (int k = 0; k < classes; k++) {
                double tk = t.getAt(ti + k * t.stride(1));
                if (tk != 0) {
                    total += tk * (logSum - z.getAt(zi + k * z.stride(1)));
                }
            }
        }
        out.setAt(out.offset(), total / rows);
    }

    /**
     * The reverse rule, with s = softmax(z) along the classes and g the (scalar) output
     * gradient: ∂L/∂z_k = (1/N)(s_k Σ_j t_j − t_k), which is (s − t)/N for one-hot rows;
     * ∂L/∂t_k = −(1/N) log s_k = −(1/N) logSoftmax(z)_k.
     */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T z = inputs.get(0);
        T t = inputs.get(1);
        T scale = b.div(gradOut, b.sizeOf(z, new int[] {0}));
        T s = b.apply(new Softmax(1), List.of(z));
        T dz = b.mul(b.sub(b.mul(s, b.sum(t, new int[] {1}, true)), t), scale);
        T dt = b.neg(b.mul(b.apply(new LogSoftmax(1), List.of(z)), scale));
        return List.of(Partial.of(dz), Partial.of(dt));
    }
}
