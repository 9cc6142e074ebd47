package dev.gradus.op;

import static dev.gradus.op.KernelHarness.assertComputeFails;
import static dev.gradus.op.KernelHarness.assertInferFails;
import static dev.gradus.op.KernelHarness.assertValues;
import static dev.gradus.op.KernelHarness.laidOut;
import static dev.gradus.op.KernelHarness.random;
import static dev.gradus.op.KernelHarness.run;
import static dev.gradus.op.KernelHarness.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.op.KernelHarness.Layout;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.SliceSpec;
import dev.gradus.tensor.SliceSpec.Range;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Transpose, Reshape, BroadcastTo, Slice, PadSlice, Concat, Gather, ScatterAdd and OneHot:
 * type rules and kernels against references written with coordinates.
 */
class ShapeOpsTest {
    private static final DType F32 = DType.FLOAT32;
    private static final DType F64 = DType.FLOAT64;
    private static final DType I32 = DType.INT32;

    static Stream<Arguments> floatLayouts() {
        return cases(new DType[] {F64, F32});
    }

    static Stream<Arguments> anyLayouts() {
        return cases(new DType[] {F64, F32, I32});
    }

    private static Stream<Arguments> cases(DType[] dtypes) {
        List<Arguments> out = new ArrayList<>();
        for (DType d : dtypes) {
            for (Layout l : Layout.values()) {
                out.add(Arguments.of(d, l));
            }
        }
        return out.stream();
    }

    // ---------------------------------------------------------------- coordinates

    /** Row-major position of {@code coords} in a contiguous tensor of {@code dims}. */
    private static int flat(int[] dims, int... coords) {
        int f = 0;
        for (int a = 0; a < dims.length; a++) {
            f = f * dims[a] + coords[a];
        }
        return f;
    }

    /** The coordinates of row-major position {@code f} in {@code dims}. */
    private static int[] coords(int[] dims, int f) {
        int[] c = new int[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            c[a] = f % dims[a];
            f /= dims[a];
        }
        return c;
    }

    private static Tensor ints(int[] values, int... dims) {
        return Tensor.ofInts(values.clone(), dims);
    }

    // ---------------------------------------------------------------- Transpose

    @ParameterizedTest
    @MethodSource("anyLayouts")
    void transposeMatchesCoordinates(DType dtype, Layout layout) {
        int[] dims = {2, 3, 4};
        Tensor x = random(dtype, 1, dims);
        double[] xv = x.toDoubleArray();
        for (int[] perm : new int[][] {{2, 0, 1}, {1, 0, 2}, {0, 1, 2}, {2, 1, 0}, {0, 2, 1}}) {
            Transpose op = new Transpose(perm);
            Tensor out = run(op, laidOut(x, layout));
            int[] od = {dims[perm[0]], dims[perm[1]], dims[perm[2]]};
            assertEquals(Shape.of(od), out.shape());
            assertEquals(dtype, out.dtype());
            double[] expected = new double[x.size()];
            for (int f = 0; f < expected.length; f++) {
                int[] oc = coords(od, f);
                int[] xc = new int[3];
                for (int a = 0; a < 3; a++) {
                    xc[perm[a]] = oc[a]; // out axis a is x axis perm[a]
                }
                expected[f] = xv[flat(dims, xc)];
            }
            assertValues(expected, out, 0, op + " " + dtype + " " + layout);
        }
    }

    @Test
    void transposeOfScalarAndErrors() {
        assertValues(new double[] {2.5}, run(new Transpose(new int[0]), Tensor.scalar(2.5)), 0, "scalar");
        assertInferFails(new Transpose(new int[] {1, 0}), List.of(type(F64, 2, 3, 4)), "transpose", "(2, 3, 4)", "[1, 0]", "rank 3");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Transpose(new int[] {0, 0}));
        assertTrue(e.getMessage().contains("transpose") && e.getMessage().contains("repeats axis 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Transpose(new int[] {0, 2}));
        assertTrue(e.getMessage().contains("transpose") && e.getMessage().contains("axis 2"), e.getMessage());
        assertEquals(List.of(1, 2, 0), toList(new Transpose(new int[] {2, 0, 1}).inversePerm()));
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> out = new ArrayList<>();
        for (int v : a) {
            out.add(v);
        }
        return out;
    }

    // ---------------------------------------------------------------- Reshape

    @ParameterizedTest
    @MethodSource("anyLayouts")
    void reshapeKeepsRowMajorOrder(DType dtype, Layout layout) {
        Tensor x = random(dtype, 2, 2, 3, 4);
        for (Shape target : new Shape[] {Shape.of(4, 6), Shape.of(24), Shape.of(3, 1, 8)}) {
            Tensor out = run(new Reshape(target), laidOut(x, layout));
            assertEquals(target, out.shape());
            assertValues(x.toDoubleArray(), out, 0, "reshape " + dtype + " " + layout + " to " + target);
        }
    }

    @Test
    void reshapeErrors() {
        assertInferFails(new Reshape(Shape.of(4)), List.of(type(F64, 2, 3)), "reshape", "(2, 3)", "6 elements", "(4,)", "4 elements");
        assertEquals(type(I32, 1, 1), new Reshape(Shape.of(1, 1)).infer(List.of(type(I32))));
    }

    // ---------------------------------------------------------------- BroadcastTo

    @ParameterizedTest
    @MethodSource("anyLayouts")
    void broadcastToRepeatsSizeOneAndLeadingAxes(DType dtype, Layout layout) {
        Tensor x = random(dtype, 3, 3, 1);
        double[] xv = x.toDoubleArray();
        Tensor out = run(new BroadcastTo(Shape.of(2, 3, 4)), laidOut(x, layout));
        double[] expected = new double[24];
        for (int f = 0; f < 24; f++) {
            int[] c = coords(new int[] {2, 3, 4}, f);
            expected[f] = xv[c[1]];
        }
        assertValues(expected, out, 0, "broadcastTo " + dtype + " " + layout);

        Tensor row = random(dtype, 4, 1, 4);
        double[] rv = row.toDoubleArray();
        Tensor rows = run(new BroadcastTo(Shape.of(3, 4)), laidOut(row, layout));
        double[] expectedRows = new double[12];
        for (int f = 0; f < 12; f++) {
            expectedRows[f] = rv[f % 4];
        }
        assertValues(expectedRows, rows, 0, "broadcastTo rows " + dtype + " " + layout);
    }

    @Test
    void broadcastToErrors() {
        assertInferFails(new BroadcastTo(Shape.of(3, 3)), List.of(type(F64, 2, 3)), "broadcastTo", "(2, 3)", "(3, 3)");
        assertInferFails(new BroadcastTo(Shape.of(3)), List.of(type(F64, 2, 3)), "broadcastTo", "(2, 3)", "(3,)");
    }

    // ---------------------------------------------------------------- Slice and PadSlice

    private static final int[] ROWS = {1, 2, 3};
    private static final int[] COLS = {5, 3, 1};
    // x[1:4, 5::-2] of a (5, 6) tensor (the end -7 resolves to "before 0").
    private static final SliceSpec SPEC = SliceSpec.of(Range.of(1, 4), Range.of(5, -7, -2));

    @ParameterizedTest
    @MethodSource("anyLayouts")
    void sliceSelectsPositions(DType dtype, Layout layout) {
        Tensor x = random(dtype, 5, 5, 6);
        double[] xv = x.toDoubleArray();
        Tensor out = run(new Slice(SPEC), laidOut(x, layout));
        assertEquals(Shape.of(3, 3), out.shape());
        double[] expected = new double[9];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                expected[r * 3 + c] = xv[ROWS[r] * 6 + COLS[c]];
            }
        }
        assertValues(expected, out, 0, "slice " + dtype + " " + layout);

        // Fewer ranges than axes: the trailing axes are taken whole; at(-1) is the last position.
        Tensor y = random(dtype, 6, 4, 3, 2);
        double[] yv = y.toDoubleArray();
        Tensor last = run(new Slice(SliceSpec.of(Range.at(-1))), laidOut(y, layout));
        assertEquals(Shape.of(1, 3, 2), last.shape());
        double[] expectedLast = new double[6];
        System.arraycopy(yv, 18, expectedLast, 0, 6);
        assertValues(expectedLast, last, 0, "slice at(-1) " + dtype + " " + layout);
    }

    @Test
    void sliceErrors() {
        assertInferFails(new Slice(SPEC), List.of(type(F64, 5)), "slice", "(5,)", "rank 1");
        assertEquals(type(F32, 0, 6), new Slice(SliceSpec.of(Range.of(4, 2))).infer(List.of(type(F32, 5, 6))));
    }

    @ParameterizedTest
    @MethodSource("anyLayouts")
    void padSliceWritesAtTheSelectedPositions(DType dtype, Layout layout) {
        Tensor g = random(dtype, 7, 3, 3);
        double[] gv = g.toDoubleArray();
        PadSlice op = new PadSlice(SPEC, Shape.of(5, 6));
        Tensor out = run(op, laidOut(g, layout));
        assertEquals(Shape.of(5, 6), out.shape());
        assertEquals(dtype, out.dtype());
        double[] expected = new double[30];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                expected[ROWS[r] * 6 + COLS[c]] = gv[r * 3 + c];
            }
        }
        assertValues(expected, out, 0, "padSlice " + dtype + " " + layout);

        Tensor h = random(dtype, 8, 2, 3, 2);
        Tensor padded = run(new PadSlice(SliceSpec.of(Range.of(1, 3)), Shape.of(4, 3, 2)), laidOut(h, layout));
        double[] expectedPadded = new double[24];
        System.arraycopy(h.toDoubleArray(), 0, expectedPadded, 6, 12);
        assertValues(expectedPadded, padded, 0, "padSlice trailing " + dtype + " " + layout);
    }

    @Test
    void padSliceOfEmptySelectionAndScalar() {
        Tensor out = run(new PadSlice(SliceSpec.of(Range.of(3, 1)), Shape.of(4, 2)), Tensor.zeros(F64, 0, 2));
        assertValues(new double[8], out, 0, "empty selection");
        assertValues(new double[] {4}, run(new PadSlice(SliceSpec.of(), Shape.scalar()), Tensor.scalar(4.0)), 0, "scalar");
    }

    @Test
    void padSliceErrors() {
        PadSlice op = new PadSlice(SPEC, Shape.of(5, 6));
        assertInferFails(op, List.of(type(F64, 3, 2)), "padSlice", "(3, 2)", "(3, 3)", "(5, 6)");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PadSlice(SPEC, Shape.of(5)));
        assertTrue(e.getMessage().contains("padSlice") && e.getMessage().contains("(5,)"), e.getMessage());
    }

    // ---------------------------------------------------------------- Concat

    @ParameterizedTest
    @MethodSource("anyLayouts")
    void concatJoinsAlongEachAxis(DType dtype, Layout layout) {
        int[] base = {2, 3, 4};
        for (int axis = 0; axis < 3; axis++) {
            int[] sizes = {1, 3, 2};
            Tensor[] parts = new Tensor[sizes.length];
            Tensor[] laid = new Tensor[sizes.length];
            for (int i = 0; i < parts.length; i++) {
                int[] d = base.clone();
                d[axis] = sizes[i];
                parts[i] = random(dtype, 10 * axis + i, d);
                laid[i] = laidOut(parts[i], Layout.values()[(layout.ordinal() + i) % Layout.values().length]);
            }
            Concat op = new Concat(axis);
            Tensor out = run(op, laid);
            int[] od = base.clone();
            od[axis] = 6;
            assertEquals(Shape.of(od), out.shape());
            double[] expected = new double[out.size()];
            for (int f = 0; f < expected.length; f++) {
                int[] c = coords(od, f);
                int part = 0;
                while (c[axis] >= sizes[part]) {
                    c[axis] -= sizes[part];
                    part++;
                }
                expected[f] = parts[part].get(c);
            }
            assertValues(expected, out, 0, op + " " + dtype + " " + layout);
        }
        Tensor one = random(dtype, 99, 2, 2);
        assertValues(one.toDoubleArray(), run(new Concat(1), laidOut(one, layout)), 0, "concat of one input");
    }

    @Test
    void concatErrors() {
        Concat op = new Concat(1);
        assertEquals(type(F64, 2, 7), op.infer(List.of(type(F64, 2, 3), type(F64, 2, 4))));
        assertInferFails(op, List.of(type(F64, 2, 3), type(F64, 3, 4)), "concat", "axis 1", "input 1", "(3, 4)", "(2, 3)");
        assertInferFails(op, List.of(type(F64, 2, 3), type(F64, 2, 3, 1)), "concat", "(2, 3, 1)");
        assertInferFails(op, List.of(type(F64, 2, 3), type(F32, 2, 3)), "concat", "dtypes differ", "float64", "float32");
        assertInferFails(new Concat(2), List.of(type(F64, 2, 3), type(F64, 2, 3)), "concat", "axis 2", "rank 2");
        assertInferFails(op, List.of(), "concat", "at least 1 input");
    }

    // ---------------------------------------------------------------- Gather and ScatterAdd

    private static final int[] GATHER_INDICES = {4, 0, 4, 2};

    /** Layouts for indices: an INT32 (2, 2) view holding {@link #GATHER_INDICES}. */
    private static Tensor gatherIndices(Layout layout) {
        return laidOut(ints(GATHER_INDICES, 2, 2), layout);
    }

    @ParameterizedTest
    @MethodSource("floatLayouts")
    void gatherTakesSlicesLikeNumpyTake(DType dtype, Layout layout) {
        Tensor x = random(dtype, 11, 3, 5, 2);
        Tensor out = run(new Gather(1), laidOut(x, layout), gatherIndices(layout));
        assertEquals(Shape.of(3, 2, 2, 2), out.shape());
        assertEquals(dtype, out.dtype());
        double[] expected = new double[24];
        for (int a = 0; a < 3; a++) {
            for (int j1 = 0; j1 < 2; j1++) {
                for (int j2 = 0; j2 < 2; j2++) {
                    for (int c = 0; c < 2; c++) {
                        expected[flat(new int[] {3, 2, 2, 2}, a, j1, j2, c)] = x.get(a, GATHER_INDICES[j1 * 2 + j2], c);
                    }
                }
            }
        }
        assertValues(expected, out, 0, "gather axis 1 " + dtype + " " + layout);

        Tensor rows = run(new Gather(0), laidOut(x, layout), laidOut(ints(new int[] {2, 0, 2}, 3), layout));
        assertEquals(Shape.of(3, 5, 2), rows.shape());
        double[] xv = x.toDoubleArray();
        double[] expectedRows = new double[30];
        System.arraycopy(xv, 20, expectedRows, 0, 10);
        System.arraycopy(xv, 0, expectedRows, 10, 10);
        System.arraycopy(xv, 20, expectedRows, 20, 10);
        assertValues(expectedRows, rows, 0, "gather axis 0 " + dtype + " " + layout);

        Tensor last = run(new Gather(2), laidOut(x, layout), Tensor.ofInts(new int[] {1}));
        assertEquals(Shape.of(3, 5), last.shape());
        double[] expectedLast = new double[15];
        for (int f = 0; f < 15; f++) {
            expectedLast[f] = xv[f * 2 + 1];
        }
        assertValues(expectedLast, last, 0, "gather axis 2 with a scalar index " + dtype + " " + layout);
    }

    @Test
    void gatherErrors() {
        Gather op = new Gather(1);
        Tensor x = random(F64, 12, 3, 5);
        assertComputeFails(op, new Tensor[] {x, ints(new int[] {0, 5}, 2)}, "gather", "index 5", "axis 1", "size 5");
        assertComputeFails(op, new Tensor[] {x, ints(new int[] {-1}, 1)}, "gather", "index -1", "size 5");
        assertInferFails(op, List.of(type(F64, 3, 5), type(F64, 2)), "gather", "int32 indices", "float64");
        assertInferFails(op, List.of(type(I32, 3, 5), type(I32, 2)), "gather", "float32 or float64", "int32");
        assertInferFails(new Gather(2), List.of(type(F64, 3, 5), type(I32, 2)), "gather", "axis 2", "(3, 5)", "rank 2");
    }

    @ParameterizedTest
    @MethodSource("floatLayouts")
    void scatterAddAccumulatesRepeatedIndices(DType dtype, Layout layout) {
        int[] indices = {4, 0, 4, 4}; // 4 three times: those slices must add up
        Tensor g = random(dtype, 13, 3, 2, 2, 2);
        ScatterAdd op = new ScatterAdd(1, Shape.of(3, 5, 2));
        Tensor out = run(op, laidOut(g, layout), laidOut(ints(indices, 2, 2), layout));
        assertEquals(Shape.of(3, 5, 2), out.shape());
        double[] expected = new double[30];
        for (int a = 0; a < 3; a++) {
            for (int j1 = 0; j1 < 2; j1++) {
                for (int j2 = 0; j2 < 2; j2++) {
                    for (int c = 0; c < 2; c++) {
                        expected[flat(new int[] {3, 5, 2}, a, indices[j1 * 2 + j2], c)] += g.get(a, j1, j2, c);
                    }
                }
            }
        }
        assertValues(expected, out, KernelHarness.tolerance(dtype), "scatterAdd " + dtype + " " + layout);
    }

    @Test
    void scatterAddErrors() {
        ScatterAdd op = new ScatterAdd(1, Shape.of(3, 5));
        assertEquals(type(F32, 3, 5), op.infer(List.of(type(F32, 3, 2, 2), type(I32, 2, 2))));
        assertInferFails(op, List.of(type(F64, 3, 3), type(I32, 2)), "scatterAdd", "(3, 3)", "(3, 2)", "(3, 5)", "axis 1");
        assertInferFails(op, List.of(type(F64, 3, 2), type(F32, 2)), "scatterAdd", "int32 indices");
        assertInferFails(op, List.of(type(I32, 3, 2), type(I32, 2)), "scatterAdd", "float32 or float64");
        assertComputeFails(op, new Tensor[] {random(F64, 14, 3, 2), ints(new int[] {1, 7}, 2)}, "scatterAdd", "index 7", "size 5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ScatterAdd(2, Shape.of(3, 5)));
        assertTrue(e.getMessage().contains("scatterAdd") && e.getMessage().contains("(3, 5)"), e.getMessage());
    }

    // ---------------------------------------------------------------- OneHot

    @ParameterizedTest
    @MethodSource("anyLayouts")
    void oneHotSetsOnePositionPerIndex(DType dtype, Layout layout) {
        int[] values = {3, 0, 1, 1, 2, 3};
        Tensor out = run(new OneHot(4, dtype), laidOut(ints(values, 2, 3), layout));
        assertEquals(Shape.of(2, 3, 4), out.shape());
        assertEquals(dtype, out.dtype());
        double[] expected = new double[24];
        for (int j = 0; j < 6; j++) {
            expected[j * 4 + values[j]] = 1;
        }
        assertValues(expected, out, 0, "oneHot " + dtype + " " + layout);
    }

    @Test
    void oneHotErrors() {
        OneHot op = new OneHot(4, F32);
        assertComputeFails(op, new Tensor[] {ints(new int[] {0, 4}, 2)}, "oneHot", "index 4", "depth 4");
        assertComputeFails(op, new Tensor[] {ints(new int[] {-1}, 1)}, "oneHot", "index -1");
        assertInferFails(op, List.of(type(F64, 3)), "oneHot", "int32 indices", "float64");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OneHot(0, F32));
        assertTrue(e.getMessage().contains("oneHot") && e.getMessage().contains("0"), e.getMessage());
    }

    // ---------------------------------------------------------------- identity of ops

    @Test
    void parametersDecideEqualityAndPrinting() {
        assertEquals(new Transpose(new int[] {1, 0}), new Transpose(new int[] {1, 0}));
        assertEquals(new Transpose(new int[] {1, 0}).hashCode(), new Transpose(new int[] {1, 0}).hashCode());
        assertNotEquals(new Transpose(new int[] {0, 1}), new Transpose(new int[] {1, 0}));
        assertEquals("transpose[perm=[1, 0]]", new Transpose(new int[] {1, 0}).toString());
        assertEquals(new Reshape(Shape.of(2, 3)), new Reshape(Shape.of(2, 3)));
        assertNotEquals(new Reshape(Shape.of(2, 3)), new BroadcastTo(Shape.of(2, 3)));
        assertEquals(new BroadcastTo(Shape.of(2, 3)).hashCode(), new BroadcastTo(Shape.of(2, 3)).hashCode());
        assertEquals(new Slice(SPEC), new Slice(SliceSpec.of(Range.of(1, 4), Range.of(5, -7, -2))));
        assertNotEquals(new Slice(SPEC), new Slice(SliceSpec.of(Range.of(1, 4))));
        assertEquals(new PadSlice(SPEC, Shape.of(5, 6)), new PadSlice(SPEC, Shape.of(5, 6)));
        assertNotEquals(new PadSlice(SPEC, Shape.of(5, 6)), new PadSlice(SPEC, Shape.of(6, 6)));
        assertEquals(new Concat(1), new Concat(1));
        assertNotEquals(new Concat(1), new Concat(0));
        assertNotEquals(new Concat(1), new Gather(1));
        assertEquals(new ScatterAdd(0, Shape.of(3)), new ScatterAdd(0, Shape.of(3)));
        assertNotEquals(new ScatterAdd(0, Shape.of(3)), new ScatterAdd(0, Shape.of(4)));
        assertEquals(new OneHot(3, F32), new OneHot(3, F32));
        assertNotEquals(new OneHot(3, F32), new OneHot(3, F64));
        assertEquals("gather(x, i, axis=1)", new Gather(1).format(List.of("x", "i")));
        assertEquals(Op.VARIADIC, new Concat(0).arity());
    }
}
