package dev.gradus.samples;

import dev.gradus.annotations.Expression;

/**
 * Plain Java physics formulas marked with {@code @Expression}: the Gradus processor generates
 * {@code PhysicsGradients} with their derivatives at compile time. The methods themselves
 * stay ordinary Java.
 */
public final class Physics {
    private Physics() {
    }

    /**
     * Returns the energy of a mass on a spring: ½kx² + ½v² (unit mass).
     *
     * @param x displacement
     * @param v velocity
     * @param k spring constant
     * @return the energy
     */
    @Expression
    public static double energy(double x, double v, double k) {
        return 0.5 * k * x * x + 0.5 * v * v;
    }
}
