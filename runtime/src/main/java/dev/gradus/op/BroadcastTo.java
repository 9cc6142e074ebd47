package dev.gradus.op;

import dev.gradus.tensor.Loops;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Broadcasts the input, of any dtype, to a target shape numpy-style: axes align from the
 * right, size-1 axes repeat and missing leading axes are added. The kernel materializes
 * the repeated elements and does not allocate.
 */
public final class BroadcastTo extends Op {
    private final Shape target;

    /** Creates a broadcast to {@code target}. */
    public BroadcastTo(Shape target) {
        super("broadcastTo");
        this.target = target;
    }

    /** Returns the target shape. */
    public Shape target() {
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
        if (!x.shape().broadcastsTo(target)) {
            throw new IllegalArgumentException("broadcastTo: shape " + x.shape() + " does not broadcast to " + target);
        }
        return x.withShape(target);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Loops.copy(inputs[0], out);
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        // Each input element feeds every output element it was repeated into: sum them back.
        return List.of(Partial.of(b.unbroadcast(gradOut, inputs.get(0))));
    }

    @Override
    public String parameters() {
        return "shape=" + target;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BroadcastTo bt && bt.target.equals(target);
    }

    @Override
    public int hashCode() {
        return target.hashCode() * 31 + 7;
    }
}
