package dev.gradus.tensor;

/**
 * How many threads the CPU kernels may use: elementwise loops, reductions and matrix
 * multiplication all read {@link #threads()}.
 *
 * <p>The default is {@link Runtime#availableProcessors()}, or the system property
 * {@code gradus.threads} where it is set to a positive integer. {@link #setThreads(int)} changes
 * it for the whole JVM; kernels read it at each call, so a change applies to the next op run.
 */
public final class Parallel {
    private static final System.Logger LOG = System.getLogger(Parallel.class.getName());

    private static volatile int threads = defaultThreads();

    private Parallel() {
    }

    private static int defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        String property = System.getProperty("gradus.threads");
        if (property == null || property.isBlank()) {
            return cores;
        }
        try {
            int n = Integer.parseInt(property.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING,
                    "system property gradus.threads=''{0}'' is not a positive integer; using {1} threads", property, cores);
            return cores;
        }
        LOG.log(System.Logger.Level.WARNING,
                "system property gradus.threads=''{0}'' is not a positive integer; using {1} threads", property, cores);
        return cores;
    }

    /** Returns the number of threads kernels may use, at least 1. */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads kernels may use from now on.
     *
     * @param n at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1; got " + n);
        }
        threads = n;
    }
}
