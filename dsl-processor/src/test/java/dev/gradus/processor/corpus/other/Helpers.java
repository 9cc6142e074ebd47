package dev.gradus.processor.corpus.other;

import dev.gradus.annotations.Expression;
import dev.gradus.processor.corpus.Calls;

/** Test corpus in another package: called from {@code Calls}, and calling back into it. */
public final class Helpers {
    private Helpers() {
    }

    /** Differentiated with respect to x only. */
    @Expression(wrt = "x")
    public static double affine(double x, double k) {
        return k * x + Math.sin(x) * k;
    }

    /** Two levels into another package: cubeOfSquare → Calls.square. */
    @Expression
    public static double cubeOfSquare(double y) {
        double s = Calls.square(y);
        return s * s * s / 10;
    }
}
