package dev.gradus.cuda;

import dev.gradus.op.Op;
import java.util.List;
import java.util.Objects;

/**
 * One elementwise CUDA kernel to generate: a straight-line chain of elementwise ops over
 * {@code n} elements, whose only store to global memory is its result. A single op is the
 * chain of one step; a fused chain such as {@code sigmoid(a*x + b)} is three steps.
 *
 * <p>Operands are numbered: {@code 0 .. inputs().size()-1} name the inputs, and
 * {@code inputs().size() + k} names the result of step {@code k}. Every step reads only
 * operands numbered below its own; the result of the kernel is the last step.
 *
 * <p>The generated entry takes its parameters in this order: {@code .param .u64 out} (a
 * device pointer to n elements), then one parameter per input — {@code .param .u64} for an
 * {@link InputKind#ARRAY} (a device pointer to n elements) or {@code .param .f32}/{@code .f64}
 * for a {@link InputKind#SCALAR} passed by value — then {@code .param .u64 n}. All arrays are
 * contiguous and of the kernel's dtype; comparisons write 1 or 0 in that dtype.
 *
 * @param entryName the PTX {@code .entry} name, a valid PTX identifier
 * @param inputs the kernel's inputs, in parameter order
 * @param steps the ops, in evaluation order; not empty
 */
public record KernelSpec(String entryName, List<InputKind> inputs, List<Step> steps) {
    /** How an input reaches the kernel. */
    public enum InputKind {
        /** A device pointer to n elements, read at the thread's index. */
        ARRAY,
        /** One value passed by value as a kernel parameter (the vector-scalar forms). */
        SCALAR
    }

    /**
     * One op of the chain.
     *
     * @param op an elementwise op of the op table (unary, binary or comparison) whose arity
     *     is {@code args.size()}
     * @param args operand numbers, see {@link KernelSpec}
     */
    public record Step(Op op, List<Integer> args) {
        /**
         * Validates and copies.
         *
         * @throws NullPointerException if an argument is null
         */
        public Step {
            Objects.requireNonNull(op, "op");
            args = List.copyOf(args);
        }

        /** Returns a step applying {@code op} to the given operand numbers. */
        public static Step of(Op op, Integer... args) {
            return new Step(op, List.of(args));
        }
    }

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the entry name is not a PTX identifier, there are
     *     no steps, a step's operand count differs from its op's arity, or a step reads an
     *     operand not yet defined
     */
    public KernelSpec {
        Objects.requireNonNull(entryName, "entryName");
        if (!entryName.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
            throw new IllegalArgumentException("kernel entry name '" + entryName + "' is not a PTX identifier");
        }
        inputs = List.copyOf(inputs);
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("kernel " + entryName + " has no steps");
        }
        for (int k = 0; k < steps.size(); k++) {
            Step step = steps.get(k);
            if (step.args().size() != step.op().arity()) {
                throw new IllegalArgumentException("kernel " + entryName + ", step " + k + ": op " + step.op().name()
                        + " takes " + step.op().arity() + " operands, got " + step.args().size());
            }
            for (int a : step.args()) {
                if (a < 0 || a >= inputs.size() + k) {
                    throw new IllegalArgumentException("kernel " + entryName + ", step " + k + " (" + step.op().name()
                            + ") reads operand " + a + ", which is not an input or an earlier step");
                }
            }
        }
    }
}
