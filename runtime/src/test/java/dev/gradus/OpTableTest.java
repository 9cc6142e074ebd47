package dev.gradus;

import static dev.gradus.Ops.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.op.BatchNormState;
import dev.gradus.op.BatchedMatMul;
import dev.gradus.op.EagerBuilder;
import dev.gradus.op.Partial;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.SliceSpec;
import dev.gradus.tensor.SliceSpec.Range;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.LispMachine;
import dev.gradus.vm.TapeMachine;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table over every op of {@link Ops}, in the manner of JAX's {@code lax_autodiff_test}
 * {@code grad_test_spec}: each row names the op, applies it (once written for nodes, once
 * for tensors), gives its input shapes and domain, and a reference computed independently
 * with {@link Ref}. Every row is checked for
 *
 * <ul>
 *   <li>its forward value, eagerly, through the TapeMachine and through the LispMachine,
 *       against the reference;
 *   <li>the gradient of {@code sum(op(inputs) * W)} by {@code Grad.of} + TapeMachine (read
 *       from the gradient nodes and from {@code bindGradients()}) and by the LispMachine,
 *       against central finite differences in float64 and against each other; ops with no
 *       gradient must give zeros;
 *   <li>its FLOAT32 forward value against the FLOAT64 one.
 * </ul>
 *
 * A guard fails when a public op of {@link Ops} has no row.
 */
class OpTableTest {
    private static final DType F64 = DType.FLOAT64;
    private static final DType F32 = DType.FLOAT32;

    /** Forward values against the reference: both are float64 evaluations of the same formula. */
    private static final double FORWARD_TOL = 1e-12;
    /** Gradients from the two machines run the same rules in a different order of summation. */
    private static final double MACHINES_TOL = 1e-10;
    /** FLOAT32 forward against FLOAT64 (inputs rounded to float, then float arithmetic). */
    private static final double FLOAT32_TOL = 1e-5;
    /** Central differences with step 1e-6: truncation ~1e-12, rounding ~1e-10·|cost|. */
    private static final double FD_STEP = 1e-6;
    private static final double FD_TOL = 1e-6;

    // ================================================================ domains

    /** Fills an input's elements. */
    @FunctionalInterface
    interface Domain {
        double[] fill(Random r, int n);

        static Domain each(java.util.function.ToDoubleFunction<Random> f) {
            return (r, n) -> {
                double[] d = new double[n];
                for (int k = 0; k < n; k++) {
                    d[k] = f.applyAsDouble(r);
                }
                return d;
            };
        }
    }

    static final Domain UNIT = Domain.each(r -> 2 * r.nextDouble() - 1);
    static final Domain WIDE = Domain.each(r -> 6 * r.nextDouble() - 3);
    static final Domain POSITIVE = Domain.each(r -> 0.5 + 1.5 * r.nextDouble());
    /** |x| in [0.2, 1]: keeps abs, relu, sign, step and divisors away from their kink or pole at 0. */
    static final Domain AWAY_FROM_ZERO = Domain.each(r -> (r.nextBoolean() ? 1 : -1) * (0.2 + 0.8 * r.nextDouble()));
    /** Fractional part in [0.1, 0.9]: floor, ceil and casts to int are locally constant. */
    static final Domain NON_INTEGER = Domain.each(r -> r.nextInt(6) - 3 + 0.1 + 0.8 * r.nextDouble());
    /** (−0.9, 0.9): inside asin's and acos's domain, away from their infinite slopes at ±1. */
    static final Domain INSIDE_UNIT = Domain.each(r -> -0.9 + 1.8 * r.nextDouble());
    /** (−1.2, 1.2): tan away from its poles at ±π/2. */
    static final Domain AWAY_FROM_POLES = Domain.each(r -> -1.2 + 2.4 * r.nextDouble());
    /** Multiples of 1/2 in [-1, 1]: ties for the comparisons, zeros for the cast to bool. */
    static final Domain GRID = Domain.each(r -> (r.nextInt(5) - 2) * 0.5);
    /** Grids offset by 0.1 and 0.2: an A value and a B value always differ by at least 0.1 (no ties in min/max). */
    static final Domain GRID_A = Domain.each(r -> (r.nextInt(8) - 4) * 0.25 + 0.1);
    static final Domain GRID_B = Domain.each(r -> (r.nextInt(8) - 4) * 0.25 + 0.2);
    /** Multiples of 2^-10 in [-1, 1]: exact in float32, so a cast and its finite differences are exact. */
    static final Domain DYADIC = Domain.each(r -> (r.nextInt(2049) - 1024) / 1024.0);

    /** Distinct values at least ~1.8/n apart, in random order: no ties for max, min, argmax, argmin. */
    static final Domain DISTINCT = (r, n) -> {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, r);
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            d[k] = (order.get(k) - n / 2.0) * 2.0 / n + r.nextDouble() * 0.2 / n;
        }
        return d;
    };

    /** Away from zero, except element 0, which is exactly 0 (prod's gradient must not divide by it). */
    static final Domain WITH_A_ZERO = (r, n) -> {
        double[] d = AWAY_FROM_ZERO.fill(r, n);
        d[0] = 0;
        return d;
    };

    /** Away from zero, with elements 0 and 1 exactly 0: two zeros in the first slice of a (3, 4) input along axis 1. */
    static final Domain WITH_TWO_ZEROS = (r, n) -> {
        double[] d = AWAY_FROM_ZERO.fill(r, n);
        d[0] = 0;
        d[1] = 0;
        return d;
    };

    // ================================================================ rows

    /** How a row's float inputs are differentiated. */
    enum Gradient {
        /** Compared with finite differences. */
        SMOOTH,
        /** No gradient flows (piecewise constant, locally constant at the chosen inputs): zeros, and finite differences are zero too. */
        ZERO,
        /** No gradient flows, but the inputs sit on ties (comparisons): only the zeros are checked. */
        ZERO_AT_TIES
    }

    /**
     * One input: dtype, shape, and either a domain or fixed INT32 values.
     */
    record In(DType dtype, int[] dims, Domain domain, int[] ints) {
        static In f(Domain d, int... dims) {
            return new In(F64, dims, d, null);
        }

        static In f32(Domain d, int... dims) {
            return new In(F32, dims, d, null);
        }

        static In ints(int[] dims, int... values) {
            return new In(DType.INT32, dims, null, values);
        }

        boolean isFloat() {
            return dtype.isFloat();
        }
    }

    /**
     * One table row.
     *
     * @param name display name (unique: it also seeds the inputs)
     * @param op the name of the method of {@link Ops} under test
     */
    record Row(String name, String op, List<In> inputs, Function<List<Node>, Node> node,
            Function<List<Tensor>, Tensor> tensor, Function<List<Ref>, Ref> reference, Gradient gradient,
            double fdStep, double fdTol, boolean float32) {
        Row withGradient(Gradient g) {
            return new Row(name, op, inputs, node, tensor, reference, g, fdStep, fdTol, float32);
        }

        Row withFd(double step, double tol) {
            return new Row(name, op, inputs, node, tensor, reference, gradient, step, tol, float32);
        }

        Row noFloat32() {
            return new Row(name, op, inputs, node, tensor, reference, gradient, fdStep, fdTol, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, String op, List<In> inputs, Function<List<Node>, Node> node,
            Function<List<Tensor>, Tensor> tensor, Function<List<Ref>, Ref> reference) {
        return new Row(name, op, inputs, node, tensor, reference, Gradient.SMOOTH, FD_STEP, FD_TOL, true);
    }

    static Row one(String name, String op, In x, UnaryOperator<Node> node, UnaryOperator<Tensor> tensor,
            Function<Ref, Ref> reference) {
        return row(name, op, List.of(x), l -> node.apply(l.get(0)), l -> tensor.apply(l.get(0)),
                l -> reference.apply(l.get(0)));
    }

    static Row two(String name, String op, In a, In b, BinaryOperator<Node> node, BinaryOperator<Tensor> tensor,
            BinaryOperator<Ref> reference) {
        return row(name, op, List.of(a, b), l -> node.apply(l.get(0), l.get(1)), l -> tensor.apply(l.get(0), l.get(1)),
                l -> reference.apply(l.get(0), l.get(1)));
    }

    static Row unary(String op, UnaryOperator<Node> node, UnaryOperator<Tensor> tensor, DoubleUnaryOperator f,
            Domain d, int... dims) {
        return one(op + " " + Arrays.toString(dims), op, In.f(d, dims), node, tensor, x -> x.map(f));
    }

    /** The broadcasting cases every binary op gets: equal shapes, a row vector, (2,1)·(1,3), a scalar. */
    static final int[][][] BROADCASTS = {{{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{2, 1}, {1, 3}}, {{}, {2, 3}}};

    static Stream<Row> binary(String op, BinaryOperator<Node> node, BinaryOperator<Tensor> tensor,
            DoubleBinaryOperator f, Domain da, Domain db) {
        return Arrays.stream(BROADCASTS).map(s -> two(op + " " + Arrays.toString(s[0]) + "," + Arrays.toString(s[1]), op,
                In.f(da, s[0]), In.f(db, s[1]), node, tensor, (a, b) -> Ref.zip(a, b, f)));
    }

    static Stream<Row> comparison(String op, BinaryOperator<Node> node, BinaryOperator<Tensor> tensor,
            DoubleBinaryOperator f) {
        return Stream.of(
                two(op + " [2, 3],[2, 3]", op, In.f(GRID, 2, 3), In.f(GRID, 2, 3), node, tensor, (a, b) -> Ref.zip(a, b, f)),
                two(op + " [2, 1],[3]", op, In.f(GRID, 2, 1), In.f(GRID, 3), node, tensor, (a, b) -> Ref.zip(a, b, f)))
                .map(r -> r.withGradient(Gradient.ZERO_AT_TIES));
    }

    static Stream<Row> reductions(String op, UnaryOperator<Node> all, UnaryOperator<Tensor> allT,
            ReductionNode node, ReductionTensor tensor, java.util.function.ToDoubleFunction<double[]> f, Domain d) {
        int[][] axes = {{0}, {1}, {0, 2}, {-1}, {2, 0}};
        boolean[] keep = {false, true, false, true, true};
        List<Row> rows = new ArrayList<>();
        rows.add(one(op + " all axes", op, In.f(d, 2, 3, 4), all, allT, x -> x.reduce(new int[0], false, f)));
        rows.add(one(op + " all axes keepDims", op, In.f(d, 2, 3), x -> node.apply(x, new int[0], true),
                x -> tensor.apply(x, new int[0], true), x -> x.reduce(new int[0], true, f)));
        for (int i = 0; i < axes.length; i++) {
            int[] ax = axes[i];
            boolean k = keep[i];
            rows.add(one(op + " axes " + Arrays.toString(ax) + (k ? " keepDims" : ""), op, In.f(d, 2, 3, 4),
                    x -> node.apply(x, ax, k), x -> tensor.apply(x, ax, k), x -> x.reduce(ax, k, f)));
        }
        return rows.stream();
    }

    @FunctionalInterface
    interface ReductionNode {
        Node apply(Node x, int[] axes, boolean keepDims);
    }

    @FunctionalInterface
    interface ReductionTensor {
        Tensor apply(Tensor x, int[] axes, boolean keepDims);
    }

    static double sigmoidRef(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** atan2 from atan and the quadrant, for b ≠ 0. */
    static double atan2Ref(double a, double b) {
        double t = Math.atan(a / b);
        return b > 0 ? t : a >= 0 ? t + Math.PI : t - Math.PI;
    }

    static double[] softmaxRef(double[] v) {
        double m = Arrays.stream(v).max().orElseThrow();
        double s = 0;
        double[] e = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            e[i] = Math.exp(v[i] - m);
            s += e[i];
        }
        for (int i = 0; i < v.length; i++) {
            e[i] /= s;
        }
        return e;
    }

    static double[] logSoftmaxRef(double[] v) {
        double lse = logSumExpRef(v);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] - lse;
        }
        return out;
    }

    static double logSumExpRef(double[] v) {
        double m = Arrays.stream(v).max().orElseThrow();
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - m);
        }
        return m + Math.log(s);
    }

    static int argmaxRef(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static int argminRef(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double prodRef(double[] v) {
        double p = 1;
        for (double x : v) {
            p *= x;
        }
        return p;
    }

    static double normRef(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static Stream<Row> rows() {
        List<Stream<Row>> parts = new ArrayList<>();

        // ---- elementwise unary
        parts.add(Stream.of(
                unary("abs", Ops::abs, Ops::abs, Math::abs, AWAY_FROM_ZERO, 2, 3),
                unary("sign", Ops::sign, Ops::sign, Math::signum, AWAY_FROM_ZERO, 2, 3).withGradient(Gradient.ZERO),
                unary("ceil", Ops::ceil, Ops::ceil, Math::ceil, NON_INTEGER, 2, 3).withGradient(Gradient.ZERO),
                unary("floor", Ops::floor, Ops::floor, Math::floor, NON_INTEGER, 2, 3).withGradient(Gradient.ZERO),
                unary("sin", Ops::sin, Ops::sin, Math::sin, WIDE, 2, 3),
                unary("cos", Ops::cos, Ops::cos, Math::cos, WIDE, 2, 3),
                unary("tan", Ops::tan, Ops::tan, x -> Math.sin(x) / Math.cos(x), AWAY_FROM_POLES, 2, 3),
                unary("asin", Ops::asin, Ops::asin, x -> Math.atan(x / Math.sqrt(1 - x * x)), INSIDE_UNIT, 2, 3),
                unary("acos", Ops::acos, Ops::acos, x -> Math.PI / 2 - Math.atan(x / Math.sqrt(1 - x * x)), INSIDE_UNIT, 2, 3),
                unary("atan", Ops::atan, Ops::atan, x -> Math.asin(x / Math.sqrt(1 + x * x)), WIDE, 2, 3),
                unary("exp", Ops::exp, Ops::exp, Math::exp, WIDE, 2, 3),
                unary("exp", Ops::exp, Ops::exp, Math::exp, WIDE),
                unary("log", Ops::log, Ops::log, Math::log, POSITIVE, 2, 3),
                unary("log2", Ops::log2, Ops::log2, x -> Math.log(x) / Math.log(2), POSITIVE, 2, 3),
                unary("log10", Ops::log10, Ops::log10, x -> Math.log(x) / Math.log(10), POSITIVE, 2, 3),
                unary("neg", Ops::neg, Ops::neg, x -> -x, UNIT, 2, 3),
                unary("square", Ops::square, Ops::square, x -> x * x, WIDE, 2, 3),
                unary("sqrt", Ops::sqrt, Ops::sqrt, Math::sqrt, POSITIVE, 2, 3),
                unary("inverse", Ops::inverse, Ops::inverse, x -> 1 / x, AWAY_FROM_ZERO, 2, 3),
                unary("inverseSqrt", Ops::inverseSqrt, Ops::inverseSqrt, x -> 1 / Math.sqrt(x), POSITIVE, 2, 3),
                unary("cube", Ops::cube, Ops::cube, x -> x * x * x, WIDE, 2, 3),
                unary("cube", Ops::cube, Ops::cube, x -> x * x * x, UNIT, 2, 2, 2),
                unary("cbrt", Ops::cbrt, Ops::cbrt, x -> Math.copySign(Math.pow(Math.abs(x), 1.0 / 3), x), AWAY_FROM_ZERO, 2, 3),
                unary("sinh", Ops::sinh, Ops::sinh, x -> (Math.exp(x) - Math.exp(-x)) / 2, WIDE, 2, 3),
                unary("cosh", Ops::cosh, Ops::cosh, x -> (Math.exp(x) + Math.exp(-x)) / 2, WIDE, 2, 3),
                unary("tanh", Ops::tanh, Ops::tanh, Math::tanh, WIDE, 2, 3),
                unary("sigmoid", Ops::sigmoid, Ops::sigmoid, OpTableTest::sigmoidRef, WIDE, 2, 3),
                one("sigmoid large |x|", "sigmoid", In.f(Domain.each(r -> (r.nextBoolean() ? 1 : -1) * (20 + 10 * r.nextDouble())), 2, 3),
                        Ops::sigmoid, Ops::sigmoid, x -> x.map(OpTableTest::sigmoidRef)),
                unary("log1p", Ops::log1p, Ops::log1p, Math::log1p, Domain.each(r -> -0.5 + 2 * r.nextDouble()), 2, 3),
                unary("expm1", Ops::expm1, Ops::expm1, Math::expm1, WIDE, 2, 3),
                unary("softplus", Ops::softplus, Ops::softplus, x -> Math.log1p(Math.exp(x)), WIDE, 2, 3),
                one("softplus large |x|", "softplus", In.f(Domain.each(r -> (r.nextBoolean() ? 1 : -1) * (20 + 10 * r.nextDouble())), 2, 3),
                        Ops::softplus, Ops::softplus, x -> x.map(v -> Math.log1p(Math.exp(v)))),
                unary("relu", Ops::relu, Ops::relu, x -> x > 0 ? x : 0, AWAY_FROM_ZERO, 2, 3),
                one("leakyRelu 0.1", "leakyRelu", In.f(AWAY_FROM_ZERO, 2, 3), x -> leakyRelu(x, 0.1), x -> leakyRelu(x, 0.1),
                        x -> x.map(v -> v > 0 ? v : 0.1 * v)),
                one("leakyRelu 0.3 rank 3", "leakyRelu", In.f(AWAY_FROM_ZERO, 2, 2, 3), x -> leakyRelu(x, 0.3),
                        x -> leakyRelu(x, 0.3), x -> x.map(v -> v > 0 ? v : 0.3 * v)),
                unary("step", Ops::step, Ops::step, x -> x > 0 ? 1 : 0, AWAY_FROM_ZERO, 2, 3).withGradient(Gradient.ZERO),
                // Dyadic values and weights make the float32 arithmetic exact, so finite
                // differences with a coarse step (2^-4, also exact) are exact too.
                one("cast float64->float32", "cast", In.f(DYADIC, 2, 3), x -> cast(x, F32), x -> cast(x, F32), x -> x)
                        .withFd(1.0 / 16, FD_TOL).noFloat32(),
                one("cast float32->float64", "cast", In.f32(DYADIC, 2, 3), x -> cast(x, F64), x -> cast(x, F64), x -> x)
                        .withFd(1.0 / 16, FD_TOL).noFloat32(),
                one("cast float64->int32", "cast", In.f(NON_INTEGER, 2, 3), x -> cast(x, DType.INT32),
                        x -> cast(x, DType.INT32), x -> x.map(v -> (double) (long) v)).withGradient(Gradient.ZERO).noFloat32(),
                one("cast float64->bool", "cast", In.f(GRID, 2, 3), x -> cast(x, DType.BOOL), x -> cast(x, DType.BOOL),
                        x -> x.map(v -> v != 0 ? 1 : 0)).withGradient(Gradient.ZERO_AT_TIES).noFloat32(),
                one("cast int32->float64", "cast", In.ints(new int[] {2, 3}, -3, 0, 7, 2, -1, 5), x -> cast(x, F64),
                        x -> cast(x, F64), x -> x).noFloat32()));

        // ---- elementwise binary, with broadcasting
        parts.add(binary("add", Ops::add, Ops::add, Double::sum, UNIT, UNIT));
        parts.add(binary("sub", Ops::sub, Ops::sub, (a, b) -> a - b, UNIT, UNIT));
        parts.add(binary("mul", Ops::mul, Ops::mul, (a, b) -> a * b, UNIT, UNIT));
        parts.add(binary("div", Ops::div, Ops::div, (a, b) -> a / b, UNIT, AWAY_FROM_ZERO));
        parts.add(binary("pow", Ops::pow, Ops::pow, Math::pow, POSITIVE, WIDE));
        parts.add(binary("minBetween", Ops::minBetween, Ops::minBetween, Math::min, GRID_A, GRID_B));
        parts.add(binary("maxBetween", Ops::maxBetween, Ops::maxBetween, Math::max, GRID_A, GRID_B));
        // Both signs on both sides (all four quadrants), never crossing atan2's cut at a = 0, b < 0.
        parts.add(binary("atan2", Ops::atan2, Ops::atan2, OpTableTest::atan2Ref, AWAY_FROM_ZERO, AWAY_FROM_ZERO));
        parts.add(binary("hypot", Ops::hypot, Ops::hypot, (a, b) -> Math.sqrt(a * a + b * b), AWAY_FROM_ZERO, UNIT));
        parts.add(Stream.of(
                one("add x+2.5", "add", In.f(UNIT, 2, 3), x -> add(x, 2.5), x -> add(x, 2.5), x -> x.map(v -> v + 2.5)),
                one("add 2.5+x", "add", In.f(UNIT, 2, 3), x -> add(2.5, x), x -> add(2.5, x), x -> x.map(v -> 2.5 + v)),
                one("sub x-2.5", "sub", In.f(UNIT, 2, 3), x -> sub(x, 2.5), x -> sub(x, 2.5), x -> x.map(v -> v - 2.5)),
                one("sub 2.5-x", "sub", In.f(UNIT, 2, 3), x -> sub(2.5, x), x -> sub(2.5, x), x -> x.map(v -> 2.5 - v)),
                one("mul x*-1.5", "mul", In.f(UNIT, 2, 3), x -> mul(x, -1.5), x -> mul(x, -1.5), x -> x.map(v -> v * -1.5)),
                one("mul -1.5*x", "mul", In.f(UNIT, 2, 3), x -> mul(-1.5, x), x -> mul(-1.5, x), x -> x.map(v -> -1.5 * v)),
                one("div x/-1.5", "div", In.f(UNIT, 2, 3), x -> div(x, -1.5), x -> div(x, -1.5), x -> x.map(v -> v / -1.5)),
                one("div -1.5/x", "div", In.f(AWAY_FROM_ZERO, 2, 3), x -> div(-1.5, x), x -> div(-1.5, x),
                        x -> x.map(v -> -1.5 / v)),
                one("pow x^3", "pow", In.f(POSITIVE, 2, 3), x -> pow(x, 3.0), x -> pow(x, 3.0), x -> x.map(v -> Math.pow(v, 3))),
                one("pow x^-0.5", "pow", In.f(POSITIVE, 2, 3), x -> pow(x, -0.5), x -> pow(x, -0.5),
                        x -> x.map(v -> Math.pow(v, -0.5))),
                one("pow 2^x", "pow", In.f(WIDE, 2, 3), x -> pow(2.0, x), x -> pow(2.0, x), x -> x.map(v -> Math.pow(2, v))),
                one("pow x^x (both sides)", "pow", In.f(POSITIVE, 2, 3), x -> pow(x, x), x -> pow(x, x),
                        x -> x.map(v -> Math.pow(v, v)))));

        // ---- comparisons (BOOL results, no gradient)
        parts.add(comparison("lt", Ops::lt, Ops::lt, (a, b) -> a < b ? 1 : 0));
        parts.add(comparison("gt", Ops::gt, Ops::gt, (a, b) -> a > b ? 1 : 0));
        parts.add(comparison("lte", Ops::lte, Ops::lte, (a, b) -> a <= b ? 1 : 0));
        parts.add(comparison("gte", Ops::gte, Ops::gte, (a, b) -> a >= b ? 1 : 0));
        parts.add(comparison("eq", Ops::eq, Ops::eq, (a, b) -> a == b ? 1 : 0));
        parts.add(comparison("ne", Ops::ne, Ops::ne, (a, b) -> a != b ? 1 : 0));

        // ---- linear algebra
        parts.add(Stream.of(
                two("matMul (2,3)(3,4)", "matMul", In.f(UNIT, 2, 3), In.f(UNIT, 3, 4), Ops::matMul, Ops::matMul,
                        (a, b) -> Ref.matMul(a, b, false, false)),
                matMulRow(false, false, new int[] {2, 3}, new int[] {3, 4}),
                matMulRow(true, false, new int[] {3, 2}, new int[] {3, 4}),
                matMulRow(false, true, new int[] {2, 3}, new int[] {4, 3}),
                matMulRow(true, true, new int[] {3, 2}, new int[] {4, 3}),
                two("matVec (3,4)(4)", "matVec", In.f(UNIT, 3, 4), In.f(UNIT, 4), Ops::matVec, Ops::matVec,
                        (a, v) -> Ref.matMul(a, v.reshape(4, 1), false, false).reshape(3)),
                two("dot (5)(5)", "dot", In.f(UNIT, 5), In.f(UNIT, 5), Ops::dot, Ops::dot,
                        (u, v) -> Ref.matMul(u.reshape(1, 5), v.reshape(5, 1), false, false).reshape()),
                two("outer (3)(4)", "outer", In.f(UNIT, 3), In.f(UNIT, 4), Ops::outer, Ops::outer,
                        (u, v) -> Ref.matMul(u.reshape(3, 1), v.reshape(1, 4), false, false)),
                two("batchedMatMul (2,3,4)(2,4,2)", "batchedMatMul", In.f(UNIT, 2, 3, 4), In.f(UNIT, 2, 4, 2),
                        Ops::batchedMatMul, Ops::batchedMatMul, (a, b) -> Ref.batchedMatMul(a, b, false, false)),
                // Ops has no Tensor overload of batchedMatMul with flags; the eager side applies the op directly.
                batchedMatMulRow(true, false, new int[] {2, 4, 3}, new int[] {2, 4, 2}),
                batchedMatMulRow(false, true, new int[] {2, 3, 4}, new int[] {2, 2, 4}),
                batchedMatMulRow(true, true, new int[] {2, 4, 3}, new int[] {2, 2, 4}),
                tensordotRow(new int[] {2, 3, 4}, new int[] {4, 3, 2}, new int[] {1, 2}, new int[] {1, 0}),
                tensordotRow(new int[] {2, 3, 4}, new int[] {3, 5}, new int[] {1}, new int[] {0}),
                tensordotRow(new int[] {2, 3, 4}, new int[] {2, 4}, new int[] {-1}, new int[] {-1}),
                tensordotRow(new int[] {2, 3}, new int[] {2, 3}, new int[] {0, 1}, new int[] {0, 1}),
                tensordotRow(new int[] {3, 2}, new int[] {4}, new int[] {}, new int[] {})));

        // ---- reductions
        parts.add(reductions("sum", Ops::sum, Ops::sum, Ops::sum, Ops::sum, v -> Arrays.stream(v).sum(), UNIT));
        parts.add(reductions("mean", Ops::mean, Ops::mean, Ops::mean, Ops::mean,
                v -> Arrays.stream(v).sum() / v.length, UNIT));
        parts.add(reductions("max", Ops::max, Ops::max, Ops::max, Ops::max, v -> Arrays.stream(v).max().orElseThrow(),
                DISTINCT));
        parts.add(reductions("min", Ops::min, Ops::min, Ops::min, Ops::min, v -> Arrays.stream(v).min().orElseThrow(),
                DISTINCT));
        parts.add(reductions("prod", Ops::prod, Ops::prod, Ops::prod, Ops::prod, OpTableTest::prodRef,
                Domain.each(r -> (r.nextBoolean() ? 1 : -1) * (0.7 + 0.6 * r.nextDouble()))));
        parts.add(reductions("logSumExp", Ops::logSumExp, Ops::logSumExp, Ops::logSumExp, Ops::logSumExp,
                OpTableTest::logSumExpRef, WIDE));
        parts.add(reductions("norm", Ops::norm, Ops::norm, Ops::norm, Ops::norm, OpTableTest::normRef, UNIT));
        parts.add(Stream.of(
                one("prod with a zero", "prod", In.f(WITH_A_ZERO, 3, 4), x -> prod(x, 1), x -> prod(x, 1),
                        x -> x.reduce(new int[] {1}, false, OpTableTest::prodRef)),
                one("prod with two zeros", "prod", In.f(WITH_TWO_ZEROS, 3, 4), x -> prod(x, 1), x -> prod(x, 1),
                        x -> x.reduce(new int[] {1}, false, OpTableTest::prodRef)),
                one("prod all with a zero", "prod", In.f(WITH_A_ZERO, 2, 3), x -> prod(x), x -> prod(x),
                        x -> x.reduce(new int[0], false, OpTableTest::prodRef)),
                one("logSumExp large", "logSumExp", In.f(Domain.each(r -> 700 + 10 * r.nextDouble()), 2, 3),
                        x -> logSumExp(x, 1), x -> logSumExp(x, 1), x -> x.reduce(new int[] {1}, false, OpTableTest::logSumExpRef))
                        .noFloat32()));
        for (int axis : new int[] {0, 1, -1}) {
            parts.add(Stream.of(
                    one("argmax axis " + axis, "argmax", In.f(DISTINCT, 3, 4), x -> argmax(x, axis), x -> argmax(x, axis),
                            x -> x.argLines(axis, OpTableTest::argmaxRef)).withGradient(Gradient.ZERO),
                    one("argmin axis " + axis, "argmin", In.f(DISTINCT, 3, 4), x -> argmin(x, axis), x -> argmin(x, axis),
                            x -> x.argLines(axis, OpTableTest::argminRef)).withGradient(Gradient.ZERO)));
        }

        // ---- softmax
        for (int[] s : new int[][] {{2, 3, 1}, {2, 3, 0}, {2, 3, -1}, {4, -2}}) {
            int[] dims = s.length == 3 ? new int[] {s[0], s[1]} : new int[] {2, s[0], 3};
            int axis = s[s.length - 1];
            parts.add(Stream.of(
                    one("softmax " + Arrays.toString(dims) + " axis " + axis, "softmax", In.f(WIDE, dims),
                            x -> softmax(x, axis), x -> softmax(x, axis), x -> x.lines(axis, OpTableTest::softmaxRef)),
                    one("logSoftmax " + Arrays.toString(dims) + " axis " + axis, "logSoftmax", In.f(WIDE, dims),
                            x -> logSoftmax(x, axis), x -> logSoftmax(x, axis), x -> x.lines(axis, OpTableTest::logSoftmaxRef))));
        }

        // ---- shape
        parts.add(Stream.of(
                one("reshape (2,3,4)->(4,-1)", "reshape", In.f(UNIT, 2, 3, 4), x -> reshape(x, 4, -1), x -> reshape(x, 4, -1),
                        x -> x.reshape(4, 6)),
                one("reshape (6,4)->(2,-1,3)", "reshape", In.f(UNIT, 6, 4), x -> reshape(x, 2, -1, 3),
                        x -> reshape(x, 2, -1, 3), x -> x.reshape(2, 4, 3)),
                one("transpose (2,3,4) perm 2,0,1", "transpose", In.f(UNIT, 2, 3, 4), x -> transpose(x, 2, 0, 1),
                        x -> transpose(x, 2, 0, 1), x -> x.transpose(2, 0, 1)),
                one("transpose (2,3,4) reversed", "transpose", In.f(UNIT, 2, 3, 4), x -> transpose(x), x -> transpose(x),
                        x -> x.transpose(2, 1, 0)),
                one("transpose (2,3) perm -1,0", "transpose", In.f(UNIT, 2, 3), x -> transpose(x, 1, 0), x -> transpose(x, 1, 0),
                        x -> x.transpose(1, 0)),
                one("slice [3:0:-1, 0::2]", "slice", In.f(UNIT, 4, 5),
                        x -> slice(x, Range.of(3, 0, -1), Range.of(0, SliceSpec.END, 2)),
                        x -> slice(x, Range.of(3, 0, -1), Range.of(0, SliceSpec.END, 2)),
                        x -> x.pick(new int[] {3, 2, 1}, new int[] {0, 2, 4})),
                one("slice axis 1 [-1:-6:-2]", "slice", In.f(UNIT, 4, 5), x -> slice(x, 1, -1, -6, -2),
                        x -> slice(x, 1, -1, -6, -2), x -> x.pick(null, new int[] {4, 2, 0})),
                one("slice axis 0 [1:3]", "slice", In.f(UNIT, 4, 5), x -> slice(x, 0, 1, 3, 1), x -> slice(x, 0, 1, 3, 1),
                        x -> x.pick(new int[] {1, 2})),
                one("slice axis -1 [-2:] of rank 3", "slice", In.f(UNIT, 2, 3, 4), x -> slice(x, -1, -2, SliceSpec.END, 1),
                        x -> slice(x, -1, -2, SliceSpec.END, 1), x -> x.pick(null, null, new int[] {2, 3})),
                one("slice [::2, 4:0:-3]", "slice", In.f(UNIT, 5, 5),
                        x -> slice(x, Range.of(0, SliceSpec.END, 2), Range.of(4, 0, -3)),
                        x -> slice(x, Range.of(0, SliceSpec.END, 2), Range.of(4, 0, -3)),
                        x -> x.pick(new int[] {0, 2, 4}, new int[] {4, 1})),
                // x[3::-1]: SliceSpec.END ends a negative-step range at the start of the axis.
                one("slice [3:END:-1] (to the start)", "slice", In.f(UNIT, 4, 2),
                        x -> slice(x, Range.of(3, SliceSpec.END, -1)), x -> slice(x, Range.of(3, SliceSpec.END, -1)),
                        x -> x.pick(new int[] {3, 2, 1, 0})),
                row("concat axis 0 of 3", "concat", List.of(In.f(UNIT, 1, 3), In.f(UNIT, 2, 3), In.f(UNIT, 3, 3)),
                        l -> concat(0, l.get(0), l.get(1), l.get(2)), l -> concat(0, l.get(0), l.get(1), l.get(2)),
                        l -> Ref.concat(0, l.get(0), l.get(1), l.get(2))),
                row("concat axis 1 of 3", "concat", List.of(In.f(UNIT, 2, 1), In.f(UNIT, 2, 2), In.f(UNIT, 2, 3)),
                        l -> concat(1, l.get(0), l.get(1), l.get(2)), l -> concat(1, l.get(0), l.get(1), l.get(2)),
                        l -> Ref.concat(1, l.get(0), l.get(1), l.get(2))),
                row("concat axis -1 of 3, rank 3", "concat", List.of(In.f(UNIT, 2, 2, 1), In.f(UNIT, 2, 2, 3), In.f(UNIT, 2, 2, 2)),
                        l -> concat(-1, l.get(0), l.get(1), l.get(2)), l -> concat(-1, l.get(0), l.get(1), l.get(2)),
                        l -> Ref.concat(-1, l.get(0), l.get(1), l.get(2))),
                row("concat axis 1, same part twice", "concat", List.of(In.f(UNIT, 2, 2), In.f(UNIT, 2, 1)),
                        l -> concat(1, l.get(0), l.get(1), l.get(0)), l -> concat(1, l.get(0), l.get(1), l.get(0)),
                        l -> Ref.concat(1, l.get(0), l.get(1), l.get(0))),
                one("split (6,4) axis 0 in 3, part 1", "split", In.f(UNIT, 6, 4), x -> split(x, 0, 3).get(1),
                        x -> split(x, 0, 3).get(1), x -> x.pick(new int[] {2, 3})),
                one("split (2,6) axis 1 in 2, part 0", "split", In.f(UNIT, 2, 6), x -> split(x, 1, 2).get(0),
                        x -> split(x, 1, 2).get(0), x -> x.pick(null, new int[] {0, 1, 2})),
                one("split (2,3,4) axis -1 in 4, part 3", "split", In.f(UNIT, 2, 3, 4), x -> split(x, -1, 4).get(3),
                        x -> split(x, -1, 4).get(3), x -> x.pick(null, null, new int[] {3})),
                one("split parts concatenated in another order", "split", In.f(UNIT, 6, 2),
                        x -> concat(0, split(x, 0, 3).get(2), split(x, 0, 3).get(0)),
                        x -> concat(0, split(x, 0, 3).get(2), split(x, 0, 3).get(0)),
                        x -> x.pick(new int[] {4, 5, 0, 1})),
                one("broadcastTo (3)->(2,3)", "broadcastTo", In.f(UNIT, 3), x -> broadcastTo(x, 2, 3),
                        x -> broadcastTo(x, 2, 3), x -> x.broadcastTo(2, 3)),
                one("broadcastTo (2,1)->(4,2,3)", "broadcastTo", In.f(UNIT, 2, 1), x -> broadcastTo(x, 4, 2, 3),
                        x -> broadcastTo(x, 4, 2, 3), x -> x.broadcastTo(4, 2, 3)),
                one("broadcastTo ()->(2,2)", "broadcastTo", In.f(UNIT), x -> broadcastTo(x, 2, 2), x -> broadcastTo(x, 2, 2),
                        x -> x.broadcastTo(2, 2)),
                one("index (3,4) axis 0 at 1", "index", In.f(UNIT, 3, 4), x -> index(x, 0, 1), x -> index(x, 0, 1),
                        x -> x.pick(new int[] {1}).squeeze(0)),
                one("index (3,4) axis 1 at -1", "index", In.f(UNIT, 3, 4), x -> index(x, 1, -1), x -> index(x, 1, -1),
                        x -> x.pick(null, new int[] {3}).squeeze(1)),
                one("index (2,3,4) axis -1 at 2", "index", In.f(UNIT, 2, 3, 4), x -> index(x, -1, 2), x -> index(x, -1, 2),
                        x -> x.pick(null, null, new int[] {2}).squeeze(2)),
                one("at (3,4) [2,1]", "at", In.f(UNIT, 3, 4), x -> at(x, 2, 1), x -> at(x, 2, 1),
                        x -> new Ref(new int[0], new double[] {x.get(2, 1)})),
                one("at (2,3,4) [-1,0,3]", "at", In.f(UNIT, 2, 3, 4), x -> at(x, -1, 0, 3), x -> at(x, -1, 0, 3),
                        x -> new Ref(new int[0], new double[] {x.get(1, 0, 3)})),
                gatherRow("gather (4,3) axis 0 at [2,0,2,3]", In.f(UNIT, 4, 3), In.ints(new int[] {4}, 2, 0, 2, 3), 0),
                gatherRow("gather (2,5) axis 1 at [[1,1],[4,0]]", In.f(UNIT, 2, 5), In.ints(new int[] {2, 2}, 1, 1, 4, 0), 1),
                gatherRow("gather (3,4,2) axis -2 at [3,3,0]", In.f(UNIT, 3, 4, 2), In.ints(new int[] {3}, 3, 3, 0), -2),
                gatherRow("gather (3) axis 0 at scalar 1", In.f(UNIT, 3), In.ints(new int[0], 1), 0),
                one("oneHot [2,0,2,1] depth 3", "oneHot", In.ints(new int[] {4}, 2, 0, 2, 1), x -> oneHot(x, 3, F64),
                        x -> oneHot(x, 3, F64), x -> x.oneHot(3)),
                one("oneHot (2,2) depth 4 float32", "oneHot", In.ints(new int[] {2, 2}, 3, 0, 3, 1), x -> oneHot(x, 4, F32),
                        x -> oneHot(x, 4, F32), x -> x.oneHot(4))));

        // ---- neural-network activations
        parts.add(Stream.of(
                unary("erf", Ops::erf, Ops::erf, Ref::erfSeries, Domain.each(r -> -2 + 4 * r.nextDouble()), 2, 3),
                unary("elu", Ops::elu, Ops::elu, x -> x > 0 ? x : Math.exp(x) - 1, AWAY_FROM_ZERO, 2, 3),
                one("elu alpha 0.5", "elu", In.f(WIDE, 2, 3), x -> elu(x, 0.5), x -> elu(x, 0.5),
                        x -> x.map(v -> v > 0 ? v : 0.5 * (Math.exp(v) - 1))),
                unary("gelu", Ops::gelu, Ops::gelu, x -> 0.5 * x * (1 + Ref.erfSeries(x / Math.sqrt(2))), WIDE, 2, 3),
                unary("mish", Ops::mish, Ops::mish, x -> x * Math.tanh(Math.log(1 + Math.exp(x))), WIDE, 2, 3)));

        // ---- convolution and pooling
        parts.add(Stream.of(
                two("conv2d (2,3,5,5)*(4,3,3,3)", "conv2d", In.f(UNIT, 2, 3, 5, 5), In.f(UNIT, 4, 3, 3, 3), Ops::conv2d,
                        Ops::conv2d, (x, w) -> Ref.conv2d(x, w, 1, 1, 0, 0, 1, 1)),
                two("conv2d stride 2 padding 1", "conv2d", In.f(UNIT, 1, 2, 6, 5), In.f(UNIT, 3, 2, 3, 2),
                        (x, w) -> conv2d(x, w, 2, 1, 1), (x, w) -> conv2d(x, w, 2, 1, 1),
                        (x, w) -> Ref.conv2d(x, w, 2, 2, 1, 1, 1, 1)),
                two("conv2d stride 3 padding 1 dilation 2 (uneven)", "conv2d", In.f(UNIT, 2, 1, 7, 7), In.f(UNIT, 2, 1, 2, 2),
                        (x, w) -> conv2d(x, w, 3, 1, 2), (x, w) -> conv2d(x, w, 3, 1, 2),
                        (x, w) -> Ref.conv2d(x, w, 3, 3, 1, 1, 2, 2)),
                two("conv2d pairs stride (2,1) padding (1,0) dilation (2,1)", "conv2d", In.f(UNIT, 2, 2, 7, 6),
                        In.f(UNIT, 2, 2, 2, 3),
                        (x, w) -> conv2d(x, w, new int[] {2, 1}, new int[] {1, 0}, new int[] {2, 1}),
                        (x, w) -> conv2d(x, w, new int[] {2, 1}, new int[] {1, 0}, new int[] {2, 1}),
                        (x, w) -> Ref.conv2d(x, w, 2, 1, 1, 0, 2, 1)),
                one("maxPool2d kernel 2 stride 2", "maxPool2d", In.f(DISTINCT, 2, 2, 5, 5), x -> maxPool2d(x, 2, 2, 0),
                        x -> maxPool2d(x, 2, 2, 0), x -> Ref.pool2d(x, 2, 2, 2, 2, 0, 0, (v, n) -> Arrays.stream(v).max().orElseThrow())),
                one("maxPool2d kernel 3 stride 2 padding 1", "maxPool2d", In.f(DISTINCT, 1, 2, 5, 6), x -> maxPool2d(x, 3, 2, 1),
                        x -> maxPool2d(x, 3, 2, 1), x -> Ref.pool2d(x, 3, 3, 2, 2, 1, 1, (v, n) -> Arrays.stream(v).max().orElseThrow())),
                one("maxPool2d pairs kernel (2,3) stride (1,2) padding (1,1)", "maxPool2d", In.f(DISTINCT, 1, 2, 4, 5),
                        x -> maxPool2d(x, new int[] {2, 3}, new int[] {1, 2}, new int[] {1, 1}),
                        x -> maxPool2d(x, new int[] {2, 3}, new int[] {1, 2}, new int[] {1, 1}),
                        x -> Ref.pool2d(x, 2, 3, 1, 2, 1, 1, (v, n) -> Arrays.stream(v).max().orElseThrow())),
                one("avgPool2d kernel 2 stride 2", "avgPool2d", In.f(UNIT, 2, 2, 5, 5), x -> avgPool2d(x, 2, 2, 0),
                        x -> avgPool2d(x, 2, 2, 0), x -> Ref.pool2d(x, 2, 2, 2, 2, 0, 0, (v, n) -> Arrays.stream(v).sum() / n)),
                one("avgPool2d kernel 3 stride 2 padding 1", "avgPool2d", In.f(UNIT, 1, 2, 5, 6), x -> avgPool2d(x, 3, 2, 1),
                        x -> avgPool2d(x, 3, 2, 1), x -> Ref.pool2d(x, 3, 3, 2, 2, 1, 1, (v, n) -> Arrays.stream(v).sum() / n)),
                one("avgPool2d pairs, padding not counted", "avgPool2d", In.f(UNIT, 1, 2, 4, 5),
                        x -> avgPool2d(x, new int[] {2, 3}, new int[] {1, 2}, new int[] {1, 1}, false),
                        x -> avgPool2d(x, new int[] {2, 3}, new int[] {1, 2}, new int[] {1, 1}, false),
                        x -> Ref.pool2d(x, 2, 3, 1, 2, 1, 1, (v, n) -> Arrays.stream(v).sum() / v.length)),
                one("globalAvgPool2d (2,3,4,5)", "globalAvgPool2d", In.f(UNIT, 2, 3, 4, 5), Ops::globalAvgPool2d,
                        Ops::globalAvgPool2d, x -> x.reduce(new int[] {2, 3}, false, v -> Arrays.stream(v).sum() / v.length))));

        // ---- dropout, batch normalization, embedding (train-mode dropout has its own tests below)
        Ref bnMean = new Ref(new int[] {3}, new double[] {0.25, -0.5, 0.125});
        Ref bnVariance = new Ref(new int[] {3}, new double[] {0.5, 2.0, 1.25});
        parts.add(Stream.of(
                one("dropout eval is the identity", "dropout", In.f(UNIT, 2, 3), x -> dropout(x, 0.5, false, 7),
                        x -> dropout(x, 0.5, false, 7), x -> x),
                one("dropout train p=0 keeps every element", "dropout", In.f(UNIT, 2, 3), x -> dropout(x, 0.0, true, 7),
                        x -> dropout(x, 0.0, true, 7), x -> x),
                row("batchNorm train (4,3)", "batchNorm", List.of(In.f(WIDE, 4, 3), In.f(UNIT, 3), In.f(UNIT, 3)),
                        l -> batchNorm(l.get(0), l.get(1), l.get(2), BatchNormState.of(3), true),
                        l -> batchNorm(l.get(0), l.get(1), l.get(2), BatchNormState.of(3), true),
                        l -> Ref.batchNorm(l.get(0), l.get(1), l.get(2), null, null, 1e-5)),
                row("batchNorm train NCHW (2,3,2,2)", "batchNorm", List.of(In.f(WIDE, 2, 3, 2, 2), In.f(UNIT, 3), In.f(UNIT, 3)),
                        l -> batchNorm(l.get(0), l.get(1), l.get(2), BatchNormState.of(3), true),
                        l -> batchNorm(l.get(0), l.get(1), l.get(2), BatchNormState.of(3), true),
                        l -> Ref.batchNorm(l.get(0), l.get(1), l.get(2), null, null, 1e-5)),
                row("batchNorm eval NCHW (2,3,2,2)", "batchNorm", List.of(In.f(WIDE, 2, 3, 2, 2), In.f(UNIT, 3), In.f(UNIT, 3)),
                        l -> batchNorm(l.get(0), l.get(1), l.get(2), loaded(bnMean, bnVariance), false),
                        l -> batchNorm(l.get(0), l.get(1), l.get(2), loaded(bnMean, bnVariance), false),
                        l -> Ref.batchNorm(l.get(0), l.get(1), l.get(2), bnMean.data, bnVariance.data, 1e-5)),
                two("embedding (5,3) at (2,3) ids", "embedding", In.f(UNIT, 5, 3), In.ints(new int[] {2, 3}, 4, 0, 4, 2, 1, 4),
                        Ops::embedding, Ops::embedding, (w, i) -> w.take(i, 0))));

        // ---- losses
        Domain probability = Domain.each(r -> 0.1 + 0.8 * r.nextDouble());
        Domain target = Domain.each(Random::nextDouble);
        parts.add(Stream.of(
                two("softmaxCrossEntropy soft targets (3,4)", "softmaxCrossEntropy", In.f(WIDE, 3, 4), In.f(target, 3, 4),
                        Ops::softmaxCrossEntropy, Ops::softmaxCrossEntropy, Ref::softmaxCrossEntropy),
                two("softmaxCrossEntropy class indices (3,4)", "softmaxCrossEntropy", In.f(WIDE, 3, 4),
                        In.ints(new int[] {3}, 2, 0, 3), Ops::softmaxCrossEntropy, Ops::softmaxCrossEntropy,
                        (z, i) -> Ref.softmaxCrossEntropy(z, i.oneHot(4))),
                two("softmaxCrossEntropy large logits", "softmaxCrossEntropy",
                        In.f(Domain.each(r -> 500 + 50 * r.nextDouble()), 2, 3), In.ints(new int[] {2}, 1, 2),
                        Ops::softmaxCrossEntropy, Ops::softmaxCrossEntropy, (z, i) -> Ref.softmaxCrossEntropy(z, i.oneHot(3)))
                        .noFloat32(),
                two("binaryCrossEntropy (2,3)", "binaryCrossEntropy", In.f(probability, 2, 3), In.f(target, 2, 3),
                        Ops::binaryCrossEntropy, Ops::binaryCrossEntropy,
                        (p, t) -> Ref.zip(p, t, (a, b) -> -(b * Math.log(a) + (1 - b) * Math.log(1 - a))).meanAll()),
                two("binaryCrossEntropyWithLogits (2,3)", "binaryCrossEntropyWithLogits", In.f(WIDE, 2, 3), In.f(target, 2, 3),
                        Ops::binaryCrossEntropyWithLogits, Ops::binaryCrossEntropyWithLogits,
                        (z, t) -> Ref.zip(z, t, (a, b) -> -(b * Math.log(sigmoidRef(a)) + (1 - b) * Math.log(1 - sigmoidRef(a))))
                                .meanAll()),
                two("binaryCrossEntropyWithLogits large |z|", "binaryCrossEntropyWithLogits",
                        In.f(Domain.each(r -> (r.nextBoolean() ? 1 : -1) * (40 + 10 * r.nextDouble())), 2, 3), In.f(target, 2, 3),
                        Ops::binaryCrossEntropyWithLogits, Ops::binaryCrossEntropyWithLogits,
                        (z, t) -> Ref.zip(z, t, (a, b) -> Math.max(a, 0) - a * b + Math.log1p(Math.exp(-Math.abs(a)))).meanAll()),
                two("meanSquaredError (2,3)", "meanSquaredError", In.f(UNIT, 2, 3), In.f(UNIT, 2, 3), Ops::meanSquaredError,
                        Ops::meanSquaredError, (p, t) -> Ref.zip(p, t, (a, b) -> (a - b) * (a - b)).meanAll())));

        return parts.stream().flatMap(s -> s);
    }

    /** A batch-norm state over 3 channels holding the given running statistics. */
    static BatchNormState loaded(Ref mean, Ref variance) {
        BatchNormState s = BatchNormState.of(3);
        s.load(Tensor.of(mean.data.clone(), 3), Tensor.of(variance.data.clone(), 3));
        return s;
    }

    static Row matMulRow(boolean ta, boolean tb, int[] a, int[] b) {
        return two("matMul " + Arrays.toString(a) + (ta ? "ᵀ" : "") + Arrays.toString(b) + (tb ? "ᵀ" : ""), "matMul",
                In.f(UNIT, a), In.f(UNIT, b), (x, y) -> matMul(x, y, ta, tb), (x, y) -> matMul(x, y, ta, tb),
                (x, y) -> Ref.matMul(x, y, ta, tb));
    }

    static Row batchedMatMulRow(boolean ta, boolean tb, int[] a, int[] b) {
        return two("batchedMatMul " + Arrays.toString(a) + (ta ? "ᵀ" : "") + Arrays.toString(b) + (tb ? "ᵀ" : ""),
                "batchedMatMul", In.f(UNIT, a), In.f(UNIT, b), (x, y) -> batchedMatMul(x, y, ta, tb),
                (x, y) -> batchedMatMul(x, y, ta, tb),
                (x, y) -> Ref.batchedMatMul(x, y, ta, tb));
    }

    static Row tensordotRow(int[] a, int[] b, int[] axesA, int[] axesB) {
        return two("tensordot " + Arrays.toString(a) + Arrays.toString(b) + " axes " + Arrays.toString(axesA)
                + Arrays.toString(axesB), "tensordot", In.f(UNIT, a), In.f(UNIT, b), (x, y) -> tensordot(x, y, axesA, axesB),
                (x, y) -> tensordot(x, y, axesA, axesB), (x, y) -> Ref.tensordot(x, y, axesA, axesB));
    }

    static Row gatherRow(String name, In x, In indices, int axis) {
        return two(name, "gather", x, indices, (v, i) -> gather(v, i, axis), (v, i) -> gather(v, i, axis),
                (v, i) -> v.take(i, axis));
    }

    // ================================================================ evaluation

    /** The row's inputs, float ones generated in FLOAT64 (the row's dtype) or rounded to {@code floatType}. */
    static List<Tensor> inputs(Row row, DType floatType) {
        Random r = new Random(row.name().hashCode());
        List<Tensor> out = new ArrayList<>();
        for (In in : row.inputs()) {
            if (!in.isFloat()) {
                out.add(Tensor.ofInts(in.ints().clone(), in.dims()));
                continue;
            }
            double[] values = in.domain().fill(r, Ref.size(in.dims()));
            DType dtype = in.dtype() == F64 ? floatType : in.dtype();
            Tensor t = Tensor.zeros(dtype, in.dims());
            for (int k = 0; k < values.length; k++) {
                t.setFlat(k, values[k]);
            }
            out.add(t);
        }
        return out;
    }

    /** The fixed weights W of the cost sum(op(x) * W): multiples of 1/256, never 0, exact in float32. */
    static Tensor weights(Row row, Tensor output) {
        Random r = new Random(row.name().hashCode() * 31L + 7);
        DType dtype = output.dtype().isFloat() ? output.dtype() : F64;
        Tensor w = Tensor.zeros(dtype, output.shape());
        for (int k = 0; k < w.size(); k++) {
            int v = r.nextInt(512) - 256;
            w.setFlat(k, (v >= 0 ? v + 1 : v) / 256.0);
        }
        return w;
    }

    static Node cost(Node out, Tensor w) {
        Node y = out.dtype().isFloat() ? out : cast(out, F64);
        return sum(mul(y, out.graph().constant(w)));
    }

    static double costValue(Tensor out, Tensor w) {
        double s = 0;
        for (int k = 0; k < out.size(); k++) {
            s += out.getFlat(k) * w.getFlat(k);
        }
        return s;
    }

    static List<Node> inputNodes(Graph g, List<Tensor> values) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            nodes.add(g.input("x" + i, values.get(i).copy()));
        }
        return nodes;
    }

    static Tensor eager(Row row, List<Tensor> inputs) {
        List<Tensor> copies = new ArrayList<>();
        for (Tensor t : inputs) {
            copies.add(t.copy());
        }
        return row.tensor().apply(copies);
    }

    static Tensor onTape(Row row, List<Tensor> inputs) {
        Graph g = new Graph();
        Node out = row.node().apply(inputNodes(g, inputs));
        try (TapeMachine m = TapeMachine.builder(g).keep(out).build()) {
            m.runAll();
            return out.value().copy();
        }
    }

    static Tensor onLisp(Row row, List<Tensor> inputs) {
        Graph g = new Graph();
        Node out = row.node().apply(inputNodes(g, inputs));
        try (LispMachine m = LispMachine.builder(g).forwardOnly().build()) {
            m.runAll();
            return out.value().copy();
        }
    }

    static List<Ref> refs(List<Tensor> inputs) {
        return inputs.stream().map(Ref::of).collect(Collectors.toList());
    }

    // ================================================================ assertions

    static void assertClose(Ref expected, Tensor actual, double rtol, double atol, String what) {
        assertArrayEquals(expected.shape, actual.shape().dims(), what + ": shape");
        for (int k = 0; k < expected.data.length; k++) {
            double e = expected.data[k];
            double a = actual.getFlat(k);
            if (!(Math.abs(e - a) <= atol + rtol * Math.abs(e)) && !(Double.isNaN(e) && Double.isNaN(a))
                    && !(e == a)) {
                fail(what + ": element " + k + " " + Arrays.toString(expected.coords(k)) + " expected " + e + " but was " + a
                        + "\n expected " + Arrays.toString(expected.data) + "\n actual   " + Arrays.toString(Ref.of(actual).data));
            }
        }
    }

    static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        assertClose(Ref.of(expected), actual, rtol, atol, what);
    }

    static void assertAllZero(Tensor t, String what) {
        for (int k = 0; k < t.size(); k++) {
            assertEquals(0.0, t.getFlat(k), 0.0, what + ": element " + k + " of " + t);
        }
    }

    // ================================================================ tests

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void forwardMatchesReferenceOnEveryPath(Row row) {
        List<Tensor> in = inputs(row, F64);
        Ref expected = row.reference().apply(refs(in));
        Tensor eager = row.tensor().apply(new ArrayList<>(in));
        assertClose(expected, eager, FORWARD_TOL, FORWARD_TOL, "eager");
        assertClose(expected, onTape(row, in), FORWARD_TOL, FORWARD_TOL, "TapeMachine");
        assertClose(expected, onLisp(row, in), FORWARD_TOL, FORWARD_TOL, "LispMachine");
        for (int i = 0; i < in.size(); i++) {
            assertClose(Ref.of(inputs(row, F64).get(i)), in.get(i), 0, 0, "input " + i + " must be left alone");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void gradientsMatchFiniteDifferencesOnBothMachines(Row row) {
        List<Tensor> in = inputs(row, F64);
        Tensor out = eager(row, in);
        Tensor w = weights(row, out);
        List<Integer> wrt = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            if (in.get(i).dtype().isFloat()) {
                wrt.add(i);
            }
        }

        // Integer inputs (indices) take no gradient: Grad.of refuses them, and the op's rule says none.
        Graph gi = new Graph();
        List<Node> nodesI = inputNodes(gi, in);
        Node outI = row.node().apply(nodesI);
        Node costI = cost(outI, w);
        for (int i = 0; i < in.size(); i++) {
            if (in.get(i).dtype().isFloat()) {
                continue;
            }
            Node intNode = nodesI.get(i);
            assertThrows(IllegalArgumentException.class, () -> Grad.of(costI, intNode), "Grad.of wrt an int32 input");
            int position = outI.inputs().indexOf(intNode);
            if (position >= 0) {
                List<Partial<Tensor>> partials = outI.op().vjp(EagerBuilder.INSTANCE, in, out, Tensor.ones(out.dtype(), out.shape()));
                assertFalse(partials.get(position).isPresent(), "the rule must give no gradient to the int32 input");
            }
        }
        if (wrt.isEmpty()) {
            return;
        }

        // (a) Grad.of + TapeMachine, read from the gradient nodes and from bindGradients().
        Graph g = new Graph();
        List<Node> nodes = inputNodes(g, in);
        Node c = cost(row.node().apply(nodes), w);
        Node[] wrtNodes = wrt.stream().map(nodes::get).toArray(Node[]::new);
        List<Node> grads = Grad.of(c, wrtNodes);
        List<Tensor> tape = new ArrayList<>();
        List<Tensor> bound = new ArrayList<>();
        try (TapeMachine m = TapeMachine.builder(g).bindGradients().build()) {
            m.runAll();
            assertEquals(costValue(out, w), c.scalarValue(), 1e-12 * (1 + Math.abs(costValue(out, w))), "cost on the tape");
            for (int j = 0; j < wrtNodes.length; j++) {
                tape.add(grads.get(j).value().copy());
                bound.add(wrtNodes[j].gradient().copy());
            }
        }

        // (b) LispMachine autodiff on a fresh graph.
        Graph g2 = new Graph();
        List<Node> nodes2 = inputNodes(g2, in);
        Node c2 = cost(row.node().apply(nodes2), w);
        Node[] wrt2 = wrt.stream().map(nodes2::get).toArray(Node[]::new);
        List<Tensor> lisp = new ArrayList<>();
        try (LispMachine m = LispMachine.builder(g2).cost(c2).wrt(wrt2).build()) {
            m.runAll();
            for (Node n : wrt2) {
                lisp.add(n.gradient().copy());
            }
        }

        for (int j = 0; j < wrt.size(); j++) {
            int i = wrt.get(j);
            Tensor x = in.get(i);
            String label = "input " + i;
            for (Tensor t : List.of(tape.get(j), bound.get(j), lisp.get(j))) {
                assertEquals(x.dtype(), t.dtype(), label + ": gradient dtype");
                assertEquals(x.shape(), t.shape(), label + ": gradient shape");
            }
            assertClose(tape.get(j), bound.get(j), 0, 0, label + ": bindGradients() against the gradient node");
            assertClose(tape.get(j), lisp.get(j), MACHINES_TOL, MACHINES_TOL, label + ": LispMachine against TapeMachine");
            if (row.gradient() != Gradient.SMOOTH) {
                assertAllZero(tape.get(j), label + ": no gradient flows (TapeMachine)");
                assertAllZero(lisp.get(j), label + ": no gradient flows (LispMachine)");
            }
            if (row.gradient() != Gradient.ZERO_AT_TIES) {
                Tensor fd = finiteDifferences(row, in, i, w);
                assertClose(fd, tape.get(j), row.fdTol(), row.fdTol(), label + ": TapeMachine against finite differences");
                assertClose(fd, lisp.get(j), row.fdTol(), row.fdTol(), label + ": LispMachine against finite differences");
            }
        }
    }

    /** Central differences of sum(op(inputs) * W) with respect to input i, evaluated eagerly in float64. */
    static Tensor finiteDifferences(Row row, List<Tensor> in, int i, Tensor w) {
        Tensor x = in.get(i);
        Tensor grad = Tensor.zeros(x.dtype(), x.shape());
        for (int k = 0; k < x.size(); k++) {
            double x0 = x.getFlat(k);
            double h = row.fdStep() * Math.max(1, Math.abs(x0));
            List<Tensor> plus = new ArrayList<>(in);
            Tensor xp = x.copy();
            xp.setFlat(k, x0 + h);
            plus.set(i, xp);
            List<Tensor> minus = new ArrayList<>(in);
            Tensor xm = x.copy();
            xm.setFlat(k, x0 - h);
            minus.set(i, xm);
            double step = xp.getFlat(k) - xm.getFlat(k);
            grad.setFlat(k, (costValue(eager(row, plus), w) - costValue(eager(row, minus), w)) / step);
        }
        return grad;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void float32ForwardMatchesFloat64(Row row) {
        boolean anyFloat = row.inputs().stream().anyMatch(In::isFloat);
        if (!row.float32() || !anyFloat) {
            return;
        }
        Tensor expected = eager(row, inputs(row, F64));
        List<Tensor> in32 = inputs(row, F32);
        DType expectedType = expected.dtype() == F64 ? F32 : expected.dtype();
        Tensor eager = eager(row, in32);
        Tensor tape = onTape(row, in32);
        assertEquals(expectedType, eager.dtype(), "eager dtype");
        assertEquals(expectedType, tape.dtype(), "TapeMachine dtype");
        assertClose(expected, eager, FLOAT32_TOL, FLOAT32_TOL, "eager float32");
        assertClose(expected, tape, FLOAT32_TOL, FLOAT32_TOL, "TapeMachine float32");
    }

    @Test
    void everyOpHasARow() {
        Set<String> ops = new TreeSet<>();
        for (Method m : Ops.class.getMethods()) {
            if (m.getDeclaringClass() == Ops.class && Modifier.isStatic(m.getModifiers())) {
                ops.add(m.getName());
            }
        }
        Set<String> covered = rows().map(Row::op).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(ops);
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "ops of dev.gradus.Ops with no row in OpTableTest: " + missing);
        Set<String> unknown = new TreeSet<>(covered);
        unknown.removeAll(ops);
        assertTrue(unknown.isEmpty(), "rows naming no op of dev.gradus.Ops: " + unknown);
    }

    @Test
    void rowNamesAreUnique() {
        List<String> names = rows().map(Row::name).collect(Collectors.toList());
        assertEquals(names.size(), new TreeSet<>(names).size(), "duplicate row names (they seed the inputs): " + names);
    }

    // ================================================================ ties and kinks

    /**
     * Where finite differences are meaningless (ties, kinks), the documented conventions:
     * minBetween/maxBetween send a tie's gradient to a, max/min reductions share it equally
     * among the tied elements, and abs and relu have derivative 0 at 0.
     */
    @Test
    void tiesAndKinksFollowTheDocumentedConventions() {
        Tensor a = Tensor.of(new double[] {1, 2, 3}, 3);
        Tensor b = Tensor.of(new double[] {1, 5, 0}, 3);
        assertTieGradients(l -> maxBetween(l.get(0), l.get(1)), List.of(a, b),
                new double[] {1, 0, 1}, new double[] {0, 1, 0});
        assertTieGradients(l -> minBetween(l.get(0), l.get(1)), List.of(a, b),
                new double[] {1, 1, 0}, new double[] {0, 0, 1});
        Tensor tied = Tensor.of(new double[] {2, 1, 2, 0, -1, 0}, 2, 3);
        assertTieGradients(l -> max(l.get(0), 1), List.of(tied), new double[] {0.5, 0, 0.5, 0.5, 0, 0.5});
        assertTieGradients(l -> min(l.get(0), 1), List.of(tied), new double[] {0, 1, 0, 0, 1, 0});
        assertTieGradients(l -> max(l.get(0)), List.of(tied), new double[] {0.5, 0, 0.5, 0, 0, 0});
        Tensor kinks = Tensor.of(new double[] {0, -2, 3}, 3);
        assertTieGradients(l -> abs(l.get(0)), List.of(kinks), new double[] {0, -1, 1});
        assertTieGradients(l -> relu(l.get(0)), List.of(kinks), new double[] {0, 0, 1});
    }

    /** Checks the gradient of sum(f(inputs)) on both machines against the expected arrays, one per input. */
    private static void assertTieGradients(Function<List<Node>, Node> f, List<Tensor> in, double[]... expected) {
        Graph g = new Graph();
        List<Node> nodes = inputNodes(g, in);
        List<Node> grads = Grad.of(sum(f.apply(nodes)), nodes.toArray(new Node[0]));
        Graph g2 = new Graph();
        List<Node> nodes2 = inputNodes(g2, in);
        Node cost2 = sum(f.apply(nodes2));
        try (TapeMachine m = TapeMachine.of(g);
                LispMachine lisp = LispMachine.builder(g2).cost(cost2).wrt(nodes2.toArray(new Node[0])).build()) {
            m.runAll();
            lisp.runAll();
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], grads.get(i).value().toDoubleArray(), 1e-15, "TapeMachine, input " + i);
                assertArrayEquals(expected[i], nodes2.get(i).gradient().toDoubleArray(), 1e-15, "LispMachine, input " + i);
            }
        }
    }

    // ================================================================ random and stateful nn ops

    /**
     * Training-mode dropout: each run draws a fresh mask, about 1 − p of the elements survive,
     * the survivors are scaled by 1/(1 − p), and the gradient of the same run is exactly
     * mask/(1 − p), on both machines.
     */
    @Test
    void dropoutSharesOneFreshMaskBetweenForwardAndBackwardInEachRun() {
        double p = 0.3;
        double scale = 1 / (1 - p);
        Tensor x0 = fixed(40, 50);
        Graph g = new Graph();
        Node x = g.input("x", x0.copy());
        Node y = dropout(x, p, true, 42);
        Node grad = Grad.of(sum(y), x).get(0);
        double[] previous = null;
        try (TapeMachine m = TapeMachine.builder(g).keep(y).build()) {
            for (int run = 0; run < 3; run++) {
                m.runAll();
                double[] out = y.value().toDoubleArray();
                double[] dx = grad.value().toDoubleArray();
                int kept = 0;
                for (int k = 0; k < out.length; k++) {
                    assertTrue(dx[k] == 0 || dx[k] == scale, "gradient is mask/(1-p): " + dx[k]);
                    assertEquals(x0.getFlat(k) * dx[k], out[k], 0.0, "forward and backward read the same mask");
                    kept += dx[k] != 0 ? 1 : 0;
                }
                // 2000 Bernoulli(0.7) draws: standard deviation of the kept fraction ≈ 0.010.
                assertEquals(1 - p, kept / 2000.0, 0.05, "fraction kept in run " + run);
                assertFalse(Arrays.equals(dx, previous), "run " + run + " draws a new mask");
                previous = dx;
            }
        }

        Graph g2 = new Graph();
        Node x2 = g2.input("x", x0.copy());
        Node y2 = dropout(x2, p, true, 42);
        try (LispMachine m = LispMachine.builder(g2).cost(sum(y2)).wrt(x2).build()) {
            m.runAll();
            double[] out = y2.value().toDoubleArray();
            double[] dx = x2.gradient().toDoubleArray();
            for (int k = 0; k < out.length; k++) {
                assertTrue(dx[k] == 0 || dx[k] == scale, "LispMachine gradient is mask/(1-p)");
                assertEquals(x0.getFlat(k) * dx[k], out[k], 0.0, "LispMachine: forward and backward share the mask");
            }
        }
    }

    /** Seeds make masks reproducible; separate dropout calls are never merged; eval mode returns its input. */
    @Test
    void dropoutIsSeededNeverMergedAndTheIdentityInEvaluation() {
        Tensor ones = Tensor.ones(F64, dev.gradus.tensor.Shape.of(8, 8));
        assertArrayEquals(dropout(ones, 0.5, true, 9).toDoubleArray(), dropout(ones, 0.5, true, 9).toDoubleArray(), 0.0,
                "eager calls with one seed draw one mask");
        assertFalse(Arrays.equals(dropout(ones, 0.5, true, 9).toDoubleArray(), dropout(ones, 0.5, true, 10).toDoubleArray()),
                "another seed, another mask");
        Graph g = new Graph();
        Node x = g.input("x", ones);
        Node a = dropout(x, 0.5, true, 9);
        Node b = dropout(x, 0.5, true, 9);
        assertTrue(a != b, "two dropout layers are two nodes, even with equal parameters");
        assertTrue(dropout(x, 0.5, false, 9) == x, "evaluation mode is the identity");
        assertThrows(IllegalArgumentException.class, () -> dropout(x, 1.0, true, 9));
        assertThrows(IllegalArgumentException.class, () -> dropout(x, -0.1, true, 9));
        try (TapeMachine m = TapeMachine.builder(g).keep(a, b).build()) {
            m.runAll();
            assertArrayEquals(a.value().toDoubleArray(), b.value().toDoubleArray(), 0.0,
                    "equal seeds give equal masks (documented)");
        }
    }

    /**
     * Training-mode batch norm updates the running statistics once per computation, with
     * momentum and the unbiased variance (PyTorch); an evaluation graph built earlier reads
     * the current statistics each run.
     */
    @Test
    void batchNormUpdatesRunningStatisticsOncePerRun() {
        Tensor x0 = fixed(5, 3, 2);
        Ref xr = Ref.of(x0);
        double[] mu = Ref.channelMean(xr);
        double[] unbiased = Ref.unbiasedChannelVariance(xr);
        BatchNormState state = new BatchNormState(3, 0.25, 1e-5);
        Tensor gamma = Tensor.of(new double[] {1.5, -0.5, 2}, 3);
        Tensor beta = Tensor.of(new double[] {0.1, 0.2, -0.3}, 3);

        Graph ge = new Graph();
        Node xe = ge.input("x", x0.copy());
        Node ye = batchNorm(xe, ge.constant(gamma), ge.constant(beta), state, false);

        Graph g = new Graph();
        Node x = g.input("x", x0.copy());
        Node y = batchNorm(x, g.constant(gamma), g.constant(beta), state, true);
        Node grad = Grad.of(sum(square(y)), x).get(0);
        try (TapeMachine m = TapeMachine.builder(g).keep(y, grad).build();
                TapeMachine eval = TapeMachine.builder(ge).keep(ye).build()) {
            m.runAll();
            m.runAll();
            assertEquals(2, state.updates(), "one update per run, the backward pass included");
            double[] mean = state.mean().toDoubleArray();
            double[] variance = state.variance().toDoubleArray();
            for (int c = 0; c < 3; c++) {
                double m1 = 0.25 * mu[c];
                double v1 = 0.75 * 1 + 0.25 * unbiased[c];
                assertEquals(0.75 * m1 + 0.25 * mu[c], mean[c], 1e-15, "running mean, channel " + c);
                assertEquals(0.75 * v1 + 0.25 * unbiased[c], variance[c], 1e-15, "running variance, channel " + c);
            }
            eval.runAll();
            assertClose(Ref.batchNorm(xr, Ref.of(gamma), Ref.of(beta), mean, variance, 1e-5), ye.value(), 1e-12, 1e-12,
                    "evaluation reads the current running statistics");
        }
        batchNorm(x0, gamma, beta, state, true);
        assertEquals(3, state.updates(), "an eager training call updates once");
        batchNorm(x0, gamma, beta, state, false);
        assertEquals(3, state.updates(), "evaluation never updates");
    }

    /** Parameterized nn ops hash-cons by their parameters, and print them. */
    @Test
    void nnOpsCompareAndPrintByParameters() {
        Graph g = new Graph();
        Node x = g.input("x", fixed(1, 2, 6, 6));
        Node w = g.input("w", fixed(3, 2, 3, 3));
        assertTrue(conv2d(x, w, 2, 1, 1) == conv2d(x, w, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}));
        assertFalse(conv2d(x, w, 2, 1, 1) == conv2d(x, w, 1, 1, 1));
        assertTrue(maxPool2d(x, 2, 2, 0) == maxPool2d(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}));
        assertFalse(avgPool2d(x, 3, 1, 1) == avgPool2d(x, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, false));
        assertTrue(elu(x, 1.0) == elu(x));
        assertEquals("conv2d[stride=[2, 1], padding=[1, 0], dilation=[1, 2]]",
                conv2d(x, w, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}).op().toString());
        assertEquals("avgPool2d[kernel=[3, 3], stride=[1, 1], padding=[1, 1], countIncludePad=false]",
                avgPool2d(x, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, false).op().toString());
        assertThrows(IllegalArgumentException.class, () -> conv2d(x, g.input("w2", fixed(3, 4, 3, 3))), "channels differ");
        assertThrows(IllegalArgumentException.class, () -> conv2d(x, w, 0, 0, 1), "stride 0");
        assertThrows(IllegalArgumentException.class, () -> maxPool2d(x, 2, 2, 2), "padding over half the kernel");
        assertThrows(IllegalArgumentException.class, () -> conv2d(x, g.input("w3", fixed(1, 2, 9, 9))), "kernel too large");
    }

    /**
     * A training step of a small convnet (conv2d, maxPool2d, avgPool2d, dropout, batchNorm,
     * gelu, softmaxCrossEntropy, with its gradients) allocates nothing once warm, in both dtypes.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = DType.class, names = {"FLOAT64", "FLOAT32"})
    void aConvnetTrainingStepAllocatesNothingOnceWarm(DType dtype) {
        Graph g = new Graph();
        Node x = g.input("x", fixed(4, 1, 8, 8).cast(dtype));
        Node w = g.input("w", fixed(3, 1, 3, 3).cast(dtype));
        Node gamma = g.input("gamma", Tensor.ones(dtype, dev.gradus.tensor.Shape.of(3)));
        Node beta = g.input("beta", Tensor.zeros(dtype, 3));
        Node v = g.input("v", fixed(12, 5).cast(dtype));
        Node labels = g.input("labels", Tensor.ofInts(new int[] {0, 3, 4, 1}, 4));
        Node h = batchNorm(conv2d(x, w, 1, 1, 1), gamma, beta, BatchNormState.of(3), true);
        h = dropout(gelu(maxPool2d(h, 2, 2, 0)), 0.25, true, 3);
        h = reshape(avgPool2d(h, 2, 2, 0), 4, 12);
        Node cost = softmaxCrossEntropy(matMul(h, v), labels);
        Grad.of(cost, x, w, gamma, beta, v);
        try (TapeMachine m = TapeMachine.of(g)) {
            long perRun = Allocations.bytesPerRunOnceWarm(m::runAll, 500);
            assertTrue(perRun < 16, "a training step allocated " + perRun + " bytes on average");
            assertTrue(Double.isFinite(cost.scalarValue()));
        }
    }

    // ================================================================ second order

    /** A scalar function of one input, for Hessian-vector products. */
    record SecondOrder(String name, int[] dims, Domain domain, UnaryOperator<Node> cost) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<SecondOrder> secondOrder() {
        Tensor w = Tensor.of(new double[] {0.5, -1.25, 2, 0.75, -0.5, 1.5}, 2, 3);
        return Stream.of(
                new SecondOrder("sum(tanh(x)*x)", new int[] {2, 3}, WIDE, x -> sum(mul(tanh(x), x))),
                new SecondOrder("sum(sigmoid(x))", new int[] {2, 3}, WIDE, x -> sum(sigmoid(x))),
                new SecondOrder("sum(x³)", new int[] {2, 3}, WIDE, x -> sum(cube(x))),
                new SecondOrder("sum(tan(x)·asin(x) + acos(x)·atan(x))", new int[] {2, 3}, INSIDE_UNIT,
                        x -> sum(add(mul(tan(x), asin(x)), mul(acos(x), atan(x))))),
                new SecondOrder("sum(log10(x)·cbrt(x) + sinh(x)·cosh(x))", new int[] {2, 3}, POSITIVE,
                        x -> sum(add(mul(log10(x), cbrt(x)), mul(sinh(x), cosh(x))))),
                new SecondOrder("sum(atan2(x, x+2)·hypot(x, 1−x))", new int[] {2, 3}, POSITIVE,
                        x -> sum(mul(atan2(x, add(x, 2.0)), hypot(x, sub(1.0, x))))),
                new SecondOrder("sum(softmax(x, 1)·w)", new int[] {2, 3}, WIDE,
                        x -> sum(mul(softmax(x, 1), x.graph().constant(w)))),
                new SecondOrder("sum(logSoftmax(x, 0)·w)", new int[] {2, 3}, WIDE,
                        x -> sum(mul(logSoftmax(x, 0), x.graph().constant(w)))),
                new SecondOrder("logSumExp(x)", new int[] {2, 3}, WIDE, x -> logSumExp(x)),
                new SecondOrder("sum(sqrt(x)/x) + norm(x)", new int[] {2, 3}, POSITIVE, x -> add(sum(div(sqrt(x), x)), norm(x))),
                new SecondOrder("sum(pow(x, x))", new int[] {2, 3}, POSITIVE, x -> sum(pow(x, x))),
                new SecondOrder("sum(log(x)·exp(sin(x)))", new int[] {2, 3}, POSITIVE, x -> sum(mul(log(x), exp(sin(x))))),
                new SecondOrder("sum(matMul(x, xᵀ)²)", new int[] {2, 3}, UNIT,
                        x -> sum(square(matMul(x, x, false, true)))),
                new SecondOrder("prod(x)", new int[] {2, 2}, AWAY_FROM_ZERO, x -> prod(x)),
                new SecondOrder("sum(softplus(x)·relu(x))", new int[] {2, 3}, AWAY_FROM_ZERO,
                        x -> sum(mul(softplus(x), relu(x)))),
                // x is both the image (1,1,3,3) and the kernel: the rules of conv2dInputGrad and
                // conv2dKernelGrad are both differentiated.
                new SecondOrder("sum(conv2d(x, x, padding 1)²)", new int[] {1, 1, 3, 3}, UNIT,
                        x -> sum(square(conv2d(x, x, 1, 1, 1)))),
                new SecondOrder("sum(conv2d(x, W, stride 2, padding 1)³)", new int[] {1, 2, 5, 5}, UNIT,
                        x -> sum(cube(conv2d(x, x.graph().constant(fixed(2, 2, 2, 2)), 2, 1, 1)))),
                new SecondOrder("sum(conv2d(X, x, dilation 2)³)", new int[] {2, 2, 2, 2}, UNIT,
                        x -> sum(cube(conv2d(x.graph().constant(fixed(1, 2, 5, 5)), x, 1, 1, 2)))),
                new SecondOrder("sum(maxPool2d(x)³)", new int[] {1, 2, 4, 4}, DISTINCT, x -> sum(cube(maxPool2d(x, 2, 2, 0)))),
                new SecondOrder("sum(avgPool2d(x)³), padding not counted", new int[] {1, 1, 4, 5}, UNIT,
                        x -> sum(cube(avgPool2d(x, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, false)))),
                new SecondOrder("softmaxCrossEntropy(x, softmax(xᵀ·w))", new int[] {3, 3}, WIDE,
                        x -> softmaxCrossEntropy(x, softmax(mul(transpose(x), x.graph().constant(fixed(3, 3))), 1))),
                new SecondOrder("sum(gelu(x)·mish(x) + elu(x, 0.5)·x + erf(x))", new int[] {2, 3}, AWAY_FROM_ZERO,
                        x -> sum(add(add(mul(gelu(x), mish(x)), mul(elu(x, 0.5), x)), erf(x)))),
                new SecondOrder("sum(batchNorm(x)²·w) in training", new int[] {4, 3}, WIDE,
                        x -> sum(mul(square(batchNorm(x, x.graph().constant(fixed(3)), x.graph().constant(fixed(3)),
                                BatchNormState.of(3), true)), x.graph().constant(fixed(4, 3))))),
                new SecondOrder("binaryCrossEntropyWithLogits + meanSquaredError", new int[] {2, 3}, WIDE,
                        x -> add(binaryCrossEntropyWithLogits(x, sigmoid(mul(x, x))), meanSquaredError(tanh(x), x))));
    }

    /** A fixed float64 tensor of the given shape with varied entries in [−1, 1]. */
    static Tensor fixed(int... dims) {
        Random r = new Random(Arrays.hashCode(dims));
        return Tensor.of(UNIT.fill(r, Ref.size(dims)), dims);
    }

    /**
     * Grad.of applied to a gradient: the gradient of sum(∇f(x) · v) is the Hessian-vector
     * product H·v, checked against central differences of ∇f along v. This runs the rules'
     * own rules (the nodes a rule builds are differentiated in turn).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("secondOrder")
    void hessianVectorProductsMatchFiniteDifferencesOfTheGradient(SecondOrder s) {
        Random r = new Random(s.name().hashCode());
        int n = Ref.size(s.dims());
        Tensor x0 = Tensor.of(s.domain().fill(r, n), s.dims());
        Tensor v = Tensor.of(UNIT.fill(r, n), s.dims());

        Graph g = new Graph();
        Node x = g.input("x", x0.copy());
        Node f = s.cost().apply(x);
        Node grad = Grad.of(f, x).get(0);
        Node directional = sum(mul(grad, g.constant(v)));
        Node hv = Grad.of(directional, x).get(0);
        Tensor analytic;
        Tensor fd = Tensor.zeros(F64, s.dims());
        try (TapeMachine m = TapeMachine.builder(g).keep(grad, hv).build()) {
            m.runAll();
            analytic = hv.value().copy();
            double h = 1e-5;
            Tensor[] gradAt = new Tensor[2];
            for (int sign = 0; sign < 2; sign++) {
                Tensor xs = x0.copy();
                for (int k = 0; k < n; k++) {
                    xs.setFlat(k, x0.getFlat(k) + (sign == 0 ? h : -h) * v.getFlat(k));
                }
                x.let(xs);
                m.runAll();
                gradAt[sign] = grad.value().copy();
            }
            for (int k = 0; k < n; k++) {
                fd.setFlat(k, (gradAt[0].getFlat(k) - gradAt[1].getFlat(k)) / (2 * h));
            }
        }
        // Step 1e-5 on a first derivative: truncation ~1e-10·f'''', rounding ~1e-11/1e-5; 1e-6 holds.
        assertClose(fd, analytic, 1e-6, 1e-6, "H·v by Grad.of∘Grad.of against finite differences of the gradient");

        // The LispMachine differentiates the first gradient's nodes too.
        Graph g2 = new Graph();
        Node x2 = g2.input("x", x0.copy());
        Node grad2 = Grad.of(s.cost().apply(x2), x2).get(0);
        Node directional2 = sum(mul(grad2, g2.constant(v)));
        try (LispMachine m = LispMachine.builder(g2).cost(directional2).wrt(x2).build()) {
            m.runAll();
            assertClose(analytic, x2.gradient(), MACHINES_TOL, MACHINES_TOL, "H·v by the LispMachine against the TapeMachine");
        }
    }
}
