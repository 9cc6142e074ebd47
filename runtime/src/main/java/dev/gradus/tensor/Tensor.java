package dev.gradus.tensor;

import java.util.Arrays;

/**
 * A dense n-dimensional array of one {@link DType}, stored row-major in a Java array and
 * addressed through strides and an offset, so that transposes, slices and broadcasts are
 * views that share storage.
 *
 * <p>Storage is a heap array ({@code double[]}, {@code float[]} or {@code int[]}); see
 * docs/ARCHITECTURE.md for why. The backing array is reachable through
 * {@link #float64Data()}, {@link #float32Data()} and {@link #int32Data()} for kernels; element
 * {@code (i0, i1, ...)} lives at {@code offset() + Σ ik * strides()[k]}.
 *
 * <p>Tensors are mutable (kernels write into them) and not thread-safe. Views see writes to
 * the tensor they view.
 */
public final class Tensor {
    private final DType dtype;
    private final Shape shape;
    private final int[] strides;
    private final int offset;
    private final double[] f64;
    private final float[] f32;
    private final int[] i32;
    private final boolean contiguous;

    private Tensor(DType dtype, Shape shape, int[] strides, int offset, double[] f64, float[] f32, int[] i32) {
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.f64 = f64;
        this.f32 = f32;
        this.i32 = i32;
        this.contiguous = computeContiguous(shape, strides);
    }

    private static boolean computeContiguous(Shape shape, int[] strides) {
        int expected = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            int d = shape.dim(i);
            if (d != 1 && strides[i] != expected) {
                return false;
            }
            expected *= d;
        }
        return true;
    }

    // ---------------------------------------------------------------- factories

    /**
     * Returns a new zero-filled contiguous tensor.
     *
     * @param dtype element type
     * @param shape shape
     */
    public static Tensor zeros(DType dtype, Shape shape) {
        int n = shape.size();
        return switch (dtype) {
            case FLOAT64 -> new Tensor(dtype, shape, shape.contiguousStrides(), 0, new double[n], null, null);
            case FLOAT32 -> new Tensor(dtype, shape, shape.contiguousStrides(), 0, null, new float[n], null);
            case INT32, BOOL -> new Tensor(dtype, shape, shape.contiguousStrides(), 0, null, null, new int[n]);
        };
    }

    /** Returns a new zero-filled contiguous tensor of the given axis sizes. */
    public static Tensor zeros(DType dtype, int... dims) {
        return zeros(dtype, Shape.of(dims));
    }

    /** Returns a new contiguous tensor with every element set to {@code value}. */
    public static Tensor full(DType dtype, Shape shape, double value) {
        Tensor t = zeros(dtype, shape);
        t.fill(value);
        return t;
    }

    /** Returns a new contiguous tensor of ones. */
    public static Tensor ones(DType dtype, Shape shape) {
        return full(dtype, shape, 1.0);
    }

    /** Returns a rank-0 FLOAT64 tensor. */
    public static Tensor scalar(double value) {
        return new Tensor(DType.FLOAT64, Shape.scalar(), new int[0], 0, new double[] {value}, null, null);
    }

    /** Returns a rank-0 FLOAT32 tensor. */
    public static Tensor scalar(float value) {
        return new Tensor(DType.FLOAT32, Shape.scalar(), new int[0], 0, null, new float[] {value}, null);
    }

    /** Returns a rank-0 tensor of the given dtype holding {@code value} (rounded to the dtype). */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, Shape.scalar(), value);
    }

    /**
     * Returns a FLOAT64 tensor over {@code data} (not copied) with the given axis sizes.
     *
     * @throws IllegalArgumentException if {@code data.length} is not the shape's size
     */
    public static Tensor of(double[] data, int... dims) {
        Shape s = Shape.of(dims);
        checkLength(data.length, s);
        return new Tensor(DType.FLOAT64, s, s.contiguousStrides(), 0, data, null, null);
    }

    /** Returns a FLOAT32 tensor over {@code data} (not copied); see {@link #of(double[], int...)}. */
    public static Tensor of(float[] data, int... dims) {
        Shape s = Shape.of(dims);
        checkLength(data.length, s);
        return new Tensor(DType.FLOAT32, s, s.contiguousStrides(), 0, null, data, null);
    }

    /** Returns an INT32 tensor over {@code data} (not copied); see {@link #of(double[], int...)}. */
    public static Tensor ofInts(int[] data, int... dims) {
        Shape s = Shape.of(dims);
        checkLength(data.length, s);
        return new Tensor(DType.INT32, s, s.contiguousStrides(), 0, null, null, data);
    }

    /**
     * Returns a BOOL tensor over {@code data} (not copied; 0 is false, anything else true);
     * see {@link #of(double[], int...)}.
     */
    public static Tensor ofBools(int[] data, int... dims) {
        Shape s = Shape.of(dims);
        checkLength(data.length, s);
        return new Tensor(DType.BOOL, s, s.contiguousStrides(), 0, null, null, data);
    }

    /** Returns a FLOAT64 vector copying {@code values}. */
    public static Tensor vector(double... values) {
        return of(values.clone(), values.length);
    }

    /**
     * Returns a FLOAT64 matrix copying {@code rows}.
     *
     * @throws IllegalArgumentException if rows have different lengths
     */
    public static Tensor matrix(double[][] rows) {
        int r = rows.length;
        int c = r == 0 ? 0 : rows[0].length;
        double[] data = new double[r * c];
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " columns; row 0 has " + c);
            }
            System.arraycopy(rows[i], 0, data, i * c, c);
        }
        return of(data, r, c);
    }

    private static void checkLength(int length, Shape s) {
        if (length != s.size()) {
            throw new IllegalArgumentException("data has " + length + " elements but shape " + s + " needs " + s.size());
        }
    }

    // ---------------------------------------------------------------- properties

    /** Returns the element type. */
    public DType dtype() {
        return dtype;
    }

    /** Returns the shape. */
    public Shape shape() {
        return shape;
    }

    /** Returns the rank (number of axes). */
    public int rank() {
        return shape.rank();
    }

    /** Returns the number of elements. */
    public int size() {
        return shape.size();
    }

    /** Returns a copy of the strides, in elements. */
    public int[] strides() {
        return strides.clone();
    }

    /** Returns the stride of one axis, in elements. */
    public int stride(int axis) {
        return strides[axis];
    }

    /** Returns the index of element (0, ..., 0) in the backing array. */
    public int offset() {
        return offset;
    }

    /** Returns true if the elements are laid out row-major without gaps from {@link #offset()}. */
    public boolean isContiguous() {
        return contiguous;
    }

    /** Returns the backing array of a FLOAT64 tensor (shared, not copied), or null for other dtypes. */
    public double[] float64Data() {
        return f64;
    }

    /** Returns the backing array of a FLOAT32 tensor (shared, not copied), or null for other dtypes. */
    public float[] float32Data() {
        return f32;
    }

    /** Returns the backing array of an INT32 or BOOL tensor (shared, not copied), or null otherwise. */
    public int[] int32Data() {
        return i32;
    }

    /** Returns true if both tensors use the same backing array. */
    public boolean sharesStorageWith(Tensor other) {
        return (f64 != null && f64 == other.f64) || (f32 != null && f32 == other.f32) || (i32 != null && i32 == other.i32);
    }

    // ---------------------------------------------------------------- element access

    /**
     * Returns the backing-array index of the element at row-major position {@code flat}
     * (0 ≤ flat &lt; size()). Allocation-free.
     */
    public int storageIndex(int flat) {
        if (contiguous) {
            return offset + flat;
        }
        int idx = offset;
        int rem = flat;
        for (int axis = strides.length - 1; axis >= 0; axis--) {
            int d = shape.dim(axis);
            idx += (rem % d) * strides[axis];
            rem /= d;
        }
        return idx;
    }

    /** Reads the element at backing-array index {@code i} as a double. */
    public double getAt(int i) {
        return switch (dtype) {
            case FLOAT64 -> f64[i];
            case FLOAT32 -> f32[i];
            case INT32, BOOL -> i32[i];
        };
    }

    /** Writes {@code v}, converted to the dtype, at backing-array index {@code i}. */
    public void setAt(int i, double v) {
        switch (dtype) {
            case FLOAT64 -> f64[i] = v;
            case FLOAT32 -> f32[i] = (float) v;
            case INT32 -> i32[i] = (int) v;
            case BOOL -> i32[i] = v != 0 ? 1 : 0;
        }
    }

    /** Returns the element at row-major position {@code flat}, as a double. */
    public double getFlat(int flat) {
        return getAt(storageIndex(flat));
    }

    /** Sets the element at row-major position {@code flat}. */
    public void setFlat(int flat, double v) {
        setAt(storageIndex(flat), v);
    }

    /**
     * Returns the element at the given coordinates, as a double.
     *
     * @throws IndexOutOfBoundsException naming the axis when a coordinate is out of range
     */
    public double get(int... index) {
        return getAt(indexOf(index));
    }

    /** Sets the element at the given coordinates; see {@link #get(int...)}. */
    public void set(double value, int... index) {
        setAt(indexOf(index), value);
    }

    /**
     * Returns the only element of a one-element tensor.
     *
     * @throws IllegalStateException if the tensor has more or fewer than one element
     */
    public double item() {
        if (size() != 1) {
            throw new IllegalStateException("item() needs exactly one element; this tensor has shape " + shape);
        }
        return getAt(offset);
    }

    private int indexOf(int[] index) {
        if (index.length != rank()) {
            throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates; the tensor has shape " + shape);
        }
        int idx = offset;
        for (int axis = 0; axis < index.length; axis++) {
            int d = shape.dim(axis);
            if (index[axis] < 0 || index[axis] >= d) {
                throw new IndexOutOfBoundsException("coordinate " + index[axis] + " on axis " + axis
                        + " is out of range for shape " + shape);
            }
            idx += index[axis] * strides[axis];
        }
        return idx;
    }

    /** Sets every element to {@code value} (converted to the dtype). Allocation-free. */
    public void fill(double value) {
        if (contiguous) {
            int n = size();
            switch (dtype) {
                case FLOAT64 -> Arrays.fill(f64, offset, offset + n, value);
                case FLOAT32 -> Arrays.fill(f32, offset, offset + n, (float) value);
                case INT32 -> Arrays.fill(i32, offset, offset + n, (int) value);
                case BOOL -> Arrays.fill(i32, offset, offset + n, value != 0 ? 1 : 0);
            }
            return;
        }
        for (int k = 0, n = size(); k < n; k++) {
            setFlat(k, value);
        }
    }

    /**
     * Copies {@code src}'s elements into this tensor, converting dtype if needed.
     * Allocation-free.
     *
     * @throws IllegalArgumentException if the shapes differ
     */
    public void copyFrom(Tensor src) {
        if (!src.shape.equals(shape)) {
            throw new IllegalArgumentException("cannot copy a tensor of shape " + src.shape + " into one of shape " + shape);
        }
        int n = size();
        if (contiguous && src.contiguous && dtype == src.dtype) {
            switch (dtype) {
                case FLOAT64 -> System.arraycopy(src.f64, src.offset, f64, offset, n);
                case FLOAT32 -> System.arraycopy(src.f32, src.offset, f32, offset, n);
                case INT32, BOOL -> System.arraycopy(src.i32, src.offset, i32, offset, n);
            }
            return;
        }
        for (int k = 0; k < n; k++) {
            setFlat(k, src.getFlat(k));
        }
    }

    /** Returns a new contiguous tensor with the same dtype, shape and elements. */
    public Tensor copy() {
        Tensor t = zeros(dtype, shape);
        t.copyFrom(this);
        return t;
    }

    /** Returns this tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return contiguous ? this : copy();
    }

    /** Returns a new contiguous tensor with the elements converted to {@code target}. */
    public Tensor cast(DType target) {
        Tensor t = zeros(target, shape);
        t.copyFrom(this);
        return t;
    }

    /** Returns the elements in row-major order as a new {@code double[]}. */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = getFlat(k);
        }
        return out;
    }

    /** Returns the elements in row-major order as a new {@code float[]}. */
    public float[] toFloatArray() {
        float[] out = new float[size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) getFlat(k);
        }
        return out;
    }

    /** Returns the elements in row-major order as a new {@code int[]} (truncating floats). */
    public int[] toIntArray() {
        int[] out = new int[size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = (int) getFlat(k);
        }
        return out;
    }

    // ---------------------------------------------------------------- views

    /**
     * Returns a view with the axes permuted: axis {@code i} of the result is axis
     * {@code perm[i]} of this tensor. With no arguments, reverses the axes. Never copies.
     *
     * @throws IllegalArgumentException if {@code perm} is not a permutation of the axes
     */
    public Tensor transpose(int... perm) {
        int[] p = perm.length == 0 ? reversed(rank()) : checkPermutation(perm, rank());
        int[] dims = new int[p.length];
        int[] st = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            dims[i] = shape.dim(p[i]);
            st[i] = strides[p[i]];
        }
        return new Tensor(dtype, Shape.of(dims), st, offset, f64, f32, i32);
    }

    static int[] reversed(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = rank - 1 - i;
        }
        return p;
    }

    /**
     * Checks that {@code perm} is a permutation of 0..rank-1 and returns it normalized.
     *
     * @throws IllegalArgumentException naming the permutation otherwise
     */
    public static int[] checkPermutation(int[] perm, int rank) {
        if (perm.length != rank) {
            throw new IllegalArgumentException("permutation " + Arrays.toString(perm) + " has " + perm.length
                    + " axes; the tensor has rank " + rank);
        }
        boolean[] seen = new boolean[rank];
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int a = Shape.normalizeAxis(perm[i], rank);
            if (seen[a]) {
                throw new IllegalArgumentException("permutation " + Arrays.toString(perm) + " repeats axis " + a);
            }
            seen[a] = true;
            out[i] = a;
        }
        return out;
    }

    /**
     * Returns a tensor of the given shape with the same elements in row-major order; one
     * size may be -1 and is inferred. A view when this tensor is contiguous, else a copy.
     *
     * @throws IllegalArgumentException if the sizes do not match
     */
    public Tensor reshape(int... dims) {
        Shape target = inferReshape(shape, dims);
        Tensor base = contiguous();
        return new Tensor(dtype, target, target.contiguousStrides(), base.offset, base.f64, base.f32, base.i32);
    }

    /**
     * Resolves a reshape request against {@code from}: one -1 is inferred.
     *
     * @throws IllegalArgumentException when the sizes cannot match
     */
    public static Shape inferReshape(Shape from, int[] dims) {
        int[] d = dims.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape to " + Arrays.toString(dims) + ": only one size may be -1");
                }
                infer = i;
            } else if (d[i] < 0) {
                throw new IllegalArgumentException("reshape to " + Arrays.toString(dims) + ": negative size " + d[i]);
            } else {
                known *= d[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || from.size() % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + from + " (" + from.size() + " elements) to "
                        + Arrays.toString(dims));
            }
            d[infer] = (int) (from.size() / known);
            known *= d[infer];
        }
        if (known != from.size()) {
            throw new IllegalArgumentException("cannot reshape " + from + " (" + from.size() + " elements) to "
                    + Arrays.toString(dims) + " (" + known + " elements)");
        }
        return Shape.of(d);
    }

    /**
     * Returns a view of {@code start:end:step} along {@code axis} (Python semantics for the
     * step's sign; negative start/end count from the end). Never copies.
     */
    public Tensor slice(int axis, int start, int end, int step) {
        int a = Shape.normalizeAxis(axis, rank());
        SliceSpec.Resolved r = new SliceSpec.Range(start, end, step).resolve(shape.dim(a));
        int[] dims = shape.dims();
        int[] st = strides.clone();
        dims[a] = r.count();
        st[a] = strides[a] * r.step();
        int off = r.count() == 0 ? offset : offset + r.start() * strides[a];
        return new Tensor(dtype, Shape.of(dims), st, off, f64, f32, i32);
    }

    /** Returns a view selecting {@code spec} (one range per leading axis). Never copies. */
    public Tensor slice(SliceSpec spec) {
        Tensor t = this;
        for (int i = 0; i < spec.rank(); i++) {
            SliceSpec.Range r = spec.range(i);
            t = t.slice(i, r.start(), r.end(), r.step());
        }
        return t;
    }

    /**
     * Returns a view broadcast to {@code target} (size-1 and missing leading axes get stride
     * 0). Never copies; writing through a broadcast view writes shared elements.
     *
     * @throws IllegalArgumentException if this shape does not broadcast to {@code target}
     */
    public Tensor broadcastTo(Shape target) {
        if (!shape.broadcastsTo(target)) {
            throw new IllegalArgumentException("cannot broadcast shape " + shape + " to " + target);
        }
        int lead = target.rank() - rank();
        int[] st = new int[target.rank()];
        for (int i = 0; i < rank(); i++) {
            st[i + lead] = shape.dim(i) == 1 && target.dim(i + lead) != 1 ? 0 : strides[i];
        }
        return new Tensor(dtype, target, st, offset, f64, f32, i32);
    }

    // ---------------------------------------------------------------- comparison and printing

    /**
     * Returns true if both tensors have the same shape and every pair of elements satisfies
     * {@code |a - b| <= atol + rtol * |b|} (NaNs equal each other).
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        if (!shape.equals(other.shape)) {
            return false;
        }
        for (int k = 0, n = size(); k < n; k++) {
            double a = getFlat(k);
            double b = other.getFlat(k);
            if (Double.isNaN(a) && Double.isNaN(b)) {
                continue;
            }
            if (a == b) {
                continue;
            }
            if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
                return false;
            }
        }
        return true;
    }

    /** Returns a numpy-like rendering, e.g. {@code [[1, 2], [3, 4]]}, abbreviated past 1000 elements. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendValues(sb, 1000);
        return sb.toString();
    }

    /** Appends the values to {@code sb}, eliding the middle when there are more than {@code limit}. */
    public void appendValues(StringBuilder sb, int limit) {
        if (rank() == 0) {
            appendElement(sb, getAt(offset));
            return;
        }
        boolean abbreviate = size() > limit;
        appendAxis(sb, 0, offset, abbreviate);
    }

    private void appendAxis(StringBuilder sb, int axis, int base, boolean abbreviate) {
        int d = shape.dim(axis);
        sb.append('[');
        for (int i = 0; i < d; i++) {
            if (abbreviate && d > 6 && i == 3) {
                sb.append(", ...");
                i = d - 3;
            }
            if (i > 0) {
                sb.append(", ");
            }
            int idx = base + i * strides[axis];
            if (axis == rank() - 1) {
                appendElement(sb, getAt(idx));
            } else {
                appendAxis(sb, axis + 1, idx, abbreviate);
            }
        }
        sb.append(']');
    }

    private void appendElement(StringBuilder sb, double v) {
        switch (dtype) {
            case INT32 -> sb.append((int) v);
            case BOOL -> sb.append(v != 0 ? "true" : "false");
            case FLOAT32 -> appendFloat(sb, (float) v);
            case FLOAT64 -> appendFloat(sb, v);
        }
    }

    private static void appendFloat(StringBuilder sb, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
    }

    private static void appendFloat(StringBuilder sb, float v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7f) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
    }
}
