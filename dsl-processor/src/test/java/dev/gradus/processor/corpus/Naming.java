package dev.gradus.processor.corpus;

import dev.gradus.annotations.Expression;

/** Test corpus: parameter names that the generated code also wants (arrays, locals, call results). */
public final class Naming {
    private Naming() {
    }

    @Expression(hessian = true)
    public static double collisions(double gradient, double hessian, double t3, double c0) {
        double shared = gradient * hessian + t3;
        return Hessians.quadratic(shared, c0) + shared * c0 + Math.sin(shared) * t3;
    }
}
