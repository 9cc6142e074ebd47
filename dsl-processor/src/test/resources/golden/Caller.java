package golden;

import dev.gradus.annotations.Expression;

/** A golden-source input with a call to another @Expression method and a branch. */
public final class Caller {
    private Caller() {
    }

    @Expression
    public static double square(double x) {
        return x * x;
    }

    @Expression
    public static double relu(double x, double y) {
        return x > 0 ? square(x) * y : 0.1 * x;
    }
}
