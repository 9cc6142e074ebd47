package dev.gradus.samples;

import dev.gradus.tensor.Tensor;
import java.util.SplittableRandom;

/** Small data helpers the training samples share: standardizing, shuffling, scoring. */
final class Training {
    private Training() {
    }

    /** Scales each column to mean 0 and variance 1 on the training rows (constant columns stay 0). */
    static void standardize(double[] train, double[] test, int columns) {
        int rows = train.length / columns;
        for (int c = 0; c < columns; c++) {
            double mean = 0;
            for (int r = 0; r < rows; r++) {
                mean += train[r * columns + c] / rows;
            }
            double var = 0;
            for (int r = 0; r < rows; r++) {
                var += Math.pow(train[r * columns + c] - mean, 2) / rows;
            }
            double scale = var > 0 ? 1 / Math.sqrt(var) : 0;
            for (int r = 0; r < rows; r++) {
                train[r * columns + c] = (train[r * columns + c] - mean) * scale;
            }
            for (int r = 0; r < test.length / columns; r++) {
                test[r * columns + c] = (test[r * columns + c] - mean) * scale;
            }
        }
    }

    /** Returns the share of rows whose predicted class (an INT32 tensor) equals the label. */
    static double accuracy(Tensor predicted, int[] labels) {
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            if ((int) predicted.getFlat(i) == labels[i]) {
                right++;
            }
        }
        return right / (double) labels.length;
    }

    /** Shuffles {@code a} in place (Fisher–Yates) with {@code random}. */
    static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
