package dev.gradus.op;

import dev.gradus.tensor.VectorApi;
import java.lang.System.Logger.Level;

/**
 * Decides once per JVM whether the table's exp, tanh and sigmoid kernels (and, from
 * {@link #MIN_ARITHMETIC} elements, {@link Arithmetic}'s add/sub/mul/div at different offsets) use
 * {@link VectorKernels} (the Vector API) or their scalar loops, and logs the choice at DEBUG.
 *
 * <p>The vector kernels run when {@link VectorApi} allows the Vector API in this JVM (the
 * incubator module is present, {@code gradus.vector} is not {@code false}, the JIT uses hardware
 * FMA) and the preferred vector shape has 4, 8 or 16 float lanes. Otherwise the scalar loops
 * run; both give results within the bounds the ops document. {@link VectorKernels} is loaded only when the module is present, since it links against it.
 */
final class Vectorized {
    private static final System.Logger LOG = System.getLogger(Vectorized.class.getName());

    /** True if the table's exp, tanh, sigmoid and arithmetic kernels use {@link VectorKernels}. */
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

    /**
     * Elements from which {@link Arithmetic}'s kernels take {@link VectorKernels#arithmetic}: a
     * bias row is often a few hundred elements, repeated once per row of the batch, so the
     * loop gets hot after a few runs.
     */
    static final int MIN_ARITHMETIC = 64;

    /** Returns true if an arithmetic kernel call over {@code n} elements should use {@link VectorKernels}. */
    static boolean useForArithmetic(int n) {
        return ENABLED && n >= MIN_ARITHMETIC;
    }

    private Vectorized() {
    }

    private static boolean decide() {
        String off = offReason();
        if (off == null) {
            LOG.log(Level.DEBUG, "exp, tanh, sigmoid and arithmetic at different offsets use the Vector API kernels ({0})", VectorKernels.shape());
            return true;
        }
        LOG.log(Level.DEBUG, "exp, tanh, sigmoid and arithmetic use the scalar loops: {0}", off);
        return false;
    }

    /** Returns why the vector kernels should not run, or null if they should. */
    static String offReason() {
        String off = VectorApi.unavailableReason();
        return off != null ? off : VectorKernels.unsuitableShape();
    }
}
