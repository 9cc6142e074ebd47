package dev.gradus.solver;

/** Validation of option values; every message names the option. */
final class Check {
    private Check() {
    }

    static double nonNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a finite number ≥ 0; got " + value);
        }
        return value;
    }

    static double positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a finite number > 0; got " + value);
        }
        return value;
    }

    /** In [0, 1): a decay rate such as a beta or rho. */
    static double rate(String option, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(option + " must be in [0, 1); got " + value);
        }
        return value;
    }
}
