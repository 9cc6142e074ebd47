package dev.gradus.processor.model;

import dev.gradus.op.Builder;
import dev.gradus.op.Op;
import dev.gradus.tensor.SliceSpec;
import java.util.List;

/**
 * The op table's {@link Builder} over the processor's scalar model: applying a derivative
 * rule here builds {@link Expr} nodes, which the writer turns into straight-line Java. This
 * is how the processor reuses every rule instead of restating it.
 *
 * <p>Only elementwise rules make sense on scalars; the shape methods either reduce to the
 * identity (a scalar is never broadcast) or are refused.
 */
public final class ExprBuilder implements Builder<Expr> {
    private final ExprFactory factory;

    /** Creates a builder that makes nodes with {@code factory}. */
    public ExprBuilder(ExprFactory factory) {
        this.factory = factory;
    }

    @Override
    public Expr apply(Op op, List<Expr> args) {
        return factory.apply(op, args);
    }

    @Override
    public Expr constant(double value, Expr like) {
        return factory.constant(value);
    }

    /** Scalars are never broadcast: returns {@code grad}. */
    @Override
    public Expr unbroadcast(Expr grad, Expr like) {
        return grad;
    }

    @Override
    public Expr expandLike(Expr grad, Expr like, int[] axes, boolean keptDims) {
        throw notScalar("expandLike");
    }

    @Override
    public Expr sizeOf(Expr like, int[] axes) {
        throw notScalar("sizeOf");
    }

    /** Scalars have one shape: returns {@code x}. */
    @Override
    public Expr reshapeLike(Expr x, Expr like) {
        return x;
    }

    /** The scalar model computes in double throughout: returns {@code x}. */
    @Override
    public Expr castLike(Expr x, Expr like) {
        return x;
    }

    @Override
    public Expr sliceGrad(Expr grad, Expr like, SliceSpec spec) {
        throw notScalar("sliceGrad");
    }

    @Override
    public Expr scatterAdd(Expr grad, Expr like, Expr indices, int axis) {
        throw notScalar("scatterAdd");
    }

    @Override
    public Expr concatPart(Expr grad, List<Expr> parts, int axis, int index) {
        throw notScalar("concatPart");
    }

    private static IllegalStateException notScalar(String method) {
        return new IllegalStateException(method + " has no meaning for scalars; a non-elementwise rule reached the scalar model");
    }
}
