package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * A batch of matrix products over the leading axis: for rank-3 float inputs a (batch, ·, ·)
 * and b (batch, ·, ·) of the same dtype and batch size, {@code out[i] = op(a[i])·op(b[i])}
 * with op(a[i]) (m, k), op(b[i]) (k, n) and the result (batch, m, n). {@code op} transposes
 * the last two axes when the flag is set. The kernel reads strided inputs in place and
 * does not allocate.
 */
public final class BatchedMatMul extends Op {
    private final boolean transposeA;
    private final boolean transposeB;

    /** Creates the batched product {@code op(a[i])·op(b[i])}. */
    public BatchedMatMul(boolean transposeA, boolean transposeB) {
        super("batchedMatMul");
        this.transposeA = transposeA;
        this.transposeB = transposeB;
    }

    /** Returns true if each matrix of {@code a} is transposed before the product. */
    public boolean transposeA() {
        return transposeA;
    }

    /** Returns true if each matrix of {@code b} is transposed before the product. */
    public boolean transposeB() {
        return transposeB;
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType a = inputs.get(0);
        TensorType b = inputs.get(1);
        DType dtype = LinearAlgebra.checkFloatPair(this, a, b);
        LinearAlgebra.checkRank(this, "a", a, 3);
        LinearAlgebra.checkRank(this, "b", b, 3);
        int batch = a.shape().dim(0);
        if (b.shape().dim(0) != batch) {
            throw new IllegalArgumentException(this + ": batch sizes differ: a " + a.shape() + " has " + batch
                    + " but b " + b.shape() + " has " + b.shape().dim(0));
        }
        Shape mn = MatMul.productShape(this, a.shape(), b.shape(), 1, transposeA, transposeB);
        return new TensorType(dtype, Shape.of(batch, mn.dim(0), mn.dim(1)));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor a = inputs[0];
        Tensor b = inputs[1];
        int batch = out.shape().dim(0);
        int m = out.shape().dim(1);
        int n = out.shape().dim(2);
        int k = a.shape().dim(transposeA ? 1 : 2);
        int aRow = a.stride(transposeA ? 2 : 1);
        int aDepth = a.stride(transposeA ? 1 : 2);
        int bDepth = b.stride(transposeB ? 2 : 1);
        int bColumn = b.stride(transposeB ? 1 : 2);
        for (int i = 0; i < batch; i++) {
            LinearAlgebra.multiply(name(), a, a.offset() + i * a.stride(0), aRow, aDepth,
                    b, b.offset() + i * b.stride(0), bDepth, bColumn, out, out.offset() + i * m * n, m, k, n);
        }
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T x = inputs.get(0);
        T y = inputs.get(1);
        // Per batch element, as MatMul: dA = G·op(B)ᵀ (or op(B)·Gᵀ when A is transposed),
        // dB = op(A)ᵀ·G (or Gᵀ·op(A) when B is transposed).
        T da = transposeA ? b.batchedMatMul(y, gradOut, transposeB, true) : b.batchedMatMul(gradOut, y, false, !transposeB);
        T db = transposeB ? b.batchedMatMul(gradOut, x, true, transposeA) : b.batchedMatMul(x, gradOut, !transposeA, false);
        return List.of(Partial.of(da), Partial.of(db));
    }

    @Override
    public String parameters() {
        return MatMul.flags(transposeA, transposeB);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchedMatMul bm && bm.transposeA == transposeA && bm.transposeB == transposeB;
    }

    @Override
    public int hashCode() {
        return 0x424d4d + (transposeA ? 2 : 0) + (transposeB ? 1 : 0);
    }
}
