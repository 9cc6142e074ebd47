package dev.gradus.processor.corpus;

import dev.gradus.annotations.Expression;

/** Test corpus: wrt subsets and reorderings. */
public final class WrtSubsets {
    private WrtSubsets() {
    }

    @Expression(wrt = {"x", "z"})
    public static double subset(double x, double y, double z) {
        return x * y * z + Math.sin(y) * x;
    }

    @Expression(wrt = {"z", "x"})
    public static double reordered(double x, double y, double z) {
        return x * x * z + y * z * z;
    }

    @Expression(wrt = "b")
    public static double single(double a, double b) {
        return Math.exp(a * b) + b;
    }

    /** wrt names every parameter, in reverse order. */
    @Expression(wrt = {"y", "x"})
    public static double reversed(double x, double y) {
        return x / y + x * Math.log(y);
    }
}
