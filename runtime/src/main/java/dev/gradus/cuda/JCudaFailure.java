package dev.gradus.cuda;

/** Turns the ways JCuda fails to load into one sentence for a user. No JCuda types. */
final class JCudaFailure {
    /** Prefix of reasons that cannot change during the JVM's life (the native side is missing). */
    static final String PERMANENT = "CUDA unavailable: ";

    private JCudaFailure() {
    }

    /** Describes a failure to load JCuda's classes or native library, or the driver library. */
    static String describe(Throwable error) {
        String chain = chain(error);
        if (chain.contains("libcuda.so")) {
            return PERMANENT + "no NVIDIA driver (libcuda.so.1 cannot be loaded): " + chain;
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
        for (Throwable t = error; t != null && sb.length() < 600; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return sb.toString();
    }
}
