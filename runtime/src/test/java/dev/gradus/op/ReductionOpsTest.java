package dev.gradus.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Reduction and ArgReduce: type rules and kernels against plainly written references. */
class ReductionOpsTest {
    private static final int[][] RANK3_AXES = {{}, {0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}};

    // ---------------------------------------------------------------- references

    /** The reference for each kind over one slice's values, in double. */
    private static double reference(Reduction.Kind kind, double[] v) {
        switch (kind) {
            case SUM: {
                double s = 0;
                for (double a : v) {
                    s += a;
                }
                return s;
            }
            case MEAN:
                return reference(Reduction.Kind.SUM, v) / v.length;
            case MAX: {
                double m = v[0];
                for (double a : v) {
                    if (Double.isNaN(a)) {
                        return Double.NaN;
                    }
                    m = a > m ? a : m;
                }
                return m;
            }
            case MIN: {
                double m = v[0];
                for (double a : v) {
                    if (Double.isNaN(a)) {
                        return Double.NaN;
                    }
                    m = a < m ? a : m;
                }
                return m;
            }
            case PROD: {
                double p = 1;
                for (double a : v) {
                    p *= a;
                }
                return p;
            }
            case LOG_SUM_EXP: {
                // Naive on purpose: the test inputs are small.
                double s = 0;
                for (double a : v) {
                    s += Math.exp(a);
                }
                return Math.log(s);
            }
            case NORM: {
                double s = 0;
                for (double a : v) {
                    s += a * a;
                }
                return Math.sqrt(s);
            }
            default:
                throw new AssertionError(kind);
        }
    }

    /** Row-major coordinates of flat position {@code flat} in {@code dims}. */
    private static int[] coords(int flat, int[] dims) {
        int[] c = new int[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            c[a] = flat % dims[a];
            flat /= dims[a];
        }
        return c;
    }

    /** Groups x's elements by their coordinates on the kept axes, in row-major order of the kept axes. */
    private static List<List<Double>> slices(Tensor x, int[] axes) {
        int[] dims = x.shape().dims();
        List<Integer> kept = new ArrayList<>();
        for (int a = 0; a < dims.length; a++) {
            final int axis = a;
            if (Arrays.stream(axes).noneMatch(r -> r == axis)) {
                kept.add(a);
            }
        }
        int outSize = 1;
        for (int a : kept) {
            outSize *= dims[a];
        }
        List<List<Double>> groups = new ArrayList<>();
        for (int i = 0; i < outSize; i++) {
            groups.add(new ArrayList<>());
        }
        for (int f = 0; f < x.size(); f++) {
            int[] c = coords(f, dims);
            int o = 0;
            for (int a : kept) {
                o = o * dims[a] + c[a];
            }
            groups.get(o).add(x.get(c));
        }
        return groups;
    }

    private static double[] referenceReduce(Reduction.Kind kind, Tensor x, int[] axes) {
        List<List<Double>> groups = slices(x, axes);
        double[] out = new double[groups.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = reference(kind, groups.get(i).stream().mapToDouble(Double::doubleValue).toArray());
        }
        return out;
    }

    private static Tensor random(DType dtype, Random rnd, double lo, double hi, int... dims) {
        Tensor t = Tensor.zeros(dtype, dims);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, lo + (hi - lo) * rnd.nextDouble());
        }
        return t;
    }

    /** Three rank-3 inputs of shape (2, 3, 4): contiguous, a transposed view, and a strided slice with an offset. */
    private static List<Tensor> rank3Inputs(DType dtype, double lo, double hi) {
        Random rnd = new Random(42);
        Tensor contiguous = random(dtype, rnd, lo, hi, 2, 3, 4);
        Tensor transposed = random(dtype, rnd, lo, hi, 4, 2, 3).transpose(1, 2, 0);
        Tensor sliced = random(dtype, rnd, lo, hi, 3, 7, 4).slice(0, 1, 3, 1).slice(1, 0, 6, 2);
        assertTrue(!transposed.isContiguous() && !sliced.isContiguous() && sliced.offset() > 0);
        return List.of(contiguous, transposed, sliced);
    }

    private static Tensor run(Op op, Tensor... inputs) {
        List<TensorType> types = new ArrayList<>();
        for (Tensor t : inputs) {
            types.add(new TensorType(t.dtype(), t.shape()));
        }
        TensorType type = op.infer(types);
        Tensor out = Tensor.zeros(type.dtype(), type.shape());
        op.compute(inputs, out);
        return out;
    }

    private static void assertClose(double[] expected, Tensor actual, double tol, String what) {
        assertEquals(expected.length, actual.size(), what);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual.getFlat(i);
            if (Double.isNaN(e)) {
                assertTrue(Double.isNaN(a), what + " element " + i + ": expected NaN, got " + a);
            } else {
                assertEquals(e, a, tol * (1 + Math.abs(e)), what + " element " + i);
            }
        }
    }

    private static final List<BiFunction<int[], Boolean, Reduction>> FACTORIES =
            List.of(Reduction::sum, Reduction::mean, Reduction::max, Reduction::min, Reduction::prod,
                    Reduction::logSumExp, Reduction::norm);

    // ---------------------------------------------------------------- Reduction

    @Test
    void everyKindMatchesTheReferenceOnRank3ViewsForEveryAxisSet() {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            double tol = dtype == DType.FLOAT64 ? 1e-12 : 2e-5;
            for (Tensor x : rank3Inputs(dtype, -2, 2)) {
                for (int[] axes : RANK3_AXES) {
                    for (boolean keepDims : new boolean[] {false, true}) {
                        for (BiFunction<int[], Boolean, Reduction> f : FACTORIES) {
                            Reduction op = f.apply(axes, keepDims);
                            String what = op + " of " + dtype + x.shape() + " strides " + Arrays.toString(x.strides());
                            Tensor out = run(op, x);
                            assertEquals(dtype, out.dtype(), what);
                            assertEquals(x.shape().reduce(axes, keepDims), out.shape(), what);
                            assertClose(referenceReduce(op.kind(), x, axes), out, tol, what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void outputShapesFollowKeepDims() {
        TensorType x = new TensorType(DType.FLOAT64, Shape.of(2, 3, 4));
        assertEquals(Shape.of(2, 4), Reduction.sum(new int[] {1}, false).infer(List.of(x)).shape());
        assertEquals(Shape.of(2, 1, 4), Reduction.sum(new int[] {1}, true).infer(List.of(x)).shape());
        assertEquals(Shape.scalar(), Reduction.mean(new int[] {0, 1, 2}, false).infer(List.of(x)).shape());
        assertEquals(Shape.of(1, 1, 1), Reduction.mean(new int[] {0, 1, 2}, true).infer(List.of(x)).shape());
        assertEquals(Shape.of(2, 3, 4), Reduction.max(new int[] {}, false).infer(List.of(x)).shape());
        TensorType f32 = new TensorType(DType.FLOAT32, Shape.of(5));
        assertEquals(new TensorType(DType.FLOAT32, Shape.scalar()), Reduction.norm(new int[] {0}, false).infer(List.of(f32)));
    }

    @Test
    void rank0InputIsReducedOverNoAxes() {
        for (BiFunction<int[], Boolean, Reduction> f : FACTORIES) {
            for (boolean keepDims : new boolean[] {false, true}) {
                Reduction op = f.apply(new int[0], keepDims);
                Tensor out = run(op, Tensor.scalar(-1.5));
                assertEquals(Shape.scalar(), out.shape(), op.toString());
                // One element per slice: every kind returns it, except the norm's |x|.
                double expected = op.kind() == Reduction.Kind.NORM ? 1.5 : -1.5;
                assertEquals(expected, out.item(), 1e-15, op.toString());
            }
        }
        assertEquals(2.5f, run(Reduction.sum(new int[0], false), Tensor.scalar(2.5f)).item());
    }

    @Test
    void writesAtTheOutputsOffset() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor backing = Tensor.zeros(DType.FLOAT64, 5);
        Tensor out = backing.slice(0, 2, 5, 1);
        assertTrue(out.isContiguous() && out.offset() == 2);
        Reduction.logSumExp(new int[] {0}, false).compute(new Tensor[] {x}, out);
        assertArrayEquals(new double[] {0, 0}, Arrays.copyOf(backing.float64Data(), 2));
        for (int j = 0; j < 3; j++) {
            double expected = Math.log(Math.exp(1 + j) + Math.exp(4 + j));
            assertEquals(expected, out.getFlat(j), 1e-12);
        }
        Reduction.mean(new int[] {1}, true).compute(new Tensor[] {x}, backing.slice(0, 3, 5, 1).reshape(2, 1));
        assertArrayEquals(new double[] {0, 0, Math.log(Math.exp(1) + Math.exp(4)), 2, 5}, backing.float64Data(), 1e-12);
    }

    @Test
    void reducingZeroElementsGivesTheIdentity() {
        Tensor empty = Tensor.zeros(DType.FLOAT64, 2, 0);
        int[] axis1 = {1};
        assertArrayEquals(new double[] {0, 0}, run(Reduction.sum(axis1, false), empty).toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, run(Reduction.prod(axis1, false), empty).toDoubleArray());
        assertArrayEquals(new double[] {0, 0}, run(Reduction.norm(axis1, false), empty).toDoubleArray());
        double[] lse = run(Reduction.logSumExp(axis1, false), empty).toDoubleArray();
        assertEquals(Double.NEGATIVE_INFINITY, lse[0]);
        assertEquals(Double.NEGATIVE_INFINITY, lse[1]);
        double[] mean = run(Reduction.mean(axis1, false), empty).toDoubleArray();
        assertTrue(Double.isNaN(mean[0]) && Double.isNaN(mean[1]));
        // Max over an empty axis is fine when the output is empty too: there is no slice to answer for.
        assertEquals(Shape.of(0), run(Reduction.max(new int[] {1}, false), Tensor.zeros(DType.FLOAT64, 0, 0)).shape());
        assertEquals(Shape.of(0, 1), run(Reduction.min(new int[] {1}, true), Tensor.zeros(DType.FLOAT64, 0, 0)).shape());
    }

    @Test
    void maxAndMinOfZeroElementsAreRejectedNamingTheAxis() {
        TensorType empty = new TensorType(DType.FLOAT64, Shape.of(2, 0));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Reduction.max(new int[] {1}, false).infer(List.of(empty)));
        assertTrue(e.getMessage().contains("max") && e.getMessage().contains("axis 1") && e.getMessage().contains("(2, 0)"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Reduction.min(new int[] {0, 1}, true).infer(List.of(empty)));
        assertTrue(e.getMessage().contains("min") && e.getMessage().contains("axis 1"), e.getMessage());
    }

    @Test
    void nanPropagates() {
        Tensor x = Tensor.vector(1, Double.NaN, 3);
        for (BiFunction<int[], Boolean, Reduction> f : FACTORIES) {
            Reduction op = f.apply(new int[] {0}, false);
            assertTrue(Double.isNaN(run(op, x).item()), op.toString());
        }
    }

    @Test
    void logSumExpIsStableForLargeMagnitudes() {
        double ln2 = Math.log(2);
        Reduction op = Reduction.logSumExp(new int[] {1}, false);
        Tensor x = Tensor.matrix(new double[][] {{1000, 1000}, {-1000, -1000}, {1000, -1000}});
        assertArrayEquals(new double[] {1000 + ln2, -1000 + ln2, 1000}, run(op, x).toDoubleArray(), 1e-9);
        Tensor x32 = Tensor.of(new float[] {1000f, 1000f, -1000f, -1000f}, 2, 2);
        float[] out32 = run(op, x32).toFloatArray();
        assertEquals(1000 + ln2, out32[0], 1e-3);
        assertEquals(-1000 + ln2, out32[1], 1e-3);
        // Infinite maxima: the answer is the maximum, not ∞ − ∞ = NaN.
        Tensor inf = Tensor.matrix(new double[][] {{Double.POSITIVE_INFINITY, 1}, {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}});
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, run(op, inf).toDoubleArray());
    }

    @Test
    void normDoesNotOverflowOrUnderflow() {
        Reduction op = Reduction.norm(new int[] {0}, false);
        assertEquals(Math.sqrt(2) * 1e200, run(op, Tensor.vector(1e200, -1e200)).item(), 1e186);
        assertEquals(5e-200, run(op, Tensor.vector(3e-200, 4e-200)).item(), 1e-212);
        assertEquals(Math.sqrt(2) * 1e30, run(op, Tensor.of(new float[] {1e30f, 1e30f}, 2)).item(), 1e24);
        assertEquals(0.0, run(op, Tensor.vector(0, 0, 0)).item());
        assertEquals(Double.POSITIVE_INFINITY, run(op, Tensor.vector(1, Double.NEGATIVE_INFINITY)).item());
    }

    @Test
    void rejectsAxesOutOfRangeAndNonFloatInputs() {
        TensorType x = new TensorType(DType.FLOAT64, Shape.of(2, 3));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Reduction.sum(new int[] {0, 2}, false).infer(List.of(x)));
        assertTrue(e.getMessage().contains("sum") && e.getMessage().contains("[0, 2]") && e.getMessage().contains("rank 2")
                && e.getMessage().contains("(2, 3)"), e.getMessage());
        TensorType scalar = new TensorType(DType.FLOAT32, Shape.scalar());
        e = assertThrows(IllegalArgumentException.class, () -> Reduction.norm(new int[] {0}, true).infer(List.of(scalar)));
        assertTrue(e.getMessage().contains("norm") && e.getMessage().contains("rank 0"), e.getMessage());
        TensorType ints = new TensorType(DType.INT32, Shape.of(2, 3));
        e = assertThrows(IllegalArgumentException.class, () -> Reduction.mean(new int[] {0}, false).infer(List.of(ints)));
        assertTrue(e.getMessage().contains("mean") && e.getMessage().contains("int32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Reduction.max(new int[] {0}, false).infer(List.of(x, x)));
        assertTrue(e.getMessage().contains("max") && e.getMessage().contains("1 input"), e.getMessage());
    }

    @Test
    void constructorRejectsAxesThatAreNotNormalized() {
        for (int[] bad : new int[][] {{1, 0}, {0, 0}, {-1}}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Reduction.prod(bad, false));
            assertTrue(e.getMessage().contains("prod") && e.getMessage().contains(Arrays.toString(bad)), e.getMessage());
        }
    }

    @Test
    void namesParametersAndEquality() {
        String[] names = {"sum", "mean", "max", "min", "prod", "logSumExp", "norm"};
        for (int i = 0; i < names.length; i++) {
            Reduction op = FACTORIES.get(i).apply(new int[] {0, 1}, true);
            assertEquals(names[i], op.name());
            assertEquals(Reduction.Kind.values()[i], op.kind());
            assertEquals("axes=[0, 1], keepDims=true", op.parameters());
        }
        int[] axes = {1};
        Reduction a = Reduction.sum(axes, false);
        axes[0] = 2;
        assertArrayEquals(new int[] {1}, a.axes());
        assertEquals("sum(x, axes=[1])", a.format(List.of("x")));
        assertEquals(a, new Reduction(Reduction.Kind.SUM, new int[] {1}, false));
        assertEquals(a.hashCode(), Reduction.sum(new int[] {1}, false).hashCode());
        assertNotEquals(a, Reduction.sum(new int[] {1}, true));
        assertNotEquals(a, Reduction.sum(new int[] {0}, false));
        assertNotEquals(a, Reduction.mean(new int[] {1}, false));
    }

    // ---------------------------------------------------------------- ArgReduce

    private static int referenceArg(boolean max, double[] v) {
        int best = 0;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                return i;
            }
            if (max ? v[i] > v[best] : v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void argReduceMatchesTheReferenceOnRank3Views() {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            for (Tensor x : rank3Inputs(dtype, -2, 2)) {
                for (int axis = 0; axis < 3; axis++) {
                    for (boolean keepDims : new boolean[] {false, true}) {
                        for (boolean max : new boolean[] {true, false}) {
                            ArgReduce op = new ArgReduce(max, axis, keepDims);
                            Tensor out = run(op, x);
                            assertEquals(DType.INT32, out.dtype());
                            assertEquals(x.shape().reduce(new int[] {axis}, keepDims), out.shape());
                            List<List<Double>> groups = slices(x, new int[] {axis});
                            int[] expected = new int[groups.size()];
                            for (int i = 0; i < expected.length; i++) {
                                expected[i] = referenceArg(max, groups.get(i).stream().mapToDouble(Double::doubleValue).toArray());
                            }
                            assertArrayEquals(expected, out.toIntArray(), op + " of " + x.shape());
                        }
                    }
                }
            }
        }
    }

    @Test
    void argReduceTakesTheFirstOfTiesAndTheFirstNaN() {
        Tensor x = Tensor.matrix(new double[][] {
            {1, 5, 5, 0, 0},
            {2, Double.NaN, 9, Double.NaN, -1},
            {7, 7, 7, 7, 7},
            {Double.NEGATIVE_INFINITY, 3, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}});
        assertArrayEquals(new int[] {1, 1, 0, 2}, run(new ArgReduce(true, 1, false), x).toIntArray());
        assertArrayEquals(new int[] {3, 1, 0, 0}, run(new ArgReduce(false, 1, false), x).toIntArray());
        // Along axis 0 of the transposed view: the same lines.
        Tensor t = x.transpose();
        assertArrayEquals(new int[] {1, 1, 0, 2}, run(new ArgReduce(true, 0, true), t).toIntArray());
        Tensor nanFirst = Tensor.vector(Double.NaN, 10, Double.NaN);
        assertEquals(0, run(new ArgReduce(true, 0, false), nanFirst).item());
        assertEquals(0, run(new ArgReduce(false, 0, false), nanFirst).item());
        Tensor f32 = Tensor.of(new float[] {3f, Float.NaN, 3f}, 3);
        assertEquals(1, run(new ArgReduce(false, 0, false), f32).item());
    }

    @Test
    void argReduceRejectsBadAxesDtypesAndEmptyLines() {
        TensorType x = new TensorType(DType.FLOAT64, Shape.of(2, 3));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new ArgReduce(true, 2, false).infer(List.of(x)));
        assertTrue(e.getMessage().contains("argmax") && e.getMessage().contains("axis 2") && e.getMessage().contains("(2, 3)"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ArgReduce(false, 0, false).infer(List.of(new TensorType(DType.FLOAT32, Shape.scalar()))));
        assertTrue(e.getMessage().contains("argmin") && e.getMessage().contains("rank 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ArgReduce(true, 0, false).infer(List.of(new TensorType(DType.BOOL, Shape.of(3)))));
        assertTrue(e.getMessage().contains("argmax") && e.getMessage().contains("bool"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ArgReduce(true, 1, false).infer(List.of(new TensorType(DType.FLOAT64, Shape.of(2, 0)))));
        assertTrue(e.getMessage().contains("argmax") && e.getMessage().contains("(2, 0)"), e.getMessage());
        // An empty axis is fine when the output is empty too.
        assertEquals(Shape.of(0), run(new ArgReduce(true, 1, false), Tensor.zeros(DType.FLOAT64, 0, 0)).shape());
        e = assertThrows(IllegalArgumentException.class, () -> new ArgReduce(true, -1, false));
        assertTrue(e.getMessage().contains("argmax") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void argReduceNamesParametersAndEquality() {
        ArgReduce a = new ArgReduce(true, 1, true);
        assertEquals("argmax", a.name());
        assertEquals("argmin", new ArgReduce(false, 1, true).name());
        assertEquals("axis=1, keepDims=true", a.parameters());
        assertEquals("axis=0", new ArgReduce(true, 0, false).parameters());
        assertEquals(a, new ArgReduce(true, 1, true));
        assertEquals(a.hashCode(), new ArgReduce(true, 1, true).hashCode());
        assertNotEquals(a, new ArgReduce(false, 1, true));
        assertNotEquals(a, new ArgReduce(true, 0, true));
        assertNotEquals(a, new ArgReduce(true, 1, false));
    }

    /**
     * Sums and means over the leading axes of contiguous float tensors (a bias gradient's sum
     * over the batch) take a row-by-row fast path; it must give the general loop's bits, for
     * rows shorter and longer than the vector kernels' threshold, with signed zeros, NaN and
     * ±∞ among the values, and for an input that starts at an offset.
     */
    @Test
    void sumOverLeadingAxesGivesTheGeneralLoopsBits() {
        Random r = new Random(21);
        int[][] shapes = {{5, 3}, {64, 100}, {3, 4, 70}, {7, 2, 3}};
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            for (int[] dims : shapes) {
                Shape shape = Shape.of(dims);
                Tensor whole = Tensor.zeros(dtype, Shape.of(shape.size() + 3));
                for (int k = 0; k < whole.size(); k++) {
                    double v = r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6);
                    whole.setFlat(k, k % 97 == 5 ? -0.0 : k % 89 == 7 ? Double.NaN : k % 83 == 2 ? Double.NEGATIVE_INFINITY : v);
                }
                // A contiguous view that starts at element 3 of its array.
                Tensor x = whole.slice(0, 3, whole.size(), 1).reshape(dims);
                for (int lead = 1; lead < dims.length; lead++) {
                    int[] axes = new int[lead];
                    for (int a = 0; a < lead; a++) {
                        axes[a] = a;
                    }
                    for (Reduction op : new Reduction[] {Reduction.sum(axes, false), Reduction.mean(axes, true)}) {
                        Shape outShape = op.infer(List.of(new TensorType(dtype, shape))).shape();
                        Tensor fast = Tensor.zeros(dtype, outShape);
                        op.compute(new Tensor[] {x}, fast);
                        Tensor general = Tensor.zeros(dtype, outShape);
                        dev.gradus.tensor.Loops.reduce(x, axes, general, 0.0, Double::sum);
                        if (op.kind() == Reduction.Kind.MEAN) {
                            int count = shape.size() / general.size();
                            for (int k = 0; k < general.size(); k++) {
                                general.setFlat(k, general.getFlat(k) / count);
                            }
                        }
                        for (int k = 0; k < fast.size(); k++) {
                            assertEquals(Double.doubleToLongBits(general.getFlat(k)), Double.doubleToLongBits(fast.getFlat(k)),
                                    op + " " + dtype + " " + shape + " element " + k);
                        }
                    }
                }
            }
        }
    }

    /**
     * Sums, means, maxima and minima over trailing axes of contiguous float tensors take
     * {@link RowReductions}: maxima and minima must give the general loop's bits (NaN wins,
     * +0 above −0); sums must be within a few ulps of the exact sum (computed with
     * BigDecimal), rounded once for float32; and every result must be the same bits on 1, 2
     * and 3 threads, for many short rows and for one run long enough to be split into blocks.
     */
    @Test
    void reductionsOverTrailingAxesAreAccurateAndIndependentOfThreads() {
        int saved = dev.gradus.tensor.Parallel.threads();
        try {
            Random r = new Random(33);
            int[][] shapes = {{3, 5}, {1000, 70}, {2, 3, 9}, {5 * RowReductions.BLOCK / 2 + 7}, {1, 3 * RowReductions.BLOCK + 1}};
            for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                for (int[] dims : shapes) {
                    Tensor x = Tensor.zeros(dtype, dims);
                    for (int k = 0; k < x.size(); k++) {
                        x.setFlat(k, r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
                    }
                    if (x.size() > 40) {
                        x.setFlat(17, -0.0);
                        x.setFlat(x.size() - 3, 0.0);
                    }
                    int[] last = {dims.length - 1};
                    int[] all = new int[dims.length];
                    for (int a = 0; a < dims.length; a++) {
                        all[a] = a;
                    }
                    for (int[] axes : new int[][] {last, all}) {
                        for (Reduction op : new Reduction[] {Reduction.sum(axes, false), Reduction.mean(axes, false),
                            Reduction.max(axes, false), Reduction.min(axes, false)}) {
                            Shape outShape = op.infer(List.of(new TensorType(dtype, x.shape()))).shape();
                            Tensor first = null;
                            for (int threads : new int[] {1, 2, 3}) {
                                dev.gradus.tensor.Parallel.setThreads(threads);
                                Tensor out = Tensor.zeros(dtype, outShape);
                                op.compute(new Tensor[] {x}, out);
                                if (first == null) {
                                    first = out;
                                    checkAgainstReference(op, x, axes, out);
                                } else {
                                    assertArrayEquals(first.toDoubleArray(), out.toDoubleArray(), 0.0,
                                            op + " " + dtype + " " + x.shape() + " on " + threads + " threads");
                                }
                            }
                        }
                    }
                }
            }
            // NaN wins a maximum wherever it is, and a long run's blocks keep it.
            Tensor withNaN = Tensor.zeros(DType.FLOAT64, 3 * RowReductions.BLOCK);
            withNaN.setFlat(2 * RowReductions.BLOCK + 5, Double.NaN);
            Tensor m = Tensor.zeros(DType.FLOAT64, Shape.of());
            Reduction.max(new int[] {0}, false).compute(new Tensor[] {withNaN}, m);
            assertTrue(Double.isNaN(m.getFlat(0)));
        } finally {
            dev.gradus.tensor.Parallel.setThreads(saved);
        }
    }

    private static void checkAgainstReference(Reduction op, Tensor x, int[] axes, Tensor out) {
        Tensor general = Tensor.zeros(out.dtype(), out.shape());
        Reduction.Kind kind = op.kind();
        boolean extremum = kind == Reduction.Kind.MAX || kind == Reduction.Kind.MIN;
        if (extremum) {
            dev.gradus.tensor.Loops.reduce(x, axes, general, kind == Reduction.Kind.MAX ? Double.NEGATIVE_INFINITY
                    : Double.POSITIVE_INFINITY, kind == Reduction.Kind.MAX ? Math::max : Math::min);
            for (int k = 0; k < out.size(); k++) {
                assertEquals(Double.doubleToLongBits(general.getFlat(k)), Double.doubleToLongBits(out.getFlat(k)),
                        op + " " + x.dtype() + " " + x.shape() + " element " + k);
            }
            return;
        }
        int length = x.size() / out.size();
        for (int row = 0; row < out.size(); row++) {
            java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
            for (int k = 0; k < length; k++) {
                exact = exact.add(new java.math.BigDecimal(x.getFlat(row * length + k)));
            }
            double expected = kind == Reduction.Kind.MEAN
                    ? exact.divide(java.math.BigDecimal.valueOf(length), java.math.MathContext.DECIMAL128).doubleValue()
                    : exact.doubleValue();
            if (x.dtype() == DType.FLOAT32) {
                expected = (float) expected;
            }
            double got = out.getFlat(row);
            // Double accumulation: far below float32's ulp, and a few ulps of the largest
            // partial sum for float64.
            double magnitude = 0;
            for (int k = 0; k < length; k++) {
                magnitude += Math.abs(x.getFlat(row * length + k));
            }
            double tolerance = x.dtype() == DType.FLOAT32 ? Math.ulp((float) expected)
                    : 4 * Math.ulp(magnitude) + Double.MIN_NORMAL;
            if (kind == Reduction.Kind.MEAN) {
                tolerance = x.dtype() == DType.FLOAT32 ? Math.ulp((float) expected) : 4 * Math.ulp(magnitude / length) + Double.MIN_NORMAL;
            }
            assertEquals(expected, got, tolerance, op + " " + x.dtype() + " " + x.shape() + " row " + row);
        }
    }
}
