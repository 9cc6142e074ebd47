package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * The matrix-vector product {@code op(a)·v} of a rank-2 float a and a rank-1 float v of the
 * same dtype, where op transposes a when the flag is set: op(a) is (m, k), v is (k,) and the
 * result is (m,). The kernel reads strided inputs in place and does not allocate.
 */
public final class MatVec extends Op {
    private final boolean transposeA;

    /** Creates the product {@code op(a)·v}. */
    public MatVec(boolean transposeA) {
        super("matVec");
        this.transposeA = transposeA;
    }

    /** Returns true if {@code a} is transposed before the product. */
    public boolean transposeA() {
        return transposeA;
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType a = inputs.get(0);
        TensorType v = inputs.get(1);
        DType dtype = LinearAlgebra.checkFloatPair(this, a, v);
        LinearAlgebra.checkRank(this, "a", a, 2);
        LinearAlgebra.checkRank(this, "v", v, 1);
        int m = a.shape().dim(transposeA ? 1 : 0);
        int k = a.shape().dim(transposeA ? 0 : 1);
        if (v.shape().dim(0) != k) {
            throw new IllegalArgumentException(this + ": inner sizes differ: a " + a.shape() + " gives k=" + k
                    + " but v has shape " + v.shape());
        }
        return new TensorType(dtype, Shape.of(m));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor a = inputs[0];
        Tensor v = inputs[1];
        int m = out.shape().dim(0);
        int k = v.shape().dim(0);
        // v is a (k, 1) matrix; its column stride is never used.
        LinearAlgebra.multiply(name(), a, a.offset(), a.stride(transposeA ? 1 : 0), a.stride(transposeA ? 0 : 1),
                v, v.offset(), v.stride(0), 0, out, out.offset(), m, k, 1);
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T a = inputs.get(0);
        T v = inputs.get(1);
        // y = op(A)·v  ⇒  d op(A) = g vᵀ (so dA = v gᵀ when A is transposed), dv = op(A)ᵀ·g.
        T da = transposeA ? b.outer(v, gradOut) : b.outer(gradOut, v);
        return List.of(Partial.of(da), Partial.of(b.matVec(a, gradOut, !transposeA)));
    }

    @Override
    public String parameters() {
        return transposeA ? "transposeA=true" : "";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatVec mv && mv.transposeA == transposeA;
    }

    @Override
    public int hashCode() {
        return 0x4d56 + (transposeA ? 1 : 0);
    }
}
