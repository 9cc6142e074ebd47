package golden;

import dev.gradus.annotations.Expression;

/** A golden-source input: what the processor writes for it is compared, character for character. */
public final class Spring {
    private Spring() {
    }

    @Expression(hessian = true)
    public static double energy(double x, double k) {
        return 0.5 * k * x * x;
    }

    @Expression(wrt = "x")
    public static double damped(double x, double c) {
        double decay = Math.exp(-c * x);
        return decay * Math.sin(x) + x / c;
    }
}
