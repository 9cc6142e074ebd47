package dev.gradus.blas;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import dev.gradus.tensor.Parallel;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
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
 *
 * <p>OpenBLAS runs single-threaded: a product is split across the runtime's own
 * {@link Parallel} threads by blocks of C's rows, each thread staging its rows of A, all of B
 * and its rows of C through its own buffers and calling {@code cblas_?gemm} on them. Blocks
 * start at multiples of {@link #ROW_UNIT} rows, a multiple of the row tile of OpenBLAS's x86
 * kernels (12 rows in float32 and 2 in float64 on Haswell and Zen, 4 and 2 on Skylake-X), so
 * every row falls in the same tile, and gets the same bits, for any thread count (measured;
 * splitting by columns changed the bits at every cut tried). OpenBLAS's own worker
 * threads, which keep spinning for a while after each threaded call, would otherwise compete
 * with the runtime's threads for the same cores between products. This class sets OpenBLAS's
 * process-wide thread count to 1 before its first product; code that calls OpenBLAS directly
 * and raises it should set it back to 1 before products run here.
 */
final class OpenBlasGemm {
    private static final ThreadLocal<Staging> STAGING = ThreadLocal.withInitial(Staging::new);
    // Shorter contiguous runs are gathered on the heap: one bulk copy beats many tiny ones.
    private static final int MIN_RUN = 16;
    // Multiply-adds below which a product is not worth handing to another thread: each thread
    // stages the shared operand again, and the hand-over costs a few microseconds.
    private static final long WORK_PER_THREAD = 1L << 18;
    /** Rows of C per unit of the split between threads. */
    static final int ROW_UNIT = 24;
    private static final ThreadLocal<Operands> JOBS = ThreadLocal.withInitial(Operands::new);
    private static volatile boolean singleThreaded;

    private OpenBlasGemm() {
    }

    /**
     * Loads the native library (extracting it to JavaCPP's cache the first time) and warms it
     * up on the calling thread (see {@link #warmUp()}).
     *
     * @throws LinkageError or RuntimeException when the platform has no native build, the jars
     *     are missing, or the library cannot be extracted or loaded
     */
    static void load() {
        Loader.load(openblas_nolapack.class);
        STAGING.get();
    }

    /**
     * Runs one single-threaded 512³ float32 product on zeros (about 10 ms), once on each thread
     * that calls OpenBLAS here, before its first product (from {@link Staging}'s constructor).
     * Measured with OpenBLAS 0.3.31 on AMD Zen 1: on a thread whose first single-threaded sgemm
     * was small, every later sgemm up to about 300³ on that thread ran 3–3.5× slower
     * (256×512×256: 7.3 instead of 2.1 ms; two sequential 128×784×256 products on a pool thread:
     * 9.0 ms, 3.5 after the warm-up) for as long as it lived, until one product of 384³ or more
     * had run; a first product that large avoids it, whatever the products after it.
     */
    private static void warmUp() {
        useOneThread();
        int n = 512;
        long size = (long) n * n;
        try (FloatPointer a = new FloatPointer(size); FloatPointer b = new FloatPointer(size); FloatPointer c = new FloatPointer(size)) {
            Pointer.memset(a, 0, size * Float.BYTES);
            Pointer.memset(b, 0, size * Float.BYTES);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1f, a, n, b, n, 0f, c, n);
        }
    }

    // OpenBLAS's thread count is process-wide, and setting it is not free (JavaCPP looks the
    // function up and allocates on each call): set it once.
    private static void useOneThread() {
        if (!singleThreaded) {
            synchronized (OpenBlasGemm.class) {
                if (!singleThreaded) {
                    blas_set_num_threads(1);
                    singleThreaded = true;
                }
            }
        }
    }

    /** Runs {@code body} over C's blocks of {@link #ROW_UNIT} rows on up to {@code threads} threads. */
    private static <A, B> void split(A a, B b, Object c, Operands job, int threads, Parallel.Body<A, B, Object, Operands> body) {
        useOneThread();
        Operands.split(a, b, c, job, (job.m + ROW_UNIT - 1) / ROW_UNIT, WORK_PER_THREAD, threads, body);
    }

    /**
     * One thread's off-heap staging buffers, one per operand and dtype, grown on demand; made at
     * the thread's first call, after OpenBLAS's warm-up on it.
     */
    private static final class Staging {
        final DoublePointer[] f64 = new DoublePointer[3];
        final FloatPointer[] f32 = new FloatPointer[3];
        double[] gather64 = new double[0];
        float[] gather32 = new float[0];

        /** A thread's first call: see {@link #warmUp()}. */
        Staging() {
            warmUp();
        }

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

    /** See {@link Gemm#multiply(double[], int, int, int, double[], int, int, int, double[], int, int, int, int)}; requires m, k, n ≥ 1. */
    static void multiply(double[] a, int ao, int ai, int ap, double[] b, int bo, int bp, int bj,
            double[] c, int co, int m, int k, int n, int threads) {
        Operands job = JOBS.get();
        job.set(ao, ai, ap, bo, bp, bj, co, m, k, n);
        split(a, b, c, job, threads, OpenBlasGemm::range64);
    }

    private static void range64(double[] a, double[] b, Object c, Operands job, int from, int to) {
        block(a, b, (double[]) c, job, from / 16 * ROW_UNIT, Math.min(job.m, to / 16 * ROW_UNIT));
    }

    /** C rows [i0, i1), staged through this thread's buffers. */
    private static void block(double[] a, double[] b, double[] c, Operands job, int i0, int i1) {
        int rows = i1 - i0;
        int k = job.k;
        int n = job.n;
        Staging s = STAGING.get();
        DoublePointer pa = s.f64(0, (long) rows * k);
        DoublePointer pb = s.f64(1, (long) k * n);
        DoublePointer pc = s.f64(2, (long) rows * n);
        int transA = stage(s, a, job.ao + i0 * job.ai, job.ai, job.ap, rows, k, pa);
        int transB = stage(s, b, job.bo, job.bp, job.bj, k, n, pb);
        cblas_dgemm(CblasRowMajor, transA, transB, rows, n, k, 1.0, pa, transA == CblasNoTrans ? k : rows,
                pb, transB == CblasNoTrans ? n : k, 0.0, pc, n);
        pc.get(c, job.co + i0 * n, rows * n);
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

    /** See {@link Gemm#multiply(float[], int, int, int, float[], int, int, int, float[], int, int, int, int)}; requires m, k, n ≥ 1. */
    static void multiply(float[] a, int ao, int ai, int ap, float[] b, int bo, int bp, int bj,
            float[] c, int co, int m, int k, int n, int threads) {
        Operands job = JOBS.get();
        job.set(ao, ai, ap, bo, bp, bj, co, m, k, n);
        split(a, b, c, job, threads, OpenBlasGemm::range32);
    }

    private static void range32(float[] a, float[] b, Object c, Operands job, int from, int to) {
        block(a, b, (float[]) c, job, from / 16 * ROW_UNIT, Math.min(job.m, to / 16 * ROW_UNIT));
    }

    /** C rows [i0, i1), staged through this thread's buffers. */
    private static void block(float[] a, float[] b, float[] c, Operands job, int i0, int i1) {
        int rows = i1 - i0;
        int k = job.k;
        int n = job.n;
        Staging s = STAGING.get();
        FloatPointer pa = s.f32(0, (long) rows * k);
        FloatPointer pb = s.f32(1, (long) k * n);
        FloatPointer pc = s.f32(2, (long) rows * n);
        int transA = stage(s, a, job.ao + i0 * job.ai, job.ai, job.ap, rows, k, pa);
        int transB = stage(s, b, job.bo, job.bp, job.bj, k, n, pb);
        cblas_sgemm(CblasRowMajor, transA, transB, rows, n, k, 1f, pa, transA == CblasNoTrans ? k : rows,
                pb, transB == CblasNoTrans ? n : k, 0f, pc, n);
        pc.get(c, job.co + i0 * n, rows * n);
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
