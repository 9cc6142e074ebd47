package dev.gradus.op;

import dev.gradus.blas.Gemm;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * The parameterless products {@link #DOT} and {@link #OUTER}, and the one strided
 * matrix-product kernel that they, {@link MatMul}, {@link BatchedMatMul} and {@link MatVec}
 * share: every product here is {@code C = A·B} for some choice of sizes and strides
 * (a vector is a matrix whose other axis has size 1).
 */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /**
     * The inner product of two float vectors of equal length: {@code u·v = Σ uᵢvᵢ}, a rank-0
     * result. ∂/∂u = g·v, ∂/∂v = g·u (g is the rank-0 incoming gradient).
     */
    public static final Op DOT = new Dot();

    /**
     * The outer product of float vectors u (m) and v (n): {@code C = u vᵀ}, shape (m, n).
     * ∂/∂u = G v, ∂/∂v = Gᵀ u.
     */
    public static final Op OUTER = new Outer();

    private static final class Dot extends Op {
        Dot() {
            super("dot");
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            checkArity(inputs.size());
            TensorType u = inputs.get(0);
            TensorType v = inputs.get(1);
            DType dtype = checkFloatPair(this, u, v);
            checkRank(this, "u", u, 1);
            checkRank(this, "v", v, 1);
            if (u.shape().dim(0) != v.shape().dim(0)) {
                throw new IllegalArgumentException("dot needs vectors of equal length, got " + u.shape() + " and " + v.shape());
            }
            return new TensorType(dtype, Shape.scalar());
        }

        @Override
        public void compute(Tensor[] inputs, Tensor out) {
            Tensor u = inputs[0];
            Tensor v = inputs[1];
            // u as a (1, k) matrix times v as a (k, 1) matrix.
            multiply(name(), u, u.offset(), 0, u.stride(0), v, v.offset(), v.stride(0), 0, out, out.offset(),
                    1, u.shape().dim(0), 1);
        }

        @Override
        public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
            T u = inputs.get(0);
            T v = inputs.get(1);
            return List.of(Partial.of(b.mul(gradOut, v)), Partial.of(b.mul(gradOut, u)));
        }
    }

    private static final class Outer extends Op {
        Outer() {
            super("outer");
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            checkArity(inputs.size());
            TensorType u = inputs.get(0);
            TensorType v = inputs.get(1);
            DType dtype = checkFloatPair(this, u, v);
            checkRank(this, "u", u, 1);
            checkRank(this, "v", v, 1);
            return new TensorType(dtype, Shape.of(u.shape().dim(0), v.shape().dim(0)));
        }

        @Override
        public void compute(Tensor[] inputs, Tensor out) {
            Tensor u = inputs[0];
            Tensor v = inputs[1];
            // u as an (m, 1) matrix times v as a (1, n) matrix.
            multiply(name(), u, u.offset(), u.stride(0), 0, v, v.offset(), 0, v.stride(0), out, out.offset(),
                    u.shape().dim(0), 1, v.shape().dim(0));
        }

        @Override
        public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
            T u = inputs.get(0);
            T v = inputs.get(1);
            // C = u vᵀ: dC_ij = du_i v_j + u_i dv_j  ⇒  du = G v, dv = Gᵀ u.
            return List.of(Partial.of(b.matVec(gradOut, v, false)), Partial.of(b.matVec(gradOut, u, true)));
        }
    }

    // ---------------------------------------------------------------- shared checks

    /**
     * Checks that two inputs of {@code op} share one float dtype and returns it.
     *
     * @throws IllegalArgumentException naming the op and both dtypes otherwise
     */
    static DType checkFloatPair(Op op, TensorType a, TensorType b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op.name() + ": dtypes differ: " + a.dtype() + " and " + b.dtype()
                    + " (cast one side with Ops.cast)");
        }
        if (!a.dtype().isFloat()) {
            throw new IllegalArgumentException(op.name() + " needs float32 or float64 inputs, got " + a.dtype());
        }
        return a.dtype();
    }

    /**
     * Checks that input {@code role} of {@code op} has rank {@code rank}.
     *
     * @throws IllegalArgumentException naming the op, the input and its shape otherwise
     */
    static void checkRank(Op op, String role, TensorType t, int rank) {
        if (t.shape().rank() != rank) {
            throw new IllegalArgumentException(op.name() + " needs a rank-" + rank + " " + role + ", got shape " + t.shape());
        }
    }

    // ---------------------------------------------------------------- the kernel

    /**
     * {@code C = A·B} for an (m, k) matrix A, a (k, n) matrix B and a contiguous (m, n)
     * block C, each addressed as {@code offset + row·rowStride + column·columnStride} in its
     * backing array; transposes and vectors are just other strides. Overwrites C. Runs on
     * {@link Gemm}'s backend (OpenBLAS or the pure-Java kernel); allocation-free once the
     * calling thread's staging buffers have grown to the product's size.
     *
     * @param op the calling op's name, for the message when the dtype is not a float
     * @param a tensor holding A's storage
     * @param aOffset backing-array index of A(0, 0)
     * @param aRowStride stride between A(i, ·) and A(i + 1, ·)
     * @param aDepthStride stride between A(·, p) and A(·, p + 1)
     * @param b tensor holding B's storage (same dtype as {@code a} and {@code out})
     * @param bOffset backing-array index of B(0, 0)
     * @param bDepthStride stride between B(p, ·) and B(p + 1, ·)
     * @param bColumnStride stride between B(·, j) and B(·, j + 1)
     * @param out tensor holding C's storage; C(i, j) is at {@code outOffset + i·n + j}
     * @param outOffset backing-array index of C(0, 0)
     * @param m rows of A and C
     * @param k columns of A, rows of B
     * @param n columns of B and C
     * @throws IllegalArgumentException if the dtype is not FLOAT32 or FLOAT64
     */
    static void multiply(String op, Tensor a, int aOffset, int aRowStride, int aDepthStride,
            Tensor b, int bOffset, int bDepthStride, int bColumnStride,
            Tensor out, int outOffset, int m, int k, int n) {
        switch (out.dtype()) {
            case FLOAT64 -> Gemm.multiply(a.float64Data(), aOffset, aRowStride, aDepthStride,
                    b.float64Data(), bOffset, bDepthStride, bColumnStride, out.float64Data(), outOffset, m, k, n);
            case FLOAT32 -> Gemm.multiply(a.float32Data(), aOffset, aRowStride, aDepthStride,
                    b.float32Data(), bOffset, bDepthStride, bColumnStride, out.float32Data(), outOffset, m, k, n);
            default -> throw new IllegalArgumentException(op + " has no kernel for " + out.dtype());
        }
    }
}
