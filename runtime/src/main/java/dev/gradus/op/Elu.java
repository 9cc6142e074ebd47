package dev.gradus.op;

import java.util.List;

/**
 * ELU: {@code x} where x &gt; 0, else {@code alpha·(eˣ − 1)} (computed with expm1). The
 * derivative is 1 where x &gt; 0, else alpha·eˣ = y + alpha (alpha at 0, as PyTorch), written
 * {@code step(x) + (1 − step(x))·(y + alpha)} so that no eˣ of a large positive x appears.
 * The Java source form writes alpha as the literal {@link Double#toString} gives, which
 * reads back as the same double.
 */
public final class Elu extends UnaryOp {
    private final double alpha;

    /**
     * Creates the op with scale {@code alpha} for negative inputs.
     *
     * @throws IllegalArgumentException if alpha is not finite
     */
    public Elu(double alpha) {
        super("elu", x -> x > 0 ? x : alpha * Math.expm1(x),
                "((%1$s) > 0 ? (%1$s) : (" + alpha + ") * Math.expm1(%1$s))");
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("elu's alpha must be finite, got " + alpha);
        }
        this.alpha = alpha;
    }

    /** Returns the negative-side scale. */
    public double alpha() {
        return alpha;
    }

    @Override
    public <T> Partial<T> gradient(Builder<T> b, T x, T y, T g) {
        T positive = b.step(x);
        T slope = b.add(positive, b.mul(b.sub(b.constant(1, x), positive), b.add(y, b.constant(alpha, y))));
        return Partial.of(b.mul(g, slope));
    }

    @Override
    public String parameters() {
        return "alpha=" + alpha;
    }

    @Override
    public String format(List<String> args) {
        return "elu(" + args.get(0) + ", " + alpha + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Elu e && Double.compare(e.alpha, alpha) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(alpha) * 31 + 73;
    }
}
