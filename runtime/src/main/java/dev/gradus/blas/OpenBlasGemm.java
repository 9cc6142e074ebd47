package dev.gradus.blas;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * GEMM through OpenBLAS's {@code cblas_sgemm}/{@code cblas_dgemm}, loaded by JavaCPP from
 * {@code org.bytedeco:openblas}. The only class that names {@code org.bytedeco}: when those
 * jars are missing, {@link Gemm} never initializes it and the rest of the runtime still links.
 *
 * <p>Operands are staged through off-heap buffers owned by the calling thread, grown as
 * needed and reused: JavaCPP's {@code float[]} overloads copy every whole array in and out
 * through JNI on each call (including the inputs, and without an offset argument), while a
 * bulk {@code put}/{@code get} copies only the elements of the product, O(n²) beside the
 * O(n³) product. Plain and transposed row-major views are copied as they are stored and
 * passed with the matching transpose flag; other strides (every other element, negative
 * steps) are gathered on the heap first. Concurrent callers each use their own buffers.
 */
final class OpenBlasGemm {
    private static final ThreadLocal<Staging> STAGING = ThreadLocal.withInitial(Staging::new);
    // Shorter contiguous runs are gathered on the heap: one bulk copy beats many tiny ones.
    private static final int MIN_RUN = 16;
    private static final Object THREAD_COUNT_LOCK = new Object();
    private static volatile int blasThreads = -1;

    private OpenBlasGemm() {
    }

    /**
     * Loads the native library (extracting it to JavaCPP's cache the first time).
     *
     * @throws LinkageError or RuntimeException when the platform has no native build, the jars
     *     are missing, or the library cannot be extracted or loaded
     */
    static void load() {
        Loader.load(openblas_nolapack.class);
    }

    // OpenBLAS's thread count is process-wide and setting it is not free: set it only on a change.
    private static void useThreads(int threads) {
        if (blasThreads != threads) {
            synchronized (THREAD_COUNT_LOCK) {
                if (blasThreads != threads) {
                    blas_set_num_threads(threads);
                    blasThreads = threads;
                }
            }
        }
    }

    /** One thread's off-heap staging buffers, one per operand and dtype, grown on demand. */
    private static final class Staging {
        final DoublePointer[] f64 = new DoublePointer[3];
        final FloatPointer[] f32 = new FloatPointer[3];
        double[] gather64 = new double[0];
        float[] gather32 = new float[0];

        DoublePointer f64(int slot, long size) {
            DoublePointer p = f64[slot];
            if (p == null || p.capacity() < size) {
                if (p != null) {
                    p.close();
                }
                p = new DoublePointer(Math.max(size, 1));
                f64[slot] = p;
            }
            return p;
        }

        FloatPointer f32(int slot, long size) {
            FloatPointer p = f32[slot];
            if (p == null || p.capacity() < size) {
                if (p != null) {
                    p.close();
                }
                p = new FloatPointer(Math.max(size, 1));
                f32[slot] = p;
            }
            return p;
        }
    }

    // ---------------------------------------------------------------- float64

    /** See {@link Gemm#multiply(double[], int, int, int, double[], int, int, int, double[], int, int, int, int)}. */
    static void multiply(double[] a, int ao, int ai, int ap, double[] b, int bo, int bp, int bj,
            double[] c, int co, int m, int k, int n, int threads) {
        useThreads(threads);
        Staging s = STAGING.get();
        DoublePointer pa = s.f64(0, (long) m * k);
        DoublePointer pb = s.f64(1, (long) k * n);
        DoublePointer pc = s.f64(2, (long) m * n);
        int transA = stage(s, a, ao, ai, ap, m, k, pa);
        int transB = stage(s, b, bo, bp, bj, k, n, pb);
        cblas_dgemm(CblasRowMajor, transA, transB, m, n, k, 1.0, pa, transA == CblasNoTrans ? k : m,
                pb, transB == CblasNoTrans ? n : k, 0.0, pc, n);
        pc.get(c, co, m * n);
    }

    /**
     * How the rows × cols matrix X(r, q) = x[o + r·rs + q·qs] is copied into a staging buffer,
     * and the CBLAS flag that reads it back: one bulk copy when X (or Xᵀ) is stored row-major
     * without gaps, one copy per row (or column) when only those are contiguous and long enough,
     * otherwise a gather on the heap first.
     */
    private enum Layout {
        WHOLE(CblasNoTrans), WHOLE_TRANSPOSED(CblasTrans), ROWS(CblasNoTrans), COLUMNS(CblasTrans), GATHER(CblasNoTrans);

        final int flag;

        Layout(int flag) {
            this.flag = flag;
        }

        static Layout of(int rs, int qs, int rows, int cols) {
            if (qs == 1 && (rs == cols || rows == 1)) {
                return WHOLE;
            }
            if (rs == 1 && (qs == rows || cols == 1)) {
                return WHOLE_TRANSPOSED;
            }
            if (qs == 1 && cols >= MIN_RUN) {
                return ROWS;
            }
            return rs == 1 && rows >= MIN_RUN ? COLUMNS : GATHER;
        }
    }

    /** Copies X (see {@link Layout}) into {@code p} at position 0 and returns the CBLAS flag that reads it back. */
    private static int stage(Staging s, double[] x, int o, int rs, int qs, int rows, int cols, DoublePointer p) {
        Layout layout = Layout.of(rs, qs, rows, cols);
        switch (layout) {
            case WHOLE, WHOLE_TRANSPOSED -> p.position(0).put(x, o, rows * cols);
            case ROWS -> {
                for (int r = 0; r < rows; r++) {
                    p.position((long) r * cols).put(x, o + r * rs, cols);
                }
            }
            case COLUMNS -> {
                for (int q = 0; q < cols; q++) {
                    p.position((long) q * rows).put(x, o + q * qs, rows);
                }
            }
            case GATHER -> {
                if (s.gather64.length < rows * cols) {
                    s.gather64 = new double[rows * cols];
                }
                double[] g = s.gather64;
                for (int r = 0; r < rows; r++) {
                    for (int q = 0; q < cols; q++) {
                        g[r * cols + q] = x[o + r * rs + q * qs];
                    }
                }
                p.position(0).put(g, 0, rows * cols);
            }
        }
        p.position(0);
        return layout.flag;
    }

    // ---------------------------------------------------------------- float32

    /** See {@link Gemm#multiply(float[], int, int, int, float[], int, int, int, float[], int, int, int, int)}. */
    static void multiply(float[] a, int ao, int ai, int ap, float[] b, int bo, int bp, int bj,
            float[] c, int co, int m, int k, int n, int threads) {
        useThreads(threads);
        Staging s = STAGING.get();
        FloatPointer pa = s.f32(0, (long) m * k);
        FloatPointer pb = s.f32(1, (long) k * n);
        FloatPointer pc = s.f32(2, (long) m * n);
        int transA = stage(s, a, ao, ai, ap, m, k, pa);
        int transB = stage(s, b, bo, bp, bj, k, n, pb);
        cblas_sgemm(CblasRowMajor, transA, transB, m, n, k, 1f, pa, transA == CblasNoTrans ? k : m,
                pb, transB == CblasNoTrans ? n : k, 0f, pc, n);
        pc.get(c, co, m * n);
    }

    private static int stage(Staging s, float[] x, int o, int rs, int qs, int rows, int cols, FloatPointer p) {
        Layout layout = Layout.of(rs, qs, rows, cols);
        switch (layout) {
            case WHOLE, WHOLE_TRANSPOSED -> p.position(0).put(x, o, rows * cols);
            case ROWS -> {
                for (int r = 0; r < rows; r++) {
                    p.position((long) r * cols).put(x, o + r * rs, cols);
                }
            }
            case COLUMNS -> {
                for (int q = 0; q < cols; q++) {
                    p.position((long) q * rows).put(x, o + q * qs, rows);
                }
            }
            case GATHER -> {
                if (s.gather32.length < rows * cols) {
                    s.gather32 = new float[rows * cols];
                }
                float[] g = s.gather32;
                for (int r = 0; r < rows; r++) {
                    for (int q = 0; q < cols; q++) {
                        g[r * cols + q] = x[o + r * rs + q * qs];
                    }
                }
                p.position(0).put(g, 0, rows * cols);
            }
        }
        p.position(0);
        return layout.flag;
    }
}
