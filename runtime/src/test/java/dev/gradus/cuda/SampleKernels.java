package dev.gradus.cuda;

import dev.gradus.cuda.KernelSpec.InputKind;
import dev.gradus.cuda.KernelSpec.Step;
import dev.gradus.op.BinaryOp;
import dev.gradus.op.Comparison;
import dev.gradus.op.Op;
import dev.gradus.op.UnaryOps;
import dev.gradus.op.BinaryOps;
import java.util.ArrayList;
import java.util.List;

/** The kernel specs the tests compile and run: every single op in each form, and sample fused chains. */
final class SampleKernels {
    private SampleKernels() {
    }

    /** sigmoid(a·x + b) with x, a arrays and b a scalar: inputs x=0, a=1, b=2. */
    static final KernelSpec SIGMOID_AFFINE = new KernelSpec("fused_sigmoid_affine",
            List.of(InputKind.ARRAY, InputKind.ARRAY, InputKind.SCALAR),
            List.of(Step.of(BinaryOps.MUL, 1, 0), Step.of(BinaryOps.ADD, 3, 2), Step.of(UnaryOps.SIGMOID, 4)));

    /** tanh(exp(−x²)·y): five ops over arrays x=0, y=1. */
    static final KernelSpec FIVE_OPS = new KernelSpec("fused_five_ops", List.of(InputKind.ARRAY, InputKind.ARRAY),
            List.of(Step.of(UnaryOps.SQUARE, 0), Step.of(UnaryOps.NEG, 2), Step.of(UnaryOps.EXP, 3),
                    Step.of(BinaryOps.MUL, 4, 1), Step.of(UnaryOps.TANH, 5)));

    /** mask(x &lt; y)·sin x + pow(|y|, s): the heavy math (reduction table, pow) in one kernel. */
    static final KernelSpec TRIG_POW = new KernelSpec("fused_trig_pow",
            List.of(InputKind.ARRAY, InputKind.ARRAY, InputKind.SCALAR),
            List.of(Step.of(Comparison.LT.mask(), 0, 1), Step.of(UnaryOps.SIN, 0), Step.of(BinaryOps.MUL, 3, 4),
                    Step.of(UnaryOps.ABS, 1), Step.of(BinaryOps.POW, 6, 2), Step.of(BinaryOps.ADD, 5, 7)));

    static List<KernelSpec> fused() {
        return List.of(SIGMOID_AFFINE, FIVE_OPS, TRIG_POW);
    }

    /**
     * One spec per supported op and form: unary ops over an array; binary ops and comparisons
     * as vector-vector, vector-scalar and scalar-vector.
     */
    static List<KernelSpec> singleOps(PtxKernels kernels) {
        List<KernelSpec> specs = new ArrayList<>();
        for (Op op : PtxKernels.supportedOps()) {
            String name = op.name();
            if (op.arity() == 1) {
                specs.add(new KernelSpec(name, List.of(InputKind.ARRAY), List.of(Step.of(op, 0))));
            } else {
                specs.add(new KernelSpec(name + "_vv", List.of(InputKind.ARRAY, InputKind.ARRAY), List.of(Step.of(op, 0, 1))));
                specs.add(new KernelSpec(name + "_vs", List.of(InputKind.ARRAY, InputKind.SCALAR), List.of(Step.of(op, 0, 1))));
                specs.add(new KernelSpec(name + "_sv", List.of(InputKind.SCALAR, InputKind.ARRAY), List.of(Step.of(op, 0, 1))));
            }
        }
        return specs;
    }

    static boolean isBinary(Op op) {
        return op instanceof BinaryOp || op instanceof Comparison;
    }
}
