package dev.gradus.processor.lowering;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreeScanner;
import dev.gradus.processor.Message;
import java.util.function.ToIntFunction;

/**
 * The header of a counted {@code for} loop that a lowering unrolls — {@code for (int i = a;
 * i OP b; i += c)} — read the same way for scalar and Tensor bodies: the step, the bound test,
 * the refusal of bodies that write the header's variables, and the iteration limit.
 */
final class CountedLoops {
    /** The most iterations one loop may unroll to. */
    static final int MAX_ITERATIONS = 100_000;

    private CountedLoops() {
    }

    /** Fails at the loop once {@code iterations} exceeds {@link #MAX_ITERATIONS}. */
    static void countIteration(ForLoopTree loop, int iterations) {
        if (iterations > MAX_ITERATIONS) {
            throw new LoweringException(loop, Message.LOOP_BOUNDS.format("it runs more than " + MAX_ITERATIONS
                    + " times"));
        }
    }

    /** Refuses a body that writes the counter or a variable of the bounds: the unrolled count would be wrong. */
    static void checkHeaderNotWritten(ForLoopTree loop, String counter) {
        java.util.Set<String> header = new java.util.HashSet<>();
        header.add(counter);
        TreeScanner<Void, Void> names = new TreeScanner<>() {
            @Override
            public Void visitIdentifier(IdentifierTree node, Void p) {
                header.add(node.getName().toString());
                return null;
            }
        };
        names.scan(loop.getCondition(), null);
        for (ExpressionStatementTree u : loop.getUpdate()) {
            names.scan(u, null);
        }
        new TreeScanner<Void, Void>() {
            private void check(ExpressionTree target, Tree at) {
                if (target instanceof IdentifierTree id && header.contains(id.getName().toString())) {
                    throw new LoweringException(at, Message.LOOP_BOUNDS.format("its body changes '" + id.getName()
                            + "', which the loop's header uses"));
                }
            }

            @Override
            public Void visitAssignment(AssignmentTree node, Void p) {
                check(node.getVariable(), node);
                return super.visitAssignment(node, p);
            }

            @Override
            public Void visitCompoundAssignment(CompoundAssignmentTree node, Void p) {
                check(node.getVariable(), node);
                return super.visitCompoundAssignment(node, p);
            }

            @Override
            public Void visitUnary(UnaryTree node, Void p) {
                switch (node.getKind()) {
                    case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT ->
                            check(node.getExpression(), node);
                    default -> {
                        // Other unary operators do not write.
                    }
                }
                return super.visitUnary(node, p);
            }
        }.scan(loop.getStatement(), null);
    }

    /** Returns whether the loop's condition {@code counter OP bound} holds for counter value {@code k}. */
    static boolean holds(BinaryTree cond, long k, int bound) {
        return switch (cond.getKind()) {
            case LESS_THAN -> k < bound;
            case LESS_THAN_EQUAL -> k <= bound;
            case GREATER_THAN -> k > bound;
            case GREATER_THAN_EQUAL -> k >= bound;
            case NOT_EQUAL_TO -> k != bound;
            default -> throw new LoweringException(cond, Message.LOOP_BOUNDS.format("'" + cond + "' is not a bound"));
        };
    }

    /**
     * Returns the counter's step from the loop's update ({@code i++}, {@code i--}, {@code i += c},
     * {@code i -= c}), with {@code constant} evaluating c.
     *
     * @throws LoweringException at the update when it is none of these or c is 0
     */
    static int step(ExpressionTree update, String counter, ToIntFunction<ExpressionTree> constant) {
        int step = switch (update.getKind()) {
            case PREFIX_INCREMENT, POSTFIX_INCREMENT -> isCounter(((UnaryTree) update).getExpression(), counter) ? 1 : 0;
            case PREFIX_DECREMENT, POSTFIX_DECREMENT -> isCounter(((UnaryTree) update).getExpression(), counter) ? -1 : 0;
            case PLUS_ASSIGNMENT -> isCounter(((CompoundAssignmentTree) update).getVariable(), counter)
                    ? constant.applyAsInt(((CompoundAssignmentTree) update).getExpression()) : 0;
            case MINUS_ASSIGNMENT -> isCounter(((CompoundAssignmentTree) update).getVariable(), counter)
                    ? -constant.applyAsInt(((CompoundAssignmentTree) update).getExpression()) : 0;
            default -> 0;
        };
        if (step == 0) {
            throw new LoweringException(update, Message.LOOP_BOUNDS.format("the update must be " + counter + "++, "
                    + counter + "--, " + counter + " += c or " + counter + " -= c with a non-zero constant c"));
        }
        return step;
    }

    /** Returns true if {@code e} is the identifier {@code counter}. */
    static boolean isCounter(ExpressionTree e, String counter) {
        return e.getKind() == Tree.Kind.IDENTIFIER && ((IdentifierTree) e).getName().contentEquals(counter);
    }
}
