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
    private final DType target;

    /** Creates a cast to {@code target}. */
    public Cast(DType target) {
        super("cast");
        this.target = target;
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
        return inputs.get(0).withDType(target);
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
        return List.of(Partial.of(b.castLike(gradOut, x)));
    }

    @Override
    public boolean isElementwise() {
        return true;
    }

    @Override
    public String parameters() {
        return "to=" + target;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cast c && c.target == target;
    }

    @Override
    public int hashCode() {
        return target.hashCode() + 11;
    }
}
