package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.Tensor;

/**
 * The fast paths of {@link Reduction}'s first pass over contiguous float tensors: sums, means,
 * maxima and minima over the trailing axes (the whole tensor, the last axis of a batch), where
 * each output element reduces one contiguous run of the input; and sums and means over the
 * leading axes (a bias gradient's sum over the batch), which add whole rows.
 *
 * <p>A run is cut into blocks of {@link #BLOCK} elements; a block is reduced with four
 * independent accumulators (element i into accumulator i mod 4, then (a0 ∘ a1) ∘ (a2 ∘ a3)),
 * which keeps two adders busy instead of waiting on one chain, and the blocks' results are
 * combined in order. Sums accumulate in double whatever the dtype and are rounded once.
 * Rows are shared across threads, or, for a single long run, its blocks; either way the order
 * of every addition depends only on the run's length, so results are the same for any thread
 * count. Maxima and minima follow {@code Math.max}/{@code Math.min} (NaN wins, +0 above −0),
 * whose result does not depend on the order at all, so they equal the general loop's bit for
 * bit; sums differ from a left-to-right sum only by rounding, and are usually closer to the
 * exact sum.
 */
final class RowReductions {
    /** Elements per block; blocks of a single long run are what threads share. */
    static final int BLOCK = 1 << 14;
    // Elements per thread below which a reduction stays on the calling thread.
    private static final int GRAIN = 1 << 15;
    private static final ThreadLocal<double[]> PARTIALS = ThreadLocal.withInitial(() -> new double[64]);

    private RowReductions() {
    }

    /**
     * Reduces x over {@code axes} into {@code out} (first pass of {@code kind}) if this path
     * covers the case, and returns whether it did.
     */
    static boolean reduce(Reduction.Kind kind, Tensor x, int[] axes, Tensor out) {
        boolean sum = kind == Reduction.Kind.SUM || kind == Reduction.Kind.MEAN;
        boolean extremum = kind == Reduction.Kind.MAX || kind == Reduction.Kind.MIN;
        DType t = x.dtype();
        if (!(sum || extremum) || axes.length == 0 || !(t == DType.FLOAT32 || t == DType.FLOAT64) || out.dtype() != t
                || !x.isContiguous() || !out.isContiguous() || x.size() == 0 || out.size() == 0) {
            return false;
        }
        if (axes[axes.length - 1] == x.rank() - 1 && consecutive(axes)) {
            overTrailingAxes(kind, x, out);
            return true;
        }
        if (sum && axes[0] == 0 && axes.length < x.rank() && consecutive(axes)) {
            sumOverLeadingAxes(x, out);
            return true;
        }
        return false;
    }

    /** Whether the (sorted) axes follow one another without a gap. */
    private static boolean consecutive(int[] axes) {
        for (int i = 1; i < axes.length; i++) {
            if (axes[i] != axes[i - 1] + 1) {
                return false;
            }
        }
        return true;
    }

    private static void overTrailingAxes(Reduction.Kind kind, Tensor x, Tensor out) {
        int rows = out.size();
        int length = x.size() / rows;
        if (rows == 1 && length >= 2 * BLOCK) {
            oneLongRun(kind, x, out);
        } else {
            Parallel.forRange(rows, Math.max(1, GRAIN / length), kind, x, out, null, RowReductions::rowRange);
        }
    }

    /**
     * Σ over the leading axes (a bias gradient: the sum over the batch): adds x's rows to the
     * output one after the other with {@link Arithmetic}'s kernel, the same additions in the same
     * order and dtype as {@link dev.gradus.tensor.Loops#reduce}, so the same bits.
     */
    private static void sumOverLeadingAxes(Tensor x, Tensor out) {
        DType t = x.dtype();
        int period = out.size();
        int rows = x.size() / period;
        int oo = out.offset();
        out.fill(0.0);
        if (t == DType.FLOAT64) {
            double[] o = out.float64Data();
            double[] d = x.float64Data();
            for (int r = 0, xo = x.offset(); r < rows; r++, xo += period) {
                Arithmetic.zip(Arithmetic.ADD, o, oo, d, xo, o, oo, period);
            }
        } else {
            float[] o = out.float32Data();
            float[] d = x.float32Data();
            for (int r = 0, xo = x.offset(); r < rows; r++, xo += period) {
                Arithmetic.zip(Arithmetic.ADD, o, oo, d, xo, o, oo, period);
            }
        }
    }

    private static void rowRange(Reduction.Kind kind, Tensor x, Tensor out, Object unused, int from, int to) {
        int length = x.size() / out.size();
        for (int r = from; r < to; r++) {
            out.setAt(out.offset() + r, run(kind, x, x.offset() + r * length, length));
        }
    }

    /** One run's blocks on several threads, then combined in order on the caller's. */
    private static void oneLongRun(Reduction.Kind kind, Tensor x, Tensor out) {
        int blocks = (x.size() + BLOCK - 1) / BLOCK;
        double[] partials = PARTIALS.get();
        if (partials.length < blocks) {
            partials = new double[blocks];
            PARTIALS.set(partials);
        }
        Parallel.forRange(blocks, Math.max(1, GRAIN / BLOCK), kind, x, partials, null, RowReductions::blockRange);
        double acc = partials[0];
        for (int b = 1; b < blocks; b++) {
            acc = combine(kind, acc, partials[b]);
        }
        out.setAt(out.offset(), acc);
    }

    private static void blockRange(Reduction.Kind kind, Tensor x, double[] partials, Object unused, int from, int to) {
        int size = x.size();
        for (int b = from; b < to; b++) {
            int start = b * BLOCK;
            partials[b] = block(kind, x, x.offset() + start, Math.min(BLOCK, size - start));
        }
    }

    /** The first pass over the run of {@code length} elements at backing index {@code from}: its blocks in order. */
    private static double run(Reduction.Kind kind, Tensor x, int from, int length) {
        double acc = block(kind, x, from, Math.min(BLOCK, length));
        for (int start = BLOCK; start < length; start += BLOCK) {
            acc = combine(kind, acc, block(kind, x, from + start, Math.min(BLOCK, length - start)));
        }
        return acc;
    }

    private static double combine(Reduction.Kind kind, double a, double b) {
        return switch (kind) {
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            default -> a + b;
        };
    }

    private static double block(Reduction.Kind kind, Tensor x, int from, int n) {
        boolean f64 = x.dtype() == DType.FLOAT64;
        if (kind == Reduction.Kind.MAX || kind == Reduction.Kind.MIN) {
            boolean max = kind == Reduction.Kind.MAX;
            return f64 ? extremum(x.float64Data(), from, n, max) : extremum(x.float32Data(), from, n, max);
        }
        return f64 ? sum(x.float64Data(), from, n) : sum(x.float32Data(), from, n);
    }

    static double sum(double[] a, int from, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int end = from + n;
        int k = from;
        for (; k + 4 <= end; k += 4) {
            s0 += a[k];
            s1 += a[k + 1];
            s2 += a[k + 2];
            s3 += a[k + 3];
        }
        for (; k < end; k++) {
            s0 += a[k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static double sum(float[] a, int from, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int end = from + n;
        int k = from;
        for (; k + 4 <= end; k += 4) {
            s0 += a[k];
            s1 += a[k + 1];
            s2 += a[k + 2];
            s3 += a[k + 3];
        }
        for (; k < end; k++) {
            s0 += a[k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** The maximum ({@code max}) or minimum of the block, with {@code Math.max}/{@code Math.min}'s NaN and signed-zero rules. */
    static double extremum(double[] a, int from, int n, boolean max) {
        double m0 = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        double m1 = m0;
        double m2 = m0;
        double m3 = m0;
        int end = from + n;
        int k = from;
        // The loop-invariant test is hoisted by C2 (loop unswitching): one loop per direction.
        for (; k + 4 <= end; k += 4) {
            m0 = max ? Math.max(m0, a[k]) : Math.min(m0, a[k]);
            m1 = max ? Math.max(m1, a[k + 1]) : Math.min(m1, a[k + 1]);
            m2 = max ? Math.max(m2, a[k + 2]) : Math.min(m2, a[k + 2]);
            m3 = max ? Math.max(m3, a[k + 3]) : Math.min(m3, a[k + 3]);
        }
        for (; k < end; k++) {
            m0 = max ? Math.max(m0, a[k]) : Math.min(m0, a[k]);
        }
        return max ? Math.max(Math.max(m0, m1), Math.max(m2, m3)) : Math.min(Math.min(m0, m1), Math.min(m2, m3));
    }


    /** The maximum ({@code max}) or minimum of the block, with {@code Math.max}/{@code Math.min}'s NaN and signed-zero rules. */
    static double extremum(float[] a, int from, int n, boolean max) {
        float m0 = max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        float m1 = m0;
        float m2 = m0;
        float m3 = m0;
        int end = from + n;
        int k = from;
        // The loop-invariant test is hoisted by C2 (loop unswitching): one loop per direction.
        for (; k + 4 <= end; k += 4) {
            m0 = max ? Math.max(m0, a[k]) : Math.min(m0, a[k]);
            m1 = max ? Math.max(m1, a[k + 1]) : Math.min(m1, a[k + 1]);
            m2 = max ? Math.max(m2, a[k + 2]) : Math.min(m2, a[k + 2]);
            m3 = max ? Math.max(m3, a[k + 3]) : Math.min(m3, a[k + 3]);
        }
        for (; k < end; k++) {
            m0 = max ? Math.max(m0, a[k]) : Math.min(m0, a[k]);
        }
        return max ? Math.max(Math.max(m0, m1), Math.max(m2, m3)) : Math.min(Math.min(m0, m1), Math.min(m2, m3));
    }



}
