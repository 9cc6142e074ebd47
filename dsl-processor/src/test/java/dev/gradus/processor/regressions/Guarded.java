package dev.gradus.processor.regressions;

import dev.gradus.annotations.Expression;

/** Bodies that once compiled to wrong derivatives (found in review); see {@link ReviewRegressionsTest}. */
final class Guarded {
    static final double K = 2;
    static final int N = 3;

    private Guarded() {
    }

    @Expression
    static double guardedSqrt(double x) {
        if (x > 0) {
            return Math.sqrt(x);
        }
        return 0.0;
    }

    @Expression
    static double guardedLog(double x) {
        return x > 0 ? x * Math.log(x) : 0;
    }

    @Expression
    static double blockScope(double x) {
        double k;
        {
            double K = x * x;
            k = K;
        }
        // K is the field again here.
        return k * x + K * x;
    }

    @Expression
    static double parameterHidesIntField(double x, double N) {
        return x * N;
    }

    @Expression
    static double intMath(double x) {
        return x * (Math.max(N, 3) / 8) + x * (Math.abs(-3) / 2);
    }

    @Expression
    static double signedZero(double x) {
        return Math.atan2(0.0 - x, -1.0);
    }
}
