package dev.gradus.init;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Makes the initial value of a parameter tensor: zeros, ones, a constant, uniform or Gaussian
 * noise, or the Glorot (Xavier) and He (Kaiming) schemes that scale the noise to the tensor's
 * {@linkplain Fans fan-in and fan-out}. Get instances from {@link Init}.
 *
 * <p>Random initializers draw exactly one value from the generator per element, in row-major
 * order, so the same generator state (or the same seed) gives the same tensor, and a FLOAT32
 * tensor holds the FLOAT64 tensor's values of the same seed rounded to float. Initializers are
 * immutable and thread-safe; a {@link RandomGenerator} usually is not, so do not share one
 * between threads.
 */
@FunctionalInterface
public interface Initializer {

    /**
     * Returns a new contiguous tensor of the given dtype and shape filled by this initializer,
     * advancing {@code random} by one draw per element (random initializers only).
     *
     * @param dtype element type; random initializers take FLOAT32 or FLOAT64
     * @param shape shape of the result
     * @param random the source of randomness; deterministic initializers do not touch it
     * @throws IllegalArgumentException if the dtype is not supported by this initializer, or
     *     the shape has no fan-in/fan-out when the initializer needs them (see {@link Fans#of})
     * @throws NullPointerException if an argument is null
     */
    Tensor create(DType dtype, Shape shape, RandomGenerator random);

    /**
     * Returns {@link #create(DType, Shape, RandomGenerator)} with a fresh
     * {@link SplittableRandom} seeded by {@code seed}: the same seed always gives the same
     * tensor. (Across Java releases, uniform values are stable; Gaussian ones come from
     * {@link RandomGenerator#nextGaussian()}, whose algorithm the JDK does not pin down.)
     *
     * @param dtype element type
     * @param shape shape of the result
     * @param seed the seed
     * @throws IllegalArgumentException as {@link #create(DType, Shape, RandomGenerator)}
     */
    default Tensor create(DType dtype, Shape shape, long seed) {
        return create(dtype, shape, new SplittableRandom(seed));
    }
}
