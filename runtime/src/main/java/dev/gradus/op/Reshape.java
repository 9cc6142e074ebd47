package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Gives the input, of any dtype, another shape with the same number of elements; the
 * elements keep their row-major order. The kernel copies (the output is always a fresh
 * contiguous tensor) and does not allocate.
 */
public final class Reshape extends Op {
    private final Shape target;

    /** Creates a reshape to {@code target}. */
    public Reshape(Shape target) {
        super("reshape");
        this.target = target;
    }

    /** Returns the target shape. */
    public Shape target() {
        return target;
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType x = inputs.get(0);
        if (x.shape().size() != target.size()) {
            throw new IllegalArgumentException("reshape: cannot reshape " + x.shape() + " (" + x.shape().size()
                    + " elements) to " + target + " (" + target.size() + " elements)");
        }
        return x.withShape(target);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        copyRowMajor(inputs[0], out);
    }

    /**
     * Copies {@code x}'s elements in row-major order into the contiguous {@code out} of the
     * same dtype and element count, whatever either shape. Allocation-free.
     */
    static void copyRowMajor(Tensor x, Tensor out) {
        int n = x.size();
        int xo = x.offset();
        int oo = out.offset();
        if (x.isContiguous()) {
            switch (x.dtype()) {
                case FLOAT64 -> System.arraycopy(x.float64Data(), xo, out.float64Data(), oo, n);
                case FLOAT32 -> System.arraycopy(x.float32Data(), xo, out.float32Data(), oo, n);
                case INT32, BOOL -> System.arraycopy(x.int32Data(), xo, out.int32Data(), oo, n);
            }
            return;
        }
        switch (x.dtype()) {
            case FLOAT64 -> {
                double[] src = x.float64Data();
                double[] dst = out.float64Data();
                for (int k = 0; k < n; k++) {
                    dst[oo + k] = src[x.storageIndex(k)];
                }
            }
            case FLOAT32 -> {
                float[] src = x.float32Data();
                float[] dst = out.float32Data();
                for (int k = 0; k < n; k++) {
                    dst[oo + k] = src[x.storageIndex(k)];
                }
            }
            case INT32, BOOL -> {
                int[] src = x.int32Data();
                int[] dst = out.int32Data();
                for (int k = 0; k < n; k++) {
                    dst[oo + k] = src[x.storageIndex(k)];
                }
            }
        }
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        // A reshape moves no element, so the gradient is the incoming one in x's shape.
        return List.of(Partial.of(b.reshapeLike(gradOut, inputs.get(0))));
    }

    @Override
    public String parameters() {
        return "shape=" + target;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reshape r && r.target.equals(target);
    }

    @Override
    public int hashCode() {
        return target.hashCode() * 31 + 5;
    }
}
