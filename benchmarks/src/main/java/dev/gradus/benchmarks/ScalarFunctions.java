package dev.gradus.benchmarks;

import dev.gradus.annotations.Expression;

/** The benchmark's function as plain Java; the DSL generates {@code ScalarFunctionsGradients} from it. */
public final class ScalarFunctions {
    private ScalarFunctions() {
    }

    /**
     * Returns f(x, y) = x·x·y + sin x, the function of the benchmark.
     *
     * @param x first input
     * @param y second input
     * @return the value
     */
    @Expression
    public static double f(double x, double y) {
        return x * x * y + Math.sin(x);
    }
}
