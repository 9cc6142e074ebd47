package dev.gradus.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Helpers for kernel tests: random inputs, the same values laid out as strided, offset,
 * transposed or reversed views, and a runner that checks a kernel writes exactly its
 * output block and leaves its inputs alone.
 */
final class KernelHarness {
    /** Value kept around every output block; a kernel that writes outside its block changes it. */
    static final double SENTINEL = 12345;

    private KernelHarness() {
    }

    /** How a test lays out an input's values in storage. */
    enum Layout {
        /** Row-major, offset 0. */
        CONTIGUOUS,
        /** Every other element of a larger NaN-filled buffer, starting one element in on each axis. */
        OFFSET_STRIDED,
        /** Stored with the axes reversed and viewed through {@link Tensor#transpose(int...)}. */
        TRANSPOSED,
        /** Every axis viewed backwards through a negative-step slice. */
        REVERSED
    }

    /** Returns a contiguous tensor of uniform values in [-1, 1) (or integers in [-5, 5) for INT32). */
    static Tensor random(DType dtype, long seed, int... dims) {
        Random r = new Random(seed);
        Tensor t = Tensor.zeros(dtype, dims);
        for (int k = 0; k < t.size(); k++) {
            t.setFlat(k, dtype == DType.INT32 ? r.nextInt(10) - 5 : r.nextDouble() * 2 - 1);
        }
        return t;
    }

    /** Returns a tensor with {@code t}'s dtype, shape and values, stored as {@code layout} says. */
    static Tensor laidOut(Tensor t, Layout layout) {
        int rank = t.rank();
        int[] dims = t.shape().dims();
        Tensor view;
        switch (layout) {
            case CONTIGUOUS -> {
                return t.copy();
            }
            case OFFSET_STRIDED -> {
                int[] big = new int[rank];
                for (int a = 0; a < rank; a++) {
                    big[a] = 2 * dims[a] + 1;
                }
                view = Tensor.full(t.dtype(), Shape.of(big), garbage(t.dtype()));
                for (int a = 0; a < rank; a++) {
                    view = view.slice(a, 1, 1 + 2 * dims[a], 2);
                }
            }
            case TRANSPOSED -> {
                int[] reversed = new int[rank];
                for (int a = 0; a < rank; a++) {
                    reversed[a] = dims[rank - 1 - a];
                }
                view = Tensor.full(t.dtype(), Shape.of(reversed), garbage(t.dtype())).transpose();
            }
            case REVERSED -> {
                view = Tensor.full(t.dtype(), t.shape(), garbage(t.dtype()));
                for (int a = 0; a < rank; a++) {
                    view = view.slice(a, dims[a] - 1, -dims[a] - 1, -1);
                }
            }
            default -> throw new AssertionError(layout);
        }
        assertEquals(t.shape(), view.shape(), "test layout " + layout);
        view.copyFrom(t);
        int longAxes = 0;
        for (int d : dims) {
            longAxes += d > 1 ? 1 : 0;
        }
        if (longAxes >= (layout == Layout.TRANSPOSED ? 2 : 1)) {
            assertTrue(!view.isContiguous(), "test layout " + layout + " should be strided for shape " + t.shape());
        }
        return view;
    }

    private static double garbage(DType dtype) {
        return dtype.isFloat() ? Double.NaN : -999;
    }

    /** Returns the input types of {@code inputs}. */
    static List<TensorType> types(Tensor... inputs) {
        List<TensorType> out = new ArrayList<>();
        for (Tensor t : inputs) {
            out.add(new TensorType(t.dtype(), t.shape()));
        }
        return out;
    }

    /**
     * Infers {@code op}'s output type, runs its kernel into a contiguous block at a non-zero
     * offset inside a larger buffer (the block pre-filled with NaN, or -777 for integers),
     * checks that nothing outside the block and no input changed, and returns the block.
     */
    static Tensor run(Op op, Tensor... inputs) {
        TensorType type = op.infer(types(inputs));
        int n = type.shape().size();
        Tensor buffer = Tensor.full(type.dtype(), Shape.of(n + 5), SENTINEL);
        Tensor block = buffer.slice(0, 3, 3 + n, 1);
        block.fill(type.dtype().isFloat() ? Double.NaN : -777);
        Tensor out = block.reshape(type.shape().dims());
        if (n > 0) {
            assertEquals(3, out.offset(), "harness: output offset");
        }
        assertTrue(out.isContiguous(), "harness: output contiguous");
        double[][] before = new double[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            before[i] = inputs[i].toDoubleArray();
        }
        op.compute(inputs, out);
        for (int k : new int[] {0, 1, 2, n + 3, n + 4}) {
            assertEquals(SENTINEL, buffer.get(k), op + " wrote outside its output block at " + (k - 3));
        }
        for (int i = 0; i < inputs.length; i++) {
            assertArrayEquals(before[i], inputs[i].toDoubleArray(), op + " modified input " + i);
        }
        return out;
    }

    /** Asserts that {@code actual} holds {@code expected} in row-major order within {@code tol} (relative to max(1, |e|)). */
    static void assertValues(double[] expected, Tensor actual, double tol, String what) {
        assertEquals(expected.length, actual.size(), what + ": element count");
        for (int k = 0; k < expected.length; k++) {
            double a = actual.getFlat(k);
            double e = expected[k];
            if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) {
                fail(what + ": element " + k + " is " + a + ", expected " + e);
            }
        }
    }

    /** Returns the tolerance for sums of a few products in {@code dtype}. */
    static double tolerance(DType dtype) {
        return dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
    }

    /** Asserts that {@code infer} rejects {@code inputs} with a message containing every fragment. */
    static void assertInferFails(Op op, List<TensorType> inputs, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.infer(inputs),
                op + " should reject " + inputs);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" should contain \"" + f + "\"");
        }
    }

    /** Asserts that the kernel rejects {@code inputs} with a message containing every fragment. */
    static void assertComputeFails(Op op, Tensor[] inputs, String... fragments) {
        TensorType type = op.infer(types(inputs));
        Tensor out = Tensor.zeros(type.dtype(), type.shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.compute(inputs, out),
                op + " should reject its inputs");
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" should contain \"" + f + "\"");
        }
    }

    /** Returns the type {@code dtype} with the given dims. */
    static TensorType type(DType dtype, int... dims) {
        return new TensorType(dtype, Shape.of(dims));
    }
}
