package dev.gradus.processor.lowering;

import com.sun.source.tree.Tree;

/**
 * Aborts the lowering of one method: {@link #tree()} is the exact expression or statement
 * the message is about. The processor reports it there and goes on with other methods.
 */
public final class LoweringException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Tree tree;

    /** Creates the exception for {@code tree} with a finished message (from {@code Message}). */
    public LoweringException(Tree tree, String message) {
        super(message);
        this.tree = tree;
    }

    /** Returns the tree the message is about. */
    public Tree tree() {
        return tree;
    }
}
