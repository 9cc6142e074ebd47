package dev.gradus.processor.corpus;

import dev.gradus.annotations.Expression;

/** Test corpus: ternaries, if/else, early returns, nested and combined conditions. */
public final class Piecewise {
    private Piecewise() {
    }

    @Expression
    public static double ternary(double x) {
        return x > 0 ? x * x : 0.5 * x;
    }

    @Expression
    public static double ifElse(double x, double y) {
        double r;
        if (x > y) {
            r = x * y;
        } else {
            r = x + y;
        }
        return r * r;
    }

    @Expression
    public static double huber(double x) {
        if (x < -1) {
            return -x - 0.5;
        }
        if (x < 1) {
            return 0.5 * x * x;
        }
        return x - 0.5;
    }

    @Expression
    public static double nested(double x, double y) {
        if (x > 0) {
            if (y > 0) {
                return x * y;
            }
            return x - y;
        } else {
            return y > 1 ? x * x : -y;
        }
    }

    @Expression
    public static double logical(double x, double y) {
        return (x > 0 && y > 0) || x < -2 ? Math.sin(x * y) : Math.cos(x + y);
    }

    @Expression
    public static double negated(double x) {
        boolean big = x > 1 || x < -1;
        double r = x;
        if (!big) {
            r = x * x * x;
        } else if (x >= 1) {
            r = 2 * x;
        }
        return r + (!(x <= 0) ? 1.0 : -1.0) * x;
    }

    @Expression
    public static double clamp(double x, double lo, double hi) {
        double r = x;
        if (r < lo) {
            r = lo;
        }
        if (r > hi) {
            r = hi;
        }
        return r * x;
    }
}
