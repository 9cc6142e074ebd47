package dev.gradus.op;

/**
 * The array kernels of {@link BinaryOps#ADD}, {@link BinaryOps#SUB}, {@link BinaryOps#MUL}
 * and {@link BinaryOps#DIV}, written so that they run on vector instructions.
 *
 * <p>HotSpot's C2 (JDK 17) vectorizes a loop over arrays only when every access uses the
 * same index; {@code out[oo + k] = a[ao + k] + b[bo + k]} with three different offsets runs
 * one element at a time. So each kernel has three routes: when the three offsets are equal (the
 * usual case: a machine's buffers all start at 0, and ranges of a split start at the same
 * element of each) a loop over one index, which C2 vectorizes; otherwise, for rows of
 * {@link Vectorized#MIN_ARITHMETIC} elements or more where the Vector API is enabled (a bias
 * row, a repeated scalar), {@link VectorKernels#arithmetic}; the rest in a scalar loop. IEEE
 * addition, subtraction, multiplication and division are correctly rounded in every route, so
 * the results are the same bits whichever runs; float32 computes in float, which rounds to the
 * same value as the double scalar form rounded once.
 */
final class Arithmetic {
    static final int ADD = 0;
    static final int SUB = 1;
    static final int MUL = 2;
    static final int DIV = 3;

    private Arithmetic() {
    }

    /** {@code out[oo + k] = a[ao + k] op b[bo + k]} for {@code 0 <= k < n}, op one of the constants. */
    static void zip(int op, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        if (ao == oo && bo == oo) {
            int end = oo + n;
            switch (op) {
                case ADD -> {
                    for (int k = oo; k < end; k++) {
                        out[k] = a[k] + b[k];
                    }
                }
                case SUB -> {
                    for (int k = oo; k < end; k++) {
                        out[k] = a[k] - b[k];
                    }
                }
                case MUL -> {
                    for (int k = oo; k < end; k++) {
                        out[k] = a[k] * b[k];
                    }
                }
                default -> {
                    for (int k = oo; k < end; k++) {
                        out[k] = a[k] / b[k];
                    }
                }
            }
            return;
        }
        int done = Vectorized.useForArithmetic(n) ? VectorKernels.arithmetic(op, a, ao, b, bo, out, oo, n) : 0;
        switch (op) {
            case ADD -> {
                for (int k = done; k < n; k++) {
                    out[oo + k] = a[ao + k] + b[bo + k];
                }
            }
            case SUB -> {
                for (int k = done; k < n; k++) {
                    out[oo + k] = a[ao + k] - b[bo + k];
                }
            }
            case MUL -> {
                for (int k = done; k < n; k++) {
                    out[oo + k] = a[ao + k] * b[bo + k];
                }
            }
            default -> {
                for (int k = done; k < n; k++) {
                    out[oo + k] = a[ao + k] / b[bo + k];
                }
            }
        }
    }

    /** The float64 twin of {@link #zip(int, float[], int, float[], int, float[], int, int)}. */
    static void zip(int op, double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        if (ao == oo && bo == oo) {
            int end = oo + n;
            switch (op) {
                case ADD -> {
                    for (int k = oo; k < end; k++) {
                        out[k] = a[k] + b[k];
                    }
                }
                case SUB -> {
                    for (int k = oo; k < end; k++) {
                        out[k] = a[k] - b[k];
                    }
                }
                case MUL -> {
                    for (int k = oo; k < end; k++) {
                        out[k] = a[k] * b[k];
                    }
                }
                default -> {
                    for (int k = oo; k < end; k++) {
                        out[k] = a[k] / b[k];
                    }
                }
            }
            return;
        }
        int done = Vectorized.useForArithmetic(n) ? VectorKernels.arithmetic(op, a, ao, b, bo, out, oo, n) : 0;
        switch (op) {
            case ADD -> {
                for (int k = done; k < n; k++) {
                    out[oo + k] = a[ao + k] + b[bo + k];
                }
            }
            case SUB -> {
                for (int k = done; k < n; k++) {
                    out[oo + k] = a[ao + k] - b[bo + k];
                }
            }
            case MUL -> {
                for (int k = done; k < n; k++) {
                    out[oo + k] = a[ao + k] * b[bo + k];
                }
            }
            default -> {
                for (int k = done; k < n; k++) {
                    out[oo + k] = a[ao + k] / b[bo + k];
                }
            }
        }
    }
}
