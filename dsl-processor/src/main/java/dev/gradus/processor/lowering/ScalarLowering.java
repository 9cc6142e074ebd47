package dev.gradus.processor.lowering;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import dev.gradus.op.BinaryOp;
import dev.gradus.op.BinaryOps;
import dev.gradus.op.Comparison;
import dev.gradus.op.Op;
import dev.gradus.op.UnaryOp;
import dev.gradus.op.UnaryOps;
import dev.gradus.processor.Message;
import dev.gradus.processor.model.Callee;
import dev.gradus.processor.model.Expr;
import dev.gradus.processor.model.ExprFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.Elements;

/**
 * Lowers the body of a scalar {@code @Expression} method to the expression model: reads the
 * statements in order with an environment of local values, unrolls for loops with constant
 * bounds, turns if/else and ternaries into selects (so derivatives follow the branch taken),
 * maps Math functions to the op table, and calls to other {@code @Expression} methods to
 * {@link Expr.Kind#CALL} nodes. Anything else aborts this method with a
 * {@link LoweringException} at the exact tree.
 */
public final class ScalarLowering {
    private static final int MAX_PATHS = 1024;

    private static final Map<String, UnaryOp> MATH_UNARY = Map.ofEntries(
            Map.entry("sin", UnaryOps.SIN), Map.entry("cos", UnaryOps.COS), Map.entry("tan", UnaryOps.TAN),
            Map.entry("asin", UnaryOps.ASIN), Map.entry("acos", UnaryOps.ACOS), Map.entry("atan", UnaryOps.ATAN),
            Map.entry("exp", UnaryOps.EXP), Map.entry("log", UnaryOps.LOG), Map.entry("log10", UnaryOps.LOG10),
            Map.entry("log1p", UnaryOps.LOG1P), Map.entry("expm1", UnaryOps.EXPM1), Map.entry("sqrt", UnaryOps.SQRT),
            Map.entry("cbrt", UnaryOps.CBRT), Map.entry("abs", UnaryOps.ABS), Map.entry("tanh", UnaryOps.TANH),
            Map.entry("sinh", UnaryOps.SINH), Map.entry("cosh", UnaryOps.COSH));

    private static final Map<String, BinaryOp> MATH_BINARY = Map.of("pow", BinaryOps.POW, "atan2", BinaryOps.ATAN2,
            "hypot", BinaryOps.HYPOT, "max", BinaryOps.MAX_BETWEEN, "min", BinaryOps.MIN_BETWEEN);

    private static final Set<String> MATH_NO_DERIVATIVE = Set.of("floor", "ceil", "round", "rint", "signum",
            "floorDiv", "floorMod", "random", "nextUp", "nextDown", "ulp", "getExponent");

    private final NameResolver names;
    private final ExprFactory factory;
    private ExecutableElement current;
    private final Function<ExecutableElement, Callee> callees;
    private int paths;

    /**
     * Creates a lowering for one method.
     *
     * @param elements javac's element utilities
     * @param enclosing the class declaring the method
     * @param unit the compilation unit of the method
     * @param factory where nodes are made
     * @param callees describes another {@code @Expression} method, or returns null if the
     *     element is not one
     */
    public ScalarLowering(Elements elements, TypeElement enclosing, CompilationUnitTree unit, ExprFactory factory,
            Function<ExecutableElement, Callee> callees) {
        this.names = new NameResolver(elements, enclosing, unit);
        this.factory = factory;
        this.callees = callees;
    }

    /** A statement with the values of the loop counters around it. */
    private record Stmt(StatementTree tree, Map<String, Integer> counters, Set<String> scopeEnd) {
        Stmt(StatementTree tree, Map<String, Integer> counters) {
            this(tree, counters, null);
        }

        /** A marker that ends a block: names not in {@code outer} go out of scope. */
        static Stmt endOfScope(Set<String> outer) {
            return new Stmt(null, Map.of(), outer);
        }
    }

    /** Local values: numbers and conditions by name, and compile-time ints. */
    private static final class Env {
        final Map<String, Expr> values;
        final Map<String, Integer> ints;

        Env(Map<String, Expr> values, Map<String, Integer> ints) {
            this.values = values;
            this.ints = ints;
        }

        Env copy() {
            return new Env(new LinkedHashMap<>(values), new HashMap<>(ints));
        }
    }

    /**
     * Returns the model of what the method returns.
     *
     * @param body the method body
     * @param parameters the parameter names, in order
     * @throws LoweringException at the first unsupported construct
     */
    public Expr lower(ExecutableElement method, BlockTree body, List<String> parameters) {
        this.current = method;
        if (body == null) {
            // A native or abstract method: reported on the method itself.
            throw new LoweringException(null, Message.UNSUPPORTED_STATEMENT.format("a method without a body"));
        }
        Map<String, Expr> values = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            values.put(parameters.get(i), factory.parameter(i));
        }
        List<Stmt> stmts = new ArrayList<>();
        for (StatementTree s : body.getStatements()) {
            stmts.add(new Stmt(s, Map.of()));
        }
        Expr result = statements(stmts, new Env(values, new HashMap<>()));
        if (result == null) {
            throw new LoweringException(body, Message.UNSUPPORTED_STATEMENT.format("a body that can end without return"));
        }
        return result;
    }

    /** Runs the statements in order; returns the returned value, or null if they end without return. */
    private Expr statements(List<Stmt> stmts, Env env) {
        for (int i = 0; i < stmts.size(); i++) {
            Stmt s = stmts.get(i);
            if (s.scopeEnd() != null) {
                // Locals declared in the block end with it; an outer local or a field is visible again.
                env.values.keySet().retainAll(s.scopeEnd());
                env.ints.keySet().retainAll(s.scopeEnd());
                continue;
            }
            StatementTree t = s.tree();
            Map<String, Integer> counters = s.counters();
            switch (t.getKind()) {
                case RETURN -> {
                    ExpressionTree e = ((ReturnTree) t).getExpression();
                    return number(e, env, counters);
                }
                case BLOCK -> {
                    List<Stmt> spliced = new ArrayList<>();
                    for (StatementTree inner : ((BlockTree) t).getStatements()) {
                        spliced.add(new Stmt(inner, counters));
                    }
                    Set<String> outer = new java.util.HashSet<>(env.values.keySet());
                    outer.addAll(env.ints.keySet());
                    spliced.add(Stmt.endOfScope(outer));
                    spliced.addAll(stmts.subList(i + 1, stmts.size()));
                    return statements(spliced, env);
                }
                case VARIABLE -> declare((VariableTree) t, env, counters);
                case EXPRESSION_STATEMENT -> expressionStatement(((ExpressionStatementTree) t).getExpression(), env, counters);
                case IF -> {
                    IfTree it = (IfTree) t;
                    Expr cond = condition(it.getCondition(), env, counters);
                    List<Stmt> then = List.of(new Stmt(it.getThenStatement(), counters));
                    List<Stmt> otherwise = it.getElseStatement() == null ? List.of()
                            : List.of(new Stmt(it.getElseStatement(), counters));
                    if (containsReturn(it)) {
                        // An early return: each branch continues with the rest of the body.
                        if (++paths > MAX_PATHS) {
                            throw new LoweringException(t, Message.TOO_MANY_BRANCHES.format(MAX_PATHS));
                        }
                        List<Stmt> rest = stmts.subList(i + 1, stmts.size());
                        Expr a = statements(concat(then, rest), env.copy());
                        Expr b = statements(concat(otherwise, rest), env.copy());
                        if (a == null || b == null) {
                            return null;
                        }
                        return select(cond, a, b, it);
                    }
                    Env envThen = env.copy();
                    Env envElse = env.copy();
                    statements(then, envThen);
                    statements(otherwise, envElse);
                    merge(cond, env, envThen, envElse, it);
                }
                case FOR_LOOP -> {
                    List<Stmt> unrolled = unroll((ForLoopTree) t, env, counters);
                    return statements(concat(unrolled, stmts.subList(i + 1, stmts.size())), env);
                }
                case EMPTY_STATEMENT -> {
                    // Nothing to do.
                }
                case WHILE_LOOP -> throw new LoweringException(t, Message.LOOP.format("while"));
                case DO_WHILE_LOOP -> throw new LoweringException(t, Message.LOOP.format("do-while"));
                case ENHANCED_FOR_LOOP -> throw new LoweringException(t, Message.LOOP.format("for-each"));
                default -> throw new LoweringException(t, Message.UNSUPPORTED_STATEMENT.format(describe(t)));
            }
        }
        return null;
    }

    private static List<Stmt> concat(List<Stmt> a, List<Stmt> b) {
        List<Stmt> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }

    private Expr select(Expr cond, Expr a, Expr b, Tree at) {
        if (a.isCondition() != b.isCondition()) {
            throw new LoweringException(at, Message.UNSUPPORTED_EXPRESSION.format("a branch mixing boolean and numeric values"));
        }
        return factory.select(cond, a, b);
    }

    private void merge(Expr cond, Env env, Env then, Env otherwise, Tree at) {
        for (String name : new ArrayList<>(env.values.keySet())) {
            Expr a = then.values.get(name);
            Expr b = otherwise.values.get(name);
            env.values.put(name, select(cond, a, b, at));
        }
        for (String name : new ArrayList<>(env.ints.keySet())) {
            if (!then.ints.get(name).equals(otherwise.ints.get(name))) {
                throw new LoweringException(at, Message.INTEGER_EXPRESSION.format(name));
            }
        }
    }

    private static boolean containsReturn(Tree t) {
        Boolean found = new TreeScanner<Boolean, Void>() {
            @Override
            public Boolean visitReturn(ReturnTree node, Void p) {
                return true;
            }

            @Override
            public Boolean reduce(Boolean a, Boolean b) {
                return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
            }

            @Override
            public Boolean visitClass(com.sun.source.tree.ClassTree node, Void p) {
                return false;
            }

            @Override
            public Boolean visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree node, Void p) {
                return false;
            }
        }.scan(t, null);
        return Boolean.TRUE.equals(found);
    }

    private void declare(VariableTree v, Env env, Map<String, Integer> counters) {
        String name = v.getName().toString();
        ExpressionTree init = v.getInitializer();
        TypeKind type = declaredKind(v, env);
        if (type == TypeKind.ARRAY) {
            throw new LoweringException(v, Message.ARRAY.format(name));
        }
        if (isIntegral(type)) {
            if (init == null) {
                throw new LoweringException(v, Message.INTEGER_EXPRESSION.format(name));
            }
            env.ints.put(name, integer(init, env, counters));
            return;
        }
        if (type == TypeKind.BOOLEAN) {
            env.values.put(name, init == null ? factory.bool(false) : condition(init, env, counters));
            return;
        }
        if (!isFloating(type)) {
            throw new LoweringException(v, Message.UNSUPPORTED_STATEMENT.format("a local of type " + v.getType()));
        }
        // A declaration without initializer is definitely assigned before use (javac checks).
        env.values.put(name, init == null ? factory.constant(0) : number(init, env, counters));
    }

    private void expressionStatement(ExpressionTree e, Env env, Map<String, Integer> counters) {
        switch (e.getKind()) {
            case ASSIGNMENT -> {
                AssignmentTree a = (AssignmentTree) e;
                String name = assignable(a.getVariable(), env);
                if (env.ints.containsKey(name)) {
                    env.ints.put(name, integer(a.getExpression(), env, counters));
                } else if (env.values.get(name).isCondition()) {
                    env.values.put(name, condition(a.getExpression(), env, counters));
                } else {
                    env.values.put(name, number(a.getExpression(), env, counters));
                }
            }
            case PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT -> {
                CompoundAssignmentTree c = (CompoundAssignmentTree) e;
                String name = assignable(c.getVariable(), env);
                if (env.ints.containsKey(name)) {
                    throw new LoweringException(e, Message.INTEGER_EXPRESSION.format(e));
                }
                BinaryOp op = switch (e.getKind()) {
                    case PLUS_ASSIGNMENT -> BinaryOps.ADD;
                    case MINUS_ASSIGNMENT -> BinaryOps.SUB;
                    case MULTIPLY_ASSIGNMENT -> BinaryOps.MUL;
                    default -> BinaryOps.DIV;
                };
                env.values.put(name, factory.apply(op, List.of(env.values.get(name), number(c.getExpression(), env, counters))));
            }
            case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
                UnaryTree u = (UnaryTree) e;
                String name = assignable(u.getExpression(), env);
                if (env.ints.containsKey(name)) {
                    throw new LoweringException(e, Message.INTEGER_EXPRESSION.format(e));
                }
                boolean up = e.getKind() == Tree.Kind.PREFIX_INCREMENT || e.getKind() == Tree.Kind.POSTFIX_INCREMENT;
                env.values.put(name, factory.apply(up ? BinaryOps.ADD : BinaryOps.SUB,
                        List.of(env.values.get(name), factory.constant(1))));
            }
            default -> throw new LoweringException(e, Message.UNSUPPORTED_STATEMENT.format("the statement '" + e + "'"));
        }
    }

    /** Returns the local or parameter an assignment writes, refusing fields and arrays. */
    private String assignable(ExpressionTree target, Env env) {
        if (target.getKind() == Tree.Kind.ARRAY_ACCESS) {
            throw new LoweringException(target, Message.ARRAY.format(target));
        }
        if (target.getKind() == Tree.Kind.IDENTIFIER) {
            String name = ((IdentifierTree) target).getName().toString();
            if (env.values.containsKey(name) || env.ints.containsKey(name)) {
                return name;
            }
        }
        throw new LoweringException(target, Message.FIELD_WRITE.format(target));
    }

    // ---------------------------------------------------------------- loops

    private List<Stmt> unroll(ForLoopTree loop, Env env, Map<String, Integer> counters) {
        if (loop.getInitializer().size() != 1 || !(loop.getInitializer().get(0) instanceof VariableTree init)
                || !isIntegral(declaredKind(init, env)) || init.getInitializer() == null) {
            throw new LoweringException(loop, Message.LOOP_BOUNDS.format("it must declare one int counter"));
        }
        String counter = init.getName().toString();
        int start = integer(init.getInitializer(), env, counters);
        if (!(loop.getCondition() instanceof BinaryTree cond) || !CountedLoops.isCounter(cond.getLeftOperand(), counter)) {
            throw new LoweringException(loop, Message.LOOP_BOUNDS.format("the condition must compare the counter '"
                    + counter + "' with a constant"));
        }
        int bound = integer(cond.getRightOperand(), env, counters);
        if (loop.getUpdate().size() != 1) {
            throw new LoweringException(loop, Message.LOOP_BOUNDS.format("it must have one update of the counter"));
        }
        int step = CountedLoops.step(loop.getUpdate().get(0).getExpression(), counter, c -> integer(c, env, counters));
        CountedLoops.checkHeaderNotWritten(loop, counter);
        List<Stmt> out = new ArrayList<>();
        int iterations = 0;
        for (long k = start; CountedLoops.holds(cond, k, bound); k += step) {
            CountedLoops.countIteration(loop, ++iterations);
            Map<String, Integer> inner = new HashMap<>(counters);
            inner.put(counter, (int) k);
            out.add(new Stmt(loop.getStatement(), Map.copyOf(inner)));
        }
        return out;
    }


    // ---------------------------------------------------------------- expressions

    /** Lowers a numeric (double or float) expression; int-typed subexpressions must be constants. */
    private Expr number(ExpressionTree e, Env env, Map<String, Integer> counters) {
        if (isInt(e, env, counters)) {
            return factory.constant(integer(e, env, counters));
        }
        switch (e.getKind()) {
            case PARENTHESIZED -> {
                return number(((ParenthesizedTree) e).getExpression(), env, counters);
            }
            case DOUBLE_LITERAL, FLOAT_LITERAL -> {
                return factory.constant(((Number) ((LiteralTree) e).getValue()).doubleValue());
            }
            case IDENTIFIER, MEMBER_SELECT -> {
                return reference(e, env, counters);
            }
            case PLUS, MINUS, MULTIPLY, DIVIDE -> {
                BinaryTree b = (BinaryTree) e;
                BinaryOp op = switch (e.getKind()) {
                    case PLUS -> BinaryOps.ADD;
                    case MINUS -> BinaryOps.SUB;
                    case MULTIPLY -> BinaryOps.MUL;
                    default -> BinaryOps.DIV;
                };
                return factory.apply(op, List.of(number(b.getLeftOperand(), env, counters),
                        number(b.getRightOperand(), env, counters)));
            }
            case REMAINDER -> throw new LoweringException(e, Message.NO_DERIVATIVE.format(e));
            case UNARY_MINUS -> {
                return factory.apply(UnaryOps.NEG, List.of(number(((UnaryTree) e).getExpression(), env, counters)));
            }
            case UNARY_PLUS -> {
                return number(((UnaryTree) e).getExpression(), env, counters);
            }
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree c = (ConditionalExpressionTree) e;
                return factory.select(condition(c.getCondition(), env, counters), number(c.getTrueExpression(), env, counters),
                        number(c.getFalseExpression(), env, counters));
            }
            case METHOD_INVOCATION -> {
                return invocation((MethodInvocationTree) e, env, counters);
            }
            case TYPE_CAST -> {
                TypeCastTree c = (TypeCastTree) e;
                if (!isFloating(kindOf(c.getType()))) {
                    throw new LoweringException(e, Message.INTEGER_CAST.format(c.getType()));
                }
                return number(c.getExpression(), env, counters);
            }
            case ARRAY_ACCESS, NEW_ARRAY -> throw new LoweringException(e, Message.ARRAY.format(e));
            case ASSIGNMENT, PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT, PREFIX_INCREMENT,
                    POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT ->
                    throw new LoweringException(e, Message.UNSUPPORTED_EXPRESSION.format(e + "' (an assignment inside an "
                            + "expression; assign in its own statement instead"));
            default -> throw new LoweringException(e, Message.UNSUPPORTED_EXPRESSION.format(e));
        }
    }

    private Expr reference(ExpressionTree e, Env env, Map<String, Integer> counters) {
        if (e instanceof IdentifierTree id) {
            String name = id.getName().toString();
            Expr v = env.values.get(name);
            if (v != null) {
                if (v.isCondition()) {
                    throw new LoweringException(e, Message.UNSUPPORTED_EXPRESSION.format(e));
                }
                return v;
            }
        }
        VariableElement field = names.resolveField(e);
        if (field != null) {
            Object value = field.getConstantValue();
            if (value instanceof Number n && field.getModifiers().contains(Modifier.STATIC)) {
                return factory.constant(n.doubleValue());
            }
            throw new LoweringException(e, Message.NON_CONSTANT_FIELD.format(e));
        }
        throw new LoweringException(e, Message.UNSUPPORTED_EXPRESSION.format(e));
    }

    private Expr invocation(MethodInvocationTree call, Env env, Map<String, Integer> counters) {
        List<ExecutableElement> candidates = names.resolveMethods(call.getMethodSelect(), call.getArguments().size());
        if (candidates.isEmpty()) {
            throw new LoweringException(call, Message.UNKNOWN_METHOD.format(call.getMethodSelect()));
        }
        if (call.getMethodSelect() instanceof MemberSelectTree ms && ms.getExpression() instanceof IdentifierTree q
                && (env.values.containsKey(q.getName().toString()) || names.isField(q))) {
            // A variable named like a class (say Math) makes this an instance call in Java.
            throw new LoweringException(call, Message.INSTANCE_METHOD.format(call.getMethodSelect()));
        }
        ExecutableElement method = candidates.get(0);
        String ownerOfFirst = ((TypeElement) method.getEnclosingElement()).getQualifiedName().toString();
        boolean math = ownerOfFirst.equals("java.lang.Math") || ownerOfFirst.equals("java.lang.StrictMath");
        if (!math && candidates.size() > 1) {
            // Java picks an overload by argument types, which the DSL does not resolve: refuse
            // rather than risk differentiating the other one.
            throw new LoweringException(call, Message.UNKNOWN_METHOD.format(call.getMethodSelect() + "' (overloaded: "
                    + candidates.size() + " methods take " + call.getArguments().size() + " arguments"));
        }
        if (method.equals(current)) {
            throw new LoweringException(call, Message.UNSUPPORTED_EXPRESSION.format(call + "' (a recursive call; both "
                    + "branches of a ternary are evaluated in the generated code, so recursion would not end"));
        }
        String name = method.getSimpleName().toString();
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        String ownerName = owner.getQualifiedName().toString();
        List<Expr> args = new ArrayList<>();
        if (ownerName.equals("java.lang.Math") || ownerName.equals("java.lang.StrictMath")) {
            String display = owner.getSimpleName() + "." + name;
            if (MATH_NO_DERIVATIVE.contains(name)) {
                throw new LoweringException(call, Message.NO_DERIVATIVE.format(display));
            }
            UnaryOp unary = MATH_UNARY.get(name);
            BinaryOp binary = MATH_BINARY.get(name);
            Op op = unary != null && call.getArguments().size() == 1 ? unary
                    : binary != null && call.getArguments().size() == 2 ? binary : null;
            if (op == null) {
                throw new LoweringException(call, Message.UNKNOWN_METHOD.format(display));
            }
            for (ExpressionTree a : call.getArguments()) {
                args.add(number(a, env, counters));
            }
            return factory.apply(op, args);
        }
        Callee callee = callees.apply(method);
        if (callee == null) {
            String display = owner.getSimpleName() + "." + name;
            if (!method.getModifiers().contains(Modifier.STATIC)) {
                throw new LoweringException(call, Message.INSTANCE_METHOD.format(display));
            }
            throw new LoweringException(call, Message.UNKNOWN_METHOD.format(display));
        }
        for (ExpressionTree a : call.getArguments()) {
            args.add(number(a, env, counters));
        }
        return factory.call(callee, args, List.of());
    }

    /** Lowers a boolean expression to a condition. */
    private Expr condition(ExpressionTree e, Env env, Map<String, Integer> counters) {
        switch (e.getKind()) {
            case PARENTHESIZED -> {
                return condition(((ParenthesizedTree) e).getExpression(), env, counters);
            }
            case BOOLEAN_LITERAL -> {
                return factory.bool((Boolean) ((LiteralTree) e).getValue());
            }
            case LESS_THAN, LESS_THAN_EQUAL, GREATER_THAN, GREATER_THAN_EQUAL, EQUAL_TO, NOT_EQUAL_TO -> {
                BinaryTree b = (BinaryTree) e;
                Comparison.Kind k = switch (e.getKind()) {
                    case LESS_THAN -> Comparison.Kind.LT;
                    case LESS_THAN_EQUAL -> Comparison.Kind.LTE;
                    case GREATER_THAN -> Comparison.Kind.GT;
                    case GREATER_THAN_EQUAL -> Comparison.Kind.GTE;
                    case EQUAL_TO -> Comparison.Kind.EQ;
                    default -> Comparison.Kind.NE;
                };
                return factory.compare(k, number(b.getLeftOperand(), env, counters), number(b.getRightOperand(), env, counters));
            }
            case CONDITIONAL_AND -> {
                BinaryTree b = (BinaryTree) e;
                return factory.and(condition(b.getLeftOperand(), env, counters), condition(b.getRightOperand(), env, counters));
            }
            case CONDITIONAL_OR -> {
                BinaryTree b = (BinaryTree) e;
                return factory.or(condition(b.getLeftOperand(), env, counters), condition(b.getRightOperand(), env, counters));
            }
            case LOGICAL_COMPLEMENT -> {
                return factory.not(condition(((UnaryTree) e).getExpression(), env, counters));
            }
            case IDENTIFIER -> {
                Expr v = env.values.get(((IdentifierTree) e).getName().toString());
                if (v != null && v.isCondition()) {
                    return v;
                }
                throw new LoweringException(e, Message.CONDITION.format(e));
            }
            default -> throw new LoweringException(e, Message.CONDITION.format(e));
        }
    }

    /**
     * Evaluates an int-typed expression at compile time, exactly: in long arithmetic, refusing
     * any intermediate value outside the int range (where Java's int arithmetic would wrap) so
     * the result is always what Java computes.
     */
    private int integer(ExpressionTree e, Env env, Map<String, Integer> counters) {
        long v = exact(e, env, counters);
        if (v != (int) v) {
            throw new LoweringException(e, Message.INTEGER_EXPRESSION.format(e + "' (it leaves the int range"));
        }
        return (int) v;
    }

    private long exact(ExpressionTree e, Env env, Map<String, Integer> counters) {
        long v = exactUnchecked(e, env, counters);
        if (v != (int) v) {
            throw new LoweringException(e, Message.INTEGER_EXPRESSION.format(e + "' (it leaves the int range"));
        }
        return v;
    }

    private long exactUnchecked(ExpressionTree e, Env env, Map<String, Integer> counters) {
        switch (e.getKind()) {
            case PARENTHESIZED -> {
                return exact(((ParenthesizedTree) e).getExpression(), env, counters);
            }
            case INT_LITERAL, LONG_LITERAL -> {
                return ((Number) ((LiteralTree) e).getValue()).longValue();
            }
            case CHAR_LITERAL -> {
                return (Character) ((LiteralTree) e).getValue();
            }
            case IDENTIFIER -> {
                String name = ((IdentifierTree) e).getName().toString();
                if (counters.containsKey(name)) {
                    return counters.get(name);
                }
                if (env.ints.containsKey(name)) {
                    return env.ints.get(name);
                }
                if (env.values.containsKey(name)) {
                    // A double local or parameter hides any field of that name.
                    throw new LoweringException(e, Message.INTEGER_EXPRESSION.format(e));
                }
                return constantField(e, names.resolveField(e));
            }
            case MEMBER_SELECT -> {
                return constantField(e, names.resolveField(e));
            }
            case TYPE_CAST -> {
                TypeCastTree cast = (TypeCastTree) e;
                ExpressionTree inner = cast.getExpression();
                if (!isInt(inner, env, counters)) {
                    // (int) of a double truncates a value; only integer constants are evaluated here.
                    throw new LoweringException(e, Message.INTEGER_CAST.format(cast.getType()));
                }
                long v = exact(inner, env, counters);
                return switch (kindOf(cast.getType())) {
                    case BYTE -> (byte) v;
                    case SHORT -> (short) v;
                    case CHAR -> (char) v;
                    case INT -> (int) v;
                    case LONG -> v;
                    default -> throw new LoweringException(e, Message.INTEGER_CAST.format(cast.getType()));
                };
            }
            case PLUS, MINUS, MULTIPLY, DIVIDE, REMAINDER -> {
                BinaryTree b = (BinaryTree) e;
                long l = exact(b.getLeftOperand(), env, counters);
                long r = exact(b.getRightOperand(), env, counters);
                if ((e.getKind() == Tree.Kind.DIVIDE || e.getKind() == Tree.Kind.REMAINDER) && r == 0) {
                    throw new LoweringException(e, Message.INTEGER_EXPRESSION.format(e));
                }
                return switch (e.getKind()) {
                    case PLUS -> l + r;
                    case MINUS -> l - r;
                    case MULTIPLY -> l * r;
                    case DIVIDE -> l / r;
                    default -> l % r;
                };
            }
            case UNARY_MINUS -> {
                return -exact(((UnaryTree) e).getExpression(), env, counters);
            }
            case UNARY_PLUS -> {
                return exact(((UnaryTree) e).getExpression(), env, counters);
            }
            case METHOD_INVOCATION -> {
                MethodInvocationTree call = (MethodInvocationTree) e;
                String name = mathIntFunction(call, env, counters);
                if (name != null) {
                    long a0 = exact(call.getArguments().get(0), env, counters);
                    return switch (name) {
                        case "abs" -> Math.abs((int) a0);
                        case "max" -> Math.max(a0, exact(call.getArguments().get(1), env, counters));
                        default -> Math.min(a0, exact(call.getArguments().get(1), env, counters));
                    };
                }
                throw new LoweringException(e, Message.INTEGER_EXPRESSION.format(e));
            }
            default -> throw new LoweringException(e, Message.INTEGER_EXPRESSION.format(e));
        }
    }

    /**
     * Returns "abs", "max" or "min" when {@code call} is {@code Math.abs/max/min} of int
     * arguments (the int overloads, which Java picks for int arguments), else null.
     */
    private String mathIntFunction(MethodInvocationTree call, Env env, Map<String, Integer> counters) {
        List<ExecutableElement> candidates = names.resolveMethods(call.getMethodSelect(), call.getArguments().size());
        if (candidates.isEmpty()) {
            return null;
        }
        String owner = ((TypeElement) candidates.get(0).getEnclosingElement()).getQualifiedName().toString();
        String name = candidates.get(0).getSimpleName().toString();
        if (!(owner.equals("java.lang.Math") || owner.equals("java.lang.StrictMath"))
                || !(name.equals("abs") || name.equals("max") || name.equals("min"))) {
            return null;
        }
        for (ExpressionTree a : call.getArguments()) {
            if (!isInt(a, env, counters)) {
                return null;
            }
        }
        return name;
    }

    private long constantField(ExpressionTree e, VariableElement field) {
        if (field != null && isIntegral(field.asType().getKind()) && field.getConstantValue() instanceof Number n) {
            return n.longValue();
        }
        throw new LoweringException(e, Message.INTEGER_EXPRESSION.format(e));
    }

    // ---------------------------------------------------------------- types, read from the syntax

    /** Returns true if {@code e} has an integral type (javac has not attributed the body yet). */
    private boolean isInt(ExpressionTree e, Env env, Map<String, Integer> counters) {
        switch (e.getKind()) {
            case INT_LITERAL, LONG_LITERAL, CHAR_LITERAL -> {
                return true;
            }
            case PARENTHESIZED -> {
                return isInt(((ParenthesizedTree) e).getExpression(), env, counters);
            }
            case IDENTIFIER -> {
                String name = ((IdentifierTree) e).getName().toString();
                if (counters.containsKey(name) || env.ints.containsKey(name)) {
                    return true;
                }
                if (env.values.containsKey(name)) {
                    return false;
                }
                VariableElement f = names.resolveField(e);
                return f != null && isIntegral(f.asType().getKind());
            }
            case MEMBER_SELECT -> {
                VariableElement f = names.resolveField(e);
                return f != null && isIntegral(f.asType().getKind());
            }
            case PLUS, MINUS, MULTIPLY, DIVIDE, REMAINDER -> {
                BinaryTree b = (BinaryTree) e;
                return isInt(b.getLeftOperand(), env, counters) && isInt(b.getRightOperand(), env, counters);
            }
            case UNARY_MINUS, UNARY_PLUS -> {
                return isInt(((UnaryTree) e).getExpression(), env, counters);
            }
            case TYPE_CAST -> {
                return isIntegral(kindOf(((TypeCastTree) e).getType()));
            }
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree c = (ConditionalExpressionTree) e;
                return isInt(c.getTrueExpression(), env, counters) && isInt(c.getFalseExpression(), env, counters);
            }
            case METHOD_INVOCATION -> {
                return mathIntFunction((MethodInvocationTree) e, env, counters) != null;
            }
            default -> {
                return false;
            }
        }
    }

    /** Returns the kind of a declared type: a primitive's kind, ARRAY, or DECLARED. */
    private static TypeKind kindOf(Tree type) {
        if (type instanceof PrimitiveTypeTree p) {
            return p.getPrimitiveTypeKind();
        }
        if (type instanceof ArrayTypeTree) {
            return TypeKind.ARRAY;
        }
        return TypeKind.DECLARED;
    }

    /** Returns a local's type kind, inferring {@code var} from the initializer. */
    private TypeKind declaredKind(VariableTree v, Env env) {
        Tree type = v.getType();
        boolean inferred = type == null || (type instanceof IdentifierTree id && id.getName().contentEquals("var"));
        if (!inferred) {
            return kindOf(type);
        }
        ExpressionTree init = v.getInitializer();
        if (init == null) {
            return TypeKind.DECLARED;
        }
        if (isInt(init, env, Map.of())) {
            return TypeKind.INT;
        }
        return switch (init.getKind()) {
            case LESS_THAN, LESS_THAN_EQUAL, GREATER_THAN, GREATER_THAN_EQUAL, EQUAL_TO, NOT_EQUAL_TO, CONDITIONAL_AND,
                    CONDITIONAL_OR, LOGICAL_COMPLEMENT, BOOLEAN_LITERAL -> TypeKind.BOOLEAN;
            default -> TypeKind.DOUBLE;
        };
    }

    private static boolean isIntegral(TypeKind k) {
        return k == TypeKind.INT || k == TypeKind.LONG || k == TypeKind.SHORT || k == TypeKind.BYTE || k == TypeKind.CHAR;
    }

    private static boolean isFloating(TypeKind k) {
        return k == TypeKind.DOUBLE || k == TypeKind.FLOAT;
    }

    private static String describe(Tree t) {
        return switch (t.getKind()) {
            case SWITCH -> "a switch statement";
            case TRY -> "a try statement";
            case THROW -> "a throw statement";
            case BREAK -> "break";
            case CONTINUE -> "continue";
            case SYNCHRONIZED -> "a synchronized block";
            case CLASS, RECORD, INTERFACE, ENUM -> "a local class";
            case LABELED_STATEMENT -> "a labeled statement";
            default -> "the statement '" + t + "'";
        };
    }
}
