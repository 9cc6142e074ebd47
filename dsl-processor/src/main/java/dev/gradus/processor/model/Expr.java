package dev.gradus.processor.model;

import dev.gradus.op.Comparison;
import dev.gradus.op.Op;
import java.util.List;

/**
 * A node of the processor's scalar expression model: what an {@code @Expression} method's
 * body computes, as a DAG. Nodes are made only by an {@link ExprFactory}, which shares
 * structurally equal nodes (so common subexpressions appear once) and folds constants.
 * Ids increase in creation order; children always have smaller ids.
 */
public final class Expr {
    /** What a node is. */
    public enum Kind {
        /** A double constant. */
        CONSTANT,
        /** A constant condition: true when {@link #constant()} is 1. */
        BOOLEAN,
        /** A parameter of the method. */
        PARAMETER,
        /** An op of the runtime's op table applied to the children. */
        APPLY,
        /** {@code children[0] ? children[1] : children[2]}; children[0] is a condition. */
        SELECT,
        /** A comparison of two numbers (a condition). */
        COMPARE,
        /** Both conditions hold. */
        AND,
        /** Either condition holds. */
        OR,
        /** The condition does not hold. */
        NOT,
        /** The value, or a partial derivative, of another {@code @Expression} method at the children. */
        CALL
    }

    private final int id;
    private final Kind kind;
    private final double constant;
    private final int parameter;
    private final Op op;
    private final Comparison.Kind relation;
    private final Callee callee;
    private final List<Integer> partials;
    private final List<Expr> children;

    Expr(int id, Kind kind, double constant, int parameter, Op op, Comparison.Kind relation, Callee callee,
            List<Integer> partials, List<Expr> children) {
        this.id = id;
        this.kind = kind;
        this.constant = constant;
        this.parameter = parameter;
        this.op = op;
        this.relation = relation;
        this.callee = callee;
        this.partials = partials;
        this.children = children;
    }

    /** Returns the creation index (children have smaller ids). */
    public int id() {
        return id;
    }

    /** Returns the kind. */
    public Kind kind() {
        return kind;
    }

    /** Returns the value of a CONSTANT. */
    public double constant() {
        return constant;
    }

    /** Returns the index of a PARAMETER. */
    public int parameter() {
        return parameter;
    }

    /** Returns the op of an APPLY. */
    public Op op() {
        return op;
    }

    /** Returns the relation of a COMPARE. */
    public Comparison.Kind relation() {
        return relation;
    }

    /** Returns the method of a CALL. */
    public Callee callee() {
        return callee;
    }

    /** Returns, for a CALL, the parameter indices differentiated with respect to (empty: the value). */
    public List<Integer> partials() {
        return partials;
    }

    /** Returns the children. */
    public List<Expr> children() {
        return children;
    }

    /** Returns child {@code i}. */
    public Expr child(int i) {
        return children.get(i);
    }

    /** Returns true for a CONSTANT equal to {@code v}. */
    public boolean isConstant(double v) {
        return kind == Kind.CONSTANT && Double.compare(constant, v) == 0;
    }

    /** Returns true for conditions (COMPARE, AND, OR, NOT). */
    public boolean isCondition() {
        return kind == Kind.BOOLEAN || kind == Kind.COMPARE || kind == Kind.AND || kind == Kind.OR || kind == Kind.NOT;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CONSTANT -> Double.toString(constant);
            case BOOLEAN -> constant != 0 ? "true" : "false";
            case PARAMETER -> "p" + parameter;
            case APPLY -> op.name() + children;
            case SELECT -> "(" + child(0) + " ? " + child(1) + " : " + child(2) + ")";
            case COMPARE -> "(" + child(0) + " " + relation.symbol() + " " + child(1) + ")";
            case AND -> "(" + child(0) + " && " + child(1) + ")";
            case OR -> "(" + child(0) + " || " + child(1) + ")";
            case NOT -> "!" + child(0);
            case CALL -> callee.methodName() + partials + children;
        };
    }
}
