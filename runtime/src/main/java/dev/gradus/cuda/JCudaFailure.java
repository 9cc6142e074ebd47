package dev.gradus.cuda;

/** Turns the ways JCuda fails to load into one sentence for a user. No JCuda types. */
final class JCudaFailure {
    /** Prefix of reasons that cannot change during the JVM's life (the native side is missing). */
    static final String PERMANENT = "CUDA unavailable: ";

    private JCudaFailure() {
    }

    /**
     * Describes, on one line, a failure to load JCuda's classes or native library, or the
     * driver library. JCuda's own message spans many lines; the error itself stays the cause.
     */
    static String describe(Throwable error) {
        String chain = chain(error);
        String driver = lineWith(error, "libcuda.so");
        if (driver != null) {
            return PERMANENT + "no NVIDIA driver: " + driver;
        }
        if (error instanceof NoClassDefFoundError && chain.contains("jcuda")) {
            return PERMANENT + "the JCuda library (org.jcuda:jcuda) is not on the class path: " + chain;
        }
        if (chain.contains("JCudaDriver")) {
            return PERMANENT + "JCuda's native library (org.jcuda:jcuda-natives for this OS and architecture) "
                    + "cannot be loaded: " + chain;
        }
        return PERMANENT + "JCuda cannot be loaded: " + chain;
    }

    private static String chain(Throwable error) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = error; t != null && sb.length() < 400; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            String message = String.valueOf(t.getMessage());
            sb.append(t.getClass().getSimpleName()).append(": ").append(message.lines().findFirst().orElse(""));
        }
        return sb.toString();
    }

    private static String lineWith(Throwable error, String text) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            var line = message.lines().filter(l -> l.contains(text)).findFirst();
            if (line.isPresent()) {
                String l = line.get().trim();
                return l.startsWith("java.lang.UnsatisfiedLinkError: ") ? l.substring("java.lang.UnsatisfiedLinkError: ".length()) : l;
            }
        }
        return null;
    }
}
