package dev.gradus.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.NameAllocator;
import dev.gradus.op.BatchedMatMul;
import dev.gradus.op.BinaryOp;
import dev.gradus.op.Builder;
import dev.gradus.op.Comparison;
import dev.gradus.op.LeakyRelu;
import dev.gradus.op.LinearAlgebra;
import dev.gradus.op.LogSoftmax;
import dev.gradus.op.MatMul;
import dev.gradus.op.MatVec;
import dev.gradus.op.Op;
import dev.gradus.op.Reduction;
import dev.gradus.op.Softmax;
import dev.gradus.op.Transpose;
import dev.gradus.op.UnaryOp;
import dev.gradus.tensor.SliceSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The source-emitting interpreter of the op table: applying a derivative rule here writes
 * the graph-building statements that rule stands for ({@code Node t7 = Ops.mul(g, Ops.cos(x));}),
 * at compile time. Values are the names of {@code Node} locals. Shape-dependent methods
 * become calls of the same methods on the run-time {@code GraphBuilder} local, which
 * resolves them when shapes are known. Equal statements are written once, and statements
 * nothing needs (a rule's gradient for an input that is not differentiated) are dropped by
 * {@link #emit}.
 */
final class SourceBuilder implements Builder<String> {
    /** A buffered statement: it defines {@code local} and reads {@code uses}. */
    private record Statement(String local, CodeBlock code, List<String> uses) {
    }

    static final ClassName OPS = ClassName.get("dev.gradus", "Ops");
    static final ClassName NODE = ClassName.get("dev.gradus.graph", "Node");
    private static final ClassName COMPARISON = ClassName.get(Comparison.class);
    private static final ClassName SLICE_SPEC = ClassName.get(SliceSpec.class);
    private static final ClassName SLICE_RANGE = ClassName.get(SliceSpec.Range.class);

    private final List<Statement> statements = new java.util.ArrayList<>();
    private final NameAllocator names;
    private final String builder;
    private final Map<String, String> written = new HashMap<>();
    private int counter;

    /**
     * Creates a builder.
     *
     * @param names allocates local names
     * @param builder the name of the run-time GraphBuilder local
     */
    SourceBuilder(NameAllocator names, String builder) {
        this.names = names;
        this.builder = builder;
    }

    /**
     * Buffers {@code Node local = expression;} once per distinct expression and returns the
     * local; {@code uses} are the locals the expression reads.
     */
    String assign(CodeBlock expression, String... uses) {
        String key = expression.toString();
        String existing = written.get(key);
        if (existing != null) {
            return existing;
        }
        String local = names.newName("g" + counter++);
        statements.add(new Statement(local, CodeBlock.of("$T $N = $L", NODE, local, expression), List.of(uses)));
        written.put(key, local);
        return local;
    }

    /** Buffers a statement of another shape that defines {@code local}. */
    void add(String local, CodeBlock statement, String... uses) {
        statements.add(new Statement(local, statement, List.of(uses)));
    }

    /** Writes, in order, the buffered statements that {@code roots} need, and nothing else. */
    void emit(CodeBlock.Builder code, java.util.Collection<String> roots) {
        java.util.Set<String> live = new java.util.HashSet<>(roots);
        for (int i = statements.size() - 1; i >= 0; i--) {
            Statement st = statements.get(i);
            if (live.contains(st.local())) {
                live.addAll(st.uses());
            }
        }
        for (Statement st : statements) {
            if (live.contains(st.local())) {
                code.addStatement("$L", st.code());
            }
        }
    }

    @Override
    public String apply(Op op, List<String> args) {
        return assign(source(op, args), args.toArray(new String[0]));
    }

    private CodeBlock source(Op op, List<String> args) {
        String joined = String.join(", ", args);
        if (op instanceof LeakyRelu l) {
            return CodeBlock.of("$T.leakyRelu($L, $L)", OPS, joined, CodeEmitter.literal(l.alpha()));
        }
        if (op instanceof UnaryOp || op instanceof BinaryOp) {
            return CodeBlock.of("$T.$N($L)", OPS, op.name(), joined);
        }
        if (op instanceof Comparison c && c.returnsSameDType()) {
            return CodeBlock.of("$N.apply($T.$N.mask(), $T.of($L))", builder, COMPARISON, c.kind().name(), List.class, joined);
        }
        if (op instanceof MatMul m) {
            return CodeBlock.of("$T.matMul($L, $L, $L)", OPS, joined, m.transposeA(), m.transposeB());
        }
        if (op instanceof MatVec v) {
            return CodeBlock.of("$N.matVec($L, $L)", builder, joined, v.transposeA());
        }
        if (op == LinearAlgebra.OUTER) {
            return CodeBlock.of("$T.outer($L)", OPS, joined);
        }
        if (op == LinearAlgebra.DOT) {
            return CodeBlock.of("$T.dot($L)", OPS, joined);
        }
        if (op instanceof BatchedMatMul m) {
            return CodeBlock.of("$T.batchedMatMul($L, $L, $L)", OPS, joined, m.transposeA(), m.transposeB());
        }
        if (op instanceof Reduction r) {
            // Ops reads an empty array as "every axis": a written reduction over every axis prints as one.
            int[] axes = r.axes();
            return CodeBlock.of("$T.$N($L, $L, $L)", OPS, r.name(), joined, intArray(axes == null ? new int[0] : axes),
                    r.keepDims());
        }
        if (op instanceof Softmax s) {
            return CodeBlock.of("$T.softmax($L, $L)", OPS, joined, s.axis());
        }
        if (op instanceof LogSoftmax s) {
            return CodeBlock.of("$T.logSoftmax($L, $L)", OPS, joined, s.axis());
        }
        if (op instanceof Transpose t) {
            return t.isReversed() ? CodeBlock.of("$T.transpose($L)", OPS, joined)
                    : CodeBlock.of("$T.transpose($L, $L)", OPS, joined, intArray(t.perm()));
        }
        throw new IllegalStateException("no source form for " + op + " in a compile-time rule");
    }

    @Override
    public String constant(double value, String like) {
        return assign(CodeBlock.of("$N.constant($L, $N)", builder, CodeEmitter.literal(value), like), like);
    }

    @Override
    public String unbroadcast(String grad, String like) {
        return assign(CodeBlock.of("$N.unbroadcast($N, $N)", builder, grad, like), grad, like);
    }

    @Override
    public String expandLike(String grad, String like, int[] axes, boolean keptDims) {
        return assign(CodeBlock.of("$N.expandLike($N, $N, $L, $L)", builder, grad, like, intArray(axes), keptDims), grad,
                like);
    }

    @Override
    public String sizeOf(String like, int[] axes) {
        return assign(CodeBlock.of("$N.sizeOf($N, $L)", builder, like, intArray(axes)), like);
    }

    @Override
    public String reshapeLike(String x, String like) {
        return assign(CodeBlock.of("$N.reshapeLike($N, $N)", builder, x, like), x, like);
    }

    @Override
    public String castLike(String x, String like) {
        return assign(CodeBlock.of("$N.castLike($N, $N)", builder, x, like), x, like);
    }

    @Override
    public String sliceGrad(String grad, String like, SliceSpec spec) {
        List<CodeBlock> ranges = new java.util.ArrayList<>();
        for (SliceSpec.Range r : spec.ranges()) {
            ranges.add(r.end() == SliceSpec.END
                    ? CodeBlock.of("$T.of($L, $T.END, $L)", SLICE_RANGE, r.start(), SLICE_SPEC, r.step())
                    : CodeBlock.of("$T.of($L, $L, $L)", SLICE_RANGE, r.start(), r.end(), r.step()));
        }
        return assign(CodeBlock.of("$N.sliceGrad($N, $N, $T.of($L))", builder, grad, like, SLICE_SPEC,
                CodeBlock.join(ranges, ", ")), grad, like);
    }

    @Override
    public String scatterAdd(String grad, String like, String indices, int axis) {
        return assign(CodeBlock.of("$N.scatterAdd($N, $N, $N, $L)", builder, grad, like, indices, axis), grad, like, indices);
    }

    @Override
    public String concatPart(String grad, List<String> parts, int axis, int index) {
        List<String> uses = new java.util.ArrayList<>(parts);
        uses.add(grad);
        return assign(CodeBlock.of("$N.concatPart($N, $T.of($L), $L, $L)", builder, grad, List.class,
                String.join(", ", parts), axis, index), uses.toArray(new String[0]));
    }

    private static String intArray(int[] axes) {
        if (axes == null) {
            return "null";
        }
        String s = Arrays.toString(axes);
        return "new int[] {" + s.substring(1, s.length() - 1) + "}";
    }
}
