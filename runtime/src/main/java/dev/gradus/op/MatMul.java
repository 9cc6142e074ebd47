package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * The matrix product {@code op(a)·op(b)} of two rank-2 float inputs of the same dtype,
 * where {@code op} transposes its argument when the corresponding flag is set: op(a) is
 * (m, k), op(b) is (k, n) and the result is (m, n). The kernel reads transposed and strided
 * inputs in place (no copy) and does not allocate.
 */
public final class MatMul extends Op {
    private final boolean transposeA;
    private final boolean transposeB;

    /** Creates the product {@code op(a)·op(b)}. */
    public MatMul(boolean transposeA, boolean transposeB) {
        super("matMul");
        this.transposeA = transposeA;
        this.transposeB = transposeB;
    }

    /** Returns true if {@code a} is transposed before the product. */
    public boolean transposeA() {
        return transposeA;
    }

    /** Returns true if {@code b} is transposed before the product. */
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
        LinearAlgebra.checkRank(this, "a", a, 2);
        LinearAlgebra.checkRank(this, "b", b, 2);
        return new TensorType(dtype, productShape(this, a.shape(), b.shape(), 0, transposeA, transposeB));
    }

    /**
     * Returns (m, n) for matrices stored in axes {@code first} and {@code first + 1} of
     * {@code a} and {@code b}: op(a) is (m, k) and op(b) is (k, n).
     *
     * @throws IllegalArgumentException naming {@code op} and both shapes when the k differ
     */
    static Shape productShape(Op op, Shape a, Shape b, int first, boolean transposeA, boolean transposeB) {
        int m = a.dim(first + (transposeA ? 1 : 0));
        int ka = a.dim(first + (transposeA ? 0 : 1));
        int kb = b.dim(first + (transposeB ? 1 : 0));
        int n = b.dim(first + (transposeB ? 0 : 1));
        if (ka != kb) {
            throw new IllegalArgumentException(op + ": inner sizes differ: a " + a + " gives k=" + ka + " but b " + b
                    + " gives k=" + kb);
        }
        return Shape.of(m, n);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor a = inputs[0];
        Tensor b = inputs[1];
        int m = out.shape().dim(0);
        int n = out.shape().dim(1);
        int k = a.shape().dim(transposeA ? 0 : 1);
        // op(a)(i, p) = a(i, p) or a(p, i): a transpose only swaps which stride is which.
        int aRow = a.stride(transposeA ? 1 : 0);
        int aDepth = a.stride(transposeA ? 0 : 1);
        int bDepth = b.stride(transposeB ? 1 : 0);
        int bColumn = b.stride(transposeB ? 0 : 1);
        LinearAlgebra.multiply(name(), a, a.offset(), aRow, aDepth, b, b.offset(), bDepth, bColumn,
                out, out.offset(), m, k, n);
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        T x = inputs.get(0);
        T y = inputs.get(1);
        // C = op(A)·op(B)  ⇒  d op(A) = G·op(B)ᵀ and d op(B) = op(A)ᵀ·G; when A itself is
        // transposed, dA = (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ (and likewise for B: dB = Gᵀ·op(A)).
        T da = transposeA ? b.matMul(y, gradOut, transposeB, true) : b.matMul(gradOut, y, false, !transposeB);
        T db = transposeB ? b.matMul(gradOut, x, true, transposeA) : b.matMul(x, gradOut, !transposeA, false);
        return List.of(Partial.of(da), Partial.of(db));
    }

    @Override
    public String parameters() {
        return flags(transposeA, transposeB);
    }

    /** Returns the set transpose flags as text, e.g. {@code transposeB=true}, or empty. */
    static String flags(boolean transposeA, boolean transposeB) {
        if (transposeA && transposeB) {
            return "transposeA=true, transposeB=true";
        }
        return transposeA ? "transposeA=true" : transposeB ? "transposeB=true" : "";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatMul mm && mm.transposeA == transposeA && mm.transposeB == transposeB;
    }

    @Override
    public int hashCode() {
        return 0x4d4d + (transposeA ? 2 : 0) + (transposeB ? 1 : 0);
    }
}
