package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.SliceSpec;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * The gradient of {@link Slice}: writes its one input g, of shape
 * {@code spec.apply(shape)} and any dtype, into zeros of {@code shape} at the positions
 * {@code spec} selects. The kernel does not allocate.
 */
public final class PadSlice extends Op {
    private final SliceSpec spec;
    private final Shape shape;
    private final Shape selected;
    // The selection resolved against `shape` once, as element offsets into a contiguous
    // output: position c along axis a of g lands at first + Σ c_a·stepStride[a].
    private final int first;
    private final int[] stepStride;

    /**
     * Creates the op writing into zeros of {@code shape} at {@code spec}'s positions.
     *
     * @throws IllegalArgumentException if {@code spec} has more ranges than {@code shape} has axes
     */
    public PadSlice(SliceSpec spec, Shape shape) {
        super("padSlice");
        this.spec = spec;
        this.shape = shape;
        try {
            this.selected = spec.apply(shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("padSlice: " + e.getMessage(), e);
        }
        int[] strides = shape.contiguousStrides();
        int start = 0;
        stepStride = strides.clone();
        for (int a = 0; a < spec.rank(); a++) {
            SliceSpec.Resolved r = spec.range(a).resolve(shape.dim(a));
            if (r.count() > 0) {
                start += r.start() * strides[a];
            }
            stepStride[a] = r.step() * strides[a];
        }
        first = start;
    }

    /** Returns the selection g is written at. */
    public SliceSpec spec() {
        return spec;
    }

    /** Returns the output shape. */
    public Shape shape() {
        return shape;
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType g = inputs.get(0);
        if (!g.shape().equals(selected)) {
            throw new IllegalArgumentException("padSlice: input shape " + g.shape() + " does not match " + selected
                    + ", the shape that slice " + spec + " selects from " + shape);
        }
        return g.withShape(shape);
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Tensor g = inputs[0];
        out.fill(0);
        int n = g.size();
        if (n == 0) {
            return;
        }
        int rank = shape.rank();
        int inner = rank == 0 ? 1 : selected.dim(rank - 1);
        int rows = n / inner;
        int gStep = rank == 0 ? 0 : g.stride(rank - 1);
        int oStep = rank == 0 ? 0 : stepStride[rank - 1];
        for (int r = 0; r < rows; r++) {
            int gi = g.offset();
            int oi = out.offset() + first;
            int rem = r;
            for (int axis = rank - 2; axis >= 0; axis--) {
                int d = selected.dim(axis);
                int c = rem % d;
                rem /= d;
                gi += c * g.stride(axis);
                oi += c * stepStride[axis];
            }
            switch (out.dtype()) {
                case FLOAT64 -> {
                    double[] src = g.float64Data();
                    double[] dst = out.float64Data();
                    for (int k = 0; k < inner; k++, gi += gStep, oi += oStep) {
                        dst[oi] = src[gi];
                    }
                }
                case FLOAT32 -> {
                    float[] src = g.float32Data();
                    float[] dst = out.float32Data();
                    for (int k = 0; k < inner; k++, gi += gStep, oi += oStep) {
                        dst[oi] = src[gi];
                    }
                }
                case INT32, BOOL -> {
                    int[] src = g.int32Data();
                    int[] dst = out.int32Data();
                    for (int k = 0; k < inner; k++, gi += gStep, oi += oStep) {
                        dst[oi] = src[gi];
                    }
                }
            }
        }
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        // The op is linear and its adjoint is the slice it undoes.
        return List.of(Partial.of(b.slice(gradOut, spec)));
    }

    @Override
    public String parameters() {
        return "spec=" + spec + ", shape=" + shape;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PadSlice p && p.spec.equals(spec) && p.shape.equals(shape);
    }

    @Override
    public int hashCode() {
        return (spec.hashCode() * 31 + shape.hashCode()) * 31 + 13;
    }
}
