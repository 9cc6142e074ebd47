package dev.gradus.benchmarks.workloads;

/** Checks on the JVM a benchmark fork runs in. */
final class Forks {
    private Forks() {
    }

    /**
     * Throws unless the incubator module {@code jdk.incubator.vector} is in the boot layer, so
     * that a fork started without it (JMH's {@code -jvmArgsAppend} replaces the
     * {@code @Fork} annotation's options) stops instead of measuring the runtime's fallbacks.
     *
     * @throws IllegalStateException naming the missing JVM option
     */
    static void requireVectorModule() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new IllegalStateException("the fork lacks --add-modules=jdk.incubator.vector; the vector kernels would not run"
                    + " (a -jvmArgsAppend option replaces the benchmark's own JVM options: repeat it there)");
        }
    }
}
