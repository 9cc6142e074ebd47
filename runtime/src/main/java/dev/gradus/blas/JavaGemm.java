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
 * <p>C is walked in column blocks × depth blocks. Each depth × column block of op(B) is packed
 * into a contiguous per-thread panel (so B may have any strides, and the panel stays in
 * L2 while every row of A passes over it), and four rows of C are updated at a time from two
 * rows of the panel, held in separate per-thread row buffers: each panel element loaded
 * feeds eight multiply-adds, in a loop C2 auto-vectorizes. Rows of C are split among up to
 * {@code threads} threads when the product is large enough to pay for the fork.
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

    /** Per-thread packing buffers: a block of B and four rows of C, grown on demand and kept. */
    private static final class Scratch {
        double[] panel64 = new double[0];
        float[] panel32 = new float[0];
        final double[][] rows64 = new double[4][0];
        final float[][] rows32 = new float[4][0];

        double[] panel64(int size) {
            if (panel64.length < size) {
                panel64 = new double[size];
            }
            return panel64;
        }

        float[] panel32(int size) {
            if (panel32.length < size) {
                panel32 = new float[size];
            }
            return panel32;
        }

        double[] row64(int r, int size) {
            if (rows64[r].length < size) {
                rows64[r] = new double[size];
            }
            return rows64[r];
        }

        float[] row32(int r, int size) {
            if (rows32[r].length < size) {
                rows32[r] = new float[size];
            }
            return rows32[r];
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
        int parts = parts(m, (long) m * k * n, threads);
        if (parts == 1) {
            // No lambda on this path: a TapeMachine run of small products allocates nothing.
            rowBlock(a, ao, ai, ap, b, bo, bp, bj, c, co, 0, m, k, n);
            return;
        }
        forkRows(m, parts, (from, to) -> rowBlock(a, ao, ai, ap, b, bo, bp, bj, c, co, from, to, k, n));
    }

    private static void rowBlock(double[] a, int ao, int ai, int ap, double[] b, int bo, int bp, int bj,
            double[] c, int co, int from, int to, int k, int n) {
        Scratch s = SCRATCH.get();
        double[] panel = s.panel64(DEPTH_BLOCK * COLUMN_BLOCK_F64);
        double[] r0 = s.row64(0, COLUMN_BLOCK_F64);
        double[] r1 = s.row64(1, COLUMN_BLOCK_F64);
        double[] r2 = s.row64(2, COLUMN_BLOCK_F64);
        double[] r3 = s.row64(3, COLUMN_BLOCK_F64);
        Arrays.fill(c, co + from * n, co + to * n, 0.0);
        for (int jj = 0; jj < n; jj += COLUMN_BLOCK_F64) {
            int w = Math.min(n, jj + COLUMN_BLOCK_F64) - jj;
            for (int pp = 0; pp < k; pp += DEPTH_BLOCK) {
                int d = Math.min(k, pp + DEPTH_BLOCK) - pp;
                // Pack the d×w block of op(B) contiguously, whatever its strides.
                for (int p = 0; p < d; p++) {
                    int src = bo + (pp + p) * bp + jj * bj;
                    if (bj == 1) {
                        System.arraycopy(b, src, panel, p * w, w);
                    } else {
                        for (int j = 0; j < w; j++) {
                            panel[p * w + j] = b[src + j * bj];
                        }
                    }
                }
                int i = from;
                for (; i + 4 <= to; i += 4) {
                    // Four rows of C at once, in separate arrays: each element of the panel is
                    // loaded once for eight multiply-adds.
                    int c0 = co + i * n + jj;
                    System.arraycopy(c, c0, r0, 0, w);
                    System.arraycopy(c, c0 + n, r1, 0, w);
                    System.arraycopy(c, c0 + 2 * n, r2, 0, w);
                    System.arraycopy(c, c0 + 3 * n, r3, 0, w);
                    int a0 = ao + i * ai + pp * ap;
                    int a1 = a0 + ai;
                    int a2 = a1 + ai;
                    int a3 = a2 + ai;
                    int p = 0;
                    for (; p + 2 <= d; p += 2) {
                        int q = p * ap;
                        double x0 = a[a0 + q];
                        double x1 = a[a0 + q + ap];
                        double y0 = a[a1 + q];
                        double y1 = a[a1 + q + ap];
                        double z0 = a[a2 + q];
                        double z1 = a[a2 + q + ap];
                        double u0 = a[a3 + q];
                        double u1 = a[a3 + q + ap];
                        int b0 = p * w;
                        int b1 = b0 + w;
                        for (int j = 0; j < w; j++) {
                            double v0 = panel[b0 + j];
                            double v1 = panel[b1 + j];
                            r0[j] += x0 * v0 + x1 * v1;
                            r1[j] += y0 * v0 + y1 * v1;
                            r2[j] += z0 * v0 + z1 * v1;
                            r3[j] += u0 * v0 + u1 * v1;
                        }
                    }
                    if (p < d) {
                        int q = p * ap;
                        double x0 = a[a0 + q];
                        double y0 = a[a1 + q];
                        double z0 = a[a2 + q];
                        double u0 = a[a3 + q];
                        int b0 = p * w;
                        for (int j = 0; j < w; j++) {
                            double v0 = panel[b0 + j];
                            r0[j] += x0 * v0;
                            r1[j] += y0 * v0;
                            r2[j] += z0 * v0;
                            r3[j] += u0 * v0;
                        }
                    }
                    System.arraycopy(r0, 0, c, c0, w);
                    System.arraycopy(r1, 0, c, c0 + n, w);
                    System.arraycopy(r2, 0, c, c0 + 2 * n, w);
                    System.arraycopy(r3, 0, c, c0 + 3 * n, w);
                }
                for (; i < to; i++) {
                    int cRow = co + i * n + jj;
                    int aRow = ao + i * ai + pp * ap;
                    for (int p = 0; p < d; p++) {
                        double x = a[aRow + p * ap];
                        int b0 = p * w;
                        for (int j = 0; j < w; j++) {
                            c[cRow + j] += x * panel[b0 + j];
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
        int parts = parts(m, (long) m * k * n, threads);
        if (parts == 1) {
            // No lambda on this path: a TapeMachine run of small products allocates nothing.
            rowBlock(a, ao, ai, ap, b, bo, bp, bj, c, co, 0, m, k, n);
            return;
        }
        forkRows(m, parts, (from, to) -> rowBlock(a, ao, ai, ap, b, bo, bp, bj, c, co, from, to, k, n));
    }

    private static void rowBlock(float[] a, int ao, int ai, int ap, float[] b, int bo, int bp, int bj,
            float[] c, int co, int from, int to, int k, int n) {
        Scratch s = SCRATCH.get();
        float[] panel = s.panel32(DEPTH_BLOCK * COLUMN_BLOCK_F32);
        float[] r0 = s.row32(0, COLUMN_BLOCK_F32);
        float[] r1 = s.row32(1, COLUMN_BLOCK_F32);
        float[] r2 = s.row32(2, COLUMN_BLOCK_F32);
        float[] r3 = s.row32(3, COLUMN_BLOCK_F32);
        Arrays.fill(c, co + from * n, co + to * n, 0f);
        for (int jj = 0; jj < n; jj += COLUMN_BLOCK_F32) {
            int w = Math.min(n, jj + COLUMN_BLOCK_F32) - jj;
            for (int pp = 0; pp < k; pp += DEPTH_BLOCK) {
                int d = Math.min(k, pp + DEPTH_BLOCK) - pp;
                // Pack the d×w block of op(B) contiguously, whatever its strides.
                for (int p = 0; p < d; p++) {
                    int src = bo + (pp + p) * bp + jj * bj;
                    if (bj == 1) {
                        System.arraycopy(b, src, panel, p * w, w);
                    } else {
                        for (int j = 0; j < w; j++) {
                            panel[p * w + j] = b[src + j * bj];
                        }
                    }
                }
                int i = from;
                for (; i + 4 <= to; i += 4) {
                    // Four rows of C at once, in separate arrays: each element of the panel is
                    // loaded once for eight multiply-adds.
                    int c0 = co + i * n + jj;
                    System.arraycopy(c, c0, r0, 0, w);
                    System.arraycopy(c, c0 + n, r1, 0, w);
                    System.arraycopy(c, c0 + 2 * n, r2, 0, w);
                    System.arraycopy(c, c0 + 3 * n, r3, 0, w);
                    int a0 = ao + i * ai + pp * ap;
                    int a1 = a0 + ai;
                    int a2 = a1 + ai;
                    int a3 = a2 + ai;
                    int p = 0;
                    for (; p + 2 <= d; p += 2) {
                        int q = p * ap;
                        float x0 = a[a0 + q];
                        float x1 = a[a0 + q + ap];
                        float y0 = a[a1 + q];
                        float y1 = a[a1 + q + ap];
                        float z0 = a[a2 + q];
                        float z1 = a[a2 + q + ap];
                        float u0 = a[a3 + q];
                        float u1 = a[a3 + q + ap];
                        int b0 = p * w;
                        int b1 = b0 + w;
                        for (int j = 0; j < w; j++) {
                            float v0 = panel[b0 + j];
                            float v1 = panel[b1 + j];
                            r0[j] += x0 * v0 + x1 * v1;
                            r1[j] += y0 * v0 + y1 * v1;
                            r2[j] += z0 * v0 + z1 * v1;
                            r3[j] += u0 * v0 + u1 * v1;
                        }
                    }
                    if (p < d) {
                        int q = p * ap;
                        float x0 = a[a0 + q];
                        float y0 = a[a1 + q];
                        float z0 = a[a2 + q];
                        float u0 = a[a3 + q];
                        int b0 = p * w;
                        for (int j = 0; j < w; j++) {
                            float v0 = panel[b0 + j];
                            r0[j] += x0 * v0;
                            r1[j] += y0 * v0;
                            r2[j] += z0 * v0;
                            r3[j] += u0 * v0;
                        }
                    }
                    System.arraycopy(r0, 0, c, c0, w);
                    System.arraycopy(r1, 0, c, c0 + n, w);
                    System.arraycopy(r2, 0, c, c0 + 2 * n, w);
                    System.arraycopy(r3, 0, c, c0 + 3 * n, w);
                }
                for (; i < to; i++) {
                    int cRow = co + i * n + jj;
                    int aRow = ao + i * ai + pp * ap;
                    for (int p = 0; p < d; p++) {
                        float x = a[aRow + p * ap];
                        int b0 = p * w;
                        for (int j = 0; j < w; j++) {
                            c[cRow + j] += x * panel[b0 + j];
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
