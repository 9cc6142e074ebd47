package dev.gradus.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Softmax and LogSoftmax: type rules and kernels against plainly written references. */
class SoftmaxOpsTest {
    private static Tensor run(Op op, Tensor x) {
        TensorType type = op.infer(List.of(new TensorType(x.dtype(), x.shape())));
        Tensor out = Tensor.zeros(type.dtype(), type.shape());
        op.compute(new Tensor[] {x}, out);
        return out;
    }

    private static Tensor random(DType dtype, Random rnd, int... dims) {
        Tensor t = Tensor.zeros(dtype, dims);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, 6 * rnd.nextDouble() - 3);
        }
        return t;
    }

    /** Rank-3 inputs of shape (2, 3, 4): contiguous, a transposed view, a strided slice with an offset. */
    private static List<Tensor> rank3Inputs(DType dtype) {
        Random rnd = new Random(7);
        Tensor contiguous = random(dtype, rnd, 2, 3, 4);
        Tensor transposed = random(dtype, rnd, 3, 4, 2).transpose(2, 0, 1);
        Tensor sliced = random(dtype, rnd, 2, 3, 9).slice(2, 8, 0, -2);
        assertEquals(Shape.of(2, 3, 4), transposed.shape());
        assertEquals(Shape.of(2, 3, 4), sliced.shape());
        assertTrue(!transposed.isContiguous() && !sliced.isContiguous() && sliced.offset() > 0);
        return List.of(contiguous, transposed, sliced);
    }

    /**
     * The naive reference exp(x_i) / Σ_j exp(x_j) (or its log) along {@code axis} of a
     * rank-3 tensor, written with explicit coordinates; fine for the small test inputs.
     */
    private static double[][][] reference(Tensor x, int axis, boolean log) {
        int[] d = x.shape().dims();
        double[][][] out = new double[d[0]][d[1]][d[2]];
        for (int i = 0; i < d[0]; i++) {
            for (int j = 0; j < d[1]; j++) {
                for (int k = 0; k < d[2]; k++) {
                    double sum = 0;
                    for (int t = 0; t < d[axis]; t++) {
                        int[] c = {i, j, k};
                        c[axis] = t;
                        sum += Math.exp(x.get(c));
                    }
                    double v = Math.exp(x.get(i, j, k)) / sum;
                    out[i][j][k] = log ? Math.log(v) : v;
                }
            }
        }
        return out;
    }

    private static void assertMatches(double[][][] expected, Tensor actual, double tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                for (int k = 0; k < expected[i][j].length; k++) {
                    assertEquals(expected[i][j][k], actual.get(i, j, k), tol, what + " at " + i + "," + j + "," + k);
                }
            }
        }
    }

    @Test
    void softmaxMatchesTheReferenceAlongEveryAxisOfRank3Views() {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            double tol = dtype == DType.FLOAT64 ? 1e-14 : 1e-6;
            for (Tensor x : rank3Inputs(dtype)) {
                for (int axis = 0; axis < 3; axis++) {
                    Softmax op = new Softmax(axis);
                    String what = op + " of " + dtype + " strides " + Arrays.toString(x.strides());
                    Tensor out = run(op, x);
                    assertEquals(dtype, out.dtype(), what);
                    assertEquals(x.shape(), out.shape(), what);
                    assertMatches(reference(x, axis, false), out, tol, what);
                }
            }
        }
    }

    @Test
    void logSoftmaxMatchesTheReferenceAlongEveryAxisOfRank3Views() {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            double tol = dtype == DType.FLOAT64 ? 1e-13 : 2e-6;
            for (Tensor x : rank3Inputs(dtype)) {
                for (int axis = 0; axis < 3; axis++) {
                    LogSoftmax op = new LogSoftmax(axis);
                    String what = op + " of " + dtype + " strides " + Arrays.toString(x.strides());
                    Tensor out = run(op, x);
                    assertEquals(dtype, out.dtype(), what);
                    assertEquals(x.shape(), out.shape(), what);
                    assertMatches(reference(x, axis, true), out, tol, what);
                }
            }
        }
    }

    @Test
    void rank1AndLengthOneLines() {
        Tensor v = Tensor.vector(1, 2, 3);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertArrayEquals(new double[] {Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z},
                run(new Softmax(0), v).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z)},
                run(new LogSoftmax(0), v).toDoubleArray(), 1e-14);
        // Along an axis of size 1, softmax is 1 and logSoftmax 0 whatever x is.
        Tensor column = Tensor.matrix(new double[][] {{-5}, {0}, {700}});
        assertArrayEquals(new double[] {1, 1, 1}, run(new Softmax(1), column).toDoubleArray());
        assertArrayEquals(new double[] {0, 0, 0}, run(new LogSoftmax(1), column).toDoubleArray());
    }

    @Test
    void softmaxIsStableForLargeMagnitudes() {
        Tensor x = Tensor.matrix(new double[][] {{1000, 1000, -1000}, {-1000, -1000, -1000}, {1000, 0, -1000}});
        double[] out = run(new Softmax(1), x).toDoubleArray();
        double third = 1.0 / 3;
        assertArrayEquals(new double[] {0.5, 0.5, 0, third, third, third, 1, 0, 0}, out, 1e-15);
        float[] out32 = run(new Softmax(0), Tensor.of(new float[] {1000f, -1000f, 1000f, 1000f}, 2, 2)).toFloatArray();
        assertArrayEquals(new float[] {0.5f, 0f, 0.5f, 1f}, out32);
        float[] even32 = run(new Softmax(1), Tensor.of(new float[] {-1000f, -1000f}, 1, 2)).toFloatArray();
        assertArrayEquals(new float[] {0.5f, 0.5f}, even32);
    }

    @Test
    void logSoftmaxIsStableForLargeMagnitudes() {
        double ln2 = Math.log(2);
        Tensor x = Tensor.matrix(new double[][] {{1000, 0}, {1000, 1000}, {-1000, -1000}});
        assertArrayEquals(new double[] {0, -1000, -ln2, -ln2, -ln2, -ln2},
                run(new LogSoftmax(1), x).toDoubleArray(), 1e-12);
        float[] out32 = run(new LogSoftmax(1), Tensor.of(new float[] {1000f, 0f, -1000f, -1000f}, 2, 2)).toFloatArray();
        assertArrayEquals(new float[] {0f, -1000f, (float) -ln2, (float) -ln2}, out32, 1e-5f);
        // −∞ entries are masked out: softmax 0, logSoftmax −∞.
        Tensor masked = Tensor.vector(Double.NEGATIVE_INFINITY, 0, 0);
        assertArrayEquals(new double[] {0, 0.5, 0.5}, run(new Softmax(0), masked).toDoubleArray());
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, -ln2, -ln2}, run(new LogSoftmax(0), masked).toDoubleArray(), 1e-15);
    }

    @Test
    void emptyInputsGiveEmptyOutputs() {
        assertEquals(Shape.of(2, 0), run(new Softmax(1), Tensor.zeros(DType.FLOAT64, 2, 0)).shape());
        assertEquals(Shape.of(0, 3), run(new LogSoftmax(1), Tensor.zeros(DType.FLOAT32, 0, 3)).shape());
    }

    @Test
    void rejectsAxesOutOfRangeAndNonFloatInputs() {
        for (Op op : new Op[] {new Softmax(2), new LogSoftmax(2)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> op.infer(List.of(new TensorType(DType.FLOAT64, Shape.of(2, 3)))));
            assertTrue(e.getMessage().contains(op.name()) && e.getMessage().contains("axis 2")
                    && e.getMessage().contains("rank 2") && e.getMessage().contains("(2, 3)"), e.getMessage());
        }
        for (Op op : new Op[] {new Softmax(0), new LogSoftmax(0)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> op.infer(List.of(new TensorType(DType.FLOAT32, Shape.scalar()))));
            assertTrue(e.getMessage().contains(op.name()) && e.getMessage().contains("rank 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> op.infer(List.of(new TensorType(DType.INT32, Shape.of(4)))));
            assertTrue(e.getMessage().contains(op.name()) && e.getMessage().contains("int32"), e.getMessage());
        }
        // A negative axis counts from the end of each input's rank; one too far is named at infer.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Softmax(-3).infer(List.of(new TensorType(DType.FLOAT64, Shape.of(2, 3)))));
        assertTrue(e.getMessage().contains("softmax axis -3") && e.getMessage().contains("rank 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LogSoftmax(-3).infer(List.of(new TensorType(DType.FLOAT64, Shape.of(2, 3)))));
        assertTrue(e.getMessage().contains("logSoftmax axis -3") && e.getMessage().contains("rank 2"), e.getMessage());
    }

    @Test
    void namesParametersAndEquality() {
        assertEquals("softmax", new Softmax(1).name());
        assertEquals("logSoftmax", new LogSoftmax(1).name());
        assertEquals("axis=1", new Softmax(1).parameters());
        assertEquals("logSoftmax(x, axis=0)", new LogSoftmax(0).format(List.of("x")));
        assertEquals(new Softmax(1), new Softmax(1));
        assertEquals(new Softmax(1).hashCode(), new Softmax(1).hashCode());
        assertNotEquals(new Softmax(1), new Softmax(0));
        assertNotEquals(new LogSoftmax(1), new LogSoftmax(0));
        assertNotEquals(new Softmax(1), new LogSoftmax(1));
    }
}
