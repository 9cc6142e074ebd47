package dev.gradus.processor.model;

import dev.gradus.op.BinaryOp;
import dev.gradus.op.BinaryOps;
import dev.gradus.op.Comparison;
import dev.gradus.op.Op;
import dev.gradus.op.UnaryOp;
import dev.gradus.op.UnaryOps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Makes {@link Expr} nodes: shares structurally equal ones (hash-consing, so each common
 * subexpression is computed once in the generated code) and simplifies as it builds —
 * constants are folded with the op table's own scalar forms, and {@code x·1}, {@code x+0},
 * {@code x−0}, {@code x/1}, {@code −(−x)}, a select with equal branches or a constant
 * condition are reduced, and so is {@code pow(x, 1)}. {@code 0·x} is kept, since it is NaN when x is.
 */
public final class ExprFactory {
    private final Map<Key, Expr> interned = new HashMap<>();
    private final List<Expr> all = new ArrayList<>();

    private record Key(Expr.Kind kind, long constantBits, int parameter, Op op, Comparison.Kind relation, Callee callee,
            List<Integer> partials, List<Integer> children) {
    }

    private Expr make(Expr.Kind kind, double constant, int parameter, Op op, Comparison.Kind relation, Callee callee,
            List<Integer> partials, List<Expr> children) {
        List<Integer> ids = new ArrayList<>(children.size());
        for (Expr c : children) {
            ids.add(c.id());
        }
        Key key = new Key(kind, Double.doubleToLongBits(constant), parameter, op, relation, callee, partials, ids);
        Expr e = interned.get(key);
        if (e == null) {
            e = new Expr(all.size(), kind, constant, parameter, op, relation, callee, partials, List.copyOf(children));
            interned.put(key, e);
            all.add(e);
        }
        return e;
    }

    /** Returns the constant {@code v}. */
    public Expr constant(double v) {
        return make(Expr.Kind.CONSTANT, v, -1, null, null, null, List.of(), List.of());
    }

    /** Returns parameter {@code index}. */
    public Expr parameter(int index) {
        return make(Expr.Kind.PARAMETER, 0, index, null, null, null, List.of(), List.of());
    }

    /**
     * Returns {@code op} applied to {@code args}, simplified.
     *
     * @throws IllegalArgumentException if {@code op} is not a scalar (elementwise) op
     */
    public Expr apply(Op op, List<Expr> args) {
        Objects.requireNonNull(op, "op");
        if (!(op instanceof UnaryOp) && !(op instanceof BinaryOp)
                && !(op instanceof Comparison c && c.returnsSameDType())) {
            throw new IllegalArgumentException(op.name() + " is not a scalar op");
        }
        boolean allConstant = true;
        for (Expr a : args) {
            allConstant &= a.kind() == Expr.Kind.CONSTANT;
        }
        if (allConstant) {
            return constant(fold(op, args));
        }
        Expr simplified = simplify(op, args);
        if (simplified != null) {
            return simplified;
        }
        return make(Expr.Kind.APPLY, 0, -1, op, null, null, List.of(), args);
    }

    private static double fold(Op op, List<Expr> args) {
        if (op instanceof UnaryOp u) {
            return u.apply(args.get(0).constant());
        }
        if (op instanceof BinaryOp b) {
            return b.apply(args.get(0).constant(), args.get(1).constant());
        }
        return ((Comparison) op).scalarForm().applyAsDouble(args.get(0).constant(), args.get(1).constant());
    }

    private Expr simplify(Op op, List<Expr> args) {
        // Only identities exact for every double, signed zeros included: x + (−0.0) and x − (+0.0)
        // are x, but x + 0.0 turns −0.0 into +0.0 and 0.0 − x is not −x at x = 0.
        if (op == BinaryOps.ADD) {
            if (isNegativeZero(args.get(0))) {
                return args.get(1);
            }
            if (isNegativeZero(args.get(1))) {
                return args.get(0);
            }
        } else if (op == BinaryOps.SUB) {
            if (args.get(1).isConstant(0)) {
                return args.get(0);
            }
            if (args.get(1).kind() == Expr.Kind.APPLY && args.get(1).op() == UnaryOps.NEG) {
                return apply(BinaryOps.ADD, List.of(args.get(0), args.get(1).child(0)));
            }
        } else if (op == BinaryOps.MUL) {
            if (args.get(0).isConstant(1)) {
                return args.get(1);
            }
            if (args.get(1).isConstant(1)) {
                return args.get(0);
            }
            if (args.get(0).isConstant(-1)) {
                return apply(UnaryOps.NEG, List.of(args.get(1)));
            }
            if (args.get(1).isConstant(-1)) {
                return apply(UnaryOps.NEG, List.of(args.get(0)));
            }
        } else if (op == BinaryOps.DIV) {
            if (args.get(1).isConstant(1)) {
                return args.get(0);
            }
        } else if (op == BinaryOps.POW) {
            // Math.pow(x, 1.0) is x, NaN included (its specification says so).
            if (args.get(1).isConstant(1)) {
                return args.get(0);
            }
        } else if (op == UnaryOps.NEG) {
            Expr x = args.get(0);
            if (x.kind() == Expr.Kind.APPLY && x.op() == UnaryOps.NEG) {
                return x.child(0);
            }
        }
        return null;
    }

    private static boolean isNegativeZero(Expr e) {
        return e.kind() == Expr.Kind.CONSTANT && Double.doubleToRawLongBits(e.constant()) == Double.doubleToRawLongBits(-0.0);
    }

    /** Returns {@code a relation b}, a condition (folded when both are constants). */
    public Expr compare(Comparison.Kind relation, Expr a, Expr b) {
        if (a.kind() == Expr.Kind.CONSTANT && b.kind() == Expr.Kind.CONSTANT) {
            return bool(Comparison.of(relation).mask().scalarForm().applyAsDouble(a.constant(), b.constant()) != 0);
        }
        return make(Expr.Kind.COMPARE, 0, -1, null, relation, null, List.of(), List.of(a, b));
    }

    /** Returns the constant condition {@code value}. */
    public Expr bool(boolean value) {
        return make(Expr.Kind.BOOLEAN, value ? 1 : 0, -1, null, null, null, List.of(), List.of());
    }

    /** Returns the value of a constant condition, or null when {@code cond} is not constant. */
    private static Boolean constantCondition(Expr cond) {
        return cond.kind() == Expr.Kind.BOOLEAN ? cond.constant() != 0 : null;
    }

    /** Returns {@code a && b}. */
    public Expr and(Expr a, Expr b) {
        Boolean ca = constantCondition(a);
        Boolean cb = constantCondition(b);
        if (ca != null) {
            return ca ? b : a;
        }
        if (cb != null) {
            return cb ? a : b;
        }
        return make(Expr.Kind.AND, 0, -1, null, null, null, List.of(), List.of(a, b));
    }

    /** Returns {@code a || b}. */
    public Expr or(Expr a, Expr b) {
        Boolean ca = constantCondition(a);
        Boolean cb = constantCondition(b);
        if (ca != null) {
            return ca ? a : b;
        }
        if (cb != null) {
            return cb ? b : a;
        }
        return make(Expr.Kind.OR, 0, -1, null, null, null, List.of(), List.of(a, b));
    }

    /** Returns {@code !a}. */
    public Expr not(Expr a) {
        Boolean ca = constantCondition(a);
        if (ca != null) {
            return bool(!ca);
        }
        if (a.kind() == Expr.Kind.NOT) {
            return a.child(0);
        }
        return make(Expr.Kind.NOT, 0, -1, null, null, null, List.of(), List.of(a));
    }

    /** Returns true if {@code e} is a constant condition (true or false). */
    public static boolean isConstantCondition(Expr e) {
        return constantCondition(e) != null;
    }

    /** Returns the value of a constant condition. */
    public static boolean conditionValue(Expr e) {
        return constantCondition(e);
    }

    /** Returns {@code cond ? then : otherwise}, reduced when the branches are equal or the condition is constant. */
    public Expr select(Expr cond, Expr then, Expr otherwise) {
        Boolean c = constantCondition(cond);
        if (c != null) {
            return c ? then : otherwise;
        }
        if (then == otherwise) {
            return then;
        }
        return make(Expr.Kind.SELECT, 0, -1, null, null, null, List.of(), List.of(cond, then, otherwise));
    }

    /** Returns the value ({@code partials} empty) or a partial derivative of {@code callee} at {@code args}. */
    public Expr call(Callee callee, List<Expr> args, List<Integer> partials) {
        return make(Expr.Kind.CALL, 0, -1, null, null, callee, List.copyOf(partials), args);
    }
}
