package dev.gradus.samples;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.matMul;
import static dev.gradus.Ops.mean;
import static dev.gradus.Ops.square;
import static dev.gradus.Ops.sub;

import dev.gradus.annotations.Expression;
import dev.gradus.tensor.Tensor;

/**
 * A linear model's loss written as plain Java over tensors; the Gradus processor generates
 * {@code LinearModelGradients} with its graph builders and a call that returns the loss and
 * its gradients. Calling {@link #mse} itself computes the loss eagerly.
 */
public final class LinearModel {
    private LinearModel() {
    }

    /**
     * Returns the mean squared error of the predictions {@code x·w + b} against {@code y}.
     *
     * @param x inputs, (n, features)
     * @param y targets, (n, outputs)
     * @param w weights, (features, outputs)
     * @param b bias, (outputs)
     * @return the loss, a scalar
     */
    @Expression(wrt = {"w", "b"})
    public static Tensor mse(Tensor x, Tensor y, Tensor w, Tensor b) {
        return mean(square(sub(add(matMul(x, w), b), y)));
    }
}
