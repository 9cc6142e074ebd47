package dev.gradus.op;

import static dev.gradus.op.KernelHarness.assertInferFails;
import static dev.gradus.op.KernelHarness.assertValues;
import static dev.gradus.op.KernelHarness.laidOut;
import static dev.gradus.op.KernelHarness.random;
import static dev.gradus.op.KernelHarness.run;
import static dev.gradus.op.KernelHarness.tolerance;
import static dev.gradus.op.KernelHarness.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.gradus.op.KernelHarness.Layout;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** MatMul, BatchedMatMul, MatVec, dot and outer: type rules and kernels against plain loops. */
class LinearAlgebraOpsTest {
    private static final DType F32 = DType.FLOAT32;
    private static final DType F64 = DType.FLOAT64;

    /** Every float dtype with every input layout. */
    static Stream<Arguments> floatLayouts() {
        List<Arguments> out = new ArrayList<>();
        for (DType d : new DType[] {F64, F32}) {
            for (Layout l : Layout.values()) {
                out.add(Arguments.of(d, l));
            }
        }
        return out.stream();
    }

    /** The layout used for the second input, so that mixed layouts meet too. */
    private static Layout other(Layout l) {
        return Layout.values()[(l.ordinal() + 1) % Layout.values().length];
    }

    // ---------------------------------------------------------------- references

    /** op(a)·op(b) for row-major matrices, in double. */
    private static double[] matMulReference(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        int ar = a.shape().dim(0);
        int ac = a.shape().dim(1);
        int br = b.shape().dim(0);
        int bc = b.shape().dim(1);
        int m = transposeA ? ac : ar;
        int k = transposeA ? ar : ac;
        int n = transposeB ? br : bc;
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transposeA ? x[p * ac + i] : x[i * ac + p];
                    double bv = transposeB ? y[j * bc + p] : y[p * bc + j];
                    s += av * bv;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static int[] dims(boolean transposed, int rows, int cols) {
        return transposed ? new int[] {cols, rows} : new int[] {rows, cols};
    }

    // ---------------------------------------------------------------- MatMul

    @ParameterizedTest
    @MethodSource("floatLayouts")
    void matMulMatchesLoopsForEveryTransposeAndLayout(DType dtype, Layout layout) {
        int m = 3;
        int k = 4;
        int n = 5;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = random(dtype, 1, dims(ta, m, k));
                Tensor b = random(dtype, 2, dims(tb, k, n));
                MatMul op = new MatMul(ta, tb);
                Tensor out = run(op, laidOut(a, layout), laidOut(b, other(layout)));
                assertEquals(Shape.of(m, n), out.shape());
                assertEquals(dtype, out.dtype());
                assertValues(matMulReference(a, b, ta, tb), out, tolerance(dtype), op + " " + dtype + " " + layout);
            }
        }
    }

    @Test
    void matMulOfRowAndColumnVectorsAndEmptyInnerAxis() {
        for (DType dtype : new DType[] {F64, F32}) {
            Tensor a = random(dtype, 3, 1, 6);
            Tensor b = random(dtype, 4, 6, 1);
            assertValues(matMulReference(a, b, false, false), run(new MatMul(false, false), a, b), tolerance(dtype), "(1,6)·(6,1)");
            assertValues(matMulReference(b, a, false, false), run(new MatMul(false, false), b, a), tolerance(dtype), "(6,1)·(1,6)");
            // k = 0: the product is all zeros, which the kernel must write over the NaN-filled output.
            Tensor empty = run(new MatMul(false, false), Tensor.zeros(dtype, 2, 0), Tensor.zeros(dtype, 0, 3));
            assertValues(new double[6], empty, 0, "k = 0");
        }
    }

    @Test
    void matMulOfSlicedSubmatrixReadsOnlyTheView() {
        Tensor big = random(F64, 5, 6, 7);
        Tensor a = big.slice(0, 1, 4, 1).slice(1, 2, 6, 1); // (3, 4), offset 9, row stride 7
        Tensor b = random(F64, 6, 4, 2);
        assertValues(matMulReference(a, b, false, false), run(new MatMul(false, false), a, b), 1e-12, "submatrix");
        Tensor at = big.slice(0, 0, 4, 1).slice(1, 1, 4, 1).transpose(); // (3, 4) of a transposed block
        assertValues(matMulReference(at, b, false, false), run(new MatMul(false, false), at, b), 1e-12, "transposed block");
    }

    @Test
    void matMulTypeErrors() {
        MatMul op = new MatMul(false, false);
        assertInferFails(op, List.of(type(F64, 2, 3), type(F64, 4, 5)), "matMul", "(2, 3)", "(4, 5)", "k=3", "k=4");
        assertInferFails(new MatMul(false, true), List.of(type(F64, 2, 3), type(F64, 3, 5)),
                "transposeB=true", "(3, 5)", "k=5");
        assertInferFails(new MatMul(true, false), List.of(type(F64, 2, 3), type(F64, 3, 5)), "transposeA=true", "k=2");
        assertInferFails(op, List.of(type(F64, 2, 3, 4), type(F64, 4, 5)), "matMul", "rank-2 a", "(2, 3, 4)");
        assertInferFails(op, List.of(type(F64, 2, 3), type(F64, 3)), "matMul", "rank-2 b", "(3,)");
        assertInferFails(op, List.of(type(F32, 2, 3), type(F64, 3, 4)), "matMul", "dtypes differ", "float32", "float64");
        assertInferFails(op, List.of(type(DType.INT32, 2, 3), type(DType.INT32, 3, 4)), "matMul", "float32 or float64", "int32");
    }

    @Test
    void matMulInfersTransposedShapes() {
        List<TensorType> in = List.of(type(F32, 4, 3), type(F32, 5, 4));
        assertEquals(type(F32, 3, 5), new MatMul(true, true).infer(in));
        assertEquals(type(F64, 2, 7), new MatMul(false, true).infer(List.of(type(F64, 2, 3), type(F64, 7, 3))));
    }

    // ---------------------------------------------------------------- BatchedMatMul

    @ParameterizedTest
    @MethodSource("floatLayouts")
    void batchedMatMulMatchesPerBatchLoops(DType dtype, Layout layout) {
        int batch = 3;
        int m = 2;
        int k = 4;
        int n = 3;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int[] ad = dims(ta, m, k);
                int[] bd = dims(tb, k, n);
                Tensor a = random(dtype, 7, batch, ad[0], ad[1]);
                Tensor b = random(dtype, 8, batch, bd[0], bd[1]);
                BatchedMatMul op = new BatchedMatMul(ta, tb);
                Tensor out = run(op, laidOut(a, layout), laidOut(b, other(layout)));
                assertEquals(Shape.of(batch, m, n), out.shape());
                double[] expected = new double[batch * m * n];
                for (int i = 0; i < batch; i++) {
                    double[] c = matMulReference(a.slice(0, i, i + 1, 1).reshape(ad), b.slice(0, i, i + 1, 1).reshape(bd), ta, tb);
                    System.arraycopy(c, 0, expected, i * m * n, m * n);
                }
                assertValues(expected, out, tolerance(dtype), op + " " + dtype + " " + layout);
            }
        }
    }

    @Test
    void batchedMatMulTypeErrors() {
        BatchedMatMul op = new BatchedMatMul(false, false);
        assertEquals(type(F64, 2, 3, 5), op.infer(List.of(type(F64, 2, 3, 4), type(F64, 2, 4, 5))));
        assertInferFails(op, List.of(type(F64, 2, 3, 4), type(F64, 3, 4, 5)), "batchedMatMul", "batch sizes differ",
                "(2, 3, 4)", "(3, 4, 5)");
        assertInferFails(op, List.of(type(F64, 2, 3, 4), type(F64, 2, 5, 5)), "batchedMatMul", "k=4", "k=5");
        assertInferFails(op, List.of(type(F64, 3, 4), type(F64, 2, 4, 5)), "batchedMatMul", "rank-3 a", "(3, 4)");
        assertInferFails(op, List.of(type(F64, 2, 3, 4), type(F32, 2, 4, 5)), "dtypes differ");
    }

    // ---------------------------------------------------------------- MatVec

    @ParameterizedTest
    @MethodSource("floatLayouts")
    void matVecMatchesLoops(DType dtype, Layout layout) {
        int m = 5;
        int k = 3;
        for (boolean ta : new boolean[] {false, true}) {
            Tensor a = random(dtype, 9, dims(ta, m, k));
            Tensor v = random(dtype, 10, k);
            MatVec op = new MatVec(ta);
            Tensor out = run(op, laidOut(a, layout), laidOut(v, other(layout)));
            assertEquals(Shape.of(m), out.shape());
            assertValues(matMulReference(a, v.reshape(k, 1), ta, false), out, tolerance(dtype), op + " " + dtype + " " + layout);
        }
    }

    @Test
    void matVecTypeErrors() {
        assertEquals(type(F64, 3), new MatVec(true).infer(List.of(type(F64, 4, 3), type(F64, 4))));
        assertInferFails(new MatVec(false), List.of(type(F64, 4, 3), type(F64, 4)), "matVec", "(4, 3)", "k=3", "(4,)");
        assertInferFails(new MatVec(true), List.of(type(F64, 4, 3), type(F64, 3)), "matVec", "k=4", "(3,)");
        assertInferFails(new MatVec(false), List.of(type(F64, 4, 3), type(F64, 3, 1)), "matVec", "rank-1 v", "(3, 1)");
        assertInferFails(new MatVec(false), List.of(type(F64, 3), type(F64, 3)), "matVec", "rank-2 a");
        assertInferFails(new MatVec(false), List.of(type(F32, 4, 3), type(F64, 3)), "dtypes differ");
    }

    // ---------------------------------------------------------------- dot and outer

    @ParameterizedTest
    @MethodSource("floatLayouts")
    void dotAndOuterMatchLoops(DType dtype, Layout layout) {
        Tensor u = random(dtype, 11, 6);
        Tensor v = random(dtype, 12, 6);
        Tensor w = random(dtype, 13, 4);
        double[] uv = u.toDoubleArray();
        double[] vv = v.toDoubleArray();
        double[] wv = w.toDoubleArray();
        double s = 0;
        for (int i = 0; i < 6; i++) {
            s += uv[i] * vv[i];
        }
        Tensor dot = run(LinearAlgebra.DOT, laidOut(u, layout), laidOut(v, other(layout)));
        assertEquals(Shape.scalar(), dot.shape());
        assertValues(new double[] {s}, dot, tolerance(dtype), "dot " + dtype + " " + layout);

        double[] expected = new double[6 * 4];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 4; j++) {
                expected[i * 4 + j] = uv[i] * wv[j];
            }
        }
        Tensor outer = run(LinearAlgebra.OUTER, laidOut(u, layout), laidOut(w, other(layout)));
        assertEquals(Shape.of(6, 4), outer.shape());
        assertValues(expected, outer, tolerance(dtype), "outer " + dtype + " " + layout);
    }

    @Test
    void dotAndOuterTypeErrors() {
        assertInferFails(LinearAlgebra.DOT, List.of(type(F64, 3), type(F64, 4)), "dot", "equal length", "(3,)", "(4,)");
        assertInferFails(LinearAlgebra.DOT, List.of(type(F64, 3, 1), type(F64, 3)), "dot", "rank-1 u", "(3, 1)");
        assertInferFails(LinearAlgebra.DOT, List.of(type(F64, 3), type(F32, 3)), "dot", "dtypes differ");
        assertInferFails(LinearAlgebra.OUTER, List.of(type(F64, 3), type(F64, 2, 2)), "outer", "rank-1 v", "(2, 2)");
        assertInferFails(LinearAlgebra.OUTER, List.of(type(DType.BOOL, 3), type(DType.BOOL, 2)), "outer", "bool");
        assertInferFails(LinearAlgebra.DOT, List.of(type(F64, 3)), "dot", "2 inputs");
    }

    // ---------------------------------------------------------------- identity of ops

    @Test
    void parametersDecideEqualityAndPrinting() {
        assertEquals(new MatMul(true, false), new MatMul(true, false));
        assertEquals(new MatMul(true, false).hashCode(), new MatMul(true, false).hashCode());
        assertNotEquals(new MatMul(true, false), new MatMul(false, true));
        assertNotEquals(new MatMul(false, false), new BatchedMatMul(false, false));
        assertEquals(new BatchedMatMul(false, true), new BatchedMatMul(false, true));
        assertNotEquals(new MatVec(true), new MatVec(false));
        assertEquals(new MatVec(true).hashCode(), new MatVec(true).hashCode());
        assertEquals("matMul", new MatMul(false, false).toString());
        assertEquals("matMul[transposeA=true, transposeB=true]", new MatMul(true, true).toString());
        assertEquals("matVec(a, v, transposeA=true)", new MatVec(true).format(List.of("a", "v")));
        assertEquals("dot(u, v)", LinearAlgebra.DOT.format(List.of("u", "v")));
        assertEquals("outer", LinearAlgebra.OUTER.name());
    }
}
