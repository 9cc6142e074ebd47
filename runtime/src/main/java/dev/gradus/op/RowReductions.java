package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.Tensor;

/**
 * The fast path of {@link Reduction}'s first pass for sums, means, maxima and minima over the
 * trailing axes of a contiguous float tensor (the whole tensor, the last axis of a batch):
 * each output element reduces one contiguous run of the input.
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
        if (!(kind == Reduction.Kind.SUM || kind == Reduction.Kind.MEAN || kind == Reduction.Kind.MAX
                || kind == Reduction.Kind.MIN)) {
            return false;
        }
        DType t = x.dtype();
        int rank = x.rank();
        if (axes.length == 0 || !(t == DType.FLOAT32 || t == DType.FLOAT64) || out.dtype() != t || !x.isContiguous()
                || !out.isContiguous() || x.size() == 0 || out.size() == 0) {
            return false;
        }
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] != rank - axes.length + i) {
                return false;
            }
        }
        int rows = out.size();
        int length = x.size() / rows;
        if (rows == 1 && length >= 2 * BLOCK) {
            oneLongRun(kind, x, out);
        } else {
            Parallel.forRange(rows, Math.max(1, GRAIN / length), kind, x, out, null, RowReductions::rowRange);
        }
        return true;
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
        return switch (kind) {
            case MAX -> f64 ? max(x.float64Data(), from, n) : max(x.float32Data(), from, n);
            case MIN -> f64 ? min(x.float64Data(), from, n) : min(x.float32Data(), from, n);
            default -> f64 ? sum(x.float64Data(), from, n) : sum(x.float32Data(), from, n);
        };
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

    static double max(double[] a, int from, int n) {
        double m0 = Double.NEGATIVE_INFINITY;
        double m1 = m0;
        double m2 = m0;
        double m3 = m0;
        int end = from + n;
        int k = from;
        for (; k + 4 <= end; k += 4) {
            m0 = Math.max(m0, a[k]);
            m1 = Math.max(m1, a[k + 1]);
            m2 = Math.max(m2, a[k + 2]);
            m3 = Math.max(m3, a[k + 3]);
        }
        for (; k < end; k++) {
            m0 = Math.max(m0, a[k]);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    static double max(float[] a, int from, int n) {
        float m0 = Float.NEGATIVE_INFINITY;
        float m1 = m0;
        float m2 = m0;
        float m3 = m0;
        int end = from + n;
        int k = from;
        for (; k + 4 <= end; k += 4) {
            m0 = Math.max(m0, a[k]);
            m1 = Math.max(m1, a[k + 1]);
            m2 = Math.max(m2, a[k + 2]);
            m3 = Math.max(m3, a[k + 3]);
        }
        for (; k < end; k++) {
            m0 = Math.max(m0, a[k]);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    static double min(double[] a, int from, int n) {
        double m0 = Double.POSITIVE_INFINITY;
        double m1 = m0;
        double m2 = m0;
        double m3 = m0;
        int end = from + n;
        int k = from;
        for (; k + 4 <= end; k += 4) {
            m0 = Math.min(m0, a[k]);
            m1 = Math.min(m1, a[k + 1]);
            m2 = Math.min(m2, a[k + 2]);
            m3 = Math.min(m3, a[k + 3]);
        }
        for (; k < end; k++) {
            m0 = Math.min(m0, a[k]);
        }
        return Math.min(Math.min(m0, m1), Math.min(m2, m3));
    }

    static double min(float[] a, int from, int n) {
        float m0 = Float.POSITIVE_INFINITY;
        float m1 = m0;
        float m2 = m0;
        float m3 = m0;
        int end = from + n;
        int k = from;
        for (; k + 4 <= end; k += 4) {
            m0 = Math.min(m0, a[k]);
            m1 = Math.min(m1, a[k + 1]);
            m2 = Math.min(m2, a[k + 2]);
            m3 = Math.min(m3, a[k + 3]);
        }
        for (; k < end; k++) {
            m0 = Math.min(m0, a[k]);
        }
        return Math.min(Math.min(m0, m1), Math.min(m2, m3));
    }
}
