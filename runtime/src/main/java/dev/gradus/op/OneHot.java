package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * One-hot encoding: for INT32 indices of shape I, returns shape {@code I + (depth,)} in the
 * given dtype with {@code out[i, c] = 1} where {@code c = indices[i]} and 0 elsewhere.
 * Every index must lie in [0, depth). Nothing is differentiable (the input holds
 * indices). The kernel does not allocate.
 */
public final class OneHot extends Op {
    private final int depth;
    private final DType dtype;

    /**
     * Creates the encoding into {@code depth} classes.
     *
     * @throws IllegalArgumentException if {@code depth} is not positive
     */
    public OneHot(int depth, DType dtype) {
        super("oneHot");
        if (depth <= 0) {
            throw new IllegalArgumentException("oneHot: depth must be positive, got " + depth);
        }
        this.depth = depth;
        this.dtype = dtype;
    }

    /** Returns the number of classes. */
    public int depth() {
        return depth;
    }

    /** Returns the output dtype. */
    public DType dtype() {
        return dtype;
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType indices = inputs.get(0);
        Gather.checkIndexType(this, indices);
        int[] in = indices.shape().dims();
        int[] dims = new int[in.length + 1];
        System.arraycopy(in, 0, dims, 0, in.length);
        dims[in.length] = depth;
        return new TensorType(dtype, Shape.of(dims));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor indices = inputs[0];
        int[] idx = indices.int32Data();
        for (int j = 0, n = indices.size(); j < n; j++) {
            int c = idx[indices.storageIndex(j)];
            if (c < 0 || c >= depth) {
                throw new IllegalArgumentException("oneHot: index " + c + " is out of range for depth " + depth);
            }
        }
        out.fill(0);
        for (int j = 0, n = indices.size(); j < n; j++) {
            out.setAt(out.offset() + j * depth + idx[indices.storageIndex(j)], 1);
        }
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        return List.of(Partial.none("one-hot input holds indices"));
    }

    @Override
    public String parameters() {
        return "depth=" + depth + ", dtype=" + dtype;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OneHot h && h.depth == depth && h.dtype == dtype;
    }

    @Override
    public int hashCode() {
        return (depth * 31 + dtype.hashCode()) * 31 + 29;
    }
}
