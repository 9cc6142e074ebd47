package dev.gradus.cuda;

import dev.gradus.op.BinaryOps;
import dev.gradus.op.Comparison;
import dev.gradus.op.LeakyRelu;
import dev.gradus.op.Op;
import dev.gradus.op.UnaryOps;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The entry to the CUDA engine, free of JCuda types: opening an engine, probing for a GPU,
 * the default kernel source, and the names of the elementwise ops that may run on a GPU.
 *
 * <p>The JCuda-backed engine and the default kernel generator are loaded by class name only
 * when CUDA is asked for, so a program that never asks loads no JCuda class and no native
 * library. A failure to load them (no driver, natives missing) becomes a
 * {@link CudaUnavailableException} with the reason, never an {@link Error}.
 */
public final class Cuda {
    /** The JCuda-backed engine, the only class that refers to JCuda. */
    static final String ENGINE_CLASS = "dev.gradus.cuda.JCudaEngine";
    /** The PTX generator built from the op table (issue 5). */

    private static final Object LOCK = new Object();
    // Once the natives or the driver have failed they fail the same way for the life of the
    // JVM (a class whose static initializer failed cannot be initialized again), so the first
    // reason is kept: later attempts report it instead of a bare NoClassDefFoundError.
    private static CudaUnavailableException permanentFailure;

    private Cuda() {
    }

    /**
     * Opens an engine on device 0 with its own context.
     *
     * @param kernels where the engine gets its PTX
     * @return a new engine; the caller closes it
     * @throws CudaUnavailableException saying why: JCuda's classes or native library cannot
     *     load, no NVIDIA driver, the driver failed to initialize, or no CUDA device
     * @throws NullPointerException if {@code kernels} is null
     */
    public static CudaEngine open(KernelSource kernels) {
        java.util.Objects.requireNonNull(kernels, "kernels");
        return (CudaEngine) callEngine("open", kernels);
    }

    /**
     * Returns empty when a CUDA device can be used here, or the reason it cannot. Loads JCuda
     * (and its natives) on the first call; the result of a failure is kept for the JVM's life.
     * Allocates a context only transiently, not at all on failure.
     */
    public static Optional<String> probe() {
        try {
            callEngine("probe", null);
            return Optional.empty();
        } catch (CudaUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Returns the default kernel source: a new {@link PtxKernels}, the PTX generator over the
     * op table (pure Java: it loads no JCuda class).
     */
    public static KernelSource defaultKernels() {
        return new PtxKernels();
    }

    /**
     * Returns one representative of every elementwise op of the op table that a kernel
     * source may support: the unary and binary tables, leakyRelu, and the six comparisons in
     * their mask form (1 or 0 in the input dtype; the BOOL forms change dtype and stay on the
     * CPU). Allocates a new list.
     */
    public static List<Op> elementwiseOps() {
        List<Op> ops = new ArrayList<>(UnaryOps.all());
        ops.add(new LeakyRelu(0.01));
        ops.addAll(BinaryOps.all());
        for (Comparison.Kind kind : Comparison.Kind.values()) {
            ops.add(Comparison.of(kind).mask());
        }
        return Collections.unmodifiableList(ops);
    }

    /**
     * Returns the sorted names of the ops of {@link #elementwiseOps()} that {@code kernels}
     * supports, or of all of them when {@code kernels} is null. Allocates a new set.
     */
    public static SortedSet<String> opNames(KernelSource kernels) {
        SortedSet<String> names = new TreeSet<>();
        for (Op op : elementwiseOps()) {
            if (kernels == null || kernels.supports(op)) {
                names.add(op.name());
            }
        }
        return Collections.unmodifiableSortedSet(names);
    }

    private static Object callEngine(String method, KernelSource kernels) {
        synchronized (LOCK) {
            if (permanentFailure != null) {
                throw new CudaUnavailableException(permanentFailure.getMessage(), permanentFailure);
            }
            try {
                Class<?> engine = Class.forName(ENGINE_CLASS);
                return kernels == null ? engine.getDeclaredMethod(method).invoke(null)
                        : engine.getDeclaredMethod(method, KernelSource.class).invoke(null, kernels);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof CudaUnavailableException cue) {
                    if (cue.getMessage().startsWith(JCudaFailure.PERMANENT)) {
                        permanentFailure = cue;
                    }
                    throw cue;
                }
                if (cause instanceof LinkageError le) {
                    permanentFailure = new CudaUnavailableException(JCudaFailure.describe(le), le);
                    throw permanentFailure;
                }
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("CUDA engine " + method + " failed: " + cause, cause);
            } catch (LinkageError e) {
                permanentFailure = new CudaUnavailableException(JCudaFailure.describe(e), e);
                throw permanentFailure;
            } catch (ReflectiveOperationException e) {
                permanentFailure = new CudaUnavailableException("the CUDA engine class " + ENGINE_CLASS
                        + " cannot be used: " + e, e);
                throw permanentFailure;
            }
        }
    }
}
