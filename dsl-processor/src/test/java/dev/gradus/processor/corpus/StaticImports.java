package dev.gradus.processor.corpus;

import static java.lang.Math.*;

import dev.gradus.annotations.Expression;

/** Test corpus: Math functions and constants through {@code import static java.lang.Math.*}. */
public final class StaticImports {
    private StaticImports() {
    }

    @Expression
    public static double gaussian(double x, double mu, double sigma) {
        double z = (x - mu) / sigma;
        return exp(-z * z / 2) / (sigma * sqrt(2 * PI));
    }

    @Expression
    public static double softplus(double x) {
        return log(1 + exp(x));
    }

    @Expression
    public static double sigmoid(double x) {
        return 1 / (1 + exp(-x));
    }
}
