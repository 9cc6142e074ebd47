package dev.gradus.op;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;

/**
 * Decides once per JVM whether the table's exp, tanh and sigmoid kernels use
 * {@link VectorKernels} (the Vector API) or their scalar loops, and logs the choice at DEBUG.
 *
 * <p>The vector kernels run when all of these hold: the incubator module
 * {@code jdk.incubator.vector} is in the boot layer (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}); the system property {@code gradus.vector} is not
 * {@code false}; the preferred vector shape has 4, 8 or 16 float lanes; and the JIT uses
 * hardware FMA (the HotSpot option {@code UseFMA}, where it can be read), since without it the
 * Vector API computes each lane's fused multiply-add in software, far slower than the scalar
 * loops. Otherwise the scalar loops run; both give results within the bounds the ops document.
 * {@link VectorKernels} is loaded only when the module is present, since it links against it.
 */
final class Vectorized {
    private static final System.Logger LOG = System.getLogger(Vectorized.class.getName());

    /** The system property that turns the vector kernels off when set to {@code false}. */
    static final String PROPERTY = "gradus.vector";

    /** True if the table's exp, tanh and sigmoid kernels use {@link VectorKernels}. */
    static final boolean ENABLED = decide();

    /**
     * Elements below which a kernel call keeps the scalar loop. Vector objects are only free
     * once C2 has compiled the loop (escape analysis removes them); a small tensor's loop may
     * stay in the interpreter or C1 for many runs, allocating a vector per step, and gains
     * little from vectors anyway. From 1024 elements the loop gets hot quickly and pays.
     */
    static final int MIN_LENGTH = 1024;

    /** Returns true if a kernel call over {@code n} elements should use {@link VectorKernels}. */
    static boolean use(int n) {
        return ENABLED && n >= MIN_LENGTH;
    }

    private Vectorized() {
    }

    private static boolean decide() {
        String off = offReason();
        if (off == null) {
            LOG.log(Level.DEBUG, "exp, tanh and sigmoid use the Vector API kernels ({0})", VectorKernels.shape());
            return true;
        }
        LOG.log(Level.DEBUG, "exp, tanh and sigmoid use the scalar loops: {0}", off);
        return false;
    }

    /** Returns why the vector kernels should not run, or null if they should. */
    static String offReason() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
            return "-D" + PROPERTY + "=false";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "jdk.incubator.vector is not in the boot layer (start the JVM with --add-modules jdk.incubator.vector)";
        }
        if (!hardwareFma()) {
            return "the JIT does not use hardware FMA (UseFMA is false)";
        }
        return VectorKernels.unsuitableShape();
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
