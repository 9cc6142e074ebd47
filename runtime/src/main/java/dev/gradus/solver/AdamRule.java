package dev.gradus.solver;

import dev.gradus.tensor.Tensor;

/**
 * The Adam moment update and step, shared by {@link Adam} and {@link AdamW} (which differ only
 * in AdamW's decoupled weight decay).
 */
final class AdamRule {
    final double beta1;
    final double beta2;
    final double eps;
    /** 1 − β1ᵗ and 1 − β2ᵗ for the current step. */
    private double correction1;
    private double correction2;

    AdamRule(double beta1, double beta2, double eps) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    void beginStep(long t) {
        correction1 = 1 - Math.pow(beta1, t);
        correction2 = 1 - Math.pow(beta2, t);
    }

    /** Updates m and v at k and returns w − lr·m̂/(√v̂ + ε). */
    double apply(Tensor firstMoment, Tensor secondMoment, int k, double w, double g, double learnRate) {
        double m = beta1 * firstMoment.getAt(k) + (1 - beta1) * g;
        double v = beta2 * secondMoment.getAt(k) + (1 - beta2) * g * g;
        firstMoment.setAt(k, m);
        secondMoment.setAt(k, v);
        double mHat = m / correction1;
        double vHat = v / correction2;
        return w - learnRate * mHat / (Math.sqrt(vHat) + eps);
    }

    String describe() {
        return "beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps;
    }
}
