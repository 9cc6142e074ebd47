package dev.gradus.tensor;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Allocation-free strided loops that CPU kernels are built from.
 *
 * <p>Every loop writes into a contiguous {@code out} whose shape is the iteration space;
 * inputs may be any strided view and are broadcast numpy-style (right-aligned, size-1 axes
 * repeat). The innermost axis runs as a tight loop; the outer axes are decoded from a row
 * counter, so no index arrays are allocated.
 */
public final class Loops {
    private Loops() {
    }

    /**
     * Returns the stride with which {@code t} advances along axis {@code axis} of the
     * iteration space {@code space}: 0 where {@code t} is broadcast along it.
     */
    public static int alignedStride(Tensor t, int axis, Shape space) {
        int ta = axis - (space.rank() - t.rank());
        if (ta < 0) {
            return 0;
        }
        if (t.shape().dim(ta) == 1 && space.dim(axis) != 1) {
            return 0;
        }
        return t.stride(ta);
    }

    /** Returns the backing-array index of row {@code row} (all but the last axis) of {@code t} within {@code space}. */
    static int rowStart(Tensor t, Shape space, int row) {
        int idx = t.offset();
        int rem = row;
        for (int axis = space.rank() - 2; axis >= 0; axis--) {
            int d = space.dim(axis);
            idx += (rem % d) * alignedStride(t, axis, space);
            rem /= d;
        }
        return idx;
    }

    private static int innerSize(Shape s) {
        return s.rank() == 0 ? 1 : s.dim(s.rank() - 1);
    }

    private static int rows(Shape s) {
        int inner = innerSize(s);
        return inner == 0 ? 0 : s.size() / inner;
    }

    private static void checkOut(Tensor out) {
        if (!out.isContiguous()) {
            throw new IllegalArgumentException("kernel output must be contiguous; got strides for shape " + out.shape());
        }
    }

    /**
     * {@code out[i] = f(x[i])} over {@code out}'s shape, {@code x} broadcast to it. Float
     * dtypes compute in double and round once. {@code out} may be {@code x} itself.
     */
    public static void map(Tensor x, Tensor out, DoubleUnaryOperator f) {
        checkOut(out);
        Shape s = out.shape();
        DType xt = x.dtype();
        DType ot = out.dtype();
        if (x.isContiguous() && x.shape().equals(s)) {
            int n = s.size();
            int xo = x.offset();
            int oo = out.offset();
            if (xt == DType.FLOAT64 && ot == DType.FLOAT64) {
                double[] a = x.float64Data();
                double[] o = out.float64Data();
                for (int k = 0; k < n; k++) {
                    o[oo + k] = f.applyAsDouble(a[xo + k]);
                }
                return;
            }
            if (xt == DType.FLOAT32 && ot == DType.FLOAT32) {
                float[] a = x.float32Data();
                float[] o = out.float32Data();
                for (int k = 0; k < n; k++) {
                    o[oo + k] = (float) f.applyAsDouble(a[xo + k]);
                }
                return;
            }
            for (int k = 0; k < n; k++) {
                out.setAt(oo + k, f.applyAsDouble(x.getAt(xo + k)));
            }
            return;
        }
        int inner = innerSize(s);
        int rows = rows(s);
        int sx = s.rank() == 0 ? 0 : alignedStride(x, s.rank() - 1, s);
        for (int r = 0; r < rows; r++) {
            int ix = rowStart(x, s, r);
            int io = out.offset() + r * inner;
            for (int k = 0; k < inner; k++, ix += sx) {
                out.setAt(io + k, f.applyAsDouble(x.getAt(ix)));
            }
        }
    }

    /** Copies {@code x}, broadcast to {@code out}'s shape, into {@code out}, converting dtype. */
    public static void copy(Tensor x, Tensor out) {
        map(x, out, DoubleUnaryOperator.identity());
    }

    /**
     * {@code out[i] = f(a[i], b[i])} over {@code out}'s shape with both inputs broadcast to
     * it. {@code out} may be {@code a} or {@code b} when that input has {@code out}'s shape
     * and is contiguous.
     */
    public static void zip(Tensor a, Tensor b, Tensor out, DoubleBinaryOperator f) {
        checkOut(out);
        Shape s = out.shape();
        DType at = a.dtype();
        DType ot = out.dtype();
        boolean same = at == b.dtype();
        if (same && a.isContiguous() && b.isContiguous() && a.shape().equals(s) && b.shape().equals(s)) {
            int n = s.size();
            int ao = a.offset();
            int bo = b.offset();
            int oo = out.offset();
            if (at == DType.FLOAT64 && ot == DType.FLOAT64) {
                double[] x = a.float64Data();
                double[] y = b.float64Data();
                double[] o = out.float64Data();
                for (int k = 0; k < n; k++) {
                    o[oo + k] = f.applyAsDouble(x[ao + k], y[bo + k]);
                }
                return;
            }
            if (at == DType.FLOAT32 && ot == DType.FLOAT32) {
                float[] x = a.float32Data();
                float[] y = b.float32Data();
                float[] o = out.float32Data();
                for (int k = 0; k < n; k++) {
                    o[oo + k] = (float) f.applyAsDouble(x[ao + k], y[bo + k]);
                }
                return;
            }
        }
        int inner = innerSize(s);
        int rows = rows(s);
        int last = s.rank() - 1;
        int sa = last < 0 ? 0 : alignedStride(a, last, s);
        int sb = last < 0 ? 0 : alignedStride(b, last, s);
        if (same && at == DType.FLOAT64 && ot == DType.FLOAT64) {
            double[] x = a.float64Data();
            double[] y = b.float64Data();
            double[] o = out.float64Data();
            for (int r = 0; r < rows; r++) {
                int ia = rowStart(a, s, r);
                int ib = rowStart(b, s, r);
                int io = out.offset() + r * inner;
                for (int k = 0; k < inner; k++, ia += sa, ib += sb) {
                    o[io + k] = f.applyAsDouble(x[ia], y[ib]);
                }
            }
            return;
        }
        if (same && at == DType.FLOAT32 && ot == DType.FLOAT32) {
            float[] x = a.float32Data();
            float[] y = b.float32Data();
            float[] o = out.float32Data();
            for (int r = 0; r < rows; r++) {
                int ia = rowStart(a, s, r);
                int ib = rowStart(b, s, r);
                int io = out.offset() + r * inner;
                for (int k = 0; k < inner; k++, ia += sa, ib += sb) {
                    o[io + k] = (float) f.applyAsDouble(x[ia], y[ib]);
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            int ia = rowStart(a, s, r);
            int ib = rowStart(b, s, r);
            int io = out.offset() + r * inner;
            for (int k = 0; k < inner; k++, ia += sa, ib += sb) {
                out.setAt(io + k, f.applyAsDouble(a.getAt(ia), b.getAt(ib)));
            }
        }
    }

    /**
     * Reduces {@code x} over the (normalized, sorted) {@code axes} into {@code out}, which
     * holds {@code x.shape().reduce(axes, keepDims)} elements contiguously (with or without
     * the kept size-1 axes): {@code out = init}, then {@code out = combine(out, x)} for every
     * element. Allocation-free.
     */
    public static void reduce(Tensor x, int[] axes, Tensor out, double init, DoubleBinaryOperator combine) {
        checkOut(out);
        out.fill(init);
        Shape s = x.shape();
        int rank = s.rank();
        int inner = innerSize(s);
        int rows = rows(s);
        int lastOutStride = rank == 0 ? 0 : reducedStride(s, axes, rank - 1);
        int lastXStride = rank == 0 ? 0 : x.stride(rank - 1);
        boolean f64 = x.dtype() == DType.FLOAT64 && out.dtype() == DType.FLOAT64;
        double[] xd = x.float64Data();
        double[] od = out.float64Data();
        // The output stride of a kept axis is the product of the kept sizes after it; building it
        // up while decoding the row keeps the per-row cost linear in the rank.
        int keptAfterLast = rank == 0 || contains(axes, rank - 1) ? 1 : s.dim(rank - 1);
        for (int r = 0; r < rows; r++) {
            int ix = x.offset();
            int io = out.offset();
            int rem = r;
            int kept = keptAfterLast;
            for (int axis = rank - 2; axis >= 0; axis--) {
                int d = s.dim(axis);
                int c = rem % d;
                rem /= d;
                ix += c * x.stride(axis);
                if (!contains(axes, axis)) {
                    io += c * kept;
                    kept *= d;
                }
            }
            if (f64) {
                for (int k = 0; k < inner; k++, ix += lastXStride, io += lastOutStride) {
                    od[io] = combine.applyAsDouble(od[io], xd[ix]);
                }
            } else if (lastOutStride == 0) {
                // The innermost axis is reduced: accumulate the row in double and round once, so a
                // float32 sum of n elements does not lose precision with every element.
                double acc = out.getAt(io);
                for (int k = 0; k < inner; k++, ix += lastXStride) {
                    acc = combine.applyAsDouble(acc, x.getAt(ix));
                }
                out.setAt(io, acc);
            } else {
                for (int k = 0; k < inner; k++, ix += lastXStride, io += lastOutStride) {
                    out.setAt(io, combine.applyAsDouble(out.getAt(io), x.getAt(ix)));
                }
            }
        }
    }

    /**
     * Returns the stride of axis {@code axis} of {@code s} in a contiguous reduction output
     * over {@code axes}: 0 for reduced axes, else the product of the later kept sizes.
     */
    public static int reducedStride(Shape s, int[] axes, int axis) {
        if (contains(axes, axis)) {
            return 0;
        }
        int stride = 1;
        for (int a = s.rank() - 1; a > axis; a--) {
            if (!contains(axes, a)) {
                stride *= s.dim(a);
            }
        }
        return stride;
    }

    /** Returns true if the small array {@code axes} contains {@code axis}. */
    public static boolean contains(int[] axes, int axis) {
        for (int a : axes) {
            if (a == axis) {
                return true;
            }
        }
        return false;
    }
}
