package dev.gradus.processor.model;

import dev.gradus.op.BinaryOps;
import dev.gradus.op.Partial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation of the scalar model at compile time: each node's gradient is
 * built by its op's rule from the runtime's op table (through {@link ExprBuilder}), a
 * select's gradient follows the branch taken, and a call to another {@code @Expression}
 * method contributes its generated partial derivatives (the chain rule across methods).
 * Differentiating a gradient again gives second derivatives.
 */
public final class Differentiator {
    private final ExprFactory factory;
    private final ExprBuilder builder;

    /** Creates a differentiator that builds with {@code factory}. */
    public Differentiator(ExprFactory factory) {
        this.factory = factory;
        this.builder = new ExprBuilder(factory);
    }

    /**
     * Returns ∂output/∂p for each parameter index {@code p} in {@code wrt}, in order (the
     * constant 0 where output does not depend on p).
     *
     * @throws MissingDerivativeException if a called method does not provide a needed partial
     */
    public List<Expr> gradient(Expr output, List<Integer> wrt) {
        List<Expr> nodes = reachable(output);
        Map<Expr, Boolean> depends = new HashMap<>();
        for (Expr e : nodes) {
            boolean d = e.kind() == Expr.Kind.PARAMETER && wrt.contains(e.parameter());
            for (Expr c : e.children()) {
                d |= depends.get(c);
            }
            depends.put(e, d);
        }
        Map<Expr, List<Expr>> contributions = new HashMap<>();
        contribute(contributions, output, factory.constant(1));
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Expr e = nodes.get(i);
            List<Expr> parts = contributions.get(e);
            if (parts == null || !depends.get(e)) {
                continue;
            }
            Expr g = sum(parts);
            // A gradient that only flows when a branch is taken arrives as c ? g : 0. Apply the
            // rule to g itself and mask each result again: 0 · (a rule's NaN in the branch not
            // taken, like 1/(2√x) for x < 0) would be NaN, the select is exactly 0.
            List<Expr> maskConditions = new ArrayList<>();
            List<Boolean> maskSides = new ArrayList<>();
            Expr inner = g;
            while (inner.kind() == Expr.Kind.SELECT) {
                if (inner.child(2).isConstant(0)) {
                    maskConditions.add(inner.child(0));
                    maskSides.add(true);
                    inner = inner.child(1);
                } else if (inner.child(1).isConstant(0)) {
                    maskConditions.add(inner.child(0));
                    maskSides.add(false);
                    inner = inner.child(2);
                } else {
                    break;
                }
            }
            if (e.kind() == Expr.Kind.APPLY || e.kind() == Expr.Kind.CALL) {
                g = inner;
            }
            switch (e.kind()) {
                case APPLY -> {
                    List<Partial<Expr>> partials = e.op().vjp(builder, e.children(), e, g);
                    if (partials.size() != e.children().size()) {
                        throw new IllegalStateException("failed to compute gradient for " + e.op().name()
                                + ": its rule returned " + partials.size() + " gradients for " + e.children().size()
                                + " inputs");
                    }
                    for (int k = 0; k < partials.size(); k++) {
                        Expr child = e.child(k);
                        if (depends.get(child) && partials.get(k).isPresent()) {
                            contribute(contributions, child, mask(partials.get(k).get(), maskConditions, maskSides));
                        }
                    }
                }
                case SELECT -> {
                    // The derivative follows the branch taken: d(c ? a : b) = c ? da : db.
                    Expr zero = factory.constant(0);
                    if (depends.get(e.child(1))) {
                        contribute(contributions, e.child(1), factory.select(e.child(0), g, zero));
                    }
                    if (depends.get(e.child(2))) {
                        contribute(contributions, e.child(2), factory.select(e.child(0), zero, g));
                    }
                }
                case CALL -> {
                    // Chain rule across methods: ∂f(u(x))/∂x = Σ_a ∂f/∂u_a · ∂u_a/∂x, where
                    // ∂f/∂u_a (or a mixed second partial) comes from f's generated code.
                    for (int a = 0; a < e.children().size(); a++) {
                        if (depends.get(e.child(a))) {
                            List<Integer> next = new ArrayList<>(e.partials());
                            next.add(a);
                            next.sort(null);
                            checkAvailable(e.callee(), next);
                            contribute(contributions, e.child(a), mask(builder.mul(g, factory.call(e.callee(),
                                    e.children(), next)), maskConditions, maskSides));
                        }
                    }
                }
                default -> {
                    // Constants, parameters and conditions pass nothing on.
                }
            }
        }
        List<Expr> result = new ArrayList<>(wrt.size());
        for (int p : wrt) {
            Expr param = factory.parameter(p);
            List<Expr> parts = contributions.get(param);
            result.add(parts == null ? factory.constant(0) : sum(parts));
        }
        return result;
    }

    /** Wraps {@code x} in the selects peeled off a masked gradient, innermost last. */
    private Expr mask(Expr x, List<Expr> conditions, List<Boolean> sides) {
        Expr out = x;
        Expr zero = factory.constant(0);
        for (int k = conditions.size() - 1; k >= 0; k--) {
            out = sides.get(k) ? factory.select(conditions.get(k), out, zero) : factory.select(conditions.get(k), zero, out);
        }
        return out;
    }

    private static void checkAvailable(Callee callee, List<Integer> partials) {
        for (int p : partials) {
            if (!callee.wrt().contains(p)) {
                throw new MissingDerivativeException(callee, "its @Expression(wrt = ...) leaves out parameter '"
                        + callee.parameters().get(p) + "'; add it to wrt");
            }
        }
        if (partials.size() == 2 && !callee.hessian()) {
            throw new MissingDerivativeException(callee, "second derivatives are needed; declare it "
                    + "@Expression(hessian = true)");
        }
        if (partials.size() > 2) {
            throw new MissingDerivativeException(callee, "derivatives of order " + partials.size()
                    + " are needed; Gradus generates up to second derivatives");
        }
    }

    private Expr sum(List<Expr> parts) {
        Expr total = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            total = factory.apply(BinaryOps.ADD, List.of(total, parts.get(i)));
        }
        return total;
    }

    private static void contribute(Map<Expr, List<Expr>> contributions, Expr e, Expr g) {
        contributions.computeIfAbsent(e, k -> new ArrayList<>(2)).add(g);
    }

    /** Returns the nodes {@code root} depends on, itself included, in increasing id order. */
    public static List<Expr> reachable(Expr root) {
        Map<Integer, Expr> seen = new HashMap<>();
        List<Expr> stack = new ArrayList<>();
        stack.add(root);
        while (!stack.isEmpty()) {
            Expr e = stack.remove(stack.size() - 1);
            if (seen.putIfAbsent(e.id(), e) == null) {
                stack.addAll(e.children());
            }
        }
        List<Expr> out = new ArrayList<>(seen.values());
        out.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return out;
    }

    /** A called method's generated code lacks a derivative the chain rule needs. */
    public static final class MissingDerivativeException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Callee callee;

        MissingDerivativeException(Callee callee, String reason) {
            super(reason);
            this.callee = callee;
        }

        /** Returns the called method. */
        public Callee callee() {
            return callee;
        }
    }
}
