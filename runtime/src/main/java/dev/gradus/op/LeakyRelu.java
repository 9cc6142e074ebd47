package dev.gradus.op;

import java.util.List;

/**
 * Leaky ReLU: {@code x} where x &gt; 0, else {@code alpha·x}. d/dx = 1 or alpha, written
 * {@code alpha + (1 − alpha)·step(x)}. The Java source form writes alpha as the literal
 * {@link Double#toString} gives, which reads back as the same double.
 */
public final class LeakyRelu extends UnaryOp {
    private final double alpha;

    /** Creates the op with slope {@code alpha} for negative inputs. */
    public LeakyRelu(double alpha) {
        super("leakyRelu", x -> x > 0 ? x : alpha * x,
                "((%1$s) > 0 ? (%1$s) : (" + alpha + ") * (%1$s))");
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("leakyRelu slope must be finite, got " + alpha);
        }
        this.alpha = alpha;
    }

    /** Returns the negative-side slope. */
    public double alpha() {
        return alpha;
    }

    @Override
    public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
        T slope = b.add(b.constant(alpha, x), b.mul(b.constant(1 - alpha, x), b.step(x)));
        return Partial.of(b.mul(g, slope));
    }

    @Override
    public String parameters() {
        return "alpha=" + alpha;
    }

    @Override
    public String format(List<String> args) {
        return "leakyRelu(" + args.get(0) + ", " + alpha + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeakyRelu l && Double.compare(l.alpha, alpha) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(alpha) * 31 + 7;
    }
}
