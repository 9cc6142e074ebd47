package dev.gradus.processor.corpus;

import dev.gradus.annotations.Expression;

/** Test corpus: methods with second derivatives. */
public final class Hessians {
    private Hessians() {
    }

    @Expression(hessian = true)
    public static double quadratic(double x, double y) {
        return x * x * y + 3 * x * y * y;
    }

    @Expression(hessian = true)
    public static double trig(double x, double y) {
        return Math.sin(x * y) + Math.cos(x);
    }

    @Expression(hessian = true)
    public static double expLog(double x, double y) {
        return Math.exp(x) * Math.log(y);
    }

    @Expression(hessian = true)
    public static double rational(double x, double y) {
        return x / (1 + y * y);
    }

    @Expression(hessian = true)
    public static double power(double x, double y) {
        return Math.pow(x, y);
    }

    @Expression(hessian = true)
    public static double three(double x, double y, double z) {
        return x * y * z + x * x * z + Math.tanh(y * z);
    }

    @Expression(hessian = true)
    public static double piecewise(double x, double y) {
        return x > y ? x * x * y : y * y * x;
    }

    @Expression(hessian = true)
    public static double series(double x) {
        double s = 0;
        double p = 1;
        for (int i = 1; i <= 4; i++) {
            p *= x;
            s += p / i;
        }
        return s;
    }

    @Expression(hessian = true)
    public static double unary(double x) {
        return Math.tanh(x) + Math.sqrt(1 + x * x);
    }

    /** Calls two other Hessian methods, one with its arguments swapped. */
    @Expression(hessian = true)
    public static double caller(double x, double y) {
        return quadratic(x, y) * trig(y, x);
    }

    /** Three levels: chain → caller → quadratic, trig; and chain → unary. */
    @Expression(hessian = true)
    public static double chain(double x, double y) {
        return caller(x, y) + unary(x * y);
    }

    @Expression(hessian = true, wrt = {"z", "x"})
    public static double reorderedWrt(double x, double y, double z) {
        return x * x * z * y + Math.exp(z) * x;
    }

    @Expression(hessian = true)
    public static double rosenbrock(double x, double y) {
        double a = 1 - x;
        double b = y - x * x;
        return a * a + 100 * b * b;
    }
}
