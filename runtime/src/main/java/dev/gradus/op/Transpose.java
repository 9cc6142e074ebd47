package dev.gradus.op;

import dev.gradus.tensor.Loops;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Permutes axes: axis {@code i} of the result is axis {@code perm[i]} of the input, of any
 * dtype. The kernel copies through a strided view of the input into the contiguous output.
 */
public final class Transpose extends Op {
    private final int[] perm;

    /**
     * Creates the permutation {@code perm} (non-negative axes).
     *
     * @throws IllegalArgumentException if {@code perm} is not a permutation of 0..perm.length-1
     */
    public Transpose(int[] perm) {
        super("transpose");
        try {
            this.perm = Tensor.checkPermutation(perm, perm.length);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transpose: " + e.getMessage(), e);
        }
    }

    /** Returns a copy of the permutation. */
    public int[] perm() {
        return perm.clone();
    }

    /** Returns the permutation that undoes this one: {@code inverse[perm[i]] = i}. */
    public int[] inversePerm() {
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[perm[i]] = i;
        }
        return inverse;
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
            Tensor.checkPermutation(perm, x.shape().rank());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transpose of shape " + x.shape() + ": " + e.getMessage(), e);
        }
        int[] dims = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            dims[i] = x.shape().dim(perm[i]);
        }
        return x.withShape(Shape.of(dims));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Loops.copy(inputs[0].transpose(perm), out);
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        // y[perm-permuted index] = x[index]: the gradient goes back through the inverse permutation.
        return List.of(Partial.of(b.transpose(gradOut, inversePerm())));
    }

    @Override
    public String parameters() {
        return "perm=" + Arrays.toString(perm);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transpose t && Arrays.equals(t.perm, perm);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(perm) * 31 + 3;
    }
}
