package dev.gradus.blas;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pure-Java GEMM kernel: works on every JVM and platform, with any strides (negative
 * ones included).
 *
 * <p>The general case packs op(B) into contiguous rows when its columns are not unit-stride,
 * then walks C in column blocks × depth blocks so that a block of B stays in cache while every
 * row of A passes over it. The innermost loop updates one row of C from four rows of B
 * ({@code C(i, j) += a0·B(p, j) + a1·B(p+1, j) + a2·B(p+2, j) + a3·B(p+3, j)}): one load and
 * one store of C per four multiply-adds, a loop C2 auto-vectorizes. Rows of C are split among
 * up to {@code threads} threads when the product is large enough to pay for the fork.
 */
final class JavaGemm {
    // Below this many multiply-adds per extra thread a fork costs more than it saves.
    private static final long WORK_PER_THREAD = 1L << 18;
    // A depth block of B (DEPTH_BLOCK rows × a column block) should sit in L2: 128 × 256
    // doubles or 128 × 512 floats is 256 KiB.
    private static final int DEPTH_BLOCK = 128;
    private static final int COLUMN_BLOCK_F64 = 256;
    private static final int COLUMN_BLOCK_F32 = 512;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread packing buffers, grown on demand and kept for the next call. */
    private static final class Scratch {
        double[] f64 = new double[0];
        float[] f32 = new float[0];

        double[] f64(int size) {
            if (f64.length < size) {
                f64 = new double[size];
            }
            return f64;
        }

        float[] f32(int size) {
            if (f32.length < size) {
                f32 = new float[size];
            }
            return f32;
        }
    }

    private JavaGemm() {
    }

    /** How many threads share m rows of {@code work} multiply-adds: 1 when a fork would not pay. */
    private static int parts(int m, long work, int threads) {
        return (int) Math.min(Math.min(threads, m), Math.max(1, work / WORK_PER_THREAD));
    }

    /** Runs {@code rows(from, to)} over [0, m) in {@code parts} shares; the caller takes the first. */
    private static void forkRows(int m, int parts, RowTask rows) {
        int chunk = (m + parts - 1) / parts;
        CompletableFuture<?>[] others = new CompletableFuture<?>[parts - 1];
        for (int t = 1; t < parts; t++) {
            int from = Math.min(m, t * chunk);
            int to = Math.min(m, from + chunk);
            others[t - 1] = CompletableFuture.runAsync(() -> rows.run(from, to), Pool.EXECUTOR);
        }
        try {
            rows.run(0, Math.min(m, chunk));
        } finally {
            // Every share must be finished before C is handed back, whether or not ours failed.
            for (CompletableFuture<?> f : others) {
                try {
                    f.join();
                } catch (CompletionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw e;
                }
            }
        }
    }

    @FunctionalInterface
    private interface RowTask {
        void run(int from, int to);
    }

    /** Daemon worker threads shared by every product; created on the first parallel product. */
    private static final class Pool {
        private static final AtomicInteger COUNT = new AtomicInteger();
        static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "gradus-gemm-" + COUNT.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    // ---------------------------------------------------------------- float64

    /** See {@link Gemm#multiply(double[], int, int, int, double[], int, int, int, double[], int, int, int, int)}. */
    static void multiply(double[] a, int ao, int ai, int ap, double[] b, int bo, int bp, int bj,
            double[] c, int co, int m, int k, int n, int threads) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(c, co, co + m * n, 0.0);
            return;
        }
        if (n == 1) {
            matrixVector(a, ao, ai, ap, b, bo, bp, c, co, m, k);
            return;
        }
        double[] pb = b;
        int pbo = bo;
        int pbp = bp;
        if (bj != 1) {
            // Gather op(B) into contiguous rows: O(k·n) against the O(m·k·n) product.
            pb = SCRATCH.get().f64(k * n);
            for (int p = 0; p < k; p++) {
                int src = bo + p * bp;
                int dst = p * n;
                for (int j = 0; j < n; j++) {
                    pb[dst + j] = b[src + j * bj];
                }
            }
            pbo = 0;
            pbp = n;
        }
        int parts = parts(m, (long) m * k * n, threads);
        if (parts == 1) {
            // No lambda on this path: a TapeMachine run of small products allocates nothing.
            rowBlock(a, ao, ai, ap, pb, pbo, pbp, c, co, 0, m, k, n);
            return;
        }
        double[] fb = pb;
        int fbo = pbo;
        int fbp = pbp;
        forkRows(m, parts, (from, to) -> rowBlock(a, ao, ai, ap, fb, fbo, fbp, c, co, from, to, k, n));
    }

    private static void rowBlock(double[] a, int ao, int ai, int ap, double[] b, int bo, int bp,
            double[] c, int co, int from, int to, int k, int n) {
        Arrays.fill(c, co + from * n, co + to * n, 0.0);
        for (int jj = 0; jj < n; jj += COLUMN_BLOCK_F64) {
            int jEnd = Math.min(n, jj + COLUMN_BLOCK_F64);
            for (int pp = 0; pp < k; pp += DEPTH_BLOCK) {
                int pEnd = Math.min(k, pp + DEPTH_BLOCK);
                for (int i = from; i < to; i++) {
                    int cRow = co + i * n;
                    int aRow = ao + i * ai;
                    int p = pp;
                    for (; p + 4 <= pEnd; p += 4) {
                        double a0 = a[aRow + p * ap];
                        double a1 = a[aRow + (p + 1) * ap];
                        double a2 = a[aRow + (p + 2) * ap];
                        double a3 = a[aRow + (p + 3) * ap];
                        int r0 = bo + p * bp;
                        int r1 = r0 + bp;
                        int r2 = r1 + bp;
                        int r3 = r2 + bp;
                        for (int j = jj; j < jEnd; j++) {
                            c[cRow + j] += a0 * b[r0 + j] + a1 * b[r1 + j] + a2 * b[r2 + j] + a3 * b[r3 + j];
                        }
                    }
                    for (; p < pEnd; p++) {
                        double av = a[aRow + p * ap];
                        int r = bo + p * bp;
                        for (int j = jj; j < jEnd; j++) {
                            c[cRow + j] += av * b[r + j];
                        }
                    }
                }
            }
        }
    }

    // A matrix-vector product reads each element of A once: memory-bound, so no blocking; the
    // loop order follows A's layout so that the inner loop walks A contiguously when it can.
    private static void matrixVector(double[] a, int ao, int ai, int ap, double[] v, int vo, int vp,
            double[] c, int co, int m, int k) {
        if (ai == 1 && ap != 1) {
            // Columns of op(A) are contiguous (A stored transposed): c += A(·, p)·v_p.
            Arrays.fill(c, co, co + m, 0.0);
            for (int p = 0; p < k; p++) {
                double vv = v[vo + p * vp];
                int aCol = ao + p * ap;
                for (int i = 0; i < m; i++) {
                    c[co + i] += a[aCol + i] * vv;
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int aRow = ao + i * ai;
            double s = 0;
            for (int p = 0; p < k; p++) {
                s += a[aRow + p * ap] * v[vo + p * vp];
            }
            c[co + i] = s;
        }
    }

    // ---------------------------------------------------------------- float32
    // The float32 twins of the loops above; sums accumulate in float, as BLAS sgemm does.

    /** See {@link Gemm#multiply(float[], int, int, int, float[], int, int, int, float[], int, int, int, int)}. */
    static void multiply(float[] a, int ao, int ai, int ap, float[] b, int bo, int bp, int bj,
            float[] c, int co, int m, int k, int n, int threads) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(c, co, co + m * n, 0f);
            return;
        }
        if (n == 1) {
            matrixVector(a, ao, ai, ap, b, bo, bp, c, co, m, k);
            return;
        }
        float[] pb = b;
        int pbo = bo;
        int pbp = bp;
        if (bj != 1) {
            pb = SCRATCH.get().f32(k * n);
            for (int p = 0; p < k; p++) {
                int src = bo + p * bp;
                int dst = p * n;
                for (int j = 0; j < n; j++) {
                    pb[dst + j] = b[src + j * bj];
                }
            }
            pbo = 0;
            pbp = n;
        }
        int parts = parts(m, (long) m * k * n, threads);
        if (parts == 1) {
            // No lambda on this path: a TapeMachine run of small products allocates nothing.
            rowBlock(a, ao, ai, ap, pb, pbo, pbp, c, co, 0, m, k, n);
            return;
        }
        float[] fb = pb;
        int fbo = pbo;
        int fbp = pbp;
        forkRows(m, parts, (from, to) -> rowBlock(a, ao, ai, ap, fb, fbo, fbp, c, co, from, to, k, n));
    }

    private static void rowBlock(float[] a, int ao, int ai, int ap, float[] b, int bo, int bp,
            float[] c, int co, int from, int to, int k, int n) {
        Arrays.fill(c, co + from * n, co + to * n, 0f);
        for (int jj = 0; jj < n; jj += COLUMN_BLOCK_F32) {
            int jEnd = Math.min(n, jj + COLUMN_BLOCK_F32);
            for (int pp = 0; pp < k; pp += DEPTH_BLOCK) {
                int pEnd = Math.min(k, pp + DEPTH_BLOCK);
                for (int i = from; i < to; i++) {
                    int cRow = co + i * n;
                    int aRow = ao + i * ai;
                    int p = pp;
                    for (; p + 4 <= pEnd; p += 4) {
                        float a0 = a[aRow + p * ap];
                        float a1 = a[aRow + (p + 1) * ap];
                        float a2 = a[aRow + (p + 2) * ap];
                        float a3 = a[aRow + (p + 3) * ap];
                        int r0 = bo + p * bp;
                        int r1 = r0 + bp;
                        int r2 = r1 + bp;
                        int r3 = r2 + bp;
                        for (int j = jj; j < jEnd; j++) {
                            c[cRow + j] += a0 * b[r0 + j] + a1 * b[r1 + j] + a2 * b[r2 + j] + a3 * b[r3 + j];
                        }
                    }
                    for (; p < pEnd; p++) {
                        float av = a[aRow + p * ap];
                        int r = bo + p * bp;
                        for (int j = jj; j < jEnd; j++) {
                            c[cRow + j] += av * b[r + j];
                        }
                    }
                }
            }
        }
    }

    private static void matrixVector(float[] a, int ao, int ai, int ap, float[] v, int vo, int vp,
            float[] c, int co, int m, int k) {
        if (ai == 1 && ap != 1) {
            Arrays.fill(c, co, co + m, 0f);
            for (int p = 0; p < k; p++) {
                float vv = v[vo + p * vp];
                int aCol = ao + p * ap;
                for (int i = 0; i < m; i++) {
                    c[co + i] += a[aCol + i] * vv;
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int aRow = ao + i * ai;
            float s = 0;
            for (int p = 0; p < k; p++) {
                s += a[aRow + p * ap] * v[vo + p * vp];
            }
            c[co + i] = s;
        }
    }
}
