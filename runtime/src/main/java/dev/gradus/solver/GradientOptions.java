package dev.gradus.solver;

/**
 * The options every solver takes, and the gradient pre-processing they define (see the
 * package documentation for the order and why).
 */
record GradientOptions(double learnRate, double l1, double l2, double clip, int batchSize) {

    /** Returns the pre-processed gradient of one element: divided, regularized, clipped. */
    double apply(double gradient, double weight) {
        // x / 1 is x for every double, so the common batchSize 1 skips a division per element.
        double g = batchSize == 1 ? gradient : gradient / batchSize;
        if (l2 != 0) {
            g += l2 * weight;
        }
        if (l1 != 0) {
            g += l1 * Math.signum(weight);
        }
        if (g > clip) {
            g = clip;
        } else if (g < -clip) {
            g = -clip;
        }
        return g;
    }

    /** Returns true when {@link #apply} returns the gradient unchanged: batch size 1, no l1, l2 or clip. */
    boolean isPlain() {
        return batchSize == 1 && l1 == 0 && l2 == 0 && clip == Double.POSITIVE_INFINITY;
    }

    /** Returns the options as {@code learnRate=..., l1=...} for {@code toString}. */
    String describe() {
        return "learnRate=" + learnRate + ", l1=" + l1 + ", l2=" + l2 + ", clip=" + clip + ", batchSize=" + batchSize;
    }
}
