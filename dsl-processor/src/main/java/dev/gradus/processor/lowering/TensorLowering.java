package dev.gradus.processor.lowering;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
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
        if (!block(body.getStatements(), env)) {
            throw new LoweringException(body, Message.TENSOR_BODY.format("the body must end with a return"));
        }
        checkCalleesDifferentiate(wrt);
        return program;
    }

    /** Lowers statements in order; returns true once one of them returned (the rest is unreachable). */
    private boolean block(List<? extends StatementTree> statements, Map<String, Integer> env) {
        java.util.Set<String> outer = new java.util.HashSet<>(env.keySet());
        java.util.Set<String> outerInts = new java.util.HashSet<>(ints.keySet());
        try {
            for (StatementTree s : statements) {
                if (statement(s, env)) {
                    return true;
                }
            }
            return false;
        } finally {
            // Locals declared in a block end with it.
            env.keySet().retainAll(outer);
            ints.keySet().retainAll(outerInts);
        }
    }

    private boolean statement(StatementTree s, Map<String, Integer> env) {
        switch (s.getKind()) {
            case VARIABLE -> {
                VariableTree v = (VariableTree) s;
                if (v.getInitializer() == null) {
                    throw new LoweringException(v, Message.TENSOR_BODY.format("'" + v.getName() + "' has no initializer"));
                }
                env.put(v.getName().toString(), tensor(v.getInitializer(), env));
                return false;
            }
            case EXPRESSION_STATEMENT -> {
                ExpressionTree e = ((ExpressionStatementTree) s).getExpression();
                if (!(e instanceof AssignmentTree a) || !(a.getVariable() instanceof IdentifierTree id)
                        || !env.containsKey(id.getName().toString())) {
                    throw new LoweringException(e, Message.TENSOR_BODY.format("'" + e + "' is not supported"));
                }
                env.put(id.getName().toString(), tensor(a.getExpression(), env));
                return false;
            }
            case RETURN -> {
                program.setResult(tensor(((ReturnTree) s).getExpression(), env));
                return true;
            }
            case BLOCK -> {
                return block(((BlockTree) s).getStatements(), env);
            }
            case IF -> {
                IfTree f = (IfTree) s;
                ExpressionTree test = f.getCondition() instanceof ParenthesizedTree p ? p.getExpression() : f.getCondition();
                Boolean taken = condition(test);
                if (taken == null) {
                    throw new LoweringException(test, Message.TENSOR_BODY.format("the condition '"
                            + test + "' is not known at compile time; Tensor bodies may branch only on "
                            + "loop counters, literals and static final constants"));
                }
                StatementTree branch = taken ? f.getThenStatement() : f.getElseStatement();
                return branch != null && block(List.of(branch), env);
            }
            case FOR_LOOP -> {
                return forLoop((ForLoopTree) s, env);
            }
            default -> throw new LoweringException(s, Message.TENSOR_BODY.format(
                    "this statement is not supported (" + s.getKind().toString().toLowerCase(java.util.Locale.ROOT) + ")"));
        }
    }

    /**
     * Unrolls a counted loop ({@link CountedLoops}: {@code for (int i = a; i OP b; i += c)} with
     * a, b and c known at compile time); the counter is a compile-time int inside the body,
     * usable as an axis, index or condition.
     */
    private boolean forLoop(ForLoopTree loop, Map<String, Integer> env) {
        if (loop.getInitializer().size() != 1 || !(loop.getInitializer().get(0) instanceof VariableTree init)
                || init.getInitializer() == null || !init.getType().toString().equals("int")
                || !(loop.getCondition() instanceof BinaryTree cond) || loop.getUpdate().size() != 1) {
            throw new LoweringException(loop, Message.TENSOR_BODY.format("only counted loops 'for (int i = a; i < b; "
                    + "i++)' with bounds known at compile time are unrolled"));
        }
        String counter = init.getName().toString();
        if (!CountedLoops.isCounter(cond.getLeftOperand(), counter)) {
            throw new LoweringException(loop, Message.LOOP_BOUNDS.format("the condition must compare the counter '"
                    + counter + "' with a constant"));
        }
        int first = knownInt(init.getInitializer(), "the loop's start");
        Long bound = intValue(cond.getRightOperand());
        if (bound == null) {
            throw new LoweringException(cond, Message.TENSOR_BODY.format("the loop condition '" + cond
                    + "' is not known at compile time"));
        }
        int step = CountedLoops.step(loop.getUpdate().get(0).getExpression(), counter,
                c -> knownInt(c, "the loop's step"));
        CountedLoops.checkHeaderNotWritten(loop, counter);
        Long before = ints.get(counter);
        int iterations = 0;
        try {
            for (long k = first; CountedLoops.holds(cond, k, bound.intValue()); k += step) {
                CountedLoops.countIteration(loop, ++iterations);
                ints.put(counter, k);
                if (block(List.of(loop.getStatement()), env)) {
                    return true;
                }
            }
            return false;
        } finally {
            if (before == null) {
                ints.remove(counter);
            } else {
                ints.put(counter, before);
            }
        }
    }

    private int knownInt(ExpressionTree e, String what) {
        Long v = intValue(e);
        if (v == null) {
            throw new LoweringException(e, Message.TENSOR_BODY.format(what + " '" + e + "' is not known at compile time"));
        }
        return v.intValue();
    }

    /** The values of the loop counters in scope. */
    private final Map<String, Long> ints = new HashMap<>();

    /**
     * Returns the value of an int expression known at compile time (literals, static final
     * constants, loop counters, + - * / % and unary minus, evaluated as Java's int arithmetic
     * would, refusing overflow), or null when it is not one.
     */
    private Long intValue(ExpressionTree e) {
        switch (e.getKind()) {
            case PARENTHESIZED -> {
                return intValue(((ParenthesizedTree) e).getExpression());
            }
            case INT_LITERAL -> {
                return ((Number) ((com.sun.source.tree.LiteralTree) e).getValue()).longValue();
            }
            case IDENTIFIER -> {
                Long counter = ints.get(((IdentifierTree) e).getName().toString());
                if (counter != null) {
                    return counter;
                }
                return constantInt(e);
            }
            case MEMBER_SELECT -> {
                return constantInt(e);
            }
            case UNARY_MINUS -> {
                Long v = intValue(((UnaryTree) e).getExpression());
                return v == null ? null : checkedInt(e, -v);
            }
            case PLUS, MINUS, MULTIPLY, DIVIDE, REMAINDER -> {
                com.sun.source.tree.BinaryTree b = (com.sun.source.tree.BinaryTree) e;
                Long l = intValue(b.getLeftOperand());
                Long r = intValue(b.getRightOperand());
                if (l == null || r == null) {
                    return null;
                }
                if ((e.getKind() == Tree.Kind.DIVIDE || e.getKind() == Tree.Kind.REMAINDER) && r == 0) {
                    throw new LoweringException(e, Message.TENSOR_BODY.format("'" + e + "' divides by zero"));
                }
                return checkedInt(e, switch (e.getKind()) {
                    case PLUS -> l + r;
                    case MINUS -> l - r;
                    case MULTIPLY -> l * r;
                    case DIVIDE -> l / r;
                    default -> l % r;
                });
            }
            default -> {
                return null;
            }
        }
    }

    private Long constantInt(ExpressionTree e) {
        VariableElement f = names.resolveField(e);
        return f != null && f.getConstantValue() instanceof Integer i ? Long.valueOf(i) : null;
    }

    private static Long checkedInt(Tree at, long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new LoweringException(at, Message.TENSOR_BODY.format("'" + at + "' overflows int"));
        }
        return v;
    }

    /** Returns the value of a condition known at compile time, or null when it is not one. */
    private Boolean condition(ExpressionTree e) {
        switch (e.getKind()) {
            case PARENTHESIZED -> {
                return condition(((ParenthesizedTree) e).getExpression());
            }
            case BOOLEAN_LITERAL -> {
                return (Boolean) ((com.sun.source.tree.LiteralTree) e).getValue();
            }
            case LOGICAL_COMPLEMENT -> {
                Boolean v = condition(((UnaryTree) e).getExpression());
                return v == null ? null : !v;
            }
            case CONDITIONAL_AND, CONDITIONAL_OR -> {
                com.sun.source.tree.BinaryTree b = (com.sun.source.tree.BinaryTree) e;
                Boolean l = condition(b.getLeftOperand());
                if (l == null) {
                    return null;
                }
                if (e.getKind() == Tree.Kind.CONDITIONAL_AND ? !l : l) {
                    return l;
                }
                return condition(b.getRightOperand());
            }
            case LESS_THAN, LESS_THAN_EQUAL, GREATER_THAN, GREATER_THAN_EQUAL, EQUAL_TO, NOT_EQUAL_TO -> {
                com.sun.source.tree.BinaryTree b = (com.sun.source.tree.BinaryTree) e;
                Long l = intValue(b.getLeftOperand());
                Long r = intValue(b.getRightOperand());
                if (l == null || r == null) {
                    return null;
                }
                return switch (e.getKind()) {
                    case LESS_THAN -> l < r;
                    case LESS_THAN_EQUAL -> l <= r;
                    case GREATER_THAN -> l > r;
                    case GREATER_THAN_EQUAL -> l >= r;
                    case EQUAL_TO -> l.equals(r);
                    default -> !l.equals(r);
                };
            }
            default -> {
                return null;
            }
        }
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
        if (e.getKind() != Tree.Kind.INT_LITERAL) {
            // Int arithmetic on loop counters and constants is folded to its value.
            Long v = intValue(e);
            if (v != null) {
                return v.toString();
            }
        }
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
                List<String> elements = new ArrayList<>();
                for (ExpressionTree i : n.getInitializers()) {
                    String element = literal(i);
                    if (element == null) {
                        return null;
                    }
                    elements.add(element);
                }
                // Rebuilt from the elements' values, so loop counters inside become numbers.
                return n.getType() == null ? null : "new " + n.getType() + "[] {" + String.join(", ", elements) + "}";
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
