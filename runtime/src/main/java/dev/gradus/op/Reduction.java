package dev.gradus.op;

import dev.gradus.tensor.Loops;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * Reduces a float tensor over some of its axes: sum, mean, max, min, prod, log-sum-exp and
 * the L2 norm. The output has the input's dtype and shape
 * {@code x.shape().reduce(axes, keepDims)}: the reduced axes are removed, or kept as size 1
 * when {@code keepDims} is set.
 *
 * <p>Axes are given normalized (sorted, distinct, non-negative; see
 * {@link Shape#normalizeAxes}, which also turns "no axes given" into "all axes"). An empty
 * {@code axes} array reduces over no axis, so the op is the identity. A reduction made by
 * {@link #asWritten} instead keeps its axes as a user wrote them before the rank was known
 * (negative axes count from the end, no axes means all) and resolves them against each
 * input's rank; the DSL's compile-time rules need such ops, and both forms share one rule.
 *
 * <p>Reducing over zero elements gives the identity of the reduction: sum 0, prod 1,
 * logSumExp −∞, norm 0; mean gives NaN (0 / 0). Max and min have no identity, so
 * {@link #infer} rejects them when a reduced axis has size 0 and the output has elements,
 * as numpy does.
 *
 * <p>NaN propagates: a slice containing NaN reduces to NaN for every kind. Sum, mean, max and
 * min over the trailing axes of a contiguous float tensor (the whole tensor, the last axis)
 * run in blocks shared across threads: sums accumulate in double, four accumulators per
 * block, blocks combined in order, rounded once; the order depends only on the sizes, never on
 * the thread count. Otherwise float32 inputs accumulate in float32 for sum, mean, prod, max and
 * min (the shared strided loop {@link Loops#reduce} rounds after every step; a sum over leading
 * axes adds whole rows in the same order), and in double for logSumExp and norm.
 */
public final class Reduction extends Op {
    /** The reductions, each with its first-pass identity and combining step. */
    public enum Kind {
        /** Σ x. */
        SUM("sum", 0.0, Double::sum),
        /** Σ x / n. */
        MEAN("mean", 0.0, Double::sum),
        /** max x; NaN if any element is NaN. */
        MAX("max", Double.NEGATIVE_INFINITY, Math::max),
        /** min x; NaN if any element is NaN. */
        MIN("min", Double.POSITIVE_INFINITY, Math::min),
        /** Π x. */
        PROD("prod", 1.0, (acc, v) -> acc * v),
        /** log Σ exp x, computed as m + log Σ exp(x − m) with m = max x. */
        LOG_SUM_EXP("logSumExp", Double.NEGATIVE_INFINITY, Math::max),
        /** √(Σ x²), computed as s·√(Σ (x/s)²) with s = max |x|. */
        NORM("norm", 0.0, (acc, v) -> Math.max(acc, Math.abs(v)));

        private final String opName;
        private final double init;
        private final DoubleBinaryOperator firstPass;

        Kind(String opName, double init, DoubleBinaryOperator firstPass) {
            this.opName = opName;
            this.init = init;
            this.firstPass = firstPass;
        }

        /** Returns the op name, e.g. {@code logSumExp}. */
        public String opName() {
            return opName;
        }
    }

    private final Kind kind;
    /** Normalized axes, or, when {@link #written}, the axes as written (null: every axis). */
    private final int[] axes;
    private final boolean written;
    private final boolean keepDims;
    /** The last rank a written reduction was resolved against, so runs do not allocate. */
    private volatile ResolvedAxes resolved;

    private record ResolvedAxes(int rank, int[] axes) {
    }

    /**
     * Creates a reduction.
     *
     * @param kind which reduction
     * @param axes the normalized axes to reduce over (sorted, distinct, non-negative); copied
     * @param keepDims whether the reduced axes stay in the output as size 1
     * @throws IllegalArgumentException if {@code axes} is not normalized
     */
    public Reduction(Kind kind, int[] axes, boolean keepDims) {
        super(kind.opName);
        this.kind = kind;
        this.axes = checkNormalized(kind.opName, axes);
        this.written = false;
        this.keepDims = keepDims;
    }

    /** Copies axes already checked (normalized, or as written when {@code written}). */
    private Reduction(Kind kind, int[] writtenAxes, boolean keepDims, boolean written) {
        super(kind.opName);
        this.kind = kind;
        this.axes = writtenAxes == null ? null : writtenAxes.clone();
        this.written = written;
        this.keepDims = keepDims;
    }

    /**
     * Creates a reduction whose axes are resolved against each input's rank: negative axes
     * count from the end and null means every axis (an empty array means no axis, as in
     * {@link #Reduction(Kind, int[], boolean)}). Axes that are all non-negative give the same
     * op as that constructor, sorted.
     *
     * @param kind which reduction
     * @param axes the axes as written, or null for every axis; copied
     * @param keepDims whether the reduced axes stay in the output as size 1
     * @throws IllegalArgumentException if an axis is repeated
     */
    public static Reduction asWritten(Kind kind, int[] axes, boolean keepDims) {
        if (axes == null) {
            return new Reduction(kind, null, keepDims, true);
        }
        int[] sorted = axes.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException(kind.opName + ": axis " + sorted[i] + " is repeated in "
                        + Arrays.toString(axes));
            }
        }
        return sorted.length == 0 || sorted[0] >= 0 ? new Reduction(kind, sorted, keepDims)
                : new Reduction(kind, axes, keepDims, true);
    }

    /**
     * Returns the normalized axes this reduction reduces for an input of rank {@code rank};
     * allocation-free after the first call with a given rank.
     *
     * @throws IllegalArgumentException if an axis is out of range for {@code rank}
     */
    public int[] axesFor(int rank) {
        if (!written) {
            return axes;
        }
        ResolvedAxes r = resolved;
        if (r == null || r.rank() != rank) {
            r = new ResolvedAxes(rank, Shape.resolveAxes(axes, rank));
            resolved = r;
        }
        return r.axes();
    }

    /** Returns whether the axes are kept as written, to be resolved against the input's rank. */
    public boolean isWritten() {
        return written;
    }

    private static int[] checkNormalized(String opName, int[] axes) {
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < 0 || (i > 0 && axes[i] <= axes[i - 1])) {
                throw new IllegalArgumentException(opName + " axes must be normalized (sorted, distinct, non-negative;"
                        + " see Shape.normalizeAxes), got " + Arrays.toString(axes));
            }
        }
        return axes.clone();
    }

    /** Σ over {@code axes}; see {@link #Reduction(Kind, int[], boolean)}. */
    public static Reduction sum(int[] axes, boolean keepDims) {
        return new Reduction(Kind.SUM, axes, keepDims);
    }

    /** Arithmetic mean over {@code axes}. */
    public static Reduction mean(int[] axes, boolean keepDims) {
        return new Reduction(Kind.MEAN, axes, keepDims);
    }

    /** Maximum over {@code axes}. */
    public static Reduction max(int[] axes, boolean keepDims) {
        return new Reduction(Kind.MAX, axes, keepDims);
    }

    /** Minimum over {@code axes}. */
    public static Reduction min(int[] axes, boolean keepDims) {
        return new Reduction(Kind.MIN, axes, keepDims);
    }

    /** Product over {@code axes}. */
    public static Reduction prod(int[] axes, boolean keepDims) {
        return new Reduction(Kind.PROD, axes, keepDims);
    }

    /** log Σ exp over {@code axes}, stable for large |x|. */
    public static Reduction logSumExp(int[] axes, boolean keepDims) {
        return new Reduction(Kind.LOG_SUM_EXP, axes, keepDims);
    }

    /** L2 norm √(Σ x²) over {@code axes}, without overflow for large |x|. */
    public static Reduction norm(int[] axes, boolean keepDims) {
        return new Reduction(Kind.NORM, axes, keepDims);
    }

    /** Returns the reduction's kind. */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns a copy of the reduced axes: normalized, or as written when {@link #isWritten()}
     * (then null stands for every axis).
     */
    public int[] axes() {
        return axes == null ? null : axes.clone();
    }

    /** Returns whether the reduced axes stay as size 1. */
    public boolean keepDims() {
        return keepDims;
    }

    @Override
    public int arity() {
        return 1;
    }

    /**
     * Returns the input's dtype with shape {@code x.shape().reduce(axes, keepDims)}.
     *
     * @throws IllegalArgumentException if the input is not float, an axis is out of range for
     *     its rank, or (max, min) a reduced axis is empty while the output is not
     */
    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType x = inputs.get(0);
        AxisLoops.checkFloat(this, x);
        Shape s = x.shape();
        int[] ax;
        try {
            ax = axesFor(s.rank());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name() + " axes " + Arrays.toString(axes)
                    + " are out of range for an input of rank " + s.rank() + " (shape " + s + ")", e);
        }
        checkAxes(name(), ax, s);
        Shape out = s.reduce(ax, keepDims);
        if ((kind == Kind.MAX || kind == Kind.MIN) && out.size() > 0) {
            for (int a : ax) {
                if (s.dim(a) == 0) {
                    throw new IllegalArgumentException(name() + " over axis " + a + " of shape " + s
                            + " reduces zero elements, and " + name() + " has no identity value");
                }
            }
        }
        return new TensorType(x.dtype(), out);
    }

    private static void checkAxes(String opName, int[] axes, Shape s) {
        if (axes.length > 0 && axes[axes.length - 1] >= s.rank()) {
            throw new IllegalArgumentException(opName + " axes " + Arrays.toString(axes)
                    + " are out of range for an input of rank " + s.rank() + " (shape " + s + ")");
        }
    }

    /**
     * Reduces {@code inputs[0]} into {@code out}. Sum, mean, max, min and prod make one
     * pass over the input; logSumExp and norm make a second pass per output element (the
     * first pass leaves max x or max |x| in {@code out}). Allocation-free.
     */
    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor x = inputs[0];
        int[] axes = axesFor(x.rank());
        if (!RowReductions.reduce(kind, x, axes, out)) {
            Loops.reduce(x, axes, out, kind.init, kind.firstPass);
        }
        switch (kind) {
            case MEAN -> divideBy(out, AxisLoops.reducedSize(x.shape(), axes));
            case LOG_SUM_EXP -> logSumExpSecondPass(x, axes, out);
            case NORM -> normSecondPass(x, axes, out);
            default -> {
            }
        }
    }

    private static void divideBy(Tensor out, int count) {
        double n = count;
        int o = out.offset();
        for (int k = 0, size = out.size(); k < size; k++) {
            out.setAt(o + k, out.getAt(o + k) / n);
        }
    }

    /**
     * With m = max x in {@code out}: log Σ exp x = m + log Σ exp(x − m), where every
     * exp(x − m) ≤ 1 and the largest is 1, so the sum neither overflows nor vanishes.
     */
    private static void logSumExpSecondPass(Tensor x, int[] axes, Tensor out) {
        int inner = AxisLoops.innerSize(x, axes);
        int innerStride = AxisLoops.innerStride(x, axes);
        int rows = AxisLoops.rows(x, axes);
        int o = out.offset();
        for (int slice = 0, n = out.size(); slice < n; slice++) {
            double m = out.getAt(o + slice);
            // m = −∞: every element is −∞ (or there are none) and the answer is −∞;
            // m = +∞: the answer is +∞. Shifting by 0 gives both without computing ∞ − ∞.
            double shift = Double.isInfinite(m) ? 0.0 : m;
            int start = AxisLoops.sliceStart(x, axes, slice);
            double sum = 0.0;
            for (int r = 0; r < rows; r++) {
                int i = start + AxisLoops.rowOffset(x, axes, r);
                for (int k = 0; k < inner; k++, i += innerStride) {
                    sum += Math.exp(x.getAt(i) - shift);
                }
            }
            out.setAt(o + slice, shift + Math.log(sum));
        }
    }

    /**
     * With s = max |x| in {@code out}: √(Σ x²) = s·√(Σ (x/s)²), where every (x/s)² ≤ 1, so
     * squaring neither overflows nor underflows for large or tiny x (LAPACK's dnrm2 idea).
     */
    private static void normSecondPass(Tensor x, int[] axes, Tensor out) {
        int inner = AxisLoops.innerSize(x, axes);
        int innerStride = AxisLoops.innerStride(x, axes);
        int rows = AxisLoops.rows(x, axes);
        int o = out.offset();
        for (int slice = 0, n = out.size(); slice < n; slice++) {
            double scale = out.getAt(o + slice);
            // 0: all elements are 0 (or there are none), so the norm is 0; +∞ or NaN: already the answer.
            if (scale == 0.0 || !Double.isFinite(scale)) {
                continue;
            }
            int start = AxisLoops.sliceStart(x, axes, slice);
            double sum = 0.0;
            for (int r = 0; r < rows; r++) {
                int i = start + AxisLoops.rowOffset(x, axes, r);
                for (int k = 0; k < inner; k++, i += innerStride) {
                    double v = x.getAt(i) / scale;
                    sum += v * v;
                }
            }
            out.setAt(o + slice, scale * Math.sqrt(sum));
        }
    }

    /**
     * The reverse rules, with g the output gradient, y the output and E(t) the expansion of
     * t back over the reduced axes ({@link Builder#expandLike}). The axes go to the builder
     * as this op holds them (written ones are resolved by the builder against x).
     */
    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T x = inputs.get(0);
        T dx = switch (kind) {
            // ∂(Σ x)/∂x_i = 1
            case SUM -> expand(b, gradOut, x);
            // ∂(Σ x / n)/∂x_i = 1/n
            case MEAN -> b.div(expand(b, gradOut, x), b.sizeOf(x, axes));
            // ∂ max/∂x_i = [x_i = max] / #{j : x_j = max}: ties share the gradient equally, as in JAX
            case MAX, MIN -> {
                T mask = b.equalMask(x, expand(b, output, x));
                T count = expand(b, b.sum(mask, axes, keepDims), x);
                yield b.div(b.mul(expand(b, gradOut, x), mask), count);
            }
            // ∂(Π x)/∂x_i = Π_{j≠i} x_j, which is y / x_i only where the slice has no zero
            case PROD -> prodGradient(b, x, gradOut);
            // ∂(log Σ exp x)/∂x_i = exp(x_i − y) = softmax(x)_i
            case LOG_SUM_EXP -> b.mul(expand(b, gradOut, x), b.exp(b.sub(x, expand(b, output, x))));
            // ∂√(Σ x²)/∂x_i = x_i / y; NaN for an all-zero slice (0/0)
            case NORM -> b.div(b.mul(expand(b, gradOut, x), x), expand(b, output, x));
        };
        return List.of(Partial.of(dx));
    }

    /**
     * g·Π_{j≠i} x_j without dividing by zero. With z = [x = 0], n = Σ z over the slice and
     * P = Π (x + z), the product of the slice's non-zero elements:
     * Π_{j≠i} x_j = P / x_i when n = 0 (then P = y); P at the zero and 0 elsewhere when
     * n = 1; 0 everywhere when n ≥ 2. So dx = E(g)·E(P)·([n = 0] / (x + z) + [n = 1]·z),
     * and x + z is never 0. The masks have no gradient, so the second derivative is exact
     * away from zeros (at a zero it misses the terms through the masks).
     */
    private <T> T prodGradient(Builder<T> b, T x, T gradOut) {
        T zero = b.constant(0, x);
        T isZero = b.equalMask(x, zero);
        T nonZero = b.add(x, isZero);
        T p = expand(b, b.apply(new Reduction(Kind.PROD, axes, keepDims, written), List.of(nonZero)), x);
        T zeros = expand(b, b.sum(isZero, axes, keepDims), x);
        T factor = b.add(b.div(b.equalMask(zeros, zero), nonZero), b.mul(b.equalMask(zeros, b.constant(1, x)), isZero));
        return b.mul(b.mul(expand(b, gradOut, x), p), factor);
    }

    private <T> T expand(Builder<T> b, T t, T x) {
        return b.expandLike(t, x, axes, keepDims);
    }

    @Override
    public String parameters() {
        return "axes=" + (axes == null ? "all" : Arrays.toString(axes)) + (keepDims ? ", keepDims=true" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reduction r && r.kind == kind && r.keepDims == keepDims && r.written == written
                && Arrays.equals(r.axes, axes);
    }

    @Override
    public int hashCode() {
        return ((kind.ordinal() * 31 + Arrays.hashCode(axes)) * 2 + (keepDims ? 1 : 0)) * 2 + (written ? 1 : 0);
    }
}
