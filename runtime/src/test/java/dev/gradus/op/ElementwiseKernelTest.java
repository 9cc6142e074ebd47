package dev.gradus.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.Tensor;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The elementwise ops' array kernels against their scalar forms, over sweeps that include
 * ±0, subnormals, ±∞, NaN and large magnitudes; the split across threads; and the strided and
 * broadcast layouts that bypass the array kernels.
 */
class ElementwiseKernelTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** Edge values and a log-uniform random sweep of both signs over the whole double range. */
    static double[] sweep() {
        double[] edges = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-30, -1e-30, 1e-8, -1e-8, 0.5, -0.5,
            1, -1, 2, -2, 17, -17, 88.7, -88.7, 103.9, -103.9, 104, -104, 700, -700, 708.5, -708.5, 709.8, -709.8, 745,
            -745, 1e10, -1e10, Float.MAX_VALUE, -Float.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        Random r = new Random(7);
        int random = 20_000;
        double[] all = new double[edges.length + random];
        System.arraycopy(edges, 0, all, 0, edges.length);
        for (int k = 0; k < random; k++) {
            // Mostly the range activations see, and every binade now and then.
            double magnitude = k % 4 == 0 ? Math.scalb(1 + r.nextDouble(), r.nextInt(2100) - 1075) : 30 * r.nextDouble();
            all[edges.length + k] = r.nextBoolean() ? magnitude : -magnitude;
        }
        return all;
    }

    static Stream<UnaryOp> unaryOps() {
        return UnaryOps.all().stream();
    }

    static Stream<BinaryOp> binaryOps() {
        return BinaryOps.all().stream();
    }

    /**
     * Returns true for the ops whose kernels are documented within a few ulps of the scalar form
     * rather than bit for bit: sigmoid always, exp and tanh when the Vector API kernels run.
     */
    static boolean bounded(UnaryOp op) {
        return op == UnaryOps.SIGMOID || op == UnaryOps.EXP || op == UnaryOps.TANH;
    }

    /** Returns |a − b| in units of ulp(b), 0 when both are the same NaN-or-value. */
    static double ulps(double a, double b) {
        if (Double.compare(a, b) == 0 || (Double.isNaN(a) && Double.isNaN(b))) {
            return 0;
        }
        return Math.abs(a - b) / Math.ulp(b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryFloat64KernelMatchesTheScalarForm(UnaryOp op) {
        double[] x = sweep();
        double[] out = new double[x.length + 2];
        op.mapFloat64(x, 0, out, 1, x.length);
        double worst = 0;
        for (int k = 0; k < x.length; k++) {
            int at = k;
            double expected = op.apply(x[k]);
            double actual = out[k + 1];
            if (bounded(op)) {
                // Documented bound: a few ulps where the result is normal, an absolute 2^-1022 below.
                if (Double.isNaN(expected) || Double.isInfinite(expected)) {
                    assertEquals(expected, actual, () -> op.name() + "(" + x[at] + ")");
                } else if (Math.abs(expected) < Double.MIN_NORMAL) {
                    assertTrue(Math.abs(actual - expected) < Double.MIN_NORMAL, () -> op.name() + "(" + x[at] + ") = " + actual);
                } else {
                    worst = Math.max(worst, ulps(actual, expected));
                }
            } else {
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual),
                        () -> op.name() + "(" + x[at] + "): scalar " + expected + ", kernel " + actual);
            }
        }
        assertTrue(worst <= 4, op.name() + ": " + worst + " ulps from the scalar form");
        assertEquals(0.0, out[0], "the kernel wrote before its block");
        assertEquals(0.0, out[x.length + 1], "the kernel wrote after its block");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryFloat32KernelMatchesTheScalarFormRounded(UnaryOp op) {
        double[] sweep = sweep();
        float[] x = new float[sweep.length];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) sweep[k];
        }
        float[] out = new float[x.length];
        op.mapFloat32(x, 0, out, 0, x.length);
        for (int k = 0; k < x.length; k++) {
            int at = k;
            float expected = (float) op.apply(x[k]);
            if (bounded(op)) {
                assertTrue(Float.compare(expected, out[k]) == 0 || Math.abs(expected - out[k]) <= 2 * Math.ulp(expected),
                        () -> op.name() + "(" + x[at] + "): scalar " + expected + ", kernel " + out[at]);
            } else {
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out[k]),
                        () -> op.name() + "(" + x[at] + "): scalar " + expected + ", kernel " + out[at]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void binaryKernelsMatchTheScalarFormBitForBit(BinaryOp op) {
        double[] a = sweep();
        double[] b = sweep();
        // Pair every value with a shuffled partner, and with itself (x − x, x / x, ties).
        double[] shuffled = shuffled(b, new Random(3));
        for (double[] partner : new double[][] {shuffled, a}) {
            double[] out = new double[a.length];
            op.zipFloat64(a, 0, partner, 0, out, 0, a.length);
            float[] a32 = toFloat(a);
            float[] b32 = toFloat(partner);
            float[] out32 = new float[a.length];
            op.zipFloat32(a32, 0, b32, 0, out32, 0, a.length);
            for (int k = 0; k < a.length; k++) {
                int at = k;
                double expected = op.apply(a[k], partner[k]);
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(out[k]),
                        () -> op.name() + "(" + a[at] + ", " + partner[at] + ")");
                float expected32 = (float) op.apply(a32[k], b32[k]);
                assertEquals(Float.floatToIntBits(expected32), Float.floatToIntBits(out32[k]),
                        () -> op.name() + " float32 (" + a32[at] + ", " + b32[at] + ")");
            }
        }
    }

    /**
     * Every route of the arithmetic kernels ({@link Arithmetic}): one index when the offsets
     * agree, the Vector API for long rows at different offsets, the scalar loop for short ones
     * and for tails; each must give the scalar form's bits, in place too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void binaryKernelsGiveTheSameBitsAtAnyOffsets(BinaryOp op) {
        double[] a = sweep();
        double[] b = shuffled(sweep(), new Random(4));
        int[][] offsets = {{0, 0, 0}, {5, 5, 5}, {1, 2, 3}, {3, 0, 0}, {0, 7, 0}, {0, 0, 9}};
        for (int n : new int[] {7, Vectorized.MIN_ARITHMETIC - 1, Vectorized.MIN_ARITHMETIC + 5, 1000}) {
            for (int[] o : offsets) {
                double[] a64 = new double[n + 10];
                double[] b64 = new double[n + 10];
                System.arraycopy(a, 0, a64, o[0], n);
                System.arraycopy(b, 0, b64, o[1], n);
                double[] out64 = new double[n + 10];
                op.zipFloat64(a64, o[0], b64, o[1], out64, o[2], n);
                float[] a32 = toFloat(a64);
                float[] b32 = toFloat(b64);
                float[] out32 = new float[n + 10];
                op.zipFloat32(a32, o[0], b32, o[1], out32, o[2], n);
                for (int k = 0; k < n; k++) {
                    int at = k;
                    String where = op.name() + " n=" + n + " offsets " + java.util.Arrays.toString(o) + " at " + k;
                    assertEquals(Double.doubleToLongBits(op.apply(a64[o[0] + k], b64[o[1] + k])),
                            Double.doubleToLongBits(out64[o[2] + k]), () -> where + ": " + a64[o[0] + at] + ", " + b64[o[1] + at]);
                    assertEquals(Float.floatToIntBits((float) op.apply(a32[o[0] + k], b32[o[1] + k])),
                            Float.floatToIntBits(out32[o[2] + k]), () -> where + " float32");
                }
                for (int k = 0; k < o[2]; k++) {
                    assertEquals(0.0, out64[k], op.name() + " wrote before its block");
                }
                for (int k = o[2] + n; k < out64.length; k++) {
                    assertEquals(0.0, out64[k], op.name() + " wrote after its block");
                }
                // In place over the first operand, whose offset is then the output's.
                double[] inPlace = a64.clone();
                op.zipFloat64(inPlace, o[0], b64, o[1], inPlace, o[0], n);
                for (int k = 0; k < n; k++) {
                    assertEquals(Double.doubleToLongBits(op.apply(a64[o[0] + k], b64[o[1] + k])),
                            Double.doubleToLongBits(inPlace[o[0] + k]), op.name() + " in place at " + k);
                }
            }
        }
    }

    /** The unary kernels at equal and at different offsets give the same bits. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryKernelsGiveTheSameBitsAtAnyOffsets(UnaryOp op) {
        double[] x = sweep();
        int n = x.length;
        double[] same = new double[n + 4];
        double[] shifted = new double[n + 4];
        double[] x64 = new double[n + 4];
        System.arraycopy(x, 0, x64, 2, n);
        op.mapFloat64(x64, 2, same, 2, n);
        op.mapFloat64(x64, 2, shifted, 3, n);
        float[] x32 = toFloat(x64);
        float[] same32 = new float[n + 4];
        float[] shifted32 = new float[n + 4];
        op.mapFloat32(x32, 2, same32, 2, n);
        op.mapFloat32(x32, 2, shifted32, 0, n);
        for (int k = 0; k < n; k++) {
            assertEquals(Double.doubleToLongBits(same[2 + k]), Double.doubleToLongBits(shifted[3 + k]),
                    op.name() + "(" + x[k] + ")");
            assertEquals(Float.floatToIntBits(same32[2 + k]), Float.floatToIntBits(shifted32[k]),
                    op.name() + " float32 (" + x32[2 + k] + ")");
        }
    }

    private static double[] shuffled(double[] d, Random r) {
        double[] s = d.clone();
        for (int k = s.length - 1; k > 0; k--) {
            int j = r.nextInt(k + 1);
            double t = s[k];
            s[k] = s[j];
            s[j] = t;
        }
        return s;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int k = 0; k < d.length; k++) {
            f[k] = (float) d[k];
        }
        return f;
    }

    /** A contiguous tensor of n normal values with standard deviation 8. */
    private static Tensor large(DType dtype, int n, long seed) {
        Random r = new Random(seed);
        Tensor t = Tensor.zeros(dtype, n);
        for (int k = 0; k < n; k++) {
            t.setFlat(k, 8 * r.nextGaussian());
        }
        return t;
    }

    @Test
    void splittingAcrossThreadsGivesTheSameBits() {
        int n = 3 * Elementwise.GRAIN + 37;
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor x = large(dtype, n, 1);
            Tensor y = large(dtype, n, 2);
            for (UnaryOp op : UnaryOps.all()) {
                Parallel.setThreads(1);
                Tensor one = Tensor.zeros(dtype, n);
                op.compute(new Tensor[] {x}, one);
                for (int threads : new int[] {2, 3}) {
                    Parallel.setThreads(threads);
                    Tensor many = Tensor.zeros(dtype, n);
                    op.compute(new Tensor[] {x}, many);
                    assertArrayEquals(one.toDoubleArray(), many.toDoubleArray(), 0.0, op.name() + " " + dtype + " on " + threads);
                }
                // The split runs the same kernel as a direct call over the whole array.
                Tensor direct = Tensor.zeros(dtype, n);
                if (dtype == DType.FLOAT64) {
                    op.mapFloat64(x.float64Data(), 0, direct.float64Data(), 0, n);
                } else {
                    op.mapFloat32(x.float32Data(), 0, direct.float32Data(), 0, n);
                }
                assertArrayEquals(direct.toDoubleArray(), one.toDoubleArray(), 0.0, op.name() + " " + dtype);
            }
            for (BinaryOp op : BinaryOps.all()) {
                Parallel.setThreads(1);
                Tensor one = Tensor.zeros(dtype, n);
                op.compute(new Tensor[] {x, y}, one);
                Parallel.setThreads(2);
                Tensor two = Tensor.zeros(dtype, n);
                op.compute(new Tensor[] {x, y}, two);
                assertArrayEquals(one.toDoubleArray(), two.toDoubleArray(), 0.0, op.name() + " " + dtype);
            }
        }
    }

    @Test
    void broadcastRowsAndScalarsRunTheArrayKernelsWithTheScalarFormsBits() {
        // A row shorter than the arithmetic kernels' vector threshold, and one longer.
        for (int cols : new int[] {37, 3 * Vectorized.MIN_ARITHMETIC + 3}) {
            broadcastRowsAndScalars(cols);
        }
    }

    private void broadcastRowsAndScalars(int cols) {
        int rows = (3 * Elementwise.GRAIN) / cols + 5;
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor m = large(dtype, rows * cols, 7).reshape(rows, cols);
            Tensor row = large(dtype, cols, 8);
            Tensor scalar = large(dtype, 1, 9).reshape();
            Tensor column = large(dtype, rows, 10).reshape(rows, 1);
            for (BinaryOp op : BinaryOps.all()) {
                for (Tensor small : new Tensor[] {row, scalar, row.reshape(1, cols), column}) {
                    for (boolean smallFirst : new boolean[] {false, true}) {
                        Tensor a = smallFirst ? small : m;
                        Tensor b = smallFirst ? m : small;
                        Tensor expected = Tensor.zeros(dtype, rows, cols);
                        dev.gradus.tensor.Loops.zip(a, b, expected, op.scalarForm());
                        for (int threads : new int[] {1, 2, 3}) {
                            Parallel.setThreads(threads);
                            Tensor out = Tensor.zeros(dtype, rows, cols);
                            op.compute(new Tensor[] {a, b}, out);
                            assertArrayEquals(expected.toDoubleArray(), out.toDoubleArray(), 0.0,
                                    op.name() + " " + dtype + " " + small.shape() + (smallFirst ? " first" : " second")
                                            + " on " + threads);
                        }
                    }
                }
            }
        }
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void inPlaceOnSeveralThreads() {
        Parallel.setThreads(2);
        int n = 3 * Elementwise.GRAIN;
        Tensor x = large(DType.FLOAT32, n, 5);
        Tensor expected = Tensor.zeros(DType.FLOAT32, n);
        UnaryOps.SIGMOID.compute(new Tensor[] {x}, expected);
        UnaryOps.SIGMOID.compute(new Tensor[] {x}, x);
        assertArrayEquals(expected.toDoubleArray(), x.toDoubleArray(), 0.0);
    }

    @Test
    void stridedAndBroadcastInputsApplyTheScalarForm() {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor m = KernelHarness.random(dtype, 11, 300, 257);
            for (KernelHarness.Layout layout : KernelHarness.Layout.values()) {
                Tensor x = KernelHarness.laidOut(m, layout);
                for (UnaryOp op : new UnaryOp[] {UnaryOps.SIGMOID, UnaryOps.RELU, UnaryOps.SIN, UnaryOps.SQUARE}) {
                    Tensor out = Tensor.zeros(dtype, 300, 257);
                    op.compute(new Tensor[] {x}, out);
                    for (int i = 0; i < 300; i += 7) {
                        for (int j = 0; j < 257; j += 5) {
                            double expected = op.apply(m.get(i, j));
                            expected = dtype == DType.FLOAT32 ? (float) expected : expected;
                            // A bounded op's contiguous kernel is within its documented bound, not bit for bit.
                            // (Math.ulp of a float: a conditional with a double arm would widen it.)
                            double ulp = dtype == DType.FLOAT32 ? Math.ulp((float) expected) : Math.ulp(expected);
                            double tolerance = bounded(op) && layout == KernelHarness.Layout.CONTIGUOUS ? 4 * ulp : 0;
                            assertEquals(expected, out.get(i, j), tolerance, op.name() + " " + layout + " at " + i + "," + j);
                        }
                    }
                }
            }
            // A row broadcast against a matrix, and a matrix plus its own transpose (strided).
            Tensor row = KernelHarness.random(dtype, 12, 257);
            Tensor sq = KernelHarness.random(dtype, 13, 257, 257);
            for (BinaryOp op : new BinaryOp[] {BinaryOps.ADD, BinaryOps.MUL, BinaryOps.POW}) {
                Tensor out = Tensor.zeros(dtype, 300, 257);
                op.compute(new Tensor[] {m, row}, out);
                Tensor outT = Tensor.zeros(dtype, 257, 257);
                op.compute(new Tensor[] {sq, sq.transpose(1, 0)}, outT);
                for (int i = 0; i < 257; i += 3) {
                    for (int j = 0; j < 257; j += 4) {
                        double e = op.apply(m.get(i, j), row.get(j));
                        assertEquals(dtype == DType.FLOAT32 ? (float) e : e, out.get(i, j), op.name() + " broadcast");
                        double t = op.apply(sq.get(i, j), sq.get(j, i));
                        assertEquals(dtype == DType.FLOAT32 ? (float) t : t, outT.get(i, j), op.name() + " transposed");
                    }
                }
            }
        }
    }
}
