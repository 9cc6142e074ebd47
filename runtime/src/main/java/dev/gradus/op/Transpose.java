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
    /** The permutation, or null for "reverse the axes of whatever rank comes" ({@link #reversed()}). */
    private final int[] perm;
    /** The last reversal permutation built, so runs do not allocate one. */
    private volatile int[] reversal;

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

    private Transpose() {
        super("transpose");
        this.perm = null;
    }

    /**
     * Returns the transpose that reverses the axes of an input of any rank, as
     * {@code Ops.transpose(x)} does once it knows x's rank: the form the DSL's compile-time
     * rules need. It is its own inverse.
     */
    public static Transpose reversed() {
        return new Transpose();
    }

    /** Returns whether this is {@link #reversed()}, whose permutation depends on the input's rank. */
    public boolean isReversed() {
        return perm == null;
    }

    /** Returns a copy of the permutation, or null for {@link #reversed()}. */
    public int[] perm() {
        return perm == null ? null : perm.clone();
    }

    /** Returns the permutation applied to an input of rank {@code rank}; allocation-free when it repeats. */
    int[] permFor(int rank) {
        if (perm != null) {
            return perm;
        }
        int[] r = reversal;
        if (r == null || r.length != rank) {
            r = new int[rank];
            for (int i = 0; i < rank; i++) {
                r[i] = rank - 1 - i;
            }
            reversal = r;
        }
        return r;
    }

    /**
     * Returns the permutation that undoes this one: {@code inverse[perm[i]] = i}.
     *
     * @throws IllegalStateException for {@link #reversed()}, which has no fixed permutation
     */
    public int[] inversePerm() {
        if (perm == null) {
            throw new IllegalStateException("the reversed transpose has no fixed permutation; it is its own inverse");
        }
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
        int[] perm = permFor(x.shape().rank());
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
        Loops.copy(inputs[0].transpose(permFor(inputs[0].rank())), out);
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        // y[perm-permuted index] = x[index]: the gradient goes back through the inverse permutation.
        return List.of(Partial.of(perm == null ? b.apply(this, List.of(gradOut)) : b.transpose(gradOut, inversePerm())));
    }

    @Override
    public String parameters() {
        return perm == null ? "perm=reversed" : "perm=" + Arrays.toString(perm);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transpose t && Arrays.equals(t.perm, perm);
    }

    @Override
    public int hashCode() {
        return perm == null ? 7 : Arrays.hashCode(perm) * 31 + 3;
    }
}
