package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Loops;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Converts elements to another dtype (floats to INT32 truncate toward zero; non-zero to
 * BOOL is 1). The gradient of a float-to-float cast is cast back; nothing flows through a
 * cast from or to INT32 or BOOL.
 */
public final class Cast extends Op {
    private final DType source;
    private final DType target;

    /**
     * Creates a cast from {@code source} to {@code target}. The source dtype is part of the op
     * so that its rule knows, without asking the interpreter, whether a gradient can flow back.
     */
    public Cast(DType source, DType target) {
        super("cast");
        this.source = source;
        this.target = target;
    }

    /** Returns the input dtype. */
    public DType source() {
        return source;
    }

    /** Returns the target dtype. */
    public DType target() {
        return target;
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType x = inputs.get(0);
        if (x.dtype() != source) {
            throw new IllegalArgumentException("this cast takes " + source + " input, got " + x.dtype());
        }
        return x.withDType(target);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Loops.copy(inputs[0], out);
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T x = inputs.get(0);
        if (!target.isFloat()) {
            return List.of(Partial.none("cast to " + target + " is piecewise constant"));
        }
        if (!source.isFloat()) {
            // An INT32 or BOOL input holds indices or flags: no gradient is defined for it.
            return List.of(Partial.none("cast from " + source + " has no gradient to its input"));
        }
        return List.of(Partial.of(b.castLike(gradOut, x)));
    }

    @Override
    public boolean isElementwise() {
        return true;
    }

    @Override
    public String parameters() {
        return "from=" + source + ", to=" + target;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cast c && c.source == source && c.target == target;
    }

    @Override
    public int hashCode() {
        return source.hashCode() * 31 + target.hashCode();
    }
}
