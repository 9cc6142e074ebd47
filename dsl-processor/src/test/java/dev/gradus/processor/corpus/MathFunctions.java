package dev.gradus.processor.corpus;

import dev.gradus.annotations.Expression;

/** Test corpus: every supported Math function, through qualified calls. */
public final class MathFunctions {
    private MathFunctions() {
    }

    @Expression
    public static double trig(double x) {
        return Math.sin(x) * Math.cos(x) + Math.tan(x);
    }

    @Expression
    public static double inverseTrig(double x) {
        return Math.asin(x) + Math.acos(x / 2) + Math.atan(3 * x);
    }

    @Expression
    public static double expLog(double x, double y) {
        return Math.exp(x) * Math.log(y) + Math.log10(y * x * x + 1);
    }

    @Expression
    public static double log1pExpm1(double x) {
        return Math.log1p(x * x) + Math.expm1(x);
    }

    @Expression
    public static double roots(double x) {
        return Math.sqrt(x) + Math.cbrt(x * x + 1) + Math.cbrt(x - 5);
    }

    @Expression
    public static double power(double x, double y) {
        return Math.pow(x, y) + Math.pow(x, 2.0) + Math.pow(2.0, y) + Math.pow(x, 0.5);
    }

    @Expression
    public static double hyperbolic(double x) {
        return Math.tanh(x) + Math.sinh(x) * Math.cosh(x);
    }

    @Expression
    public static double hypotAtan2(double x, double y) {
        return Math.hypot(x, y) + Math.atan2(y, x);
    }

    @Expression
    public static double absMaxMin(double x, double y) {
        return Math.abs(x) * Math.max(x, y) + Math.min(x * x, y);
    }

    @Expression
    public static double strict(double x) {
        return StrictMath.exp(x) * StrictMath.cos(x) + java.lang.Math.sin(x);
    }

    @Expression
    public static double composed(double x, double y) {
        return Math.log(1 + Math.exp(Math.sin(x * y))) / Math.sqrt(1 + Math.cos(x) * Math.cos(x));
    }
}
