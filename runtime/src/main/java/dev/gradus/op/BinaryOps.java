package dev.gradus.op;

import java.util.List;

/**
 * The table of broadcasting elementwise binary ops: each definition holds the scalar form,
 * on the next line the same function as Java source (see {@link BinaryOp#javaSource}), and
 * beside them the two partial derivatives (the caller sums them over broadcast axes).
 *
 * <p>Add, sub, mul, div, minBetween and maxBetween override the array kernels with their own
 * loops. Their float32 kernels compute in float: for these operations on two floats, the
 * exact result rounded to float equals the double result rounded to float (a double carries
 * more than twice float's precision), so float arithmetic gives the scalar form's value.
 */
public final class BinaryOps {
    private BinaryOps() {
    }

    /** a + b. ∂/∂a = 1, ∂/∂b = 1. */
    public static final BinaryOp ADD = new BinaryOp("add", "+", Double::sum,
            "((%1$s) + (%2$s))") {
        @Override
        protected <T> Partial<T> gradientA(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(g);
        }

        @Override
        protected void zipFloat64(double[] a, int aOffset, double[] b, int bOffset, double[] out, int outOffset, int n) {
            Arithmetic.zip(Arithmetic.ADD, a, aOffset, b, bOffset, out, outOffset, n);
        }

        @Override
        protected void zipFloat32(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset, int n) {
            Arithmetic.zip(Arithmetic.ADD, a, aOffset, b, bOffset, out, outOffset, n);
        }

        @Override
        protected <T> Partial<T> gradientB(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(g);
        }
    };

    /** a − b. ∂/∂a = 1, ∂/∂b = −1. */
    public static final BinaryOp SUB = new BinaryOp("sub", "-", (a, c) -> a - c,
            "((%1$s) - (%2$s))") {
        @Override
        protected <T> Partial<T> gradientA(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(g);
        }

        @Override
        protected void zipFloat64(double[] a, int aOffset, double[] b, int bOffset, double[] out, int outOffset, int n) {
            Arithmetic.zip(Arithmetic.SUB, a, aOffset, b, bOffset, out, outOffset, n);
        }

        @Override
        protected void zipFloat32(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset, int n) {
            Arithmetic.zip(Arithmetic.SUB, a, aOffset, b, bOffset, out, outOffset, n);
        }

        @Override
        protected <T> Partial<T> gradientB(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.neg(g));
        }
    };

    /** Elementwise (Hadamard) product a ⊙ b. ∂/∂a = b, ∂/∂b = a. Matrix product is {@link MatMul}. */
    public static final BinaryOp MUL = new BinaryOp("mul", "*", (a, c) -> a * c,
            "((%1$s) * (%2$s))") {
        @Override
        protected <T> Partial<T> gradientA(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.mul(g, c));
        }

        @Override
        protected void zipFloat64(double[] a, int aOffset, double[] b, int bOffset, double[] out, int outOffset, int n) {
            Arithmetic.zip(Arithmetic.MUL, a, aOffset, b, bOffset, out, outOffset, n);
        }

        @Override
        protected void zipFloat32(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset, int n) {
            Arithmetic.zip(Arithmetic.MUL, a, aOffset, b, bOffset, out, outOffset, n);
        }

        @Override
        protected <T> Partial<T> gradientB(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.mul(g, a));
        }
    };

    /** a / b. ∂/∂a = 1/b, ∂/∂b = −a/b² = −y/b. */
    public static final BinaryOp DIV = new BinaryOp("div", "/", (a, c) -> a / c,
            "((%1$s) / (%2$s))") {
        @Override
        protected <T> Partial<T> gradientA(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.div(g, c));
        }

        @Override
        protected void zipFloat64(double[] a, int aOffset, double[] b, int bOffset, double[] out, int outOffset, int n) {
            Arithmetic.zip(Arithmetic.DIV, a, aOffset, b, bOffset, out, outOffset, n);
        }

        @Override
        protected void zipFloat32(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset, int n) {
            Arithmetic.zip(Arithmetic.DIV, a, aOffset, b, bOffset, out, outOffset, n);
        }

        @Override
        protected <T> Partial<T> gradientB(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.neg(b.div(b.mul(g, y), c)));
        }
    };

    /**
     * aᵇ. ∂/∂a = b·a^(b−1), ∂/∂b = aᵇ·ln a = y·ln a (defined for a &gt; 0; NaN where a ≤ 0
     * and the exponent's gradient is asked for).
     */
    public static final BinaryOp POW = new BinaryOp("pow", null, Math::pow,
            "Math.pow(%1$s, %2$s)") {
        @Override
        protected <T> Partial<T> gradientA(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.mul(g, b.mul(c, b.pow(a, b.sub(c, b.constant(1, c))))));
        }

        @Override
        protected <T> Partial<T> gradientB(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.mul(g, b.mul(y, b.log(a))));
        }
    };

    /**
     * min(a, b) elementwise (NaN if either is NaN). The gradient goes to the smaller input;
     * on ties it goes to {@code a}: ∂/∂a = [a ≤ b], ∂/∂b = [a &gt; b].
     */
    public static final BinaryOp MIN_BETWEEN = new BinaryOp("minBetween", null, Math::min,
            "Math.min(%1$s, %2$s)") {
        @Override
        protected <T> Partial<T> gradientA(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.mul(g, b.apply(Comparison.LTE.mask(), List.of(a, c))));
        }

        @Override
        protected void zipFloat64(double[] a, int aOffset, double[] b, int bOffset, double[] out, int outOffset, int n) {
            for (int k = 0; k < n; k++) {
                out[outOffset + k] = Math.min(a[aOffset + k], b[bOffset + k]);
            }
        }

        @Override
        protected void zipFloat32(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset, int n) {
            for (int k = 0; k < n; k++) {
                out[outOffset + k] = Math.min(a[aOffset + k], b[bOffset + k]);
            }
        }

        @Override
        protected <T> Partial<T> gradientB(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.mul(g, b.apply(Comparison.GT.mask(), List.of(a, c))));
        }
    };

    /**
     * max(a, b) elementwise (NaN if either is NaN). The gradient goes to the larger input;
     * on ties it goes to {@code a}: ∂/∂a = [a ≥ b], ∂/∂b = [a &lt; b].
     */
    public static final BinaryOp MAX_BETWEEN = new BinaryOp("maxBetween", null, Math::max,
            "Math.max(%1$s, %2$s)") {
        @Override
        protected <T> Partial<T> gradientA(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.mul(g, b.apply(Comparison.GTE.mask(), List.of(a, c))));
        }

        @Override
        protected void zipFloat64(double[] a, int aOffset, double[] b, int bOffset, double[] out, int outOffset, int n) {
            for (int k = 0; k < n; k++) {
                out[outOffset + k] = Math.max(a[aOffset + k], b[bOffset + k]);
            }
        }

        @Override
        protected void zipFloat32(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset, int n) {
            for (int k = 0; k < n; k++) {
                out[outOffset + k] = Math.max(a[aOffset + k], b[bOffset + k]);
            }
        }

        @Override
        protected <T> Partial<T> gradientB(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.mul(g, b.apply(Comparison.LT.mask(), List.of(a, c))));
        }
    };

    /**
     * atan2(a, b): the angle of the point (b, a), in (−π, π]. With r² = a² + b²:
     * ∂/∂a = b/r², ∂/∂b = −a/r² (undefined at the origin; the angle jumps across a = 0,
     * b &lt; 0).
     */
    public static final BinaryOp ATAN2 = new BinaryOp("atan2", null, Math::atan2,
            "Math.atan2(%1$s, %2$s)") {
        @Override
        protected <T> Partial<T> gradientA(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.div(b.mul(g, c), b.add(b.square(a), b.square(c))));
        }

        @Override
        protected <T> Partial<T> gradientB(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.neg(b.div(b.mul(g, a), b.add(b.square(a), b.square(c)))));
        }
    };

    /**
     * hypot(a, b) = √(a² + b²), without intermediate overflow or underflow.
     * ∂/∂a = a/y, ∂/∂b = b/y (undefined at the origin).
     */
    public static final BinaryOp HYPOT = new BinaryOp("hypot", null, Math::hypot,
            "Math.hypot(%1$s, %2$s)") {
        @Override
        protected <T> Partial<T> gradientA(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.div(b.mul(g, a), y));
        }

        @Override
        protected <T> Partial<T> gradientB(Builder<T> b, T a, T c, T y, T g) {
            return Partial.of(b.div(b.mul(g, c), y));
        }
    };

    /** Returns every op of this table, in declaration order. */
    public static List<BinaryOp> all() {
        return List.of(ADD, SUB, MUL, DIV, POW, MIN_BETWEEN, MAX_BETWEEN, ATAN2, HYPOT);
    }
}
