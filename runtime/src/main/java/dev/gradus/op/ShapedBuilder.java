package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.SliceSpec;
import java.util.List;

/**
 * A {@link Builder} for interpreters whose values have known shapes (graph nodes, tensors):
 * resolves the shape-dependent methods into plain ops (sum, reshape, broadcastTo, slice,
 * padSlice, scatterAdd, cast).
 *
 * @param <T> the interpreter's value type
 */
public abstract class ShapedBuilder<T> implements Builder<T> {
    /** Returns the static type (dtype and shape) of a value. */
    public abstract TensorType typeOf(T value);

    /** Returns a rank-0 constant of the given dtype. */
    public abstract T scalar(double value, DType dtype);

    /** Returns the shape of a value. */
    public final Shape shapeOf(T value) {
        return typeOf(value).shape();
    }

    /** Returns the dtype of a value. */
    public final DType dtypeOf(T value) {
        return typeOf(value).dtype();
    }

    @Override
    public T constant(double value, T like) {
        return scalar(value, dtypeOf(like));
    }

    @Override
    public T unbroadcast(T grad, T like) {
        Shape gs = shapeOf(grad);
        Shape ls = shapeOf(like);
        if (gs.equals(ls)) {
            return grad;
        }
        if (!ls.broadcastsTo(gs)) {
            throw new IllegalArgumentException("cannot sum a gradient of shape " + gs + " back to shape " + ls);
        }
        int lead = gs.rank() - ls.rank();
        int count = lead;
        for (int i = 0; i < ls.rank(); i++) {
            if (ls.dim(i) == 1 && gs.dim(i + lead) != 1) {
                count++;
            }
        }
        int[] axes = new int[count];
        int k = 0;
        for (int i = 0; i < lead; i++) {
            axes[k++] = i;
        }
        for (int i = 0; i < ls.rank(); i++) {
            if (ls.dim(i) == 1 && gs.dim(i + lead) != 1) {
                axes[k++] = i + lead;
            }
        }
        T summed = axes.length == 0 ? grad : sum(grad, axes, true);
        return reshapeLike(summed, like);
    }

    @Override
    public T expandLike(T grad, T like, int[] axes, boolean keptDims) {
        Shape ls = shapeOf(like);
        T g = grad;
        if (!keptDims) {
            Shape kept = ls.reduce(Shape.resolveAxes(axes, ls.rank()), true);
            if (!shapeOf(g).equals(kept)) {
                g = apply(new Reshape(kept), List.of(g));
            }
        }
        if (!shapeOf(g).equals(ls)) {
            g = apply(new BroadcastTo(ls), List.of(g));
        }
        return g;
    }

    @Override
    public T sizeOf(T like, int[] axes) {
        Shape ls = shapeOf(like);
        long n = 1;
        for (int a : Shape.resolveAxes(axes, ls.rank())) {
            n *= ls.dim(a);
        }
        return constant(n, like);
    }

    @Override
    public T reshapeLike(T x, T like) {
        Shape ls = shapeOf(like);
        return shapeOf(x).equals(ls) ? x : apply(new Reshape(ls), List.of(x));
    }

    @Override
    public T castLike(T x, T like) {
        DType d = dtypeOf(like);
        return dtypeOf(x) == d ? x : apply(new Cast(dtypeOf(x), d), List.of(x));
    }

    @Override
    public T sliceGrad(T grad, T like, SliceSpec spec) {
        return apply(new PadSlice(spec, shapeOf(like)), List.of(grad));
    }

    @Override
    public T scatterAdd(T grad, T like, T indices, int axis) {
        return apply(new ScatterAdd(axis, shapeOf(like)), List.of(grad, indices));
    }

    @Override
    public T concatPart(T grad, List<T> parts, int axis, int index) {
        int start = 0;
        for (int j = 0; j < index; j++) {
            start += shapeOf(parts.get(j)).dim(axis);
        }
        int size = shapeOf(parts.get(index)).dim(axis);
        SliceSpec.Range[] ranges = new SliceSpec.Range[axis + 1];
        for (int a = 0; a < axis; a++) {
            ranges[a] = SliceSpec.Range.all();
        }
        ranges[axis] = SliceSpec.Range.of(start, start + size);
        return apply(new Slice(SliceSpec.of(ranges)), List.of(grad));
    }
}
