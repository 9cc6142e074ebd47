package dev.gradus.processor.lowering;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import dev.gradus.op.BatchedMatMul;
import dev.gradus.op.BroadcastTo;
import dev.gradus.op.BinaryOp;
import dev.gradus.op.BinaryOps;
import dev.gradus.op.Concat;
import dev.gradus.op.Gather;
import dev.gradus.op.LeakyRelu;
import dev.gradus.op.LinearAlgebra;
import dev.gradus.op.LogSoftmax;
import dev.gradus.op.MatMul;
import dev.gradus.op.MatVec;
import dev.gradus.op.Op;
import dev.gradus.op.Reduction;
import dev.gradus.op.Reshape;
import dev.gradus.op.Slice;
import dev.gradus.op.Softmax;
import dev.gradus.op.Transpose;
import dev.gradus.op.UnaryOp;
import dev.gradus.op.UnaryOps;
import dev.gradus.processor.Message;
import dev.gradus.processor.model.TensorProgram;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.SliceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * Lowers the body of a Tensor {@code @Expression} method — local Tensor variables and calls
 * of {@code dev.gradus.Ops} functions — to a {@link TensorProgram}, deciding for each call
 * with the op instance whose derivative rule the processor applies at compile time. Axes a
 * user writes without knowing the rank (a reduction over every axis, negative axes,
 * {@code transpose(x)}) stay as written in the op, which resolves them against each input's
 * rank, so every rule can be applied at compile time.
 */
public final class TensorLowering {
    private static final String OPS = "dev.gradus.Ops";


    private final NameResolver names;
    private final java.util.function.Function<ExecutableElement, TensorProgram.TensorCallee> callees;
    private final TensorProgram program = new TensorProgram();
    /** The call tree of each step that calls another method, for messages. */
    private final Map<Integer, Tree> calleeCalls = new HashMap<>();
    private ExecutableElement current;

    /**
     * Creates a lowering for one method.
     *
     * @param elements javac's element utilities
     * @param enclosing the class declaring the method
     * @param unit the compilation unit of the method
     * @param callees describes another Tensor {@code @Expression} method that differentiates
     *     every parameter, or returns null
     */
    public TensorLowering(Elements elements, TypeElement enclosing, CompilationUnitTree unit,
            java.util.function.Function<ExecutableElement, TensorProgram.TensorCallee> callees) {
        this.names = new NameResolver(elements, enclosing, unit);
        this.callees = callees;
    }

    /**
     * Returns the program of the body.
     *
     * @throws LoweringException at the first unsupported construct
     */
    public TensorProgram lower(ExecutableElement method, BlockTree body, List<String> parameters, List<Integer> wrt) {
        this.current = method;
        Map<String, Integer> env = new HashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            env.put(parameters.get(i), program.parameter(i));
        }
        for (StatementTree s : body.getStatements()) {
            switch (s.getKind()) {
                case VARIABLE -> {
                    VariableTree v = (VariableTree) s;
                    if (v.getInitializer() == null) {
                        throw new LoweringException(v, Message.TENSOR_BODY.format("'" + v.getName() + "' has no initializer"));
                    }
                    env.put(v.getName().toString(), tensor(v.getInitializer(), env));
                }
                case EXPRESSION_STATEMENT -> {
                    ExpressionTree e = ((ExpressionStatementTree) s).getExpression();
                    if (!(e instanceof AssignmentTree a) || !(a.getVariable() instanceof IdentifierTree id)
                            || !env.containsKey(id.getName().toString())) {
                        throw new LoweringException(e, Message.TENSOR_BODY.format("'" + e + "' is not supported"));
                    }
                    env.put(id.getName().toString(), tensor(a.getExpression(), env));
                }
                case RETURN -> {
                    program.setResult(tensor(((ReturnTree) s).getExpression(), env));
                    checkCalleesDifferentiate(wrt);
                    return program;
                }
                default -> throw new LoweringException(s, Message.TENSOR_BODY.format(
                        "this statement is not supported (" + s.getKind().toString().toLowerCase(java.util.Locale.ROOT) + ")"));
            }
        }
        throw new LoweringException(body, Message.TENSOR_BODY.format("the body must end with a return"));
    }

    /**
     * Fails at the call when a gradient the method needs would have to flow through a
     * parameter that the called {@code @Expression} method leaves out of its wrt.
     */
    private void checkCalleesDifferentiate(List<Integer> wrt) {
        boolean[] depends = new boolean[program.steps().size()];
        for (TensorProgram.Step s : program.steps()) {
            if (s.kind() == TensorProgram.Kind.PARAMETER) {
                depends[s.index()] = wrt.contains(s.parameter());
            }
            for (int k = 0; k < s.inputs().size(); k++) {
                int in = s.inputs().get(k);
                depends[s.index()] |= depends[in];
                if (depends[in] && s.callee() != null && !s.callee().wrt().contains(k)) {
                    String p = s.callee().parameters().get(k);
                    throw new LoweringException(calleeCalls.get(s.index()), Message.TENSOR_BODY.format("'"
                            + s.callee().method() + "' does not differentiate its parameter '" + p + "' (its wrt leaves "
                            + "it out), but this method's gradient flows through it; add '" + p + "' to the wrt of '"
                            + s.callee().method() + "'"));
                }
            }
        }
    }

    private int tensor(ExpressionTree e, Map<String, Integer> env) {
        if (e instanceof ParenthesizedTree p) {
            return tensor(p.getExpression(), env);
        }
        if (e instanceof IdentifierTree id && env.containsKey(id.getName().toString())) {
            return env.get(id.getName().toString());
        }
        if (e instanceof MethodInvocationTree call) {
            return call(call, env);
        }
        throw new LoweringException(e, Message.TENSOR_BODY.format("'" + e + "' is not a Tensor parameter, local or "
                + "Ops call, nor a literal or static final constant"));
    }

    private int call(MethodInvocationTree call, Map<String, Integer> env) {
        List<ExecutableElement> candidates = names.resolveMethods(call.getMethodSelect(), call.getArguments().size());
        String name = call.getMethodSelect() instanceof IdentifierTree id ? id.getName().toString()
                : call.getMethodSelect().toString().substring(call.getMethodSelect().toString().lastIndexOf('.') + 1);
        if (candidates.size() == 1 && !candidates.get(0).equals(current)
                && !((TypeElement) candidates.get(0).getEnclosingElement()).getQualifiedName().contentEquals(OPS)) {
            TensorProgram.TensorCallee callee = callees.apply(candidates.get(0));
            if (callee != null) {
                List<Integer> inputs = new ArrayList<>();
                for (ExpressionTree a : call.getArguments()) {
                    inputs.add(tensor(a, env));
                }
                int step = program.callExpression(callee, inputs);
                calleeCalls.putIfAbsent(step, call);
                return step;
            }
        }
        if (candidates.isEmpty()
                || !((TypeElement) candidates.get(0).getEnclosingElement()).getQualifiedName().contentEquals(OPS)) {
            throw new LoweringException(call, Message.TENSOR_BODY.format("'" + call.getMethodSelect()
                    + "' is neither a dev.gradus.Ops function nor a Tensor @Expression method (without recursion or "
                    + "overloads)"));
        }
        List<TensorProgram.Arg> args = new ArrayList<>();
        List<Integer> inputs = new ArrayList<>();
        List<Double> numbers = new ArrayList<>();
        for (ExpressionTree a : call.getArguments()) {
            String literal = literal(a);
            if (literal != null) {
                args.add(TensorProgram.Arg.literal(literal));
                numbers.add(numberOrNull(a));
            } else {
                int step = tensor(a, env);
                args.add(TensorProgram.Arg.step(step));
                inputs.add(step);
                numbers.add(null);
            }
        }
        UnaryOp unary = unary(name);
        BinaryOp binary = binary(name);
        if (unary != null && args.size() == 1 && inputs.size() == 1) {
            return program.call(name, args, inputs, unary);
        }
        if (binary != null && args.size() == 2) {
            if (inputs.size() == 2) {
                return program.call(name, args, inputs, binary);
            }
            if (inputs.size() == 1 && numbers.get(0) == null && numbers.get(1) != null) {
                int c = program.constant(numbers.get(1), inputs.get(0));
                return program.call(name, List.of(args.get(0), TensorProgram.Arg.step(c)), List.of(inputs.get(0), c), binary);
            }
            if (inputs.size() == 1 && numbers.get(1) == null && numbers.get(0) != null) {
                int c = program.constant(numbers.get(0), inputs.get(0));
                return program.call(name, List.of(TensorProgram.Arg.step(c), args.get(1)), List.of(c, inputs.get(0)), binary);
            }
        }
        Op rule = rule(name, args, inputs, numbers, call);
        if (rule != null) {
            return program.call(name, args, inputs, rule);
        }
        throw new LoweringException(call, Message.TENSOR_BODY.format("Ops." + name + " is not supported in Tensor "
                + "@Expression methods yet"));
    }

    /**
     * Returns the op whose rule the processor applies at compile time for a call, built from
     * the call's literal arguments (axes the op resolves against the input's rank when it
     * runs), or null when {@code name} is not an op Tensor bodies support.
     *
     * @throws LoweringException when the op is supported but an argument is not a literal it needs
     */
    private static Op rule(String name, List<TensorProgram.Arg> args, List<Integer> inputs, List<Double> numbers,
            Tree at) {
        switch (name) {
            case "matMul" -> {
                if (inputs.size() == 2 && args.size() == 2) {
                    return new MatMul(false, false);
                }
                if (inputs.size() == 2 && args.size() == 4 && isBoolean(args.get(2)) && isBoolean(args.get(3))) {
                    return new MatMul(Boolean.parseBoolean(args.get(2).literal()), Boolean.parseBoolean(args.get(3).literal()));
                }
                throw new LoweringException(at, Message.TENSOR_BODY.format("matMul's transpose flags must be literals"));
            }
            case "matVec" -> {
                return inputs.size() == 2 ? new MatVec(false) : null;
            }
            case "dot" -> {
                return inputs.size() == 2 ? LinearAlgebra.DOT : null;
            }
            case "outer" -> {
                return inputs.size() == 2 ? LinearAlgebra.OUTER : null;
            }
            case "batchedMatMul" -> {
                if (inputs.size() == 2 && args.size() == 2) {
                    return new BatchedMatMul(false, false);
                }
                if (inputs.size() == 2 && args.size() == 4 && isBoolean(args.get(2)) && isBoolean(args.get(3))) {
                    return new BatchedMatMul(Boolean.parseBoolean(args.get(2).literal()),
                            Boolean.parseBoolean(args.get(3).literal()));
                }
                throw new LoweringException(at, Message.TENSOR_BODY.format("batchedMatMul's transpose flags must be "
                        + "literals"));
            }
            case "softmax", "logSoftmax" -> {
                Integer axis = args.size() == 2 && inputs.size() == 1 ? anyInt(args.get(1)) : null;
                if (axis == null) {
                    throw new LoweringException(at, Message.TENSOR_BODY.format(name + "'s axis must be an int literal or "
                            + "constant"));
                }
                // A negative axis stays as written: the op resolves it against the input's rank.
                return name.equals("softmax") ? new Softmax(axis) : new LogSoftmax(axis);
            }
            case "sum", "mean", "max", "min", "prod", "logSumExp", "norm" -> {
                return reduction(name, args, inputs, at);
            }
            case "transpose" -> {
                if (inputs.size() != 1) {
                    return null;
                }
                if (args.size() == 1) {
                    // transpose(x): reverse whatever rank x has.
                    return Transpose.reversed();
                }
                int[] perm = new int[args.size() - 1];
                for (int i = 1; i < args.size(); i++) {
                    Integer a = nonNegativeInt(args.get(i));
                    if (a == null) {
                        throw new LoweringException(at, Message.TENSOR_BODY.format("transpose's permutation must be "
                                + "non-negative int literals or constants"));
                    }
                    perm[i - 1] = a;
                }
                try {
                    return new Transpose(perm);
                } catch (IllegalArgumentException notAPermutation) {
                    throw new LoweringException(at, Message.TENSOR_BODY.format("transpose's axes "
                            + java.util.Arrays.toString(perm) + " are not a permutation"));
                }
            }
            case "gather" -> {
                Integer axis = args.size() == 3 && inputs.size() == 2 ? nonNegativeInt(args.get(2)) : null;
                if (axis == null) {
                    throw new LoweringException(at, Message.TENSOR_BODY.format("gather's axis must be a non-negative "
                            + "int literal or constant"));
                }
                return new Gather(axis);
            }
            case "concat" -> {
                Integer axis = args.size() >= 2 && inputs.size() == args.size() - 1 ? nonNegativeInt(args.get(0)) : null;
                if (axis == null) {
                    throw new LoweringException(at, Message.TENSOR_BODY.format("concat's axis must be a non-negative "
                            + "int literal or constant, followed by the tensors"));
                }
                return new Concat(axis);
            }
            case "slice" -> {
                if (inputs.size() != 1 || args.size() != 5) {
                    return null;
                }
                Integer axis = nonNegativeInt(args.get(1));
                Integer start = anyInt(args.get(2));
                Integer end = anyInt(args.get(3));
                Integer step = anyInt(args.get(4));
                if (axis == null || start == null || end == null || step == null || step == 0) {
                    throw new LoweringException(at, Message.TENSOR_BODY.format("slice's axis (non-negative), start, end "
                            + "and step (not 0) must be int literals or constants"));
                }
                SliceSpec.Range[] ranges = new SliceSpec.Range[axis + 1];
                java.util.Arrays.fill(ranges, SliceSpec.Range.all());
                ranges[axis] = SliceSpec.Range.of(start, end, step);
                return new Slice(SliceSpec.of(ranges));
            }
            case "reshape", "broadcastTo" -> {
                // Both rules need only x (reshapeLike, unbroadcast): the target shape, -1 included,
                // is resolved by Ops when the builder runs; the prototype's shape is never read.
                if (inputs.size() != 1 || !args.get(0).isStep()) {
                    return null;
                }
                for (int i = 1; i < args.size(); i++) {
                    if (anyInt(args.get(i)) == null) {
                        throw new LoweringException(at, Message.TENSOR_BODY.format(name + "'s dimensions must be int "
                                + "literals or constants"));
                    }
                }
                return name.equals("reshape") ? new Reshape(Shape.scalar()) : new BroadcastTo(Shape.scalar());
            }
            case "leakyRelu" -> {
                if (inputs.size() == 1 && args.size() == 2 && numbers.get(1) != null) {
                    return new LeakyRelu(numbers.get(1));
                }
                throw new LoweringException(at, Message.TENSOR_BODY.format("leakyRelu's slope must be a constant"));
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * Returns the reduction a call describes. Its axes stay as written (negative ones, or
     * none for "every axis") and are resolved against the input's rank when the op runs, so
     * the rule can be applied now for any rank.
     */
    private static Op reduction(String name, List<TensorProgram.Arg> args, List<Integer> inputs, Tree at) {
        if (inputs.size() != 1) {
            return null;
        }
        List<Integer> axes = new ArrayList<>();
        boolean keepDims = false;
        boolean explicitArray = false;
        if (args.size() >= 2 && !args.get(1).isStep() && args.get(1).literal().startsWith("new int[]")) {
            if (args.size() != 3 || !isBoolean(args.get(2))) {
                throw new LoweringException(at, Message.TENSOR_BODY.format(name + "(x, axes, keepDims) needs a literal "
                        + "keepDims"));
            }
            explicitArray = true;
            keepDims = Boolean.parseBoolean(args.get(2).literal());
            String literal = args.get(1).literal();
            String body = literal.substring(literal.indexOf('{') + 1, literal.lastIndexOf('}'));
            for (String part : body.split(",")) {
                if (!part.isBlank()) {
                    Integer a = anyInt(TensorProgram.Arg.literal(part.trim()));
                    if (a == null) {
                        throw new LoweringException(at, Message.TENSOR_BODY.format(name + "'s axes must be int literals"));
                    }
                    axes.add(a);
                }
            }
        } else {
            for (int i = 1; i < args.size(); i++) {
                Integer a = anyInt(args.get(i));
                if (a == null) {
                    throw new LoweringException(at, Message.TENSOR_BODY.format(name + "'s axes must be int literals or "
                            + "constants"));
                }
                axes.add(a);
            }
        }
        if (axes.size() != new java.util.HashSet<>(axes).size()) {
            throw new LoweringException(at, Message.TENSOR_BODY.format(name + " repeats an axis in " + axes));
        }
        // As in Ops: no axes at all (sum(x), or an empty array) means every axis.
        int[] written = axes.isEmpty() ? null : axes.stream().mapToInt(Integer::intValue).toArray();
        Reduction.Kind kind = switch (name) {
            case "sum" -> Reduction.Kind.SUM;
            case "mean" -> Reduction.Kind.MEAN;
            case "max" -> Reduction.Kind.MAX;
            case "min" -> Reduction.Kind.MIN;
            case "prod" -> Reduction.Kind.PROD;
            case "logSumExp" -> Reduction.Kind.LOG_SUM_EXP;
            default -> Reduction.Kind.NORM;
        };
        assert explicitArray || !keepDims;
        return Reduction.asWritten(kind, written, keepDims);
    }

    private static Integer nonNegativeInt(TensorProgram.Arg a) {
        return a.isStep() ? null : parseNonNegative(a.literal());
    }

    private static Integer anyInt(TensorProgram.Arg a) {
        if (a.isStep()) {
            return null;
        }
        String t = a.literal();
        boolean negative = t.startsWith("-");
        Integer v = parseNonNegative(negative ? t.substring(1) : t);
        return v == null ? null : negative ? -v : v;
    }

    private static Integer parseNonNegative(String text) {
        if (!text.matches("[0-9]{1,9}")) {
            return null;
        }
        return Integer.valueOf(text);
    }

    private static boolean isBoolean(TensorProgram.Arg a) {
        return !a.isStep() && (a.literal().equals("true") || a.literal().equals("false"));
    }

    private static UnaryOp unary(String name) {
        for (UnaryOp op : UnaryOps.all()) {
            if (op.name().equals(name)) {
                return op;
            }
        }
        return null;
    }

    private static BinaryOp binary(String name) {
        for (BinaryOp op : BinaryOps.all()) {
            if (op.name().equals(name)) {
                return op;
            }
        }
        return null;
    }

    /** Returns the Java source of a compile-time literal argument, or null if {@code e} is not one. */
    private String literal(ExpressionTree e) {
        switch (e.getKind()) {
            case INT_LITERAL, LONG_LITERAL, DOUBLE_LITERAL, FLOAT_LITERAL, BOOLEAN_LITERAL -> {
                return e.toString();
            }
            case UNARY_MINUS -> {
                String inner = literal(((UnaryTree) e).getExpression());
                return inner == null ? null : "-" + inner;
            }
            case NEW_ARRAY -> {
                NewArrayTree n = (NewArrayTree) e;
                if (n.getInitializers() == null) {
                    return null;
                }
                for (ExpressionTree i : n.getInitializers()) {
                    if (literal(i) == null) {
                        return null;
                    }
                }
                return e.toString();
            }
            case IDENTIFIER, MEMBER_SELECT -> {
                VariableElement f = names.resolveField(e);
                if (f != null && f.getConstantValue() != null) {
                    Object v = f.getConstantValue();
                    return v instanceof Double d ? Double.toString(d) : v instanceof Float fl ? fl + "f" : v.toString();
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private Double numberOrNull(ExpressionTree e) {
        String lit = literal(e);
        if (lit == null || lit.equals("true") || lit.equals("false") || lit.contains("{")) {
            return null;
        }
        String s = lit.replace("_", "");
        if (s.endsWith("L") || s.endsWith("l")) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Double.valueOf(s);
        } catch (NumberFormatException ex) {
            return null;
        }
    }

}
