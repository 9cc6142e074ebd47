package dev.gradus.op;

import dev.gradus.tensor.SliceSpec;
import java.util.List;

/**
 * The vocabulary derivative rules are written in. Each interpreter implements it for its
 * own value type {@code T}: graph nodes (symbolic differentiation), tensors (eager
 * evaluation, the LispMachine's backward pass), or Java source (the annotation
 * processor).
 *
 * <p>Rules never ask for concrete shapes: whatever depends on a shape (summing a gradient
 * back over broadcast axes, expanding it over reduced axes, counting elements) is one of
 * the methods below, which each interpreter resolves when shapes are known.
 *
 * @param <T> the interpreter's value type
 */
public interface Builder<T> {
    /** Applies {@code op} to {@code args}; everything else is sugar for this. */
    T apply(Op op, List<T> args);

    /** Returns a rank-0 constant of {@code like}'s dtype. */
    T constant(double value, T like);

    /**
     * Sums {@code grad} over the axes along which {@code like} was broadcast, returning a
     * value of {@code like}'s shape (the identity when the shapes already match).
     */
    T unbroadcast(T grad, T like);

    /**
     * The inverse of a reduction: broadcasts {@code grad}, the gradient of a reduction of
     * {@code like} over {@code axes}, back to {@code like}'s shape; {@code keptDims} says
     * whether the reduction kept the reduced axes as size 1. Here and in {@link #sizeOf} and
     * {@link #sum}, axes are resolved against {@code like}'s rank as
     * {@link dev.gradus.tensor.Shape#resolveAxes} does (negative axes count from the end,
     * null means every axis), so a rule never needs the rank.
     */
    T expandLike(T grad, T like, int[] axes, boolean keptDims);

    /** Returns a rank-0 constant of {@code like}'s dtype: the number of elements of {@code like} over {@code axes}. */
    T sizeOf(T like, int[] axes);

    /** Returns {@code x} reshaped to {@code like}'s shape (same element count). */
    T reshapeLike(T x, T like);

    /** Returns {@code x} cast to {@code like}'s dtype. */
    T castLike(T x, T like);

    /** Returns zeros of {@code like}'s shape with {@code grad} written at the positions {@code spec} selects. */
    T sliceGrad(T grad, T like, SliceSpec spec);

    /** Returns zeros of {@code like}'s shape with the slices of {@code grad} added at {@code indices} along {@code axis}. */
    T scatterAdd(T grad, T like, T indices, int axis);

    /** Returns the part of {@code grad} (the gradient of a concatenation of {@code parts} along {@code axis}) that belongs to part {@code index}. */
    T concatPart(T grad, List<T> parts, int axis, int index);

    // ---------------------------------------------------------------- sugar

    /** a + b. */
    default T add(T a, T b) {
        return apply(BinaryOps.ADD, List.of(a, b));
    }

    /** a − b. */
    default T sub(T a, T b) {
        return apply(BinaryOps.SUB, List.of(a, b));
    }

    /** a ⊙ b (elementwise). */
    default T mul(T a, T b) {
        return apply(BinaryOps.MUL, List.of(a, b));
    }

    /** a / b. */
    default T div(T a, T b) {
        return apply(BinaryOps.DIV, List.of(a, b));
    }

    /** aᵇ. */
    default T pow(T a, T b) {
        return apply(BinaryOps.POW, List.of(a, b));
    }

    /** −x. */
    default T neg(T x) {
        return apply(UnaryOps.NEG, List.of(x));
    }

    /** x². */
    default T square(T x) {
        return apply(UnaryOps.SQUARE, List.of(x));
    }

    /** x³. */
    default T cube(T x) {
        return apply(UnaryOps.CUBE, List.of(x));
    }

    /** √x. */
    default T sqrt(T x) {
        return apply(UnaryOps.SQRT, List.of(x));
    }

    /** eˣ. */
    default T exp(T x) {
        return apply(UnaryOps.EXP, List.of(x));
    }

    /** ln x. */
    default T log(T x) {
        return apply(UnaryOps.LOG, List.of(x));
    }

    /** sin x. */
    default T sin(T x) {
        return apply(UnaryOps.SIN, List.of(x));
    }

    /** cos x. */
    default T cos(T x) {
        return apply(UnaryOps.COS, List.of(x));
    }

    /** sinh x. */
    default T sinh(T x) {
        return apply(UnaryOps.SINH, List.of(x));
    }

    /** cosh x. */
    default T cosh(T x) {
        return apply(UnaryOps.COSH, List.of(x));
    }

    /** sign x. */
    default T sign(T x) {
        return apply(UnaryOps.SIGN, List.of(x));
    }

    /** tanh x. */
    default T tanh(T x) {
        return apply(UnaryOps.TANH, List.of(x));
    }

    /** ln(1 + eˣ). */
    default T softplus(T x) {
        return apply(UnaryOps.SOFTPLUS, List.of(x));
    }

    /** erf x. */
    default T erf(T x) {
        return apply(UnaryOps.ERF, List.of(x));
    }

    /** σ(x). */
    default T sigmoid(T x) {
        return apply(UnaryOps.SIGMOID, List.of(x));
    }

    /** 1 where x &gt; 0, else 0, in x's dtype. */
    default T step(T x) {
        return apply(UnaryOps.STEP, List.of(x));
    }

    /** 1 where a = b, else 0, in the inputs' dtype. */
    default T equalMask(T a, T b) {
        return apply(Comparison.EQ.mask(), List.of(a, b));
    }

    /** Sum over {@code axes}, resolved against {@code x}'s rank (see {@link #expandLike}). */
    default T sum(T x, int[] axes, boolean keepDims) {
        return apply(Reduction.asWritten(Reduction.Kind.SUM, axes, keepDims), List.of(x));
    }

    /** op(a)·op(b) where op transposes when the flag is set. */
    default T matMul(T a, T b, boolean transposeA, boolean transposeB) {
        return apply(new MatMul(transposeA, transposeB), List.of(a, b));
    }

    /** Batched op(a)·op(b) over the leading axis. */
    default T batchedMatMul(T a, T b, boolean transposeA, boolean transposeB) {
        return apply(new BatchedMatMul(transposeA, transposeB), List.of(a, b));
    }

    /** op(a)·v where op transposes when the flag is set. */
    default T matVec(T a, T v, boolean transposeA) {
        return apply(new MatVec(transposeA), List.of(a, v));
    }

    /** u vᵀ. */
    default T outer(T u, T v) {
        return apply(LinearAlgebra.OUTER, List.of(u, v));
    }

    /** Axes permuted by {@code perm}. */
    default T transpose(T x, int[] perm) {
        return apply(new Transpose(perm), List.of(x));
    }

    /** The selection {@code spec} of x. */
    default T slice(T x, SliceSpec spec) {
        return apply(new Slice(spec), List.of(x));
    }

    /** x's slices at {@code indices} along {@code axis}. */
    default T gather(T x, T indices, int axis) {
        return apply(new Gather(axis), List.of(x, indices));
    }
}
