package dev.gradus.init;

import dev.gradus.tensor.Shape;

/**
 * The fan-in and fan-out of a weight tensor: how many inputs feed each output unit and how
 * many outputs each input unit feeds. Glorot and He initializers scale their noise by them.
 *
 * <p>Conventions, by rank:
 * <ul>
 *   <li>rank 1 (a bias or a vector of weights): fanIn = fanOut = the vector's size;</li>
 *   <li>rank 2, shape {@code (in, out)}: fanIn = in, fanOut = out. This is the layout
 *       {@code matMul(x, w)} takes with {@code x} of shape {@code (batch, in)}. Note that
 *       PyTorch's {@code nn.Linear} stores its weight the other way round, {@code (out, in)};</li>
 *   <li>rank ≥ 3, a convolution kernel {@code (out, in, k1, k2, ...)} as in PyTorch (NCHW
 *       convolutions, OIHW kernels): with receptive field r = k1·k2·…,
 *       fanIn = in·r and fanOut = out·r;</li>
 *   <li>rank 0: no fans; {@link #of} throws.</li>
 * </ul>
 *
 * @param fanIn number of inputs per output unit
 * @param fanOut number of outputs per input unit
 */
public record Fans(int fanIn, int fanOut) {

    /**
     * Checks the fans.
     *
     * @param fanIn number of inputs per output unit
     * @param fanOut number of outputs per input unit
     * @throws IllegalArgumentException if a fan is negative
     */
    public Fans {
        if (fanIn < 0 || fanOut < 0) {
            throw new IllegalArgumentException("fans must be non-negative: fanIn " + fanIn + ", fanOut " + fanOut);
        }
    }

    /**
     * Returns the fans of a weight tensor of the given shape, by the conventions above.
     *
     * @param shape the weight's shape
     * @return the fans (zero when an axis they depend on is empty)
     * @throws IllegalArgumentException for a rank-0 shape, which has no fans, or when a fan
     *     exceeds 2^31-1 (possible only for a shape with an empty axis)
     */
    public static Fans of(Shape shape) {
        switch (shape.rank()) {
            case 0:
                throw new IllegalArgumentException("a scalar (shape ()) has no fan-in or fan-out; "
                        + "Glorot and He initializers need a vector, a matrix (in, out) or a kernel (out, in, k...)");
            case 1:
                return new Fans(shape.dim(0), shape.dim(0));
            case 2:
                return new Fans(shape.dim(0), shape.dim(1));
            default:
                // A shape with an empty axis has size 0 whatever its other axes, so its fans can
                // exceed int range: compute them exactly and refuse what does not fit.
                try {
                    long receptiveField = 1;
                    for (int axis = 2; axis < shape.rank(); axis++) {
                        receptiveField = Math.multiplyExact(receptiveField, shape.dim(axis));
                    }
                    return new Fans(Math.toIntExact(Math.multiplyExact(shape.dim(1), receptiveField)),
                            Math.toIntExact(Math.multiplyExact(shape.dim(0), receptiveField)));
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("the fans of shape " + shape + " exceed 2^31-1", e);
                }
        }
    }
}
