package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The eager interpreter: {@link #apply} runs an op's CPU kernel at once on tensors and
 * returns a new tensor. Used by the LispMachine's backward pass and by the tensor overloads
 * of {@code dev.gradus.Ops}. Stateless and thread-safe.
 */
public final class EagerBuilder extends ShapedBuilder<Tensor> {
    /** The shared instance. */
    public static final EagerBuilder INSTANCE = new EagerBuilder();

    private EagerBuilder() {
    }

    /**
     * Checks the inputs against the op's type rule, allocates the output and runs the
     * kernel.
     *
     * @throws IllegalArgumentException naming the op and the input shapes when the type rule
     *     rejects them
     */
    @Override
    public Tensor apply(Op op, List<Tensor> args) {
        List<TensorType> types = new ArrayList<>(args.size());
        for (Tensor t : args) {
            types.add(new TensorType(t.dtype(), t.shape()));
        }
        TensorType out;
        try {
            out = op.infer(types);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op.name() + " cannot take " + describe(types) + ": " + e.getMessage(), e);
        }
        Tensor result = Tensor.zeros(out.dtype(), out.shape());
        op.compute(args.toArray(new Tensor[0]), result);
        return result;
    }

    private static String describe(List<TensorType> types) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < types.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append("input ").append(i).append(' ').append(types.get(i));
        }
        return sb.toString();
    }

    @Override
    public TensorType typeOf(Tensor value) {
        return new TensorType(value.dtype(), value.shape());
    }

    @Override
    public Tensor scalar(double value, DType dtype) {
        return Tensor.scalar(dtype, value);
    }
}
