package dev.gradus.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Thrown when a file is not a readable Gradus checkpoint: wrong magic bytes, an unsupported
 * format version, a truncated file, a checksum mismatch, or a structure that makes no sense
 * (negative sizes, unknown dtype codes, duplicate names). The message names the file and says
 * what is wrong; {@link #file()} and {@link #problem()} give the two parts separately.
 */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /**
     * Creates an exception for {@code file} describing {@code problem}.
     *
     * @param file the checkpoint file
     * @param problem what is wrong with it, e.g. {@code "checksum mismatch: ..."}
     */
    public CheckpointException(Path file, String problem) {
        super("checkpoint " + file + ": " + problem);
        this.file = Objects.requireNonNull(file, "file");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** Returns the checkpoint file the problem was found in. */
    public Path file() {
        return file;
    }

    /** Returns what is wrong with the file, without the file's name. */
    public String problem() {
        return problem;
    }
}
