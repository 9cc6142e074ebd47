package dev.gradus.processor.corpus;

import dev.gradus.annotations.Expression;

/** Test corpus: for loops with constant bounds, unrolled at compile time. */
public final class Loops {
    private static final int TERMS = 10;

    private Loops() {
    }

    @Expression
    public static double sumOfPowers(double x) {
        double s = 0;
        double p = 1;
        for (int i = 1; i <= 5; i++) {
            p *= x;
            s += p;
        }
        return s;
    }

    @Expression
    public static double product(double x) {
        double p = 1;
        for (int k = 1; k < 5; ++k) {
            p = p * (x + k);
        }
        return p;
    }

    /** Horner's rule for 1 + 2x + 3x² + ... + 6x⁵. */
    @Expression
    public static double horner(double x) {
        double p = 0;
        for (int i = 5; i >= 0; i--) {
            p = p * x + (i + 1);
        }
        return p;
    }

    @Expression
    public static double nestedLoops(double x, double y) {
        double s = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                s += (i + 1) * Math.pow(x, i) * Math.pow(y, j) / (j + 1);
            }
        }
        return s;
    }

    @Expression
    public static double loopWithIf(double x) {
        double s = 0;
        for (int i = 0; i < 6; i++) {
            if (i % 2 == 0) {
                s += x * i;
            } else {
                s -= x * x / i;
            }
        }
        return s;
    }

    @Expression
    public static double countDown(double x) {
        double s = x;
        for (int i = 8; i > 0; i -= 2) {
            s = s * x + i;
        }
        return s;
    }

    /** The Taylor series of exp, with a constant bound from a static field. */
    @Expression
    public static double taylorExp(double x) {
        double term = 1;
        double sum = 1;
        for (int k = 1; k <= TERMS; k++) {
            term *= x / k;
            sum += term;
        }
        return sum;
    }

    @Expression
    public static double loopWithLocals(double x, double y) {
        int n = 4;
        double acc = y;
        for (int i = 0; i < n; i += 1) {
            double step = Math.sin(x + i);
            acc = acc * 0.5 + step * y;
        }
        return acc;
    }
}
