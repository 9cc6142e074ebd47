/**
 * Initializers that make the starting values of parameters: zeros, ones, constants, uniform
 * and Gaussian noise, and the Glorot (Xavier) and He (Kaiming) schemes scaled by a weight's
 * {@link dev.gradus.init.Fans fan-in and fan-out}. {@link dev.gradus.init.Init} makes them;
 * each is an {@link dev.gradus.init.Initializer}, seeded by a
 * {@link java.util.random.RandomGenerator} or a {@code long}, so the same seed always gives
 * the same tensor.
 */
package dev.gradus.init;
