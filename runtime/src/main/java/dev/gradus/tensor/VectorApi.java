package dev.gradus.tensor;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;

/**
 * Whether this JVM can run the runtime's Vector API kernels (the exp, tanh, sigmoid and
 * arithmetic kernels of the op table and the float32/float64 matrix-multiply kernel), decided
 * once per JVM.
 *
 * <p>They can when all of these hold: the incubator module {@code jdk.incubator.vector} is in
 * the boot layer (the JVM was started with {@code --add-modules jdk.incubator.vector}); the
 * system property {@code gradus.vector} is not {@code false}; and the JIT uses hardware FMA
 * (the HotSpot option {@code UseFMA}, where it can be read), since without it the Vector API
 * computes each lane's fused multiply-add in software, far slower than scalar loops. Each
 * kernel adds its own check of the preferred vector shape. Classes that link against
 * {@code jdk.incubator.vector} must only be loaded after {@link #unavailableReason()} returned
 * null.
 */
public final class VectorApi {
    private static final System.Logger LOG = System.getLogger(VectorApi.class.getName());

    /** The system property that turns every Vector API kernel off when set to {@code false}. */
    public static final String PROPERTY = "gradus.vector";

    private static final String UNAVAILABLE = decide();

    private VectorApi() {
    }

    /**
     * Returns null if the Vector API kernels may run in this JVM, else a one-line reason why
     * not, fit for a log message (for example how to start the JVM to enable them).
     */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    private static String decide() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
            return "-D" + PROPERTY + "=false";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "jdk.incubator.vector is not in the boot layer (start the JVM with --add-modules jdk.incubator.vector)";
        }
        if (!hardwareFma()) {
            return "the JIT does not use hardware FMA (UseFMA is false)";
        }
        return null;
    }

    /** Returns false only if HotSpot reports {@code UseFMA=false}; true where it cannot tell. */
    private static boolean hardwareFma() {
        if (ModuleLayer.boot().findModule("jdk.management").isEmpty()) {
            return true;
        }
        try {
            return !"false".equals(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseFMA").getValue());
        } catch (IllegalArgumentException noSuchOption) {
            // Not HotSpot, or a HotSpot without the option: nothing says FMA is missing.
            LOG.log(Level.DEBUG, "cannot read UseFMA; assuming hardware FMA", noSuchOption);
            return true;
        }
    }
}
