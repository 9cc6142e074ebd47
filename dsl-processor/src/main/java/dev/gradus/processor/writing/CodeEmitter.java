package dev.gradus.processor.writing;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.NameAllocator;
import dev.gradus.op.BinaryOp;
import dev.gradus.op.BinaryOps;
import dev.gradus.op.Comparison;
import dev.gradus.op.UnaryOp;
import dev.gradus.op.UnaryOps;
import dev.gradus.processor.Names;
import dev.gradus.processor.model.Callee;
import dev.gradus.processor.model.Differentiator;
import dev.gradus.processor.model.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns model nodes into straight-line Java statements: a node used more than once becomes
 * a local ({@code double t3 = ...;}), a node used once is written inline, each distinct call
 * to another {@code @Expression} method is made once. Output is deterministic (nodes are
 * visited in id order).
 */
final class CodeEmitter {
    private final List<String> parameters;
    private final boolean floatParameters;
    private final NameAllocator names = new NameAllocator();
    private final Map<Expr, String> locals = new HashMap<>();
    private final Map<List<Object>, String> callLocals = new HashMap<>();
    private final Set<List<Object>> needsRecord = new LinkedHashSet<>();
    private final CodeBlock.Builder code = CodeBlock.builder();
    private final boolean allocationFree;
    /** Calls whose second partials are used: their Hessian forms are called. */
    private final Set<List<Object>> needsHessian = new HashSet<>();
    /** For each call made through an array form: its value local, gradient array, Hessian array (or null). */
    private final Map<List<Object>, String[]> arrayCalls = new HashMap<>();
    private final List<ScratchArray> scratch = new ArrayList<>();
    private String scratchLocal;

    /**
     * A per-thread scratch array an allocation-free method needs: element type and length.
     *
     * @param isFloat whether it is a float[] (else double[])
     * @param length its length
     */
    record ScratchArray(boolean isFloat, int length) {
    }

    /** Returns the scratch arrays the emitted code reads from {@link #scratchLocal()}, in index order. */
    List<ScratchArray> scratchArrays() {
        return List.copyOf(scratch);
    }

    /** Returns the name of the {@code Object[]} local the emitted code expects, or null when it needs none. */
    String scratchLocal() {
        return scratchLocal;
    }

    private String scratchArray(boolean isFloat, int length, String hint) {
        if (scratchLocal == null) {
            scratchLocal = names.newName("scratch", "reserved:scratch");
        }
        String type = isFloat ? "float" : "double";
        String local = names.newName(hint);
        code.addStatement("$L[] $N = ($L[]) $N[$L]", type, local, type, scratchLocal, scratch.size());
        scratch.add(new ScratchArray(isFloat, length));
        return local;
    }

    /**
     * Creates an emitter for a method with the given parameter names (reserved as names);
     * {@code floatParameters} says whether they are float (else double).
     */
    CodeEmitter(List<String> parameters, boolean floatParameters, List<String> reserved) {
        this(parameters, floatParameters, reserved, false);
    }

    /**
     * Creates an emitter; with {@code allocationFree}, calls of other {@code @Expression}
     * methods go through their array forms into per-thread scratch arrays (see
     * {@link #scratchArrays()}) instead of returning records.
     */
    CodeEmitter(List<String> parameters, boolean floatParameters, List<String> reserved, boolean allocationFree) {
        this.parameters = parameters;
        this.floatParameters = floatParameters;
        this.allocationFree = allocationFree;
        for (String p : parameters) {
            names.newName(p, "param:" + p);
        }
        for (String r : reserved) {
            names.newName(r, "reserved:" + r);
        }
    }

    /** Emits the locals needed to compute {@code roots}; afterwards {@link #text} gives each root's expression. */
    void emit(List<Expr> roots) {
        Map<Integer, Expr> all = new HashMap<>();
        for (Expr r : roots) {
            for (Expr e : Differentiator.reachable(r)) {
                all.put(e.id(), e);
            }
        }
        List<Expr> order = new ArrayList<>(all.values());
        order.sort((a, b) -> Integer.compare(a.id(), b.id()));
        Map<Expr, Integer> uses = new HashMap<>();
        for (Expr e : order) {
            for (Expr c : e.children()) {
                uses.merge(c, 1, Integer::sum);
            }
            if (e.kind() == Expr.Kind.CALL && !e.partials().isEmpty()) {
                needsRecord.add(callKey(e));
                if (e.partials().size() == 2) {
                    needsHessian.add(callKey(e));
                }
            }
        }
        for (Expr r : roots) {
            uses.merge(r, 1, Integer::sum);
        }
        for (Expr e : order) {
            switch (e.kind()) {
                case CONSTANT, PARAMETER, BOOLEAN -> {
                    // Always written inline.
                }
                case CALL -> {
                    List<Object> key = callKey(e);
                    if (needsRecord.contains(key) && allocationFree && !arrayCalls.containsKey(key)) {
                        arrayCall(e, key);
                    } else if (needsRecord.contains(key) && !allocationFree && !callLocals.containsKey(key)) {
                        String local = names.newName("c" + callLocals.size(), key);
                        Callee c = e.callee();
                        code.addStatement("$T $N = $T.$N($L)", c.record(), local, c.gradients(), c.methodName(),
                                arguments(e));
                        callLocals.put(key, local);
                    }
                    if (uses.getOrDefault(e, 0) > 1 && !needsRecord.contains(key)) {
                        hoist(e);
                    }
                }
                default -> {
                    if (uses.getOrDefault(e, 0) > 1) {
                        hoist(e);
                    }
                }
            }
        }
    }

    /** Calls a callee's array (or Hessian) form into scratch arrays: nothing is allocated. */
    private void arrayCall(Expr e, List<Object> key) {
        Callee c = e.callee();
        int n = c.wrt().size();
        int k = arrayCalls.size();
        String gradient = scratchArray(c.isFloat(), n, "g" + k);
        boolean second = needsHessian.contains(key);
        String hessian = second ? scratchArray(c.isFloat(), n * n, "h" + k) : null;
        String value = names.newName("c" + k, key);
        String method = second ? Names.hessianMethod(c.methodName()) : c.methodName();
        code.addStatement("$L $N = $T.$N($L, $L)", c.isFloat() ? "float" : "double", value, c.gradients(), method,
                arguments(e), second ? gradient + ", " + hessian : gradient);
        arrayCalls.put(key, new String[] {value, gradient, hessian});
    }

    private void hoist(Expr e) {
        String local = names.newName("t" + e.id(), e);
        String type = e.isCondition() ? "boolean" : "double";
        code.addStatement("$L $N = $L", type, local, unparenthesize(inline(e)));
        locals.put(e, local);
    }

    private static List<Object> callKey(Expr e) {
        List<Object> key = new ArrayList<>();
        key.add(e.callee());
        key.addAll(e.children());
        return key;
    }

    /** Returns the statements emitted so far. */
    CodeBlock code() {
        return code.build();
    }

    /**
     * Returns a Java expression for {@code e} to stand on its own (an initializer, a return
     * value, an argument): without the outer parentheses an operand would need.
     */
    String statementText(Expr e) {
        return unparenthesize(text(e));
    }

    /** Returns a Java expression for {@code e}, using the locals emitted for it and its children. */
    String text(Expr e) {
        String local = locals.get(e);
        return local != null ? local : inline(e);
    }

    private String inline(Expr e) {
        return switch (e.kind()) {
            case CONSTANT -> literal(e.constant());
            case BOOLEAN -> e.constant() != 0 ? "true" : "false";
            case PARAMETER -> parameters.get(e.parameter());
            case APPLY -> apply(e);
            case SELECT -> "(" + text(e.child(0)) + " ? " + text(e.child(1)) + " : " + text(e.child(2)) + ")";
            case COMPARE -> "(" + text(e.child(0)) + " " + e.relation().symbol() + " " + text(e.child(1)) + ")";
            case AND -> "(" + text(e.child(0)) + " && " + text(e.child(1)) + ")";
            case OR -> "(" + text(e.child(0)) + " || " + text(e.child(1)) + ")";
            case NOT -> "!" + text(e.child(0));
            case CALL -> call(e);
        };
    }

    private static final String FIRST = "\u0000a\u0000";
    private static final String SECOND = "\u0000b\u0000";

    /**
     * Writes an op through its Java form from the op table. The forms parenthesize their
     * operands defensively; operands that are already atomic (names, literals, calls,
     * parenthesized expressions) lose those parentheses again, for readability.
     */
    private String apply(Expr e) {
        String template;
        if (e.op() instanceof UnaryOp u) {
            template = u.javaSource(FIRST);
        } else if (e.op() instanceof BinaryOp b) {
            template = b.javaSource(FIRST, SECOND);
        } else {
            template = ((Comparison) e.op()).javaSource(FIRST, SECOND);
        }
        String out = fill(template, FIRST, text(e.child(0)));
        return e.children().size() > 1 ? fill(out, SECOND, text(e.child(1))) : out;
    }

    private static String fill(String template, String placeholder, String operand) {
        // "(x)" after a name is a call's argument list and stays; elsewhere it is grouping.
        String t = isAtomic(operand)
                ? template.replaceAll("(?<![A-Za-z0-9_$.])\\(" + java.util.regex.Pattern.quote(placeholder) + "\\)",
                        java.util.regex.Matcher.quoteReplacement(operand))
                : template;
        // A whole argument of a call needs no grouping of its own.
        t = t.replaceAll("(?<=\\(|, )" + java.util.regex.Pattern.quote(placeholder) + "(?=\\)|,)",
                java.util.regex.Matcher.quoteReplacement(unparenthesize(operand)));
        return t.replace(placeholder, operand);
    }

    /** Returns {@code s} without the parentheses around all of it, if it has them. */
    static String unparenthesize(String s) {
        if (!s.startsWith("(") || !s.endsWith(")")) {
            return s;
        }
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0 && i != s.length() - 1) {
                    return s;
                }
            }
        }
        return s.substring(1, s.length() - 1);
    }

    /** Returns true for text that needs no parentheses as an operand. */
    static boolean isAtomic(String s) {
        if (s.matches("[A-Za-z_$][A-Za-z0-9_$.]*") || s.matches("[0-9][0-9.Ee+-]*")
                || s.matches("[A-Za-z_$][A-Za-z0-9_$]*\\[[0-9]+\\]")) {
            return true;
        }
        int open = s.indexOf('(');
        if (open < 0 || !s.endsWith(")") || !s.substring(0, open).matches("[A-Za-z0-9_$.]*")) {
            return false;
        }
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0 && i != s.length() - 1) {
                    return false;
                }
            }
        }
        return depth == 0;
    }

    private String call(Expr e) {
        Callee c = e.callee();
        String[] array = arrayCalls.get(callKey(e));
        if (array != null) {
            List<Integer> p = e.partials();
            int n = c.wrt().size();
            return p.isEmpty() ? array[0]
                    : p.size() == 1 ? array[1] + "[" + c.wrt().indexOf(p.get(0)) + "]"
                    : array[2] + "[" + (c.wrt().indexOf(p.get(0)) * n + c.wrt().indexOf(p.get(1))) + "]";
        }
        String local = callLocals.get(callKey(e));
        if (local == null) {
            return c.owner().canonicalName() + "." + c.methodName() + "(" + arguments(e) + ")";
        }
        List<Integer> p = e.partials();
        String accessor = p.isEmpty() ? "value"
                : p.size() == 1 ? Names.partial(c.parameters().get(p.get(0)))
                : Names.secondPartial(c.parameters().get(p.get(0)), c.parameters().get(p.get(1)));
        return local + "." + accessor + "()";
    }

    private String arguments(Expr e) {
        StringBuilder sb = new StringBuilder();
        for (Expr a : e.children()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.callee().isFloat() ? asFloat(a) : unparenthesize(text(a)));
        }
        return sb.toString();
    }

    /** Returns {@code e} as a float expression, casting only when its Java type is double. */
    String asFloat(Expr e) {
        String t = statementText(e);
        return isFloatTyped(e) ? t : "(float) " + wrap(t);
    }

    /**
     * Returns true if the text written for {@code e} has Java type float: a float parameter, a
     * float callee's value or partial, or + − · / and negation of such (locals are double).
     */
    private boolean isFloatTyped(Expr e) {
        if (locals.containsKey(e)) {
            return false;
        }
        return switch (e.kind()) {
            case PARAMETER -> floatParameters;
            case CALL -> e.callee().isFloat();
            case APPLY -> (e.op() == BinaryOps.ADD || e.op() == BinaryOps.SUB || e.op() == BinaryOps.MUL
                    || e.op() == BinaryOps.DIV || e.op() == UnaryOps.NEG) && e.children().stream().allMatch(this::isFloatTyped);
            default -> false;
        };
    }

    private static String wrap(String s) {
        return isAtomic(s) ? s : "(" + s + ")";
    }

    /** Returns a Java literal for {@code v} that reads back exactly. */
    static String literal(double v) {
        if (Double.isNaN(v)) {
            return "Double.NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
        }
        String s = Double.toString(v);
        return v < 0 || (v == 0 && 1 / v < 0) ? "(" + s + ")" : s;
    }
}
