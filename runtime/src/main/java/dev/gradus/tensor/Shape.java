package dev.gradus.tensor;

import java.util.Arrays;

/**
 * An immutable tensor shape: the size of each axis, outermost first. Rank 0 is a scalar.
 *
 * <p>Shapes are compared by value and print like Python tuples: {@code ()}, {@code (3,)},
 * {@code (2, 3)}.
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        this.dims = dims;
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
            }
        }
        this.size = (int) n;
    }

    /**
     * Returns the shape with the given axis sizes.
     *
     * @throws IllegalArgumentException if a size is negative
     */
    public static Shape of(int... dims) {
        if (dims.length == 0) {
            return SCALAR;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("axis " + i + " of shape " + Arrays.toString(dims) + " is negative");
            }
        }
        return new Shape(dims.clone());
    }

    /** Returns the rank-0 shape {@code ()}. */
    public static Shape scalar() {
        return SCALAR;
    }

    /** Returns the number of axes. */
    public int rank() {
        return dims.length;
    }

    /** Returns the size of axis {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return dims[normalizeAxis(axis, dims.length)];
    }

    /** Returns a copy of the axis sizes. */
    public int[] dims() {
        return dims.clone();
    }

    /** Returns the number of elements (1 for a scalar). */
    public int size() {
        return size;
    }

    /** Returns true for rank 0. */
    public boolean isScalar() {
        return dims.length == 0;
    }

    /** Returns the row-major (C order) strides of a contiguous tensor of this shape. */
    public int[] contiguousStrides() {
        int[] strides = new int[dims.length];
        int s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(dims[i], 1);
        }
        return strides;
    }

    /**
     * Returns the numpy broadcast of two shapes: axes aligned from the right, a size-1 axis
     * stretches to the other's size.
     *
     * @throws IllegalArgumentException naming both shapes when they do not broadcast
     */
    public static Shape broadcast(Shape a, Shape b) {
        if (a.equals(b)) {
            return a;
        }
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast (axis " + i
                        + " of the result: " + da + " vs " + db + ")");
            }
        }
        return new Shape(out);
    }

    /** Returns true if this shape broadcasts to {@code target} without changing {@code target}. */
    public boolean broadcastsTo(Shape target) {
        if (rank() > target.rank()) {
            return false;
        }
        int lead = target.rank() - rank();
        for (int i = 0; i < rank(); i++) {
            if (dims[i] != 1 && dims[i] != target.dims[i + lead]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns {@code axis} as a non-negative index into a rank-{@code rank} shape.
     *
     * @throws IllegalArgumentException when the axis is out of range
     */
    public static int normalizeAxis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    /**
     * Returns the given axes normalized, sorted and checked for duplicates; an empty array
     * means all axes.
     */
    public static int[] normalizeAxes(int[] axes, int rank) {
        if (axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = normalizeAxis(axes[i], rank);
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw new IllegalArgumentException("axis " + out[i] + " is repeated in " + Arrays.toString(axes));
            }
        }
        return out;
    }

    /**
     * Resolves axes as a builder rule or a written reduction holds them against {@code rank}:
     * null means every axis, an empty array no axis, and otherwise as {@link #normalizeAxes}.
     *
     * @return new normalized axes (sorted, distinct, non-negative)
     * @throws IllegalArgumentException when an axis is out of range or repeated
     */
    public static int[] resolveAxes(int[] axes, int rank) {
        if (axes == null) {
            return normalizeAxes(new int[0], rank);
        }
        return axes.length == 0 ? new int[0] : normalizeAxes(axes, rank);
    }

    /** Returns this shape with the given (normalized, sorted) axes removed or set to 1. */
    public Shape reduce(int[] axes, boolean keepDims) {
        int[] out = new int[keepDims ? dims.length : dims.length - axes.length];
        int j = 0;
        int k = 0;
        for (int i = 0; i < dims.length; i++) {
            boolean reduced = k < axes.length && axes[k] == i;
            if (reduced) {
                k++;
                if (keepDims) {
                    out[j++] = 1;
                }
            } else {
                out[j++] = dims[i];
            }
        }
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        if (dims.length == 1) {
            return "(" + dims[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(dims[i]);
        }
        return sb.append(')').toString();
    }
}
