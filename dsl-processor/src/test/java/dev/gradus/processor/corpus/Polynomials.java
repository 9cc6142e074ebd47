package dev.gradus.processor.corpus;

import dev.gradus.annotations.Expression;

/** Test corpus: polynomials, rational functions, unary minus, reassignment and constants. */
public final class Polynomials {
    /** A static constant the bodies may use. */
    public static final double SCALE = 2.5;
    /** An int constant, usable as a number and as a loop bound. */
    public static final int DEGREE = 3;

    private Polynomials() {
    }

    @Expression
    public static double cubic(double x) {
        return 3 * x * x * x - 2 * x * x + x - 7;
    }

    @Expression
    public static double bivariate(double x, double y) {
        return x * x * y + x * y * y * y - 4 * x * y + y;
    }

    @Expression
    public static double rational(double x, double y) {
        return (x * x + 1) / (y * y + 2);
    }

    @Expression
    public static double continuedFraction(double x) {
        return 1 / (1 + 1 / (1 + x * x));
    }

    @Expression
    public static double unaryMinus(double x, double y) {
        return -x * -y + -(x - y) + +x;
    }

    @Expression
    public static double reassigned(double x, double y) {
        double t = x * y;
        t = t + x;
        t *= y;
        t -= 2;
        t /= 1 + x * x;
        t += x;
        t++;
        ++t;
        t--;
        --t;
        double u;
        u = t * t;
        return u - t;
    }

    @Expression
    public static double constants(double x) {
        return SCALE * x * x + DEGREE * x + Polynomials.SCALE / DEGREE + Math.PI * x;
    }

    @Expression
    public static double manyParams(double a, double b, double c, double d, double e) {
        return a * b + c * d * e - a / e + (double) DEGREE * b;
    }
}
