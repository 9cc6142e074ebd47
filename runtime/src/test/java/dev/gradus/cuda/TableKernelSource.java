package dev.gradus.cuda;

import dev.gradus.op.BinaryOp;
import dev.gradus.op.Comparison;
import dev.gradus.op.Op;
import dev.gradus.op.UnaryOp;
import dev.gradus.tensor.DType;
import java.util.Set;

/**
 * Test-only kernel source for planning tests: supports the elementwise ops of the table
 * (optionally all but some names) and returns a placeholder instead of PTX, which only
 * {@link SimulatedCudaEngine} accepts (it evaluates the spec itself). Never shipped.
 */
public class TableKernelSource implements KernelSource {
    private final Set<String> unsupported;

    /** Supports every unary, binary and mask-comparison op except the named ones. */
    public TableKernelSource(String... unsupported) {
        this.unsupported = Set.of(unsupported);
    }

    @Override
    public boolean supports(Op op) {
        if (unsupported.contains(op.name())) {
            return false;
        }
        return op instanceof UnaryOp || op instanceof BinaryOp || (op instanceof Comparison cmp && cmp.returnsSameDType());
    }

    @Override
    public String module(KernelSpec spec, DType dtype) {
        for (KernelSpec.Step step : spec.steps()) {
            if (!supports(step.op())) {
                throw new IllegalArgumentException("unsupported op " + step.op().name());
            }
        }
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException("dtype " + dtype);
        }
        return "// simulated module " + spec.entryName() + " " + dtype;
    }
}
