package dev.gradus.blas;

import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.VectorApi;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * General matrix multiply, {@code C = op(A)·op(B)}, for float32 and float64 arrays addressed
 * through strides: every matrix product of the runtime (matMul, batchedMatMul, matVec, dot,
 * outer) comes here.
 *
 * <p>Three kernels compute it:
 * <ul>
 *   <li>{@link Backend#VECTOR}: a register-blocked kernel written with the Vector API
 *       ({@code jdk.incubator.vector}), on the Java heap and the runtime's own threads; it needs
 *       the JVM started with {@code --add-modules jdk.incubator.vector} (see
 *       {@link VectorApi}).</li>
 *   <li>{@link Backend#OPENBLAS}: OpenBLAS through {@code org.bytedeco:openblas}, a Maven
 *       artifact that carries the native library, so no system package is needed. Operands are
 *       copied to native memory and back on every call; OpenBLAS runs single-threaded on each
 *       of the runtime's threads, which share the product.</li>
 *   <li>{@link Backend#JAVA}: a blocked, multi-threaded pure-Java kernel that runs anywhere.</li>
 * </ul>
 * {@link Backend#HYBRID} uses two of them: OpenBLAS for products under
 * {@link #HYBRID_SMALL_WORK} multiply-adds, the vector kernel for the rest. Measured on a
 * 2-core AVX2 machine (AMD Zen 1), the vector kernel matched or beat OpenBLAS, copies to native
 * memory included, at every large size tried (384³ to 1536³, both dtypes, plain and transposed,
 * 1 and 2 threads; 512³ float64: 15.2 against 18.0 ms on one thread, 7.8 against 10.0 on two),
 * and beat it on a training step's products, while OpenBLAS is twice as fast on the smallest
 * (a 10-class layer). Where the preferred vectors are wider than 256 bits (AVX-512), which was
 * not measured, products of at least {@link #HYBRID_OPENBLAS_MIN_WORK} multiply-adds with at
 * least {@link #HYBRID_OPENBLAS_MIN_ROWS} rows and {@link #HYBRID_OPENBLAS_MIN_SIDE} on the
 * other two sides go to OpenBLAS too, as they did on AVX2 before the vector kernel caught up.
 * The rule reads the sizes and the vector width only, never the thread count, so a product
 * gives the same bits on any number of threads.
 *
 * <p>The system property {@code gradus.blas} chooses: {@code hybrid}, {@code vector},
 * {@code openblas}, {@code java}, or unset: the first of HYBRID, VECTOR, OPENBLAS, JAVA that
 * can run here (JAVA with one warning in the log). Asking for a backend that cannot run makes
 * the first product throw. {@link #setBackend} changes the choice at run time.
 *
 * <p>Whatever the backend, matrix-vector products ({@code n = 1}) and products too small to pay
 * for a vector kernel or a native call run in the pure-Java kernel. Every backend uses up to
 * {@link Parallel#threads()} threads, read at each call. Calls from several threads at once
 * are safe; each thread keeps its own packing buffers (heap, and off-heap for OpenBLAS), sized
 * by the largest product it has run or by the kernel's blocks (the vector kernel's: about
 * 1 MiB per dtype a thread has multiplied in).
 */
public final class Gemm {
    private static final System.Logger LOG = System.getLogger(Gemm.class.getName());

    /** The system property that selects the backend: {@code vector}, {@code openblas}, {@code java}, or unset for automatic. */
    public static final String PROPERTY = "gradus.blas";

    // Multiply-adds below which the Java kernel beats the native call plus staging copies, and
    // below which a product's vector kernel may still run interpreted (allocating its vectors).
    static final long NATIVE_MIN_WORK = 1L << 15;

    /**
     * Multiply-adds from which {@link Backend#HYBRID} hands a product to OpenBLAS where vectors
     * are wider than 256 bits (if it has at least {@link #HYBRID_OPENBLAS_MIN_ROWS} rows and no
     * other side shorter than {@link #HYBRID_OPENBLAS_MIN_SIDE}); on 256-bit vectors it does not.
     */
    public static final long HYBRID_OPENBLAS_MIN_WORK = 1L << 25;

    /**
     * The shortest inner side k and column count n of a product that {@link Backend#HYBRID}
     * hands to OpenBLAS where vectors are wider than 256 bits (see {@link #HYBRID_OPENBLAS_MIN_WORK}).
     */
    public static final int HYBRID_OPENBLAS_MIN_SIDE = 256;

    /**
     * The fewest rows m of a product that {@link Backend#HYBRID} hands to OpenBLAS where vectors
     * are wider than 256 bits (see {@link #HYBRID_OPENBLAS_MIN_WORK}), chosen on AVX2 when that
     * rule still applied there: OpenBLAS runs on the runtime's threads by blocks of rows, and
     * float32 blocks of fewer than about 192 rows ran no faster on two threads at once than one
     * after the other (OpenBLAS 0.3.31, AMD Zen 1: 256×784×256 took 4.9 ms on two threads
     * against the vector kernel's 1.8).
     */
    public static final int HYBRID_OPENBLAS_MIN_ROWS = 384;

    /**
     * Multiply-adds below which {@link Backend#HYBRID} hands a product to OpenBLAS: the
     * vector kernel runs such a product on one thread anyway, and its tiles of 2 vectors' width
     * waste most of their lanes on a thin output (64×128×10 float32: 22 µs against OpenBLAS's
     * 11, the training step's output layer and its gradients).
     */
    public static final long HYBRID_SMALL_WORK = 1L << 18;

    /** The implementations of {@link Gemm}. */
    public enum Backend {
        /** The pure-Java kernel: always available. */
        JAVA,
        /** OpenBLAS's {@code cblas_?gemm} through JavaCPP ({@code org.bytedeco:openblas}). */
        OPENBLAS,
        /** The Vector API kernel: needs {@code --add-modules jdk.incubator.vector}. */
        VECTOR,
        /** The Vector API kernel, with OpenBLAS for the smallest products (see the class comment): needs both. */
        HYBRID
    }

    /**
     * The outcome of choosing a backend: the backend, or why the one asked for cannot run
     * ({@code failure} non-null, only for an explicit request of OpenBLAS or VECTOR).
     */
    record Selection(Backend backend, IllegalStateException failure) {
        Backend require() {
            if (failure != null) {
                throw new IllegalStateException(failure.getMessage(), failure.getCause());
            }
            return backend;
        }
    }

    private static volatile Selection selection;

    private Gemm() {
    }

    /** Loads OpenBLAS once per JVM; {@code FAILURE} is null when it loaded. */
    private static final class NativeLibrary {
        static final Throwable FAILURE = tryLoad();

        private static Throwable tryLoad() {
            try {
                OpenBlasGemm.load();
                return null;
            } catch (LinkageError | RuntimeException e) {
                // Not swallowed: the caller logs it (automatic choice) or rethrows it (explicit choice).
                return e;
            }
        }
    }

    /** Decides once per JVM whether {@link VectorGemm} can run; {@code UNSUITABLE} is null when it can. */
    private static final class VectorKernel {
        static final String UNSUITABLE = decide();

        private static String decide() {
            String off = VectorApi.unavailableReason();
            // VectorGemm links against jdk.incubator.vector: touched only when the module is there.
            return off != null ? off : VectorGemm.unsuitableShape();
        }
    }

    /**
     * Chooses the backend from the value of {@link #PROPERTY} and, only when needed, whether
     * the vector kernel can run ({@code vectorUnsuitable} returns null when it can, else why
     * not) and the outcome of loading OpenBLAS ({@code loadFailure} returns null when it loaded).
     */
    static Selection resolve(String property, Supplier<String> vectorUnsuitable, Supplier<Throwable> loadFailure) {
        String wanted = property == null ? "" : property.trim().toLowerCase(Locale.ROOT);
        switch (wanted) {
            case "java" -> {
                return new Selection(Backend.JAVA, null);
            }
            case "hybrid" -> {
                String unsuitable = vectorUnsuitable.get();
                Throwable failure = unsuitable == null ? loadFailure.get() : null;
                if (unsuitable == null && failure == null) {
                    return new Selection(Backend.HYBRID, null);
                }
                String why = unsuitable != null ? vectorReason(unsuitable) : openBlasReason(failure);
                return new Selection(Backend.HYBRID, new IllegalStateException(PROPERTY + "=hybrid, but " + why
                        + "; remove the property to choose automatically", failure));
            }
            case "vector" -> {
                String unsuitable = vectorUnsuitable.get();
                if (unsuitable == null) {
                    return new Selection(Backend.VECTOR, null);
                }
                return new Selection(Backend.VECTOR, new IllegalStateException(PROPERTY + "=vector, but "
                        + vectorReason(unsuitable) + "; remove the property to choose automatically", null));
            }
            case "openblas" -> {
                Throwable failure = loadFailure.get();
                if (failure == null) {
                    return new Selection(Backend.OPENBLAS, null);
                }
                return new Selection(Backend.OPENBLAS, new IllegalStateException(PROPERTY + "=openblas, but "
                        + openBlasReason(failure) + "; remove the property or set it to 'java' to use the pure-Java kernel", failure));
            }
            default -> {
                if (!wanted.isEmpty()) {
                    LOG.log(Level.WARNING, "system property {0}=''{1}'' is none of ''hybrid'', ''vector'', ''openblas'', ''java''; choosing automatically",
                            PROPERTY, property);
                }
                String unsuitable = vectorUnsuitable.get();
                Throwable failure = loadFailure.get();
                if (unsuitable == null) {
                    if (failure == null) {
                        return new Selection(Backend.HYBRID, null);
                    }
                    LOG.log(Level.DEBUG, "large matrix products use the Vector API kernel: OpenBLAS did not load", failure);
                    return new Selection(Backend.VECTOR, null);
                }
                LOG.log(Level.DEBUG, "matrix products do not use the Vector API kernel: {0}", unsuitable);
                if (failure == null) {
                    return new Selection(Backend.OPENBLAS, null);
                }
                // One line for the reader of the log; the stack trace only for those who debug.
                LOG.log(Level.WARNING, "OpenBLAS (org.bytedeco:openblas) is not available (" + failure
                        + "); matrix products use the pure-Java kernel, which is much slower. Set " + PROPERTY
                        + "=java to choose it explicitly.");
                LOG.log(Level.DEBUG, "why OpenBLAS did not load", failure);
                return new Selection(Backend.JAVA, null);
            }
        }
    }

    private static Selection selection() {
        Selection s = selection;
        if (s == null) {
            synchronized (Gemm.class) {
                s = selection;
                if (s == null) {
                    s = resolve(System.getProperty(PROPERTY), () -> VectorKernel.UNSUITABLE, () -> NativeLibrary.FAILURE);
                    selection = s;
                }
            }
        }
        return s;
    }

    /**
     * Returns the backend products use now, choosing it on the first call (see the class comment).
     *
     * @throws IllegalStateException if {@code gradus.blas} asked for a backend that cannot run here
     */
    public static Backend backend() {
        return selection().require();
    }

    /**
     * Returns whether {@code backend} can run here: always for {@link Backend#JAVA}; for
     * {@link Backend#OPENBLAS}, whether its native library loaded (tried once per JVM); for
     * {@link Backend#VECTOR}, whether the Vector API is usable (see {@link VectorApi}); for
     * {@link Backend#HYBRID}, whether both are.
     */
    public static boolean isAvailable(Backend backend) {
        return unavailableReason(backend) == null;
    }

    private static String vectorReason(String unsuitable) {
        return "the Vector API kernel cannot run in this JVM: " + unsuitable;
    }

    private static String openBlasReason(Throwable failure) {
        return "OpenBLAS (org.bytedeco:openblas) cannot be loaded on this platform: " + failure;
    }

    /** Returns why {@code backend} cannot run here, or null if it can. */
    private static String unavailableReason(Backend backend) {
        return switch (backend) {
            case JAVA -> null;
            case OPENBLAS -> NativeLibrary.FAILURE == null ? null : openBlasReason(NativeLibrary.FAILURE);
            case VECTOR -> VectorKernel.UNSUITABLE == null ? null : vectorReason(VectorKernel.UNSUITABLE);
            case HYBRID -> {
                String vector = unavailableReason(Backend.VECTOR);
                yield vector != null ? vector : unavailableReason(Backend.OPENBLAS);
            }
        };
    }

    /**
     * Makes every following product in this JVM use {@code backend}, whatever {@code gradus.blas}
     * says (for tests, benchmarks, or to pin results to one implementation).
     *
     * @throws IllegalStateException if {@code backend} cannot run here (see {@link #isAvailable});
     *     the current choice is then unchanged
     */
    public static void setBackend(Backend backend) {
        String reason = unavailableReason(backend);
        if (reason != null) {
            // The load failure is the cause when the missing half is OpenBLAS.
            boolean vectorMissing = backend != Backend.OPENBLAS && unavailableReason(Backend.VECTOR) != null;
            throw new IllegalStateException(reason, vectorMissing ? null : NativeLibrary.FAILURE);
        }
        selection = new Selection(backend, null);
    }

    /** Returns whether a product of these sizes runs in the chosen backend rather than the pure-Java kernel. */
    static boolean worthNative(int m, int k, int n) {
        return n > 1 && (long) m * k * n >= NATIVE_MIN_WORK;
    }

    /** The kernel that {@code backend} runs a product of these sizes in. */
    static Backend kernelFor(Backend backend, int m, int k, int n) {
        return kernelFor(backend, m, k, n, backend == Backend.HYBRID && VectorWidth.WIDE);
    }

    /**
     * The kernel that {@code backend} runs a product of these sizes in, where
     * {@code wideVectors} says whether the vector kernel's registers are wider than 256 bits
     * (only then does {@link Backend#HYBRID} hand large products to OpenBLAS).
     */
    static Backend kernelFor(Backend backend, int m, int k, int n, boolean wideVectors) {
        if (backend == Backend.JAVA || !worthNative(m, k, n)) {
            return Backend.JAVA;
        }
        if (backend == Backend.HYBRID) {
            long work = (long) m * k * n;
            boolean large = wideVectors && m >= HYBRID_OPENBLAS_MIN_ROWS && Math.min(k, n) >= HYBRID_OPENBLAS_MIN_SIDE
                    && work >= HYBRID_OPENBLAS_MIN_WORK;
            return large || work < HYBRID_SMALL_WORK ? Backend.OPENBLAS : Backend.VECTOR;
        }
        return backend;
    }

    /** Reads the vector width once, only when the hybrid backend (so the vector kernel) runs. */
    private static final class VectorWidth {
        static final boolean WIDE = VectorKernel.UNSUITABLE == null && VectorGemm.wideRegisters();
    }

    /**
     * {@code C = op(A)·op(B)} in float64, overwriting C. op(A) is m×k with element (i, p) at
     * {@code a[aOffset + i·aRowStride + p·aDepthStride]}; op(B) is k×n with element (p, j) at
     * {@code b[bOffset + p·bDepthStride + j·bColumnStride]}; C is a contiguous row-major m×n
     * block, element (i, j) at {@code c[cOffset + i·n + j]}. A transposed view is a swap of the
     * two strides; any strides are accepted (zero and negative included). C must not overlap
     * A or B. Allocates nothing once this thread's staging buffers are large enough.
     *
     * @throws IllegalStateException if {@code gradus.blas} asked for a backend that cannot run here
     * @throws IndexOutOfBoundsException if an addressed element lies outside its array (an
     *     {@link ArrayIndexOutOfBoundsException} from the scalar kernels, a plain one from the
     *     Vector API's loads and stores); C may then be partly written
     */
    public static void multiply(double[] a, int aOffset, int aRowStride, int aDepthStride,
            double[] b, int bOffset, int bDepthStride, int bColumnStride,
            double[] c, int cOffset, int m, int k, int n) {
        checkSizes(m, k, n);
        int threads = Parallel.threads();
        switch (kernelFor(backend(), m, k, n)) {
            case VECTOR -> VectorGemm.multiply(a, aOffset, aRowStride, aDepthStride, b, bOffset, bDepthStride, bColumnStride,
                    c, cOffset, m, k, n, threads);
            case OPENBLAS -> OpenBlasGemm.multiply(a, aOffset, aRowStride, aDepthStride, b, bOffset, bDepthStride, bColumnStride,
                    c, cOffset, m, k, n, threads);
            default -> JavaGemm.multiply(a, aOffset, aRowStride, aDepthStride, b, bOffset, bDepthStride, bColumnStride,
                    c, cOffset, m, k, n, threads);
        }
    }

    /**
     * {@code C = op(A)·op(B)} in float32, with float accumulation as in BLAS {@code sgemm};
     * otherwise exactly as {@link #multiply(double[], int, int, int, double[], int, int, int, double[], int, int, int, int)}.
     *
     * @throws IllegalStateException if {@code gradus.blas} asked for a backend that cannot run here
     * @throws IndexOutOfBoundsException if an addressed element lies outside its array (as the
     *     float64 version); C may then be partly written
     */
    public static void multiply(float[] a, int aOffset, int aRowStride, int aDepthStride,
            float[] b, int bOffset, int bDepthStride, int bColumnStride,
            float[] c, int cOffset, int m, int k, int n) {
        checkSizes(m, k, n);
        int threads = Parallel.threads();
        switch (kernelFor(backend(), m, k, n)) {
            case VECTOR -> VectorGemm.multiply(a, aOffset, aRowStride, aDepthStride, b, bOffset, bDepthStride, bColumnStride,
                    c, cOffset, m, k, n, threads);
            case OPENBLAS -> OpenBlasGemm.multiply(a, aOffset, aRowStride, aDepthStride, b, bOffset, bDepthStride, bColumnStride,
                    c, cOffset, m, k, n, threads);
            default -> JavaGemm.multiply(a, aOffset, aRowStride, aDepthStride, b, bOffset, bDepthStride, bColumnStride,
                    c, cOffset, m, k, n, threads);
        }
    }

    private static void checkSizes(int m, int k, int n) {
        if (m < 0 || k < 0 || n < 0) {
            throw new IllegalArgumentException("matrix sizes must not be negative: m=" + m + ", k=" + k + ", n=" + n);
        }
    }
}
