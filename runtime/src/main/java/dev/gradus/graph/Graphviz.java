package dev.gradus.graph;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs Graphviz's {@code dot} program to turn DOT text (such as {@link Graph#toDot()})
 * into an image. Graphviz is not a Java dependency: it must be installed and on the
 * {@code PATH} (for instance {@code apt-get install graphviz}); {@link #isAvailable()}
 * says whether it is.
 *
 * <p>Stateless and thread-safe; each call starts a {@code dot} process.
 */
public final class Graphviz {
    /** The image formats {@link #render} can write. */
    public enum Format {
        /** Scalable vector graphics ({@code dot -Tsvg}). */
        SVG,
        /** Portable network graphics ({@code dot -Tpng}). */
        PNG;

        String flag() {
            return "-T" + name().toLowerCase(Locale.ROOT);
        }
    }

    static final String DOT = "dot";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RENDER_TIMEOUT = Duration.ofSeconds(120);
    private static final System.Logger LOG = System.getLogger(Graphviz.class.getName());

    private Graphviz() {
    }

    /**
     * Returns true if {@code dot -V} runs from the {@code PATH} and exits with status 0
     * within a few seconds. Starts and waits for one short process.
     *
     * @throws IllegalStateException if the calling thread is interrupted while waiting; the
     *     thread's interrupt status is set again
     */
    public static boolean isAvailable() {
        return isAvailable(DOT);
    }

    static boolean isAvailable(String executable) {
        Process p;
        try {
            p = new ProcessBuilder(executable, "-V")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "Graphviz '" + executable + "' cannot be started: " + e.getMessage());
            return false;
        }
        try {
            if (!p.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                LOG.log(Level.DEBUG, () -> "Graphviz '" + executable + " -V' did not finish within " + PROBE_TIMEOUT);
                return false;
            }
            return p.exitValue() == 0;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking for Graphviz '" + executable + "'", e);
        }
    }

    /**
     * Renders {@code dot} (DOT text) to {@code output} in {@code format} by running
     * {@code dot -Tsvg|-Tpng -o output} with the text on its standard input (UTF-8).
     * Creates missing parent directories of {@code output} and overwrites an existing file.
     * Waits at most two minutes.
     *
     * @param dot the DOT text, e.g. from {@link Graph#toDot()}
     * @param output the image file to write
     * @param format the image format
     * @return {@code output}
     * @throws IOException if Graphviz's {@code dot} is not on the {@code PATH} (the message
     *     says how to install it), if {@code dot} exits with a non-zero status (the message
     *     includes its standard error), if it does not finish in time, if the thread is
     *     interrupted while waiting ({@link InterruptedIOException}, interrupt status set
     *     again), or if the files cannot be written
     */
    public static Path render(String dot, Path output, Format format) throws IOException {
        return render(dot, output, format, DOT, RENDER_TIMEOUT);
    }

    static Path render(String dot, Path output, Format format, String executable, Duration timeout) throws IOException {
        Objects.requireNonNull(dot, "dot");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(format, "format");
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        List<String> command = List.of(executable, format.flag(), "-o", output.toString());
        // dot's standard error goes to a file, not a pipe: a pipe left unread while we write
        // standard input could fill up and deadlock both processes.
        Path errors = Files.createTempFile("gradus-graphviz", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(errors.toFile())
                        .start();
            } catch (IOException e) {
                throw new IOException("Graphviz '" + executable + "' was not found on the PATH; install graphviz "
                        + "(e.g. apt-get install graphviz) or use Graph.toDot() and render it elsewhere", e);
            }
            LOG.log(Level.DEBUG, () -> "running " + String.join(" ", command));
            IOException writeFailure = null;
            try (OutputStream in = p.getOutputStream()) {
                in.write(dot.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // dot may have quit early on bad input; its exit status and errors explain more.
                writeFailure = e;
            }
            int status = waitFor(p, command, timeout);
            if (status != 0) {
                String stderr = Files.readString(errors, StandardCharsets.UTF_8).strip();
                IOException failure = new IOException("Graphviz '" + String.join(" ", command) + "' failed with exit status "
                        + status + (stderr.isEmpty() ? " and no error output" : ": " + stderr));
                if (writeFailure != null) {
                    failure.addSuppressed(writeFailure);
                }
                throw failure;
            }
            if (writeFailure != null) {
                throw new IOException("could not write the DOT text to Graphviz '" + executable + "'", writeFailure);
            }
            return output;
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    private static int waitFor(Process p, List<String> command, Duration timeout) throws IOException {
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("Graphviz '" + String.join(" ", command) + "' did not finish within "
                        + timeout.toSeconds() + " s; it was stopped");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(
                    "interrupted while waiting for Graphviz '" + String.join(" ", command) + "'");
            interrupted.initCause(e);
            throw interrupted;
        }
    }
}
