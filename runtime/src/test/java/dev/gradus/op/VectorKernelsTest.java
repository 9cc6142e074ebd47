package dev.gradus.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Vector API kernels of exp, tanh and sigmoid against their ops' scalar forms (float32
 * within {@value #FLOAT32_ULPS} ulps of the double result rounded to float, float64 within
 * {@value #FLOAT64_ULPS} ulps, NaN exactly where the scalar form gives NaN, signs always and
 * infinities exactly), the scalar loops that run without the module, the dispatch through the
 * table entries with tails and offsets, and the split across threads.
 *
 * <p>The build runs the tests with {@code --add-modules jdk.incubator.vector}; {@link
 * #theBuildTestsTheVectorPath} fails if that flag goes missing.
 */
class VectorKernelsTest {
    static final int FLOAT32_ULPS = 2;
    static final int FLOAT64_ULPS = 4;

    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** One op with its vector kernels and scalar loops, for the parameterized tests. */
    record Kernel(UnaryOp op, Map64 vector64, Map32 vector32, Loop64 loop64, Loop32 loop32) {
        @Override
        public String toString() {
            return op.name();
        }
    }

    @FunctionalInterface
    interface Map64 {
        int map(double[] x, int xOffset, double[] out, int outOffset, int n);
    }

    @FunctionalInterface
    interface Map32 {
        int map(float[] x, int xOffset, float[] out, int outOffset, int n);
    }

    @FunctionalInterface
    interface Loop64 {
        void map(double[] x, int xOffset, double[] out, int outOffset, int n);
    }

    @FunctionalInterface
    interface Loop32 {
        void map(float[] x, int xOffset, float[] out, int outOffset, int n);
    }

    static Stream<Kernel> kernels() {
        return Stream.of(
                new Kernel(UnaryOps.EXP, VectorKernels::exp, VectorKernels::exp, UnaryOps::expLoop, UnaryOps::expLoop),
                new Kernel(UnaryOps.TANH, VectorKernels::tanh, VectorKernels::tanh, UnaryOps::tanhLoop, UnaryOps::tanhLoop),
                new Kernel(UnaryOps.SIGMOID, VectorKernels::sigmoid, VectorKernels::sigmoid, UnaryOps::sigmoidLoop,
                        UnaryOps::sigmoidLoop));
    }

    /**
     * The general sweep, the overflow and underflow thresholds of both precisions with their
     * neighbours, and a dense grid over [−2, 2] where tanh's small-argument accuracy matters.
     */
    static double[] sweep() {
        double[] thresholds = {88.72283935546875, 88.72284, -87.33654, -87.33655, -103.27893, -103.97208, -103.972084,
            709.782712893384, 709.7827128933841, -708.3964185322641, -745.1332191019411, -745.1332191019412, -744.44,
            -709.0895657128241, 8.6, 9.01, 17.33, 18.37, 19.06, 20.0, 20.1};
        double[] base = ElementwiseKernelTest.sweep();
        int grid = 8001;
        double[] all = Arrays.copyOf(base, base.length + 5 * thresholds.length + grid);
        int at = base.length;
        for (double t : thresholds) {
            for (double v : new double[] {t, Math.nextUp(t), Math.nextDown(t), Math.nextUp((float) t),
                Math.nextDown((float) t)}) {
                all[at++] = v;
            }
        }
        for (int k = 0; k < grid; k++) {
            all[at++] = -2 + 4.0 * k / (grid - 1);
        }
        return all;
    }

    /** Whole vectors only, so that every element goes through the kernel under test. */
    private static double[] padded(double[] x) {
        return Arrays.copyOf(x, (x.length + 15) / 16 * 16);
    }

    /** Returns |a − b| in ulps of b. */
    private static double ulps(double actual, double expected) {
        return Double.compare(actual, expected) == 0 ? 0 : Math.abs(actual - expected) / Math.ulp(expected);
    }

    /** Checks one result against the bound; returns its error in ulps. */
    private static double check(String what, double x, double actual, double expected, double ulp, int bound) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            assertTrue(Double.isNaN(expected) && Double.isNaN(actual), what + "(" + x + "): expected " + expected + ", got " + actual);
            return 0;
        }
        assertEquals(Math.copySign(1.0, expected), Math.copySign(1.0, actual), what + "(" + x + ") sign: " + expected + " vs " + actual);
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            assertEquals(expected, actual, what + "(" + x + ")");
            return 0;
        }
        double error = actual == expected ? 0 : Math.abs(actual - expected) / ulp;
        assertTrue(error <= bound, what + "(" + x + "): expected " + expected + ", got " + actual + ", " + error + " ulps");
        return error;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void float64KernelIsWithinItsBound(Kernel kernel) {
        double[] x = padded(sweep());
        double[] out = new double[x.length + 2];
        int done = kernel.vector64().map(x, 0, out, 1, x.length);
        assertEquals(x.length, done, "a whole number of vectors");
        for (int k = 0; k < x.length; k++) {
            double expected = kernel.op().apply(x[k]);
            check(kernel.op().name(), x[k], out[k + 1], expected, Math.ulp(expected), FLOAT64_ULPS);
        }
        assertEquals(0.0, out[0], "the kernel wrote before its block");
        assertEquals(0.0, out[x.length + 1], "the kernel wrote after its block");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void float32KernelIsWithinItsBoundOfTheRoundedScalarForm(Kernel kernel) {
        double[] sweep = padded(sweep());
        float[] x = new float[sweep.length];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) sweep[k];
        }
        float[] out = new float[x.length + 2];
        int done = kernel.vector32().map(x, 0, out, 1, x.length);
        assertEquals(x.length, done, "a whole number of vectors");
        for (int k = 0; k < x.length; k++) {
            float expected = (float) kernel.op().apply(x[k]);
            check(kernel.op().name() + " float32", x[k], out[k + 1], expected, Math.ulp(expected), FLOAT32_ULPS);
        }
        assertEquals(0f, out[0], "the kernel wrote before its block");
        assertEquals(0f, out[x.length + 1], "the kernel wrote after its block");
    }

    @Test
    void edgeValuesAreExact() {
        double[] x = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e300, -1e300, 0, 0, 0, 0,
            0, 0, 0, 0, 0};
        double[][] expected = {
            {1, 1, Double.POSITIVE_INFINITY, 0.0, Double.NaN, Double.POSITIVE_INFINITY, 0.0},
            {0.0, -0.0, 1, -1, Double.NaN, 1, -1},
            {0.5, 0.5, 1, 0.0, Double.NaN, 1, 0.0}};
        Map64[] kernels64 = {VectorKernels::exp, VectorKernels::tanh, VectorKernels::sigmoid};
        Map32[] kernels32 = {VectorKernels::exp, VectorKernels::tanh, VectorKernels::sigmoid};
        float[] x32 = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            x32[k] = (float) x[k];
        }
        for (int op = 0; op < 3; op++) {
            double[] out = new double[x.length];
            float[] out32 = new float[x.length];
            kernels64[op].map(x, 0, out, 0, x.length);
            kernels32[op].map(x32, 0, out32, 0, x.length);
            for (int k = 0; k < expected[op].length; k++) {
                assertEquals(Double.doubleToLongBits(expected[op][k]), Double.doubleToLongBits(out[k]), op + ": f(" + x[k] + ") = " + out[k]);
                assertEquals(Float.floatToIntBits((float) expected[op][k]), Float.floatToIntBits(out32[k]),
                        op + " float32: f(" + x32[k] + ") = " + out32[k]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void scalarLoopsAreTheFormerKernels(Kernel kernel) {
        // The loops run without the module: exp and tanh bit for bit, sigmoid within its bound.
        double[] x = sweep();
        double[] out = new double[x.length];
        float[] x32 = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            x32[k] = (float) x[k];
        }
        float[] out32 = new float[x.length];
        kernel.loop64().map(x, 0, out, 0, x.length);
        kernel.loop32().map(x32, 0, out32, 0, x.length);
        boolean exact = kernel.op() != UnaryOps.SIGMOID;
        for (int k = 0; k < x.length; k++) {
            double expected = kernel.op().apply(x[k]);
            float expected32 = (float) kernel.op().apply(x32[k]);
            if (exact) {
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(out[k]), kernel + "(" + x[k] + ")");
                assertEquals(Float.floatToIntBits(expected32), Float.floatToIntBits(out32[k]), kernel + " float32 (" + x32[k] + ")");
            } else if (Double.isNaN(expected)) {
                assertTrue(Double.isNaN(out[k]) && Float.isNaN(out32[k]), kernel + "(NaN)");
            } else if (Math.abs(expected) >= Double.MIN_NORMAL) {
                assertTrue(ulps(out[k], expected) <= FLOAT64_ULPS, kernel + "(" + x[k] + ") = " + out[k]);
                assertTrue(ulps(out32[k], expected32) <= 1, kernel + " float32 (" + x32[k] + ") = " + out32[k]);
            } else {
                assertTrue(Math.abs(out[k] - expected) < Double.MIN_NORMAL, kernel + "(" + x[k] + ") = " + out[k]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void tableEntryFinishesTheTailWithTheScalarLoop(Kernel kernel) {
        Random r = new Random(11);
        // Short lengths keep the scalar loop; from Vectorized.MIN_LENGTH vectors run, then the tail.
        java.util.stream.IntStream lengths = java.util.stream.IntStream.concat(java.util.stream.IntStream.rangeClosed(0, 41),
                java.util.stream.IntStream.rangeClosed(Vectorized.MIN_LENGTH - 2, Vectorized.MIN_LENGTH + 41));
        for (int n : lengths.toArray()) {
            for (int offset : new int[] {0, 1, 3}) {
                double[] x = new double[offset + n + 1];
                float[] x32 = new float[x.length];
                for (int k = 0; k < x.length; k++) {
                    x[k] = 6 * r.nextGaussian();
                    x32[k] = (float) x[k];
                }
                double[] out = new double[n + 4];
                float[] out32 = new float[n + 4];
                Arrays.fill(out, -7);
                Arrays.fill(out32, -7);
                kernel.op().mapFloat64(x, offset, out, 2, n);
                kernel.op().mapFloat32(x32, offset, out32, 2, n);
                // What the dispatch should have done: vectors, then the loop over the rest.
                double[] want = new double[n + 4];
                float[] want32 = new float[n + 4];
                Arrays.fill(want, -7);
                Arrays.fill(want32, -7);
                int done = Vectorized.use(n) ? kernel.vector64().map(x, offset, want, 2, n) : 0;
                kernel.loop64().map(x, offset + done, want, 2 + done, n - done);
                int done32 = Vectorized.use(n) ? kernel.vector32().map(x32, offset, want32, 2, n) : 0;
                kernel.loop32().map(x32, offset + done32, want32, 2 + done32, n - done32);
                assertArrayEquals(want, out, 0.0, kernel + " n=" + n + " offset=" + offset);
                assertArrayEquals(want32, out32, 0f, kernel + " float32 n=" + n + " offset=" + offset);
                for (int k = 0; k < n; k++) {
                    double expected = kernel.op().apply(x[offset + k]);
                    check(kernel.toString(), x[offset + k], out[2 + k], expected, Math.ulp(expected), FLOAT64_ULPS);
                    float expected32 = (float) kernel.op().apply(x32[offset + k]);
                    check(kernel + " float32", x32[offset + k], out32[2 + k], expected32, Math.ulp(expected32), FLOAT32_ULPS);
                }
            }
        }
    }

    /**
     * The kernels run a narrow fast form and redo a whole vector only where one of its lanes
     * lies beyond it (|x| above 87 or 708); the redone vector must give the other lanes the
     * bits they had, so that no result depends on its neighbours.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void aLaneBeyondTheFastRangeLeavesItsNeighboursBits(Kernel kernel) {
        Random r = new Random(5);
        double[] far = {88, -88, 100, -100, 200, -200, 709, -709, 800, -800, 1e300, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        for (int trial = 0; trial < 200; trial++) {
            double[] x = new double[16];
            float[] x32 = new float[16];
            for (int k = 0; k < 16; k++) {
                // Inside both fast ranges, up to where exp of a float nears its limits.
                x[k] = trial % 2 == 0 ? 3 * r.nextGaussian() : 170 * r.nextDouble() - 85;
                x32[k] = (float) x[k];
            }
            double[] alone = new double[16];
            float[] alone32 = new float[16];
            kernel.vector64().map(x, 0, alone, 0, 16);
            kernel.vector32().map(x32, 0, alone32, 0, 16);
            int lane = r.nextInt(16);
            double[] mixed = x.clone();
            float[] mixed32 = x32.clone();
            mixed[lane] = far[trial % far.length];
            mixed32[lane] = (float) mixed[lane];
            double[] out = new double[16];
            float[] out32 = new float[16];
            kernel.vector64().map(mixed, 0, out, 0, 16);
            kernel.vector32().map(mixed32, 0, out32, 0, 16);
            for (int k = 0; k < 16; k++) {
                if (k == lane) {
                    double expected = kernel.op().apply(mixed[k]);
                    check(kernel.toString(), mixed[k], out[k], expected, Math.ulp(expected), FLOAT64_ULPS);
                    float expected32 = (float) kernel.op().apply(mixed32[k]);
                    check(kernel + " float32", mixed32[k], out32[k], expected32, Math.ulp(expected32), FLOAT32_ULPS);
                } else {
                    assertEquals(Double.doubleToLongBits(alone[k]), Double.doubleToLongBits(out[k]),
                            kernel + "(" + x[k] + ") beside " + mixed[lane]);
                    assertEquals(Float.floatToIntBits(alone32[k]), Float.floatToIntBits(out32[k]),
                            kernel + " float32 (" + x32[k] + ") beside " + mixed32[lane]);
                }
            }
        }
    }

    @Test
    void inPlaceGivesWhatAFreshOutputGets() {
        for (Kernel kernel : kernels().toList()) {
            double[] x = padded(sweep());
            double[] fresh = new double[x.length];
            kernel.vector64().map(x, 0, fresh, 0, x.length);
            kernel.vector64().map(x, 0, x, 0, x.length);
            assertArrayEquals(fresh, x, 0.0, kernel.toString());
        }
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        // An odd length, so each split has a tail, and an offset view's data as input.
        int n = 4 * Elementwise.GRAIN + 13;
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Random r = new Random(5);
            Tensor x = Tensor.zeros(dtype, n);
            for (int k = 0; k < n; k++) {
                x.setFlat(k, 20 * r.nextGaussian());
            }
            for (Kernel kernel : kernels().toList()) {
                Parallel.setThreads(1);
                Tensor one = Tensor.zeros(dtype, n);
                kernel.op().compute(new Tensor[] {x}, one);
                Parallel.setThreads(2);
                Tensor two = Tensor.zeros(dtype, n);
                kernel.op().compute(new Tensor[] {x}, two);
                assertArrayEquals(one.toDoubleArray(), two.toDoubleArray(), 0.0, kernel + " " + dtype);
            }
        }
    }

    @Test
    void theBuildTestsTheVectorPath() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "run the tests with --add-modules jdk.incubator.vector (runtime/pom.xml's surefire argLine)");
        assertEquals(Vectorized.offReason() == null, Vectorized.ENABLED, String.valueOf(Vectorized.offReason()));
    }
}
