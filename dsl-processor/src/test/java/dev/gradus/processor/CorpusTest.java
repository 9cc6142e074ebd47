package dev.gradus.processor;

import static dev.gradus.Ops.abs;
import static dev.gradus.Ops.acos;
import static dev.gradus.Ops.add;
import static dev.gradus.Ops.asin;
import static dev.gradus.Ops.atan;
import static dev.gradus.Ops.atan2;
import static dev.gradus.Ops.cbrt;
import static dev.gradus.Ops.cos;
import static dev.gradus.Ops.cosh;
import static dev.gradus.Ops.div;
import static dev.gradus.Ops.exp;
import static dev.gradus.Ops.expm1;
import static dev.gradus.Ops.hypot;
import static dev.gradus.Ops.log;
import static dev.gradus.Ops.log10;
import static dev.gradus.Ops.log1p;
import static dev.gradus.Ops.maxBetween;
import static dev.gradus.Ops.minBetween;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.neg;
import static dev.gradus.Ops.pow;
import static dev.gradus.Ops.sin;
import static dev.gradus.Ops.sinh;
import static dev.gradus.Ops.sqrt;
import static dev.gradus.Ops.sub;
import static dev.gradus.Ops.tan;
import static dev.gradus.Ops.tanh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.processor.corpus.Calls;
import dev.gradus.processor.corpus.CallsGradients;
import dev.gradus.processor.corpus.Calls_InnerGradients;
import dev.gradus.processor.corpus.FloatMethods;
import dev.gradus.processor.corpus.FloatMethodsGradients;
import dev.gradus.processor.corpus.Hessians;
import dev.gradus.processor.corpus.HessiansGradients;
import dev.gradus.processor.corpus.Loops;
import dev.gradus.processor.corpus.LoopsGradients;
import dev.gradus.processor.corpus.MathFunctions;
import dev.gradus.processor.corpus.MathFunctionsGradients;
import dev.gradus.processor.corpus.Naming;
import dev.gradus.processor.corpus.NamingGradients;
import dev.gradus.processor.corpus.Piecewise;
import dev.gradus.processor.corpus.PiecewiseGradients;
import dev.gradus.processor.corpus.Polynomials;
import dev.gradus.processor.corpus.PolynomialsGradients;
import dev.gradus.processor.corpus.StaticImports;
import dev.gradus.processor.corpus.StaticImportsGradients;
import dev.gradus.processor.corpus.WrtSubsets;
import dev.gradus.processor.corpus.WrtSubsetsGradients;
import dev.gradus.processor.corpus.other.Helpers;
import dev.gradus.processor.corpus.other.HelpersGradients;
import dev.gradus.tensor.DType;
import dev.gradus.vm.TapeMachine;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the code generated for the expression corpus ({@code corpus/}, compiled with the
 * processor) and checks it against the original methods: values, partials against central
 * finite differences of the original, the allocation-free variants against the records,
 * Hessians against finite differences of the generated gradient, and, for part of the corpus,
 * gradients against the runtime's symbolic {@link Grad#of} on the same expression built by
 * hand.
 *
 * <p>Tolerances. Values: 1e-12 relative (the generated code evaluates the same operations;
 * constant folding and simplification may reorder a few). Partials of double methods: the
 * central difference with step h = 1e-6·max(1, |x|) has truncation error O(h²) ≈ 1e-12 and
 * rounding error ≈ ε·|f|/h ≈ 1e-10·|f|, so 1e-6·max(1, |∂f|) leaves a wide margin while
 * still catching any wrong rule. Hessians: the same difference, of the generated gradient,
 * at 1e-5. Float methods are evaluated in float by the original, so their differences use
 * h = 1e-2 (float rounding ε ≈ 6e-8 divided by h) and a tolerance of 2e-3; their values
 * agree to 1e-6 relative (the original rounds every operation to float, the generated code
 * only the result).
 */
class CorpusTest {
    /** The original method, at a point. */
    @FunctionalInterface
    interface Fn {
        double at(double[] a);
    }

    /** The generated method returning the record, at a point. */
    @FunctionalInterface
    interface RecordFn {
        Record at(double[] a);
    }

    /** The generated allocation-free method, at a point. */
    @FunctionalInterface
    interface ArrayFn {
        double at(double[] a, double[] gradient);
    }

    /** The generated Hessian method, at a point. */
    @FunctionalInterface
    interface HessianFn {
        double at(double[] a, double[] gradient, double[] hessian);
    }

    /** The generated float allocation-free method. */
    @FunctionalInterface
    interface FloatArrayFn {
        float at(double[] a, float[] gradient);
    }

    /** The generated float Hessian method. */
    @FunctionalInterface
    interface FloatHessianFn {
        float at(double[] a, float[] gradient, float[] hessian);
    }

    /**
     * One corpus method: its parameter and wrt names, the original, the three generated
     * forms, and points away from any kink.
     */
    record Row(String name, List<String> params, List<String> wrt, Fn original, RecordFn record, ArrayFn array,
            HessianFn hessian, boolean isFloat, double[][] points) {
        Row wrt(String names) {
            return new Row(name, params, List.of(names.split(",")), original, record, array, hessian, isFloat, points);
        }

        Row hessian(HessianFn h) {
            return new Row(name, params, wrt, original, record, array, h, isFloat, points);
        }

        Row floatHessian(FloatHessianFn h) {
            return hessian((a, g, hs) -> {
                float[] fg = new float[g.length];
                float[] fh = new float[hs.length];
                float v = h.at(a, fg, fh);
                copy(fg, g);
                copy(fh, hs);
                return v;
            });
        }

        Row floats() {
            return new Row(name, params, wrt, original, record, array, hessian, true, points);
        }

        int n() {
            return wrt.size();
        }

        int index(String parameter) {
            return params.indexOf(parameter);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, String params, Fn original, RecordFn record, ArrayFn array, double[]... points) {
        List<String> ps = List.of(params.split(","));
        return new Row(name, ps, ps, original, record, array, null, false, points);
    }

    static ArrayFn floatArray(FloatArrayFn f) {
        return (a, g) -> {
            float[] fg = new float[g.length];
            float v = f.at(a, fg);
            copy(fg, g);
            return v;
        };
    }

    static void copy(float[] from, double[] to) {
        for (int i = 0; i < from.length; i++) {
            to[i] = from[i];
        }
    }

    static double[] p(double... a) {
        return a;
    }

    static float f(double v) {
        return (float) v;
    }

    static final List<Row> ROWS = List.of(
            // Polynomials and rational functions.
            row("Polynomials.cubic", "x", a -> Polynomials.cubic(a[0]), a -> PolynomialsGradients.cubic(a[0]),
                    (a, g) -> PolynomialsGradients.cubic(a[0], g), p(-1.3), p(0.4), p(2.1)),
            row("Polynomials.bivariate", "x,y", a -> Polynomials.bivariate(a[0], a[1]),
                    a -> PolynomialsGradients.bivariate(a[0], a[1]), (a, g) -> PolynomialsGradients.bivariate(a[0], a[1], g),
                    p(0.5, -1.2), p(1.7, 0.3), p(-2, 1.1)),
            row("Polynomials.rational", "x,y", a -> Polynomials.rational(a[0], a[1]),
                    a -> PolynomialsGradients.rational(a[0], a[1]), (a, g) -> PolynomialsGradients.rational(a[0], a[1], g),
                    p(0.5, -1.2), p(1.7, 0.3), p(-2, 1.1)),
            row("Polynomials.continuedFraction", "x", a -> Polynomials.continuedFraction(a[0]),
                    a -> PolynomialsGradients.continuedFraction(a[0]),
                    (a, g) -> PolynomialsGradients.continuedFraction(a[0], g), p(-0.7), p(0.3), p(1.9)),
            row("Polynomials.unaryMinus", "x,y", a -> Polynomials.unaryMinus(a[0], a[1]),
                    a -> PolynomialsGradients.unaryMinus(a[0], a[1]),
                    (a, g) -> PolynomialsGradients.unaryMinus(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3)),
            row("Polynomials.reassigned", "x,y", a -> Polynomials.reassigned(a[0], a[1]),
                    a -> PolynomialsGradients.reassigned(a[0], a[1]),
                    (a, g) -> PolynomialsGradients.reassigned(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3), p(-0.8, 2)),
            row("Polynomials.constants", "x", a -> Polynomials.constants(a[0]), a -> PolynomialsGradients.constants(a[0]),
                    (a, g) -> PolynomialsGradients.constants(a[0], g), p(-1.3), p(0.4), p(2.1)),
            row("Polynomials.manyParams", "a,b,c,d,e", a -> Polynomials.manyParams(a[0], a[1], a[2], a[3], a[4]),
                    a -> PolynomialsGradients.manyParams(a[0], a[1], a[2], a[3], a[4]),
                    (a, g) -> PolynomialsGradients.manyParams(a[0], a[1], a[2], a[3], a[4], g),
                    p(0.5, -1.2, 2, 0.7, 1.5), p(-1, 2, 0.3, -0.4, -2.5)),
            // Every Math function.
            row("MathFunctions.trig", "x", a -> MathFunctions.trig(a[0]), a -> MathFunctionsGradients.trig(a[0]),
                    (a, g) -> MathFunctionsGradients.trig(a[0], g), p(-1.0), p(0.3), p(1.2)),
            row("MathFunctions.inverseTrig", "x", a -> MathFunctions.inverseTrig(a[0]),
                    a -> MathFunctionsGradients.inverseTrig(a[0]), (a, g) -> MathFunctionsGradients.inverseTrig(a[0], g),
                    p(-0.6), p(0.1), p(0.9)),
            row("MathFunctions.expLog", "x,y", a -> MathFunctions.expLog(a[0], a[1]),
                    a -> MathFunctionsGradients.expLog(a[0], a[1]), (a, g) -> MathFunctionsGradients.expLog(a[0], a[1], g),
                    p(0.5, 1.5), p(-1, 0.3), p(1.2, 3)),
            row("MathFunctions.log1pExpm1", "x", a -> MathFunctions.log1pExpm1(a[0]),
                    a -> MathFunctionsGradients.log1pExpm1(a[0]), (a, g) -> MathFunctionsGradients.log1pExpm1(a[0], g),
                    p(-1.3), p(0.4), p(2.1)),
            row("MathFunctions.roots", "x", a -> MathFunctions.roots(a[0]), a -> MathFunctionsGradients.roots(a[0]),
                    (a, g) -> MathFunctionsGradients.roots(a[0], g), p(0.3), p(1.7), p(4.2)),
            row("MathFunctions.power", "x,y", a -> MathFunctions.power(a[0], a[1]),
                    a -> MathFunctionsGradients.power(a[0], a[1]), (a, g) -> MathFunctionsGradients.power(a[0], a[1], g),
                    p(0.7, 1.3), p(1.5, -0.4), p(2.5, 2.2)),
            row("MathFunctions.hyperbolic", "x", a -> MathFunctions.hyperbolic(a[0]),
                    a -> MathFunctionsGradients.hyperbolic(a[0]), (a, g) -> MathFunctionsGradients.hyperbolic(a[0], g),
                    p(-1.3), p(0.4), p(1.1)),
            row("MathFunctions.hypotAtan2", "x,y", a -> MathFunctions.hypotAtan2(a[0], a[1]),
                    a -> MathFunctionsGradients.hypotAtan2(a[0], a[1]),
                    (a, g) -> MathFunctionsGradients.hypotAtan2(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3), p(-2, 1.1)),
            row("MathFunctions.absMaxMin", "x,y", a -> MathFunctions.absMaxMin(a[0], a[1]),
                    a -> MathFunctionsGradients.absMaxMin(a[0], a[1]),
                    (a, g) -> MathFunctionsGradients.absMaxMin(a[0], a[1], g), p(0.5, -1.2), p(-1.7, 0.3), p(1.2, 2.5)),
            row("MathFunctions.strict", "x", a -> MathFunctions.strict(a[0]), a -> MathFunctionsGradients.strict(a[0]),
                    (a, g) -> MathFunctionsGradients.strict(a[0], g), p(-1.3), p(0.4), p(2.1)),
            row("MathFunctions.composed", "x,y", a -> MathFunctions.composed(a[0], a[1]),
                    a -> MathFunctionsGradients.composed(a[0], a[1]),
                    (a, g) -> MathFunctionsGradients.composed(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3)),
            // import static java.lang.Math.*
            row("StaticImports.gaussian", "x,mu,sigma", a -> StaticImports.gaussian(a[0], a[1], a[2]),
                    a -> StaticImportsGradients.gaussian(a[0], a[1], a[2]),
                    (a, g) -> StaticImportsGradients.gaussian(a[0], a[1], a[2], g), p(0.3, 0.1, 1.2), p(-1, 0.5, 0.7)),
            row("StaticImports.softplus", "x", a -> StaticImports.softplus(a[0]), a -> StaticImportsGradients.softplus(a[0]),
                    (a, g) -> StaticImportsGradients.softplus(a[0], g), p(-2), p(0.3), p(3)),
            row("StaticImports.sigmoid", "x", a -> StaticImports.sigmoid(a[0]), a -> StaticImportsGradients.sigmoid(a[0]),
                    (a, g) -> StaticImportsGradients.sigmoid(a[0], g), p(-2), p(0.3), p(3)),
            // Piecewise: points on both sides of every branch, away from the boundaries.
            row("Piecewise.ternary", "x", a -> Piecewise.ternary(a[0]), a -> PiecewiseGradients.ternary(a[0]),
                    (a, g) -> PiecewiseGradients.ternary(a[0], g), p(-1.5), p(0.7), p(2)),
            row("Piecewise.ifElse", "x,y", a -> Piecewise.ifElse(a[0], a[1]), a -> PiecewiseGradients.ifElse(a[0], a[1]),
                    (a, g) -> PiecewiseGradients.ifElse(a[0], a[1], g), p(0.5, -1.2), p(-1, 0.3), p(1.7, 2.5)),
            row("Piecewise.huber", "x", a -> Piecewise.huber(a[0]), a -> PiecewiseGradients.huber(a[0]),
                    (a, g) -> PiecewiseGradients.huber(a[0], g), p(-2.5), p(-0.3), p(0.6), p(1.8)),
            row("Piecewise.nested", "x,y", a -> Piecewise.nested(a[0], a[1]), a -> PiecewiseGradients.nested(a[0], a[1]),
                    (a, g) -> PiecewiseGradients.nested(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3), p(-1, 2),
                    p(-0.5, 0.4)),
            row("Piecewise.logical", "x,y", a -> Piecewise.logical(a[0], a[1]), a -> PiecewiseGradients.logical(a[0], a[1]),
                    (a, g) -> PiecewiseGradients.logical(a[0], a[1], g), p(0.5, 1.2), p(-2.5, 1), p(-1, 0.3),
                    p(0.5, -0.7)),
            row("Piecewise.negated", "x", a -> Piecewise.negated(a[0]), a -> PiecewiseGradients.negated(a[0]),
                    (a, g) -> PiecewiseGradients.negated(a[0], g), p(-1.5), p(-0.5), p(0.5), p(1.5)),
            row("Piecewise.clamp", "x,lo,hi", a -> Piecewise.clamp(a[0], a[1], a[2]),
                    a -> PiecewiseGradients.clamp(a[0], a[1], a[2]), (a, g) -> PiecewiseGradients.clamp(a[0], a[1], a[2], g),
                    p(0.5, -1, 1), p(-1.5, -1, 1), p(1.5, -1, 1)),
            // Loops, unrolled.
            row("Loops.sumOfPowers", "x", a -> Loops.sumOfPowers(a[0]), a -> LoopsGradients.sumOfPowers(a[0]),
                    (a, g) -> LoopsGradients.sumOfPowers(a[0], g), p(-1.3), p(0.4), p(1.6)),
            row("Loops.product", "x", a -> Loops.product(a[0]), a -> LoopsGradients.product(a[0]),
                    (a, g) -> LoopsGradients.product(a[0], g), p(-1.3), p(0.4), p(1.6)),
            row("Loops.horner", "x", a -> Loops.horner(a[0]), a -> LoopsGradients.horner(a[0]),
                    (a, g) -> LoopsGradients.horner(a[0], g), p(-1.3), p(0.4), p(1.6)),
            row("Loops.nestedLoops", "x,y", a -> Loops.nestedLoops(a[0], a[1]), a -> LoopsGradients.nestedLoops(a[0], a[1]),
                    (a, g) -> LoopsGradients.nestedLoops(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3)),
            row("Loops.loopWithIf", "x", a -> Loops.loopWithIf(a[0]), a -> LoopsGradients.loopWithIf(a[0]),
                    (a, g) -> LoopsGradients.loopWithIf(a[0], g), p(-1.3), p(0.4), p(1.6)),
            row("Loops.countDown", "x", a -> Loops.countDown(a[0]), a -> LoopsGradients.countDown(a[0]),
                    (a, g) -> LoopsGradients.countDown(a[0], g), p(-1.3), p(0.4), p(1.6)),
            row("Loops.taylorExp", "x", a -> Loops.taylorExp(a[0]), a -> LoopsGradients.taylorExp(a[0]),
                    (a, g) -> LoopsGradients.taylorExp(a[0], g), p(-1.3), p(0.4), p(1.6)),
            row("Loops.loopWithLocals", "x,y", a -> Loops.loopWithLocals(a[0], a[1]),
                    a -> LoopsGradients.loopWithLocals(a[0], a[1]), (a, g) -> LoopsGradients.loopWithLocals(a[0], a[1], g),
                    p(0.5, -1.2), p(1.7, 0.3)),
            // Calls across methods, classes and packages.
            row("Calls.square", "x", a -> Calls.square(a[0]), a -> CallsGradients.square(a[0]),
                    (a, g) -> CallsGradients.square(a[0], g), p(-1.3), p(2)),
            row("Calls.sumSquares", "x,y", a -> Calls.sumSquares(a[0], a[1]), a -> CallsGradients.sumSquares(a[0], a[1]),
                    (a, g) -> CallsGradients.sumSquares(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3)),
            row("Calls.norm", "x,y", a -> Calls.norm(a[0], a[1]), a -> CallsGradients.norm(a[0], a[1]),
                    (a, g) -> CallsGradients.norm(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3)),
            row("Calls.crossClass", "x,y", a -> Calls.crossClass(a[0], a[1]), a -> CallsGradients.crossClass(a[0], a[1]),
                    (a, g) -> CallsGradients.crossClass(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3)),
            row("Calls.callsNested", "x,y", a -> Calls.callsNested(a[0], a[1]),
                    a -> CallsGradients.callsNested(a[0], a[1]), (a, g) -> CallsGradients.callsNested(a[0], a[1], g),
                    p(0.5, -1.2), p(1.7, 0.3)),
            row("Calls.repeatedCall", "x", a -> Calls.repeatedCall(a[0]), a -> CallsGradients.repeatedCall(a[0]),
                    (a, g) -> CallsGradients.repeatedCall(a[0], g), p(-1.3), p(0.4)),
            row("Calls.Inner.inner", "x", a -> Calls.Inner.inner(a[0]), a -> Calls_InnerGradients.inner(a[0]),
                    (a, g) -> Calls_InnerGradients.inner(a[0], g), p(-1.3), p(0.4)),
            row("other.Helpers.affine", "x,k", a -> Helpers.affine(a[0], a[1]), a -> HelpersGradients.affine(a[0], a[1]),
                    (a, g) -> HelpersGradients.affine(a[0], a[1], g), p(0.5, 2), p(1.7, -0.3)).wrt("x"),
            row("other.Helpers.cubeOfSquare", "y", a -> Helpers.cubeOfSquare(a[0]),
                    a -> HelpersGradients.cubeOfSquare(a[0]), (a, g) -> HelpersGradients.cubeOfSquare(a[0], g),
                    p(-1.3), p(0.4)),
            // Float methods (points exactly representable in float).
            row("FloatMethods.fpoly", "x,y", a -> FloatMethods.fpoly(f(a[0]), f(a[1])),
                    a -> FloatMethodsGradients.fpoly(f(a[0]), f(a[1])),
                    floatArray((a, g) -> FloatMethodsGradients.fpoly(f(a[0]), f(a[1]), g)), p(0.5, -1.25), p(1.75, 0.25))
                    .floats(),
            row("FloatMethods.ftrig", "x", a -> FloatMethods.ftrig(f(a[0])), a -> FloatMethodsGradients.ftrig(f(a[0])),
                    floatArray((a, g) -> FloatMethodsGradients.ftrig(f(a[0]), g)), p(-1.25), p(0.5), p(2)).floats(),
            row("FloatMethods.fcaller", "x", a -> FloatMethods.fcaller(f(a[0])), a -> FloatMethodsGradients.fcaller(f(a[0])),
                    floatArray((a, g) -> FloatMethodsGradients.fcaller(f(a[0]), g)), p(-1.25), p(0.5), p(1.5)).floats(),
            row("FloatMethods.fhessian", "x,y", a -> FloatMethods.fhessian(f(a[0]), f(a[1])),
                    a -> FloatMethodsGradients.fhessian(f(a[0]), f(a[1])),
                    floatArray((a, g) -> FloatMethodsGradients.fhessian(f(a[0]), f(a[1]), g)), p(0.5, 1.25), p(-1.5, 2.5))
                    .floats().floatHessian((a, g, h) -> FloatMethodsGradients.fhessianHessian(f(a[0]), f(a[1]), g, h)),
            // wrt subsets and orders.
            row("WrtSubsets.subset", "x,y,z", a -> WrtSubsets.subset(a[0], a[1], a[2]),
                    a -> WrtSubsetsGradients.subset(a[0], a[1], a[2]),
                    (a, g) -> WrtSubsetsGradients.subset(a[0], a[1], a[2], g), p(0.5, -1.2, 2), p(1.7, 0.3, -0.4))
                    .wrt("x,z"),
            row("WrtSubsets.reordered", "x,y,z", a -> WrtSubsets.reordered(a[0], a[1], a[2]),
                    a -> WrtSubsetsGradients.reordered(a[0], a[1], a[2]),
                    (a, g) -> WrtSubsetsGradients.reordered(a[0], a[1], a[2], g), p(0.5, -1.2, 2), p(1.7, 0.3, -0.4))
                    .wrt("z,x"),
            row("WrtSubsets.single", "a,b", a -> WrtSubsets.single(a[0], a[1]), a -> WrtSubsetsGradients.single(a[0], a[1]),
                    (a, g) -> WrtSubsetsGradients.single(a[0], a[1], g), p(0.5, -1.2), p(1.1, 0.3)).wrt("b"),
            row("WrtSubsets.reversed", "x,y", a -> WrtSubsets.reversed(a[0], a[1]),
                    a -> WrtSubsetsGradients.reversed(a[0], a[1]), (a, g) -> WrtSubsetsGradients.reversed(a[0], a[1], g),
                    p(0.5, 1.2), p(1.7, 0.3)).wrt("y,x"),
            // Second derivatives.
            row("Hessians.quadratic", "x,y", a -> Hessians.quadratic(a[0], a[1]),
                    a -> HessiansGradients.quadratic(a[0], a[1]), (a, g) -> HessiansGradients.quadratic(a[0], a[1], g),
                    p(0.5, -1.2), p(1.7, 0.3))
                    .hessian((a, g, h) -> HessiansGradients.quadraticHessian(a[0], a[1], g, h)),
            row("Hessians.trig", "x,y", a -> Hessians.trig(a[0], a[1]), a -> HessiansGradients.trig(a[0], a[1]),
                    (a, g) -> HessiansGradients.trig(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3))
                    .hessian((a, g, h) -> HessiansGradients.trigHessian(a[0], a[1], g, h)),
            row("Hessians.expLog", "x,y", a -> Hessians.expLog(a[0], a[1]), a -> HessiansGradients.expLog(a[0], a[1]),
                    (a, g) -> HessiansGradients.expLog(a[0], a[1], g), p(0.5, 1.2), p(-1.7, 0.3))
                    .hessian((a, g, h) -> HessiansGradients.expLogHessian(a[0], a[1], g, h)),
            row("Hessians.rational", "x,y", a -> Hessians.rational(a[0], a[1]), a -> HessiansGradients.rational(a[0], a[1]),
                    (a, g) -> HessiansGradients.rational(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3))
                    .hessian((a, g, h) -> HessiansGradients.rationalHessian(a[0], a[1], g, h)),
            row("Hessians.power", "x,y", a -> Hessians.power(a[0], a[1]), a -> HessiansGradients.power(a[0], a[1]),
                    (a, g) -> HessiansGradients.power(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3))
                    .hessian((a, g, h) -> HessiansGradients.powerHessian(a[0], a[1], g, h)),
            row("Hessians.three", "x,y,z", a -> Hessians.three(a[0], a[1], a[2]),
                    a -> HessiansGradients.three(a[0], a[1], a[2]), (a, g) -> HessiansGradients.three(a[0], a[1], a[2], g),
                    p(0.5, -1.2, 2), p(1.7, 0.3, -0.4))
                    .hessian((a, g, h) -> HessiansGradients.threeHessian(a[0], a[1], a[2], g, h)),
            row("Hessians.piecewise", "x,y", a -> Hessians.piecewise(a[0], a[1]),
                    a -> HessiansGradients.piecewise(a[0], a[1]), (a, g) -> HessiansGradients.piecewise(a[0], a[1], g),
                    p(0.5, -1.2), p(0.3, 1.7))
                    .hessian((a, g, h) -> HessiansGradients.piecewiseHessian(a[0], a[1], g, h)),
            row("Hessians.series", "x", a -> Hessians.series(a[0]), a -> HessiansGradients.series(a[0]),
                    (a, g) -> HessiansGradients.series(a[0], g), p(-1.3), p(0.4), p(1.6))
                    .hessian((a, g, h) -> HessiansGradients.seriesHessian(a[0], g, h)),
            row("Hessians.unary", "x", a -> Hessians.unary(a[0]), a -> HessiansGradients.unary(a[0]),
                    (a, g) -> HessiansGradients.unary(a[0], g), p(-1.3), p(0.4), p(1.6))
                    .hessian((a, g, h) -> HessiansGradients.unaryHessian(a[0], g, h)),
            row("Hessians.caller", "x,y", a -> Hessians.caller(a[0], a[1]), a -> HessiansGradients.caller(a[0], a[1]),
                    (a, g) -> HessiansGradients.caller(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3))
                    .hessian((a, g, h) -> HessiansGradients.callerHessian(a[0], a[1], g, h)),
            row("Hessians.chain", "x,y", a -> Hessians.chain(a[0], a[1]), a -> HessiansGradients.chain(a[0], a[1]),
                    (a, g) -> HessiansGradients.chain(a[0], a[1], g), p(0.5, -1.2), p(1.7, 0.3))
                    .hessian((a, g, h) -> HessiansGradients.chainHessian(a[0], a[1], g, h)),
            row("Hessians.reorderedWrt", "x,y,z", a -> Hessians.reorderedWrt(a[0], a[1], a[2]),
                    a -> HessiansGradients.reorderedWrt(a[0], a[1], a[2]),
                    (a, g) -> HessiansGradients.reorderedWrt(a[0], a[1], a[2], g), p(0.5, -1.2, 2), p(1.7, 0.3, -0.4))
                    .wrt("z,x").hessian((a, g, h) -> HessiansGradients.reorderedWrtHessian(a[0], a[1], a[2], g, h)),
            row("Hessians.rosenbrock", "x,y", a -> Hessians.rosenbrock(a[0], a[1]),
                    a -> HessiansGradients.rosenbrock(a[0], a[1]), (a, g) -> HessiansGradients.rosenbrock(a[0], a[1], g),
                    p(-1.2, 1), p(0.9, 0.8))
                    .hessian((a, g, h) -> HessiansGradients.rosenbrockHessian(a[0], a[1], g, h)),
            // Parameters named like the generated code's arrays and locals.
            row("Naming.collisions", "gradient,hessian,t3,c0", a -> Naming.collisions(a[0], a[1], a[2], a[3]),
                    a -> NamingGradients.collisions(a[0], a[1], a[2], a[3]),
                    (a, g) -> NamingGradients.collisions(a[0], a[1], a[2], a[3], g), p(0.5, -1.2, 2, 0.7),
                    p(1.7, 0.3, -0.4, 1.1))
                    .hessian((a, g, h) -> NamingGradients.collisionsHessian(a[0], a[1], a[2], a[3], g, h)));

    static Stream<Row> rows() {
        return ROWS.stream();
    }

    static Stream<Row> hessianRows() {
        return ROWS.stream().filter(r -> r.hessian() != null);
    }

    // ---------------------------------------------------------------- the corpus itself

    @Test
    void theCorpusIsLargeEnoughAndEveryGeneratedMethodHasARow() {
        assertTrue(ROWS.size() >= 45, "rows: " + ROWS.size());
        assertTrue(hessianRows().count() >= 10, "hessian rows: " + hessianRows().count());
        Set<String> generated = new TreeSet<>();
        for (Class<?> c : List.of(PolynomialsGradients.class, MathFunctionsGradients.class, StaticImportsGradients.class,
                PiecewiseGradients.class, NamingGradients.class, LoopsGradients.class, CallsGradients.class, Calls_InnerGradients.class,
                HelpersGradients.class, FloatMethodsGradients.class, WrtSubsetsGradients.class, HessiansGradients.class)) {
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isStatic(m.getModifiers()) && m.getReturnType().isRecord()) {
                    generated.add(c.getSimpleName() + "." + m.getName());
                }
            }
        }
        Set<String> covered = new TreeSet<>();
        for (Row r : ROWS) {
            String[] parts = r.name().split("\\.");
            String cls = parts.length == 3 && !parts[0].equals("other") ? parts[0] + "_" + parts[1] : parts[parts.length - 2];
            covered.add(cls + "Gradients." + parts[parts.length - 1]);
        }
        assertEquals(generated, covered);
    }

    // ---------------------------------------------------------------- (a) values

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void recordValueEqualsTheOriginal(Row row) {
        for (double[] x : row.points()) {
            double expected = row.original().at(x);
            double actual = components(row.record().at(x))[0];
            double tolerance = row.isFloat() ? 1e-6 : 1e-12;
            assertEquals(expected, actual, tolerance * Math.max(1, Math.abs(expected)), row + " at " + Arrays.toString(x));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void recordComponentsAreNamedAfterWrtAndPairsInParameterOrder(Row row) {
        List<String> expected = new ArrayList<>();
        expected.add("value");
        for (String w : row.wrt()) {
            expected.add("d" + w);
        }
        if (row.hessian() != null) {
            for (int a = 0; a < row.n(); a++) {
                for (int b = a; b < row.n(); b++) {
                    expected.add(secondPartialName(row, a, b));
                }
            }
        }
        List<String> actual = new ArrayList<>();
        for (RecordComponent c : row.record().at(row.points()[0]).getClass().getRecordComponents()) {
            actual.add(c.getName());
            assertEquals(row.isFloat() ? float.class : double.class, c.getType(), c.getName());
        }
        assertEquals(expected, actual);
    }

    // ---------------------------------------------------------------- (b) partials

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void partialsMatchFiniteDifferencesOfTheOriginal(Row row) {
        for (double[] x : row.points()) {
            double[] record = components(row.record().at(x));
            for (int i = 0; i < row.n(); i++) {
                int p = row.index(row.wrt().get(i));
                double fd = centralDifference(row.original(), x, p, row.isFloat());
                double tolerance = row.isFloat() ? 2e-3 : 1e-6;
                assertEquals(fd, record[1 + i], tolerance * Math.max(1, Math.abs(fd)),
                        row + ": d" + row.wrt().get(i) + " at " + Arrays.toString(x));
            }
        }
    }

    // ---------------------------------------------------------------- (c) the allocation-free variant

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void arrayVariantWritesTheRecordsPartialsAndReturnsItsValue(Row row) {
        for (double[] x : row.points()) {
            double[] record = components(row.record().at(x));
            double[] gradient = new double[row.n()];
            Arrays.fill(gradient, Double.NaN);
            double value = row.array().at(x, gradient);
            assertEquals(record[0], value, 0.0, row.name());
            assertArrayEquals(Arrays.copyOfRange(record, 1, 1 + row.n()), gradient, 0.0, row.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void arrayVariantRefusesAGradientOfTheWrongLength(Row row) {
        for (int length : new int[] {row.n() - 1, row.n() + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> row.array().at(row.points()[0], new double[length]));
            assertTrue(e.getMessage().matches("gradient_* must have " + elements(row.n()) + ", got " + length),
                    e.getMessage());
        }
    }

    // ---------------------------------------------------------------- (d) Hessians

    @ParameterizedTest(name = "{0}")
    @MethodSource("hessianRows")
    void hessianMatchesFiniteDifferencesOfTheGeneratedGradient(Row row) {
        int n = row.n();
        for (double[] x : row.points()) {
            double[] gradient = new double[n];
            double[] hessian = new double[n * n];
            row.hessian().at(x, gradient, hessian);
            for (int a = 0; a < n; a++) {
                int component = a;
                Fn partial = y -> {
                    double[] g = new double[n];
                    row.array().at(y, g);
                    return g[component];
                };
                for (int b = 0; b < n; b++) {
                    double fd = centralDifference(partial, x, row.index(row.wrt().get(b)), row.isFloat());
                    double tolerance = row.isFloat() ? 2e-3 : 1e-5;
                    assertEquals(fd, hessian[a * n + b], tolerance * Math.max(1, Math.abs(fd)),
                            row + ": H[" + a + "][" + b + "] at " + Arrays.toString(x));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hessianRows")
    void hessianArraysEqualTheRecordAndAreSymmetric(Row row) {
        int n = row.n();
        for (double[] x : row.points()) {
            double[] record = components(row.record().at(x));
            double[] gradient = new double[n];
            double[] hessian = new double[n * n];
            Arrays.fill(hessian, Double.NaN);
            double value = row.hessian().at(x, gradient, hessian);
            assertEquals(record[0], value, 0.0);
            assertArrayEquals(Arrays.copyOfRange(record, 1, 1 + n), gradient, 0.0);
            int k = 1 + n;
            for (int a = 0; a < n; a++) {
                for (int b = a; b < n; b++) {
                    assertEquals(record[k], hessian[a * n + b], 0.0, row + ": " + secondPartialName(row, a, b));
                    assertEquals(hessian[a * n + b], hessian[b * n + a], 0.0, row + ": symmetry");
                    k++;
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hessianRows")
    void hessianVariantRefusesArraysOfTheWrongLength(Row row) {
        int n = row.n();
        double[] x = row.points()[0];
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
                () -> row.hessian().at(x, new double[n + 1], new double[n * n]));
        assertTrue(g.getMessage().matches("gradient_* must have " + elements(n) + ", got " + (n + 1)), g.getMessage());
        IllegalArgumentException h = assertThrows(IllegalArgumentException.class,
                () -> row.hessian().at(x, new double[n], new double[n * n + 1]));
        assertTrue(h.getMessage().matches("hessian_* must have " + elements(n * n) + ", got " + (n * n + 1)), h.getMessage());
    }

    // ---------------------------------------------------------------- (e) against Grad.of

    /** The same expression built by hand with {@link dev.gradus.Ops}, over the row's parameter nodes. */
    record GraphRow(String name, Function<Node[], Node> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<GraphRow> GRAPH_ROWS = List.of(
            new GraphRow("Polynomials.cubic", v -> {
                Node x = v[0];
                return sub(add(sub(mul(mul(mul(3, x), x), x), mul(mul(2, x), x)), x), 7);
            }),
            new GraphRow("Polynomials.bivariate", v -> {
                Node x = v[0];
                Node y = v[1];
                return add(sub(add(mul(mul(x, x), y), mul(mul(mul(x, y), y), y)), mul(mul(4, x), y)), y);
            }),
            new GraphRow("Polynomials.rational", v -> div(add(mul(v[0], v[0]), 1), add(mul(v[1], v[1]), 2))),
            new GraphRow("Polynomials.continuedFraction", v -> div(1, add(1, div(1, add(1, mul(v[0], v[0])))))),
            new GraphRow("Polynomials.unaryMinus",
                    v -> add(add(mul(neg(v[0]), neg(v[1])), neg(sub(v[0], v[1]))), v[0])),
            new GraphRow("Polynomials.manyParams",
                    v -> add(sub(add(mul(v[0], v[1]), mul(mul(v[2], v[3]), v[4])), div(v[0], v[4])), mul(3, v[1]))),
            new GraphRow("MathFunctions.trig", v -> add(mul(sin(v[0]), cos(v[0])), tan(v[0]))),
            new GraphRow("MathFunctions.inverseTrig",
                    v -> add(add(asin(v[0]), acos(div(v[0], 2))), atan(mul(3, v[0])))),
            new GraphRow("MathFunctions.expLog",
                    v -> add(mul(exp(v[0]), log(v[1])), log10(add(mul(mul(v[1], v[0]), v[0]), 1)))),
            new GraphRow("MathFunctions.log1pExpm1", v -> add(log1p(mul(v[0], v[0])), expm1(v[0]))),
            new GraphRow("MathFunctions.roots",
                    v -> add(add(sqrt(v[0]), cbrt(add(mul(v[0], v[0]), 1))), cbrt(sub(v[0], 5)))),
            new GraphRow("MathFunctions.power",
                    v -> add(add(add(pow(v[0], v[1]), pow(v[0], 2.0)), pow(2.0, v[1])), pow(v[0], 0.5))),
            new GraphRow("MathFunctions.hyperbolic", v -> add(tanh(v[0]), mul(sinh(v[0]), cosh(v[0])))),
            new GraphRow("MathFunctions.hypotAtan2", v -> add(hypot(v[0], v[1]), atan2(v[1], v[0]))),
            new GraphRow("MathFunctions.absMaxMin",
                    v -> add(mul(abs(v[0]), maxBetween(v[0], v[1])), minBetween(mul(v[0], v[0]), v[1]))),
            new GraphRow("MathFunctions.composed", v -> div(log(add(1, exp(sin(mul(v[0], v[1]))))),
                    sqrt(add(1, mul(cos(v[0]), cos(v[0])))))),
            new GraphRow("StaticImports.gaussian", v -> {
                Node z = div(sub(v[0], v[1]), v[2]);
                return div(exp(div(mul(neg(z), z), 2)), mul(v[2], Math.sqrt(2 * Math.PI)));
            }),
            new GraphRow("StaticImports.softplus", v -> log(add(1, exp(v[0])))),
            new GraphRow("StaticImports.sigmoid", v -> div(1, add(1, exp(neg(v[0]))))),
            new GraphRow("Calls.norm", v -> sqrt(add(mul(v[0], v[0]), mul(v[1], v[1])))),
            new GraphRow("other.Helpers.affine", v -> add(mul(v[1], v[0]), mul(sin(v[0]), v[1]))),
            new GraphRow("Hessians.quadratic", v -> add(mul(mul(v[0], v[0]), v[1]), mul(mul(mul(3, v[0]), v[1]), v[1]))),
            new GraphRow("Hessians.rosenbrock", v -> {
                Node a = sub(1, v[0]);
                Node b = sub(v[1], mul(v[0], v[0]));
                return add(mul(a, a), mul(mul(100, b), b));
            }));

    static Stream<GraphRow> graphRows() {
        return GRAPH_ROWS.stream();
    }

    @Test
    void atLeastFifteenMethodsAreComparedWithGradOf() {
        assertTrue(GRAPH_ROWS.size() >= 15, "graph rows: " + GRAPH_ROWS.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphRows")
    void gradientMatchesTheRuntimesSymbolicGradient(GraphRow graphRow) {
        Row row = ROWS.stream().filter(r -> r.name().equals(graphRow.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no corpus row " + graphRow.name()));
        for (double[] x : row.points()) {
            Graph g = new Graph();
            Node[] inputs = new Node[row.params().size()];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = g.scalar(DType.FLOAT64, row.params().get(i), x[i]);
            }
            Node cost = graphRow.build().apply(inputs);
            Node[] wrt = new Node[row.n()];
            for (int i = 0; i < wrt.length; i++) {
                wrt[i] = inputs[row.index(row.wrt().get(i))];
            }
            List<Node> grads = Grad.of(cost, wrt);
            try (TapeMachine m = TapeMachine.builder(g).keepAll().build()) {
                m.runAll();
            }
            double[] record = components(row.record().at(x));
            assertEquals(cost.scalarValue(), record[0], 1e-12 * Math.max(1, Math.abs(record[0])),
                    row + ": the hand-built graph computes another function at " + Arrays.toString(x));
            for (int i = 0; i < wrt.length; i++) {
                double symbolic = grads.get(i).scalarValue();
                assertEquals(symbolic, record[1 + i], 1e-10 * Math.max(1, Math.abs(symbolic)),
                        row + ": d" + row.wrt().get(i) + " at " + Arrays.toString(x));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String elements(int n) {
        return n == 1 ? "1 element" : n + " elements";
    }

    private static String secondPartialName(Row row, int a, int b) {
        int first = Math.min(row.index(row.wrt().get(a)), row.index(row.wrt().get(b)));
        int second = Math.max(row.index(row.wrt().get(a)), row.index(row.wrt().get(b)));
        return "d" + row.params().get(first) + "d" + row.params().get(second);
    }

    /** Returns a record's components as doubles, in declaration order. */
    private static double[] components(Record r) {
        RecordComponent[] cs = r.getClass().getRecordComponents();
        double[] out = new double[cs.length];
        for (int i = 0; i < cs.length; i++) {
            try {
                out[i] = ((Number) cs[i].getAccessor().invoke(r)).doubleValue();
            } catch (ReflectiveOperationException e) {
                fail("cannot read " + cs[i].getName() + " of " + r, e);
            }
        }
        return out;
    }

    /** Returns (f(x + h·e_p) − f(x − h·e_p)) / (2h), with the step actually taken after rounding. */
    private static double centralDifference(Fn f, double[] x, int p, boolean isFloat) {
        double h = (isFloat ? 1e-2 : 1e-6) * Math.max(1, Math.abs(x[p]));
        double[] plus = x.clone();
        double[] minus = x.clone();
        plus[p] = isFloat ? (float) (x[p] + h) : x[p] + h;
        minus[p] = isFloat ? (float) (x[p] - h) : x[p] - h;
        return (f.at(plus) - f.at(minus)) / (plus[p] - minus[p]);
    }
}
