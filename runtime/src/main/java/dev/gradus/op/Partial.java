package dev.gradus.op;

import java.util.Objects;

/**
 * One input's share of a reverse-mode rule: either the gradient with respect to that
 * input, or an explicit statement that no gradient flows to it (and why).
 *
 * <p>"No gradient" means the input contributes nothing: the op is piecewise constant in it
 * (floor, sign, comparisons), the input holds indices, or only its shape is used. Callers
 * treat it as a zero contribution.
 *
 * @param <T> the interpreter's value type (a graph node, a tensor, Java source)
 */
public final class Partial<T> {
    private final T gradient;
    private final String reason;

    private Partial(T gradient, String reason) {
        this.gradient = gradient;
        this.reason = reason;
    }

    /** Returns the gradient with respect to one input. */
    public static <T> Partial<T> of(T gradient) {
        return new Partial<>(Objects.requireNonNull(gradient, "gradient"), null);
    }

    /** Returns "no gradient flows to this input", with the reason shown in messages. */
    public static <T> Partial<T> none(String reason) {
        return new Partial<>(null, Objects.requireNonNull(reason, "reason"));
    }

    /** Returns true if a gradient flows to this input. */
    public boolean isPresent() {
        return gradient != null;
    }

    /**
     * Returns the gradient.
     *
     * @throws IllegalStateException if no gradient flows to this input
     */
    public T get() {
        if (gradient == null) {
            throw new IllegalStateException("no gradient: " + reason);
        }
        return gradient;
    }

    /** Returns why no gradient flows, or null when one does. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return gradient != null ? "Partial[" + gradient + "]" : "Partial.none[" + reason + "]";
    }
}
