package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;

/**
 * Allocation-free index arithmetic for kernels that visit a tensor one reduction slice at a
 * time (the reductions that need two passes per output element, softmax, argmax).
 *
 * <p>Slices are numbered row-major over the axes that are <em>not</em> reduced, which is the
 * element order of the contiguous reduction output (with or without kept size-1 axes). All
 * positions returned are backing-array indices of the given tensor, which may be any strided
 * view. The argument checks these ops share live here too.
 */
final class AxisLoops {
    private AxisLoops() {
    }

    /**
     * Returns the backing-array index of the first element of slice {@code slice} of
     * {@code t}, where the slices run over the normalized, sorted {@code axes}.
     */
    static int sliceStart(Tensor t, int[] axes, int slice) {
        int idx = t.offset();
        int rem = slice;
        int k = axes.length - 1;
        for (int axis = t.rank() - 1; axis >= 0; axis--) {
            if (k >= 0 && axes[k] == axis) {
                k--;
                continue;
            }
            int d = t.shape().dim(axis);
            idx += (rem % d) * t.stride(axis);
            rem /= d;
        }
        return idx;
    }

    /**
     * Returns the index offset, from a slice's start, of row {@code row} of the slice: rows
     * run row-major over every reduced axis but the last one, which {@link #innerSize} and
     * {@link #innerStride} cover.
     */
    static int rowOffset(Tensor t, int[] axes, int row) {
        int idx = 0;
        int rem = row;
        for (int k = axes.length - 2; k >= 0; k--) {
            int d = t.shape().dim(axes[k]);
            idx += (rem % d) * t.stride(axes[k]);
            rem /= d;
        }
        return idx;
    }

    /** Returns the size of the last reduced axis (1 when {@code axes} is empty). */
    static int innerSize(Tensor t, int[] axes) {
        return axes.length == 0 ? 1 : t.shape().dim(axes[axes.length - 1]);
    }

    /** Returns the stride of the last reduced axis (0 when {@code axes} is empty). */
    static int innerStride(Tensor t, int[] axes) {
        return axes.length == 0 ? 0 : t.stride(axes[axes.length - 1]);
    }

    /** Returns the number of rows per slice: the product of the reduced sizes but the last (0 for an empty slice). */
    static int rows(Tensor t, int[] axes) {
        int inner = innerSize(t, axes);
        return inner == 0 ? 0 : reducedSize(t.shape(), axes) / inner;
    }

    /** Returns the number of elements in one slice: the product of the sizes of {@code axes}. */
    static int reducedSize(Shape s, int[] axes) {
        int n = 1;
        for (int a : axes) {
            n *= s.dim(a);
        }
        return n;
    }

    /**
     * Returns the backing-array index of the first element of line {@code line} along
     * {@code axis}: the one-axis case of {@link #sliceStart}, lines numbered row-major over
     * the other axes.
     */
    static int lineStart(Tensor t, int axis, int line) {
        int idx = t.offset();
        int rem = line;
        for (int a = t.rank() - 1; a >= 0; a--) {
            if (a == axis) {
                continue;
            }
            int d = t.shape().dim(a);
            idx += (rem % d) * t.stride(a);
            rem /= d;
        }
        return idx;
    }

    /** Returns the number of lines along {@code axis}: the product of the other sizes. */
    static int lineCount(Shape s, int axis) {
        int n = 1;
        for (int a = 0; a < s.rank(); a++) {
            if (a != axis) {
                n *= s.dim(a);
            }
        }
        return n;
    }

    /**
     * Checks that every input is FLOAT32 or FLOAT64 and names the op otherwise. Shared by the
     * ops of this package that only have float kernels.
     */
    static void checkFloat(Op op, TensorType x) {
        if (!x.dtype().isFloat()) {
            throw new IllegalArgumentException(op.name() + " needs a float32 or float64 input, got " + x.dtype()
                    + " of shape " + x.shape());
        }
    }

    /** Checks that {@code axis} (already non-negative) is in range for {@code s}, naming the op otherwise. */
    static void checkAxis(Op op, int axis, Shape s) {
        if (axis >= s.rank()) {
            throw new IllegalArgumentException(op.name() + " axis " + axis + " is out of range for an input of rank " + s.rank()
                    + " (shape " + s + ")");
        }
    }

    /** Checks that a normalized axis given to a constructor is non-negative, naming the op otherwise. */
    static int checkNormalized(String opName, int axis) {
        if (axis < 0) {
            throw new IllegalArgumentException(opName + " axis must be normalized (non-negative; see Shape.normalizeAxis), got "
                    + axis);
        }
        return axis;
    }
}
