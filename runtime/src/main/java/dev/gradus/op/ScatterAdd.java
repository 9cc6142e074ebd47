package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * The gradient of {@link Gather}: adds slices of a float g into zeros of a fixed shape at
 * INT32 positions along one axis. For {@code shape = A + (size,) + B} and indices of shape
 * I, g must have shape {@code A + I + B}, and
 * {@code out[a, indices[j], b] += g[a, j, b]} for every j, so repeated indices accumulate.
 * Every index must lie in [0, size). The kernel does not allocate.
 */
public final class ScatterAdd extends Op {
    private final int axis;
    private final Shape shape;

    /**
     * Creates a scatter-add along {@code axis} (non-negative) into zeros of {@code shape}.
     *
     * @throws IllegalArgumentException if {@code axis} is not an axis of {@code shape}
     */
    public ScatterAdd(int axis, Shape shape) {
        super("scatterAdd");
        if (axis < 0 || axis >= shape.rank()) {
            throw new IllegalArgumentException("scatterAdd: axis " + axis + " is out of range for shape " + shape
                    + " (rank " + shape.rank() + ")");
        }
        this.axis = axis;
        this.shape = shape;
    }

    /** Returns the axis indexed into. */
    public int axis() {
        return axis;
    }

    /** Returns the output shape. */
    public Shape shape() {
        return shape;
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType g = inputs.get(0);
        TensorType indices = inputs.get(1);
        if (!g.dtype().isFloat()) {
            throw new IllegalArgumentException("scatterAdd needs a float32 or float64 g, got " + g.dtype());
        }
        Gather.checkIndexType(this, indices);
        Shape expected = Gather.gatheredShape(shape, indices.shape(), axis);
        if (!g.shape().equals(expected)) {
            throw new IllegalArgumentException("scatterAdd: g has shape " + g.shape() + " but gathering indices of shape "
                    + indices.shape() + " along axis " + axis + " of " + shape + " gives " + expected);
        }
        return g.withShape(shape);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor g = inputs[0];
        Tensor indices = inputs[1];
        int size = shape.dim(axis);
        Gather.checkIndices(this, indices, axis, size);
        out.fill(0);
        int outer = Gather.sizeBetween(shape, 0, axis);
        int inner = Gather.sizeBetween(shape, axis + 1, shape.rank());
        int count = indices.size();
        int[] idx = indices.int32Data();
        // g viewed as (outer, count, inner) adds row j into row indices[j] of out viewed as (outer, size, inner).
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
                int dst = out.offset() + (o * size + idx[indices.storageIndex(j)]) * inner;
                int src = (o * count + j) * inner;
                switch (out.dtype()) {
                    case FLOAT64 -> {
                        double[] gd = g.float64Data();
                        double[] od = out.float64Data();
                        for (int r = 0; r < inner; r++) {
                            od[dst + r] += gd[g.storageIndex(src + r)];
                        }
                    }
                    case FLOAT32 -> {
                        float[] gd = g.float32Data();
                        float[] od = out.float32Data();
                        for (int r = 0; r < inner; r++) {
                            od[dst + r] += gd[g.storageIndex(src + r)];
                        }
                    }
                    default -> throw new IllegalArgumentException("scatterAdd has no kernel for " + out.dtype());
                }
            }
        }
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T indices = inputs.get(1);
        // The op is linear in g and its adjoint is the gather it undoes.
        return List.of(Partial.of(b.gather(gradOut, indices, axis)), Partial.none("indices are integers"));
    }

    @Override
    public String parameters() {
        return "axis=" + axis + ", shape=" + shape;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScatterAdd s && s.axis == axis && s.shape.equals(shape);
    }

    @Override
    public int hashCode() {
        return (axis * 31 + shape.hashCode()) * 31 + 23;
    }
}
