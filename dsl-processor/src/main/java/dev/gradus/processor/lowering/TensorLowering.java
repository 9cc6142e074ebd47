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
import dev.gradus.op.Slice;
import dev.gradus.op.Softmax;
import dev.gradus.op.Transpose;
import dev.gradus.op.UnaryOp;
import dev.gradus.op.UnaryOps;
import dev.gradus.processor.Message;
import dev.gradus.processor.model.TensorProgram;
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
 * whose derivative rule the processor can apply at compile time (ops that do not depend on
 * shapes: the elementwise table, matMul, matVec, dot, outer, leakyRelu) and whose rule must
 * wait until the generated builder runs and the op exists with its shapes (reductions,
 * softmax, transpose, slice, concat, gather, batchedMatMul).
 */
public final class TensorLowering {
    private static final String OPS = "dev.gradus.Ops";

    /** Ops functions that build exactly one node whose inputs are the call's tensor arguments, in order. */
    private static final Set<String> RULE_AT_BUILD_TIME = Set.of("sum", "mean", "max", "min", "prod", "logSumExp", "norm",
            "softmax", "logSoftmax", "transpose", "slice", "concat", "gather", "batchedMatMul");

    private final NameResolver names;
    private final java.util.function.Function<ExecutableElement, TensorProgram.TensorCallee> callees;
    private final TensorProgram program = new TensorProgram();
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
    public TensorProgram lower(ExecutableElement method, BlockTree body, List<String> parameters) {
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
                    return program;
                }
                default -> throw new LoweringException(s, Message.TENSOR_BODY.format(
                        "this statement is not supported (" + s.getKind().toString().toLowerCase(java.util.Locale.ROOT) + ")"));
            }
        }
        throw new LoweringException(body, Message.TENSOR_BODY.format("the body must end with a return"));
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
                + "Ops call"));
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
                return program.callExpression(callee, inputs);
            }
        }
        if (candidates.isEmpty()
                || !((TypeElement) candidates.get(0).getEnclosingElement()).getQualifiedName().contentEquals(OPS)) {
            throw new LoweringException(call, Message.TENSOR_BODY.format("'" + call.getMethodSelect()
                    + "' is neither a dev.gradus.Ops function nor a Tensor @Expression method (without recursion, "
                    + "overloads or wrt)"));
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
        Op rule = shapeFreeRule(name, args, inputs, numbers, call);
        if (rule != null) {
            return program.call(name, args, inputs, rule);
        }
        if (RULE_AT_BUILD_TIME.contains(name)) {
            return program.call(name, args, inputs, null);
        }
        throw new LoweringException(call, Message.TENSOR_BODY.format("Ops." + name + " is not supported in Tensor "
                + "@Expression methods yet"));
    }

    private static Op shapeFreeRule(String name, List<TensorProgram.Arg> args, List<Integer> inputs, List<Double> numbers,
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
                return null;
            }
            case "softmax", "logSoftmax" -> {
                Integer axis = args.size() == 2 && inputs.size() == 1 ? nonNegativeInt(args.get(1)) : null;
                if (axis == null) {
                    return null;
                }
                return name.equals("softmax") ? new Softmax(axis) : new LogSoftmax(axis);
            }
            case "sum", "mean", "max", "min", "prod", "logSumExp", "norm" -> {
                return reduction(name, args, inputs);
            }
            case "transpose" -> {
                if (inputs.size() != 1 || args.size() < 2) {
                    return null;
                }
                int[] perm = new int[args.size() - 1];
                for (int i = 1; i < args.size(); i++) {
                    Integer a = nonNegativeInt(args.get(i));
                    if (a == null) {
                        return null;
                    }
                    perm[i - 1] = a;
                }
                try {
                    return new Transpose(perm);
                } catch (IllegalArgumentException notAPermutation) {
                    return null;
                }
            }
            case "gather" -> {
                Integer axis = args.size() == 3 && inputs.size() == 2 ? nonNegativeInt(args.get(2)) : null;
                return axis == null ? null : new Gather(axis);
            }
            case "concat" -> {
                Integer axis = args.size() >= 2 && inputs.size() == args.size() - 1 ? nonNegativeInt(args.get(0)) : null;
                return axis == null ? null : new Concat(axis);
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
                    return null;
                }
                SliceSpec.Range[] ranges = new SliceSpec.Range[axis + 1];
                java.util.Arrays.fill(ranges, SliceSpec.Range.all());
                ranges[axis] = SliceSpec.Range.of(start, end, step);
                return new Slice(SliceSpec.of(ranges));
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
     * Returns the reduction a call describes when its axes are non-negative literals (as
     * {@code Ops} would normalize them: sorted), or null when they depend on the input's rank
     * ("all axes", negative axes) — then the node's own rule is used when the builder runs.
     */
    private static Op reduction(String name, List<TensorProgram.Arg> args, List<Integer> inputs) {
        if (inputs.size() != 1 || args.size() < 2) {
            return null;
        }
        List<Integer> axes = new ArrayList<>();
        boolean keepDims = false;
        TensorProgram.Arg second = args.get(1);
        if (!second.isStep() && second.literal().startsWith("new int[]")) {
            if (args.size() != 3 || !isBoolean(args.get(2))) {
                return null;
            }
            keepDims = Boolean.parseBoolean(args.get(2).literal());
            String body = second.literal().substring(second.literal().indexOf('{') + 1, second.literal().lastIndexOf('}'));
            for (String part : body.split(",")) {
                if (!part.isBlank()) {
                    Integer a = parseNonNegative(part.trim());
                    if (a == null) {
                        return null;
                    }
                    axes.add(a);
                }
            }
        } else {
            for (int i = 1; i < args.size(); i++) {
                Integer a = nonNegativeInt(args.get(i));
                if (a == null) {
                    return null;
                }
                axes.add(a);
            }
        }
        if (axes.isEmpty() || axes.size() != new java.util.HashSet<>(axes).size()) {
            return null;
        }
        int[] sorted = axes.stream().mapToInt(Integer::intValue).sorted().toArray();
        return switch (name) {
            case "sum" -> Reduction.sum(sorted, keepDims);
            case "mean" -> Reduction.mean(sorted, keepDims);
            case "max" -> Reduction.max(sorted, keepDims);
            case "min" -> Reduction.min(sorted, keepDims);
            case "prod" -> Reduction.prod(sorted, keepDims);
            case "logSumExp" -> Reduction.logSumExp(sorted, keepDims);
            default -> Reduction.norm(sorted, keepDims);
        };
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
