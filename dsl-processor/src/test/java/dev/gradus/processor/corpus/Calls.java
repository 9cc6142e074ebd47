package dev.gradus.processor.corpus;

import dev.gradus.annotations.Expression;
import dev.gradus.processor.corpus.other.Helpers;

/** Test corpus: calls to other @Expression methods (the chain rule across methods and classes). */
public final class Calls {
    private Calls() {
    }

    @Expression
    public static double square(double x) {
        return x * x;
    }

    @Expression
    public static double sumSquares(double x, double y) {
        return square(x) + square(y);
    }

    /** Three levels: norm → sumSquares → square. */
    @Expression
    public static double norm(double x, double y) {
        return Math.sqrt(sumSquares(x, y));
    }

    /** Calls a method of another package whose wrt leaves out k: k gets a constant here. */
    @Expression
    public static double crossClass(double x, double y) {
        return Helpers.affine(x * y, 3.0) + Helpers.cubeOfSquare(y);
    }

    @Expression
    public static double callsNested(double x, double y) {
        return Inner.inner(x + y) * Calls.square(x - y);
    }

    @Expression
    public static double repeatedCall(double x) {
        return square(Math.sin(x)) + square(Math.cos(x)) + square(Math.sin(x)) * x;
    }

    /** A nested class: its methods are generated into {@code Calls_InnerGradients}. */
    public static final class Inner {
        private Inner() {
        }

        @Expression
        public static double inner(double x) {
            return square(x) + Math.exp(-x);
        }
    }
}
