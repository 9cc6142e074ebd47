package dev.gradus.op;

import dev.gradus.tensor.Loops;
import dev.gradus.tensor.SliceSpec;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Selects {@code start:end:step} ranges of the leading axes of the input, of any dtype,
 * with Python's semantics (see {@link SliceSpec}); the result has shape
 * {@code spec.apply(x.shape)}. The kernel copies through a strided view of the input.
 */
public final class Slice extends Op {
    private final SliceSpec spec;

    /** Creates the selection {@code spec}. */
    public Slice(SliceSpec spec) {
        super("slice");
        this.spec = spec;
    }

    /** Returns the selection. */
    public SliceSpec spec() {
        return spec;
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType x = inputs.get(0);
        try {
            return x.withShape(spec.apply(x.shape()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("slice: " + e.getMessage(), e);
        }
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Loops.copy(inputs[0].slice(spec), out);
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        // Selected elements pass their gradient through; the others get zero.
        return List.of(Partial.of(b.sliceGrad(gradOut, inputs.get(0), spec)));
    }

    @Override
    public String parameters() {
        return "spec=" + spec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Slice s && s.spec.equals(spec);
    }

    @Override
    public int hashCode() {
        return spec.hashCode() * 31 + 11;
    }
}
