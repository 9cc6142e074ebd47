package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins one or more inputs of the same dtype and rank along an existing axis; every other
 * axis must have the same size in all inputs, and the result's size along {@code axis} is
 * the sum of theirs. The kernel does not allocate.
 */
public final class Concat extends Op {
    private final int axis;

    /** Creates a concatenation along {@code axis} (non-negative). */
    public Concat(int axis) {
        super("concat");
        if (axis < 0) {
            throw new IllegalArgumentException("concat: axis must be non-negative, got " + axis);
        }
        this.axis = axis;
    }

    /** Returns the axis the inputs are joined along. */
    public int axis() {
        return axis;
    }

    @Override
    public int arity() {
        return VARIADIC;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType first = inputs.get(0);
        Shape s = first.shape();
        if (axis >= s.rank()) {
            throw new IllegalArgumentException("concat: axis " + axis + " is out of range for inputs of rank " + s.rank()
                    + " (shape " + s + ")");
        }
        int total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            TensorType t = inputs.get(i);
            if (t.dtype() != first.dtype()) {
                throw new IllegalArgumentException("concat: dtypes differ: input 0 is " + first.dtype() + " but input " + i
                        + " is " + t.dtype() + " (cast one side with Ops.cast)");
            }
            if (!sameExceptAxis(s, t.shape())) {
                throw new IllegalArgumentException("concat along axis " + axis + ": input " + i + " has shape " + t.shape()
                        + ", which does not match input 0's shape " + s + " outside axis " + axis + " (shapes: "
                        + shapes(inputs) + ")");
            }
            total += t.shape().dim(axis);
        }
        int[] dims = s.dims();
        dims[axis] = total;
        return first.withShape(Shape.of(dims));
    }

    private boolean sameExceptAxis(Shape a, Shape b) {
        if (a.rank() != b.rank()) {
            return false;
        }
        for (int i = 0; i < a.rank(); i++) {
            if (i != axis && a.dim(i) != b.dim(i)) {
                return false;
            }
        }
        return true;
    }

    private static List<Shape> shapes(List<TensorType> inputs) {
        List<Shape> out = new ArrayList<>(inputs.size());
        for (TensorType t : inputs) {
            out.add(t.shape());
        }
        return out;
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Shape s = out.shape();
        int outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= s.dim(a);
        }
        int after = 1;
        for (int a = axis + 1; a < s.rank(); a++) {
            after *= s.dim(a);
        }
        // Viewed as (outer, size along axis, after), input x fills columns
        // [position, position + x.dim(axis)) of the middle axis of the output.
        int outBlock = s.dim(axis) * after;
        int position = 0;
        for (Tensor x : inputs) {
            int block = x.shape().dim(axis) * after;
            int base = out.offset() + position * after;
            if (x.isContiguous()) {
                for (int o = 0; o < outer; o++) {
                    copyRun(x, x.offset() + o * block, out, base + o * outBlock, block);
                }
            } else if (block > 0) {
                for (int k = 0, n = x.size(); k < n; k++) {
                    out.setAt(base + (k / block) * outBlock + k % block, x.getAt(x.storageIndex(k)));
                }
            }
            position += x.shape().dim(axis);
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
        // Each input receives the part of the gradient at its own positions along the axis.
        List<Partial<T>> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            out.add(Partial.of(b.concatPart(gradOut, inputs, axis, i)));
        }
        return out;
    }

    @Override
    public String parameters() {
        return "axis=" + axis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Concat c && c.axis == axis;
    }

    @Override
    public int hashCode() {
        return axis * 31 + 17;
    }
}
