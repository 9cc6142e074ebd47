package dev.gradus.init;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The standard {@link Initializer}s, as in Gorgonia ({@code Zeroes}, {@code Ones},
 * {@code Uniform}, {@code Gaussian}, {@code GlorotN}, {@code GlorotU}, {@code HeN},
 * {@code HeU}) and PyTorch's {@code torch.nn.init}.
 *
 * <pre>{@code
 * Tensor w = Init.glorotUniform(1.0).create(DType.FLOAT32, Shape.of(784, 128), 42L);
 * }</pre>
 *
 * <p>Random initializers take FLOAT32 and FLOAT64 and draw one value per element in
 * row-major order: {@link RandomGenerator#nextDouble()} for the uniform ones,
 * {@link RandomGenerator#nextGaussian()} for the normal ones (plain, not truncated, normal
 * noise, as PyTorch's {@code normal_}, {@code xavier_normal_} and {@code kaiming_normal_}).
 * FLOAT32 values are the FLOAT64 values rounded to float. With (fanIn, fanOut) from
 * {@link Fans#of}:
 * <table>
 *   <caption>Scales</caption>
 *   <tr><th>initializer</th><th>distribution</th></tr>
 *   <tr><td>{@link #glorotNormal}</td><td>N(0, σ²), σ = gain·√(2 / (fanIn + fanOut))</td></tr>
 *   <tr><td>{@link #glorotUniform}</td><td>U[−a, a), a = gain·√(6 / (fanIn + fanOut))</td></tr>
 *   <tr><td>{@link #heNormal}</td><td>N(0, σ²), σ = gain·√(2 / fanIn)</td></tr>
 *   <tr><td>{@link #heUniform}</td><td>U[−a, a), a = gain·√(6 / fanIn)</td></tr>
 * </table>
 * The He formulas already contain ReLU's factor 2, so gain 1 is right for ReLU layers
 * (PyTorch writes the same distributions as gain √2 over √fanIn).
 *
 * <p>Every factory validates its arguments at once and throws
 * {@link IllegalArgumentException} naming the parameter; the initializers it returns are
 * immutable, thread-safe, and print as the call that made them, e.g. {@code uniform(-1.0, 1.0)}.
 */
public final class Init {
    private Init() {}

    /** Returns an initializer that fills every element with 0; it takes every dtype. */
    public static Initializer zeros() {
        return new Constant("zeros()", 0.0);
    }

    /** Returns an initializer that fills every element with 1; it takes every dtype. */
    public static Initializer ones() {
        return new Constant("ones()", 1.0);
    }

    /**
     * Returns an initializer that fills every element with {@code value}, converted to the
     * dtype as {@link Tensor#fill(double)} does; it takes every dtype.
     *
     * @param value the value
     * @throws IllegalArgumentException if {@code value} is NaN or infinite
     */
    public static Initializer constant(double value) {
        requireFinite("value", value);
        return new Constant("constant(" + value + ")", value);
    }

    /**
     * Returns an initializer that draws each element uniformly from [low, high).
     *
     * <p>FLOAT32 elements are rounded to float; one that would round up to {@code high} is
     * replaced by the largest float below it, so the bound stays exclusive.
     *
     * @param low the inclusive lower bound
     * @param high the exclusive upper bound
     * @throws IllegalArgumentException naming the parameter if a bound is not finite, if
     *     {@code low >= high}, or if {@code high - low} overflows
     */
    public static Initializer uniform(double low, double high) {
        requireFinite("low", low);
        requireFinite("high", high);
        if (!(low < high)) {
            throw new IllegalArgumentException("low must be less than high; got low " + low + ", high " + high);
        }
        if (!Double.isFinite(high - low)) {
            throw new IllegalArgumentException("high - low overflows: low " + low + ", high " + high);
        }
        return new Uniform("uniform(" + low + ", " + high + ")", shape -> low, shape -> high);
    }

    /**
     * Returns an initializer that draws each element from the normal distribution with the
     * given mean and standard deviation.
     *
     * @param mean the mean
     * @param std the standard deviation; 0 gives a constant tensor
     * @throws IllegalArgumentException naming the parameter if {@code mean} is not finite or
     *     {@code std} is negative or not finite
     */
    public static Initializer gaussian(double mean, double std) {
        requireFinite("mean", mean);
        requireFinite("std", std);
        if (std < 0) {
            throw new IllegalArgumentException("std must be non-negative; got " + std);
        }
        return new Gaussian("gaussian(" + mean + ", " + std + ")", mean, shape -> std);
    }

    /**
     * Returns Glorot's (Xavier's) normal initializer: N(0, σ²) with
     * σ = gain·√(2 / (fanIn + fanOut)); PyTorch's {@code xavier_normal_}.
     *
     * @param gain the scale factor (1 for linear and tanh-free layers; PyTorch's
     *     {@code calculate_gain} gives others)
     * @throws IllegalArgumentException if {@code gain} is not finite and positive; the
     *     returned initializer throws for rank-0 shapes (see {@link Fans#of})
     */
    public static Initializer glorotNormal(double gain) {
        requireGain(gain);
        return new Gaussian("glorotNormal(" + gain + ")", 0.0, shape -> {
            Fans fans = Fans.of(shape);
            return gain * Math.sqrt(2.0 / ((double) fans.fanIn() + fans.fanOut()));
        });
    }

    /**
     * Returns Glorot's (Xavier's) uniform initializer: U[−a, a) with
     * a = gain·√(6 / (fanIn + fanOut)); PyTorch's {@code xavier_uniform_}.
     *
     * @param gain the scale factor
     * @throws IllegalArgumentException if {@code gain} is not finite and positive; the
     *     returned initializer throws for rank-0 shapes (see {@link Fans#of})
     */
    public static Initializer glorotUniform(double gain) {
        requireGain(gain);
        Scale limit = shape -> {
            Fans fans = Fans.of(shape);
            return gain * Math.sqrt(6.0 / ((double) fans.fanIn() + fans.fanOut()));
        };
        return new Uniform("glorotUniform(" + gain + ")", shape -> -limit.of(shape), limit);
    }

    /**
     * Returns He's (Kaiming's) normal initializer: N(0, σ²) with σ = gain·√(2 / fanIn);
     * PyTorch's {@code kaiming_normal_} in its default fan-in mode.
     *
     * @param gain the scale factor (1 for ReLU layers: the 2 is already in the formula)
     * @throws IllegalArgumentException if {@code gain} is not finite and positive; the
     *     returned initializer throws for rank-0 shapes (see {@link Fans#of})
     */
    public static Initializer heNormal(double gain) {
        requireGain(gain);
        return new Gaussian("heNormal(" + gain + ")", 0.0, shape -> gain * Math.sqrt(2.0 / Fans.of(shape).fanIn()));
    }

    /**
     * Returns He's (Kaiming's) uniform initializer: U[−a, a) with a = gain·√(6 / fanIn);
     * PyTorch's {@code kaiming_uniform_} in its default fan-in mode.
     *
     * @param gain the scale factor (1 for ReLU layers)
     * @throws IllegalArgumentException if {@code gain} is not finite and positive; the
     *     returned initializer throws for rank-0 shapes (see {@link Fans#of})
     */
    public static Initializer heUniform(double gain) {
        requireGain(gain);
        Scale limit = shape -> gain * Math.sqrt(6.0 / Fans.of(shape).fanIn());
        return new Uniform("heUniform(" + gain + ")", shape -> -limit.of(shape), limit);
    }

    // ---------------------------------------------------------------- implementations

    /** A number computed from the shape being initialized (a bound or a standard deviation). */
    @FunctionalInterface
    private interface Scale {
        double of(Shape shape);
    }

    private record Constant(String description, double value) implements Initializer {
        @Override
        public Tensor create(DType dtype, Shape shape, RandomGenerator random) {
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(random, "random");
            return Tensor.full(dtype, shape, value);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private record Uniform(String description, Scale low, Scale high) implements Initializer {
        @Override
        public Tensor create(DType dtype, Shape shape, RandomGenerator random) {
            checkArguments(this, dtype, shape, random);
            // The scales are computed only for a non-empty tensor: an empty one has no fans.
            Tensor out = Tensor.zeros(dtype, shape);
            if (shape.size() == 0) {
                return out;
            }
            double lo = low.of(shape);
            double hi = high.of(shape);
            double width = hi - lo;
            int n = shape.size();
            if (dtype == DType.FLOAT64) {
                double[] data = out.float64Data();
                for (int i = 0; i < n; i++) {
                    data[i] = belowHigh(lo + width * random.nextDouble(), hi);
                }
            } else {
                float[] data = out.float32Data();
                for (int i = 0; i < n; i++) {
                    float v = (float) (lo + width * random.nextDouble());
                    while (v >= hi) { // rounding reached the exclusive bound
                        v = Math.nextDown(v);
                    }
                    data[i] = v;
                }
            }
            return out;
        }

        /** lo + width·u can round up to hi when u is just below 1. */
        private static double belowHigh(double v, double hi) {
            return v < hi ? v : Math.nextDown(hi);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private record Gaussian(String description, double mean, Scale std) implements Initializer {
        @Override
        public Tensor create(DType dtype, Shape shape, RandomGenerator random) {
            checkArguments(this, dtype, shape, random);
            Tensor out = Tensor.zeros(dtype, shape);
            if (shape.size() == 0) {
                return out;
            }
            double sigma = std.of(shape);
            int n = shape.size();
            if (dtype == DType.FLOAT64) {
                double[] data = out.float64Data();
                for (int i = 0; i < n; i++) {
                    data[i] = mean + sigma * random.nextGaussian();
                }
            } else {
                float[] data = out.float32Data();
                for (int i = 0; i < n; i++) {
                    data[i] = (float) (mean + sigma * random.nextGaussian());
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private static void checkArguments(Initializer init, DType dtype, Shape shape, RandomGenerator random) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(random, "random");
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException(init + " makes float32 or float64 tensors, not " + dtype);
        }
    }

    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite; got " + value);
        }
    }

    private static void requireGain(double gain) {
        if (!(gain > 0) || !Double.isFinite(gain)) {
            throw new IllegalArgumentException("gain must be finite and positive; got " + gain);
        }
    }
}
