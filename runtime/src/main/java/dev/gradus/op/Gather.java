package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Takes slices of a float x at integer positions along one axis, as numpy's {@code take}:
 * for x of shape {@code A + (size,) + B} (A the axes before {@code axis}) and INT32 indices
 * of any shape I, the result has shape {@code A + I + B} and
 * {@code out[a, i, b] = x[a, indices[i], b]}. Every index must lie in [0, size); negative
 * indices are not wrapped. The kernel does not allocate.
 */
public final class Gather extends Op {
    private final int axis;

    /** Creates a gather along {@code axis} (non-negative). */
    public Gather(int axis) {
        super("gather");
        if (axis < 0) {
            throw new IllegalArgumentException("gather: axis must be non-negative, got " + axis);
        }
        this.axis = axis;
    }

    /** Returns the axis indexed into. */
    public int axis() {
        return axis;
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType x = inputs.get(0);
        TensorType indices = inputs.get(1);
        if (!x.dtype().isFloat()) {
            throw new IllegalArgumentException("gather needs a float32 or float64 x, got " + x.dtype());
        }
        checkIndexType(this, indices);
        checkAxis(this, axis, "x", x.shape());
        return x.withShape(gatheredShape(x.shape(), indices.shape(), axis));
    }

    /**
     * Returns {@code from[:axis] + indices + from[axis+1:]}, the shape of the slices of
     * {@code from} taken at {@code indices} along {@code axis}.
     */
    static Shape gatheredShape(Shape from, Shape indices, int axis) {
        int[] dims = new int[from.rank() - 1 + indices.rank()];
        int j = 0;
        for (int a = 0; a < axis; a++) {
            dims[j++] = from.dim(a);
        }
        for (int a = 0; a < indices.rank(); a++) {
            dims[j++] = indices.dim(a);
        }
        for (int a = axis + 1; a < from.rank(); a++) {
            dims[j++] = from.dim(a);
        }
        return Shape.of(dims);
    }

    /** Throws unless the indices are INT32, naming {@code op}. */
    static void checkIndexType(Op op, TensorType indices) {
        if (indices.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op.name() + " needs int32 indices, got " + indices.dtype()
                    + " (cast them with Ops.cast)");
        }
    }

    /** Throws unless {@code axis} is an axis of {@code shape}, naming {@code op} and the input {@code role}. */
    static void checkAxis(Op op, int axis, String role, Shape shape) {
        if (axis >= shape.rank()) {
            throw new IllegalArgumentException(op.name() + ": axis " + axis + " is out of range for " + role + " of shape "
                    + shape + " (rank " + shape.rank() + ")");
        }
    }

    /**
     * Throws unless every element of the INT32 {@code indices} lies in [0, size), naming
     * {@code op}, the offending index, the axis and its size. Allocation-free.
     */
    static void checkIndices(Op op, Tensor indices, int axis, int size) {
        int[] idx = indices.int32Data();
        for (int j = 0, n = indices.size(); j < n; j++) {
            int i = idx[indices.storageIndex(j)];
            if (i < 0 || i >= size) {
                throw new IllegalArgumentException(op.name() + ": index " + i + " is out of range for axis " + axis
                        + " of size " + size);
            }
        }
    }

    /**
     * Returns {@code Σ c_a·t.stride(a)} over axes [from, to) of {@code t}, where the c_a are
     * the row-major coordinates of {@code flat} within those axes. Allocation-free.
     */
    static int stridedOffset(Tensor t, int from, int to, int flat) {
        int offset = 0;
        int rem = flat;
        for (int a = to - 1; a >= from; a--) {
            int d = t.shape().dim(a);
            offset += (rem % d) * t.stride(a);
            rem /= d;
        }
        return offset;
    }

    /** Returns the product of {@code s}'s sizes over axes [from, to). */
    static int sizeBetween(Shape s, int from, int to) {
        int n = 1;
        for (int a = from; a < to; a++) {
            n *= s.dim(a);
        }
        return n;
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        Tensor indices = inputs[1];
        Shape s = x.shape();
        int size = s.dim(axis);
        checkIndices(this, indices, axis, size);
        int outer = sizeBetween(s, 0, axis);
        int inner = sizeBetween(s, axis + 1, s.rank());
        int count = indices.size();
        int[] idx = indices.int32Data();
        // out, viewed as (outer, count, inner), takes row indices[j] of x viewed as (outer, size, inner).
        for (int o = 0; o < outer; o++) {
            int lead = x.offset() + stridedOffset(x, 0, axis, o);
            for (int j = 0; j < count; j++) {
                int base = lead + idx[indices.storageIndex(j)] * x.stride(axis);
                int dst = out.offset() + (o * count + j) * inner;
                if (x.isContiguous()) {
                    copyRun(x, base, out, dst, inner);
                } else {
                    for (int r = 0; r < inner; r++) {
                        out.setAt(dst + r, x.getAt(base + stridedOffset(x, axis + 1, s.rank(), r)));
                    }
                }
            }
        }
    }

    private static void copyRun(Tensor src, int from, Tensor dst, int to, int length) {
        switch (src.dtype()) {
            case FLOAT64 -> System.arraycopy(src.float64Data(), from, dst.float64Data(), to, length);
            case FLOAT32 -> System.arraycopy(src.float32Data(), from, dst.float32Data(), to, length);
            case INT32, BOOL -> System.arraycopy(src.int32Data(), from, dst.int32Data(), to, length);
        }
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T x = inputs.get(0);
        T indices = inputs.get(1);
        // Each x row contributes to every output slice that took it: dx[a, i, b] = Σ_{j: indices[j] = i} g[a, j, b].
        return List.of(Partial.of(b.scatterAdd(gradOut, x, indices, axis)), Partial.none("indices are integers"));
    }

    @Override
    public String parameters() {
        return "axis=" + axis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Gather g && g.axis == axis;
    }

    @Override
    public int hashCode() {
        return axis * 31 + 19;
    }
}
