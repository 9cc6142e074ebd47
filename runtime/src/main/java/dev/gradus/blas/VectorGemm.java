package dev.gradus.blas;

import dev.gradus.tensor.Parallel;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM in Java with the Vector API, on the Java heap: no copies to native memory and no
 * native threads, so products of the sizes a training step meets run without the staging and
 * thread hand-over costs of a native call. Links against {@code jdk.incubator.vector}: only
 * {@link Gemm} loads it, and only after {@link dev.gradus.tensor.VectorApi} found the module
 * present (then {@link #unsuitableShape()} decides whether it runs).
 *
 * <p>The loops are those of BLIS and OpenBLAS's level-3 drivers. C is cut into column blocks
 * of {@code NC} columns and op(B) into depth blocks of {@code KC} rows; each KC×NC block of
 * op(B) is packed into panels {@code NR} = two vectors wide (so B may have any strides; a
 * panel stays in L1 and the block in L3), and each {@code MR} = 6 rows of op(A) into a KC×6
 * panel read sequentially. The micro-kernel keeps a 6×NR tile of C in twelve vector
 * registers and does twelve fused multiply-adds per depth step, from two vector loads and six
 * broadcasts. B is always read from its packed panels, whose row stride is the constant NR
 * (reading B in place for a short A, with the stride as a kernel argument, made most products
 * slower: docs/ARCHITECTURE.md, "The vector kernel"). A full tile of the first depth block is
 * stored straight into C, later depth blocks are added to C two vectors a row, and edge tiles
 * are computed whole from zero-padded panels and only their valid part stored. Full-width
 * rows of B are packed with vector loads and stores, not {@code System.arraycopy} (whose call
 * costs as much as the copy at 32 or 64 bytes).
 *
 * <p>The work is split across up to {@link Parallel#threads()} threads by row panels or by
 * column panels, whichever are more, and only when each thread gets enough multiply-adds to
 * pay for the hand-over. Each element of C is summed in the same order whatever the split, so
 * results do not depend on the thread count. float32 products accumulate in float, as BLAS
 * {@code sgemm} does.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int LF = F.length();
    private static final int LD = D.length();

    /** Rows of C per micro-kernel tile. */
    static final int MR = 6;
    private static final int NRF = 2 * LF;
    private static final int NRD = 2 * LD;
    /** Depth block: a KC×NR panel of B and a KC×MR panel of A stay in L1 (16 and 6 KiB for float32 on AVX2). */
    static final int KC = 256;
    // Column block: a KC×NC block of B is 1 MiB, beyond L2 but within L3; each row panel of A
    // is packed once per block, so wider blocks pack A less often. Measured on Zen 1 (512 KiB
    // L2, 8 MiB L3), against 256 KiB blocks: 512³ and 1024³ products 1-14% faster in both
    // dtypes, a training step's products (a batch of 64 rows) unchanged.
    private static final int NCF = Math.max(NRF, 1024 / NRF * NRF);
    private static final int NCD = Math.max(NRD, 512 / NRD * NRD);
    // Multiply-adds a thread should get before another thread is worth waking.
    private static final long WORK_PER_THREAD = 1L << 17;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    private VectorGemm() {
    }

    /**
     * Returns null if the preferred vector shapes suit this kernel, else why not: fewer than
     * 4 float lanes or 2 double lanes gain nothing over {@link JavaGemm}.
     */
    static String unsuitableShape() {
        if (LF < 4 || LD < 2) {
            return "the preferred vector shape has " + LF + " float lanes and " + LD + " double lanes";
        }
        return null;
    }

    /**
     * Whether the preferred vectors are wider than 256 bits (AVX-512): the only hardware on which
     * {@link Gemm}'s hybrid route still hands large products to OpenBLAS, whose hand-written
     * kernels were not measured against this one there.
     */
    static boolean wideRegisters() {
        return F.vectorBitSize() > 256;
    }

    /**
     * One thread's packing buffers, each allocated once: the 1 MiB block of B of a dtype at the
     * thread's first product in that dtype, the small ones with the scratch.
     */
    private static final class Scratch {
        final float[] packA32 = new float[KC * MR];
        final float[] tile32 = new float[MR * NRF];
        final double[] packA64 = new double[KC * MR];
        final double[] tile64 = new double[MR * NRD];
        private float[] packB32;
        private double[] packB64;

        float[] packB32() {
            if (packB32 == null) {
                packB32 = new float[KC * NCF];
            }
            return packB32;
        }

        double[] packB64() {
            if (packB64 == null) {
                packB64 = new double[KC * NCD];
            }
            return packB64;
        }
    }

    /** A product's operands and how its panels are split between threads. */
    private static final class Job extends Operands {
        /** Whether the split is by row panels (else by column panels). */
        boolean byRows;
        /** Row or column panel width, matching {@link #byRows}. */
        int unit;

        void set(int ao, int ai, int ap, int bo, int bp, int bj, int co, int m, int k, int n, int nr) {
            set(ao, ai, ap, bo, bp, bj, co, m, k, n);
            int rowPanels = (m + MR - 1) / MR;
            int columnPanels = (n + nr - 1) / nr;
            this.byRows = rowPanels >= columnPanels;
            this.unit = byRows ? MR : nr;
        }

        int units() {
            return byRows ? (m + MR - 1) / MR : (n + unit - 1) / unit;
        }
    }

    // ---------------------------------------------------------------- float32

    /** See {@link Gemm#multiply(float[], int, int, int, float[], int, int, int, float[], int, int, int, int)}; requires m, k, n ≥ 1. */
    static void multiply(float[] a, int ao, int ai, int ap, float[] b, int bo, int bp, int bj,
            float[] c, int co, int m, int k, int n, int threads) {
        Job job = JOBS.get();
        job.set(ao, ai, ap, bo, bp, bj, co, m, k, n, NRF);
        Operands.split(a, b, c, job, job.units(), WORK_PER_THREAD, threads, VectorGemm::range32);
    }

    private static void range32(float[] a, float[] b, Object c, Job job, int from, int to) {
        int lo = from / 16 * job.unit;
        int hi = to / 16 * job.unit;
        if (job.byRows) {
            block(a, b, (float[]) c, job, lo, Math.min(job.m, hi), 0, job.n);
        } else {
            block(a, b, (float[]) c, job, 0, job.m, lo, Math.min(job.n, hi));
        }
    }

    /** C rows [i0, i1) × columns [j0, j1). */
    private static void block(float[] a, float[] b, float[] c, Job job, int i0, int i1, int j0, int j1) {
        Scratch s = SCRATCH.get();
        float[] packA = s.packA32;
        float[] packB = s.packB32();
        int k = job.k;
        int n = job.n;
        int bp = job.bp;
        for (int jc = j0; jc < j1; jc += NCF) {
            int cols = Math.min(NCF, j1 - jc);
            int panels = (cols + NRF - 1) / NRF;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean overwrite = pc == 0;
                for (int q = 0; q < panels; q++) {
                    packB(b, job.bo + pc * bp + (jc + q * NRF) * job.bj, bp, job.bj, kc,
                            Math.min(NRF, cols - q * NRF), packB, q * kc * NRF);
                }
                for (int i = i0; i < i1; i += MR) {
                    int rows = Math.min(MR, i1 - i);
                    packA(a, job.ao + i * job.ai + pc * job.ap, job.ai, job.ap, kc, rows, packA);
                    for (int q = 0; q < panels; q++) {
                        int j = jc + q * NRF;
                        int cOffset = job.co + i * n + j;
                        int width = Math.min(NRF, cols - q * NRF);
                        kernel(packA, packB, q * kc * NRF, kc, c, cOffset, n, rows, width, overwrite, s.tile32);
                    }
                }
            }
        }
    }

    /** Packs kc rows × {@code width} columns of B (zero-padded to NR) into {@code dst} at {@code at}, row by row. */
    private static void packB(float[] b, int offset, int bp, int bj, int kc, int width, float[] dst, int at) {
        for (int p = 0; p < kc; p++, at += NRF) {
            int src = offset + p * bp;
            if (bj == 1 && width == NRF) {
                FloatVector.fromArray(F, b, src).intoArray(dst, at);
                FloatVector.fromArray(F, b, src + LF).intoArray(dst, at + LF);
            } else {
                int q = 0;
                for (; q < width; q++) {
                    dst[at + q] = b[src + q * bj];
                }
                for (; q < NRF; q++) {
                    dst[at + q] = 0f;
                }
            }
        }
    }

    /** Packs {@code rows} rows × kc columns of A (zero-padded to MR rows) into {@code dst}, column by column. */
    private static void packA(float[] a, int offset, int ai, int ap, int kc, int rows, float[] dst) {
        for (int p = 0, at = 0; p < kc; p++, at += MR) {
            int src = offset + p * ap;
            int r = 0;
            for (; r < rows; r++) {
                dst[at + r] = a[src + r * ai];
            }
            for (; r < MR; r++) {
                dst[at + r] = 0f;
            }
        }
    }

    /**
     * The 6×NR tile of C at {@code cOffset} (row stride {@code ldc}), of which {@code rows} ×
     * {@code width} are stored: set to (or, unless {@code overwrite}, added to) the product of
     * the packed A panel (constant offsets: reading a strided A in place measured 10–15% slower
     * on every product) and the packed kc×NR panel of B at {@code bOffset}.
     */
    private static void kernel(float[] pa, float[] pb, int bOffset, int kc, float[] c, int cOffset,
            int ldc, int rows, int width, boolean overwrite, float[] tile) {
        boolean intoC = overwrite && rows == MR && width == NRF;
        float[] dst = intoC ? c : tile;
        int d = intoC ? cOffset : 0;
        int ds = intoC ? ldc : NRF;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0, at = 0, bt = bOffset; p < kc; p++, at += MR, bt += NRF) {
            FloatVector b0 = FloatVector.fromArray(F, pb, bt);
            FloatVector b1 = FloatVector.fromArray(F, pb, bt + LF);
            FloatVector x = FloatVector.broadcast(F, pa[at]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, pa[at + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, pa[at + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, pa[at + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, pa[at + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, pa[at + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // One copy of the stores, into C itself for a full tile of the first depth block, else
        // into the tile and from there by storeTile: this keeps the method small enough that C2
        // inlines and intrinsifies every vector operation in it (with a second copy of the
        // stores for full tiles, the float64 kernel sometimes compiled to the Vector API's
        // allocating Java fallbacks and ran at half speed for the rest of the run).
        c00.intoArray(dst, d);
        c01.intoArray(dst, d + LF);
        c10.intoArray(dst, d + ds);
        c11.intoArray(dst, d + ds + LF);
        c20.intoArray(dst, d + 2 * ds);
        c21.intoArray(dst, d + 2 * ds + LF);
        c30.intoArray(dst, d + 3 * ds);
        c31.intoArray(dst, d + 3 * ds + LF);
        c40.intoArray(dst, d + 4 * ds);
        c41.intoArray(dst, d + 4 * ds + LF);
        c50.intoArray(dst, d + 5 * ds);
        c51.intoArray(dst, d + 5 * ds + LF);
        if (!intoC) {
            storeTile(tile, c, cOffset, ldc, rows, width, overwrite);
        }
    }

    /**
     * Stores (or adds) the top-left rows × width of a 6×NR tile into C at {@code cOffset}, row
     * stride {@code ldc}: two vectors a row when the tile is full width (a full tile of a later
     * depth block, or a full-width tile of a short row panel), element by element otherwise.
     */
    private static void storeTile(float[] tile, float[] c, int cOffset, int ldc, int rows, int width, boolean overwrite) {
        if (width == NRF) {
            for (int r = 0; r < rows; r++) {
                int row = cOffset + r * ldc;
                int at = r * NRF;
                FloatVector t0 = FloatVector.fromArray(F, tile, at);
                FloatVector t1 = FloatVector.fromArray(F, tile, at + LF);
                if (!overwrite) {
                    t0 = t0.add(FloatVector.fromArray(F, c, row));
                    t1 = t1.add(FloatVector.fromArray(F, c, row + LF));
                }
                t0.intoArray(c, row);
                t1.intoArray(c, row + LF);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            int row = cOffset + r * ldc;
            int at = r * NRF;
            if (overwrite) {
                System.arraycopy(tile, at, c, row, width);
            } else {
                for (int q = 0; q < width; q++) {
                    c[row + q] += tile[at + q];
                }
            }
        }
    }

    // ---------------------------------------------------------------- float64

    /** See {@link Gemm#multiply(double[], int, int, int, double[], int, int, int, double[], int, int, int, int)}; requires m, k, n ≥ 1. */
    static void multiply(double[] a, int ao, int ai, int ap, double[] b, int bo, int bp, int bj,
            double[] c, int co, int m, int k, int n, int threads) {
        Job job = JOBS.get();
        job.set(ao, ai, ap, bo, bp, bj, co, m, k, n, NRD);
        Operands.split(a, b, c, job, job.units(), WORK_PER_THREAD, threads, VectorGemm::range64);
    }

    private static void range64(double[] a, double[] b, Object c, Job job, int from, int to) {
        int lo = from / 16 * job.unit;
        int hi = to / 16 * job.unit;
        if (job.byRows) {
            block(a, b, (double[]) c, job, lo, Math.min(job.m, hi), 0, job.n);
        } else {
            block(a, b, (double[]) c, job, 0, job.m, lo, Math.min(job.n, hi));
        }
    }

    private static void block(double[] a, double[] b, double[] c, Job job, int i0, int i1, int j0, int j1) {
        Scratch s = SCRATCH.get();
        double[] packA = s.packA64;
        double[] packB = s.packB64();
        int k = job.k;
        int n = job.n;
        int bp = job.bp;
        for (int jc = j0; jc < j1; jc += NCD) {
            int cols = Math.min(NCD, j1 - jc);
            int panels = (cols + NRD - 1) / NRD;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean overwrite = pc == 0;
                for (int q = 0; q < panels; q++) {
                    packB(b, job.bo + pc * bp + (jc + q * NRD) * job.bj, bp, job.bj, kc,
                            Math.min(NRD, cols - q * NRD), packB, q * kc * NRD);
                }
                for (int i = i0; i < i1; i += MR) {
                    int rows = Math.min(MR, i1 - i);
                    packA(a, job.ao + i * job.ai + pc * job.ap, job.ai, job.ap, kc, rows, packA);
                    for (int q = 0; q < panels; q++) {
                        int j = jc + q * NRD;
                        int cOffset = job.co + i * n + j;
                        int width = Math.min(NRD, cols - q * NRD);
                        kernel(packA, packB, q * kc * NRD, kc, c, cOffset, n, rows, width, overwrite, s.tile64);
                    }
                }
            }
        }
    }

    private static void packB(double[] b, int offset, int bp, int bj, int kc, int width, double[] dst, int at) {
        for (int p = 0; p < kc; p++, at += NRD) {
            int src = offset + p * bp;
            if (bj == 1 && width == NRD) {
                DoubleVector.fromArray(D, b, src).intoArray(dst, at);
                DoubleVector.fromArray(D, b, src + LD).intoArray(dst, at + LD);
            } else {
                int q = 0;
                for (; q < width; q++) {
                    dst[at + q] = b[src + q * bj];
                }
                for (; q < NRD; q++) {
                    dst[at + q] = 0.0;
                }
            }
        }
    }

    private static void packA(double[] a, int offset, int ai, int ap, int kc, int rows, double[] dst) {
        for (int p = 0, at = 0; p < kc; p++, at += MR) {
            int src = offset + p * ap;
            int r = 0;
            for (; r < rows; r++) {
                dst[at + r] = a[src + r * ai];
            }
            for (; r < MR; r++) {
                dst[at + r] = 0.0;
            }
        }
    }

    private static void kernel(double[] pa, double[] pb, int bOffset, int kc, double[] c, int cOffset,
            int ldc, int rows, int width, boolean overwrite, double[] tile) {
        boolean intoC = overwrite && rows == MR && width == NRD;
        double[] dst = intoC ? c : tile;
        int d = intoC ? cOffset : 0;
        int ds = intoC ? ldc : NRD;
        DoubleVector c00 = DoubleVector.zero(D);
        DoubleVector c01 = c00;
        DoubleVector c10 = c00;
        DoubleVector c11 = c00;
        DoubleVector c20 = c00;
        DoubleVector c21 = c00;
        DoubleVector c30 = c00;
        DoubleVector c31 = c00;
        DoubleVector c40 = c00;
        DoubleVector c41 = c00;
        DoubleVector c50 = c00;
        DoubleVector c51 = c00;
        for (int p = 0, at = 0, bt = bOffset; p < kc; p++, at += MR, bt += NRD) {
            DoubleVector b0 = DoubleVector.fromArray(D, pb, bt);
            DoubleVector b1 = DoubleVector.fromArray(D, pb, bt + LD);
            DoubleVector x = DoubleVector.broadcast(D, pa[at]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(D, pa[at + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(D, pa[at + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(D, pa[at + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(D, pa[at + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(D, pa[at + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // One copy of the stores, choosing only their destination: see the float32 kernel.
        c00.intoArray(dst, d);
        c01.intoArray(dst, d + LD);
        c10.intoArray(dst, d + ds);
        c11.intoArray(dst, d + ds + LD);
        c20.intoArray(dst, d + 2 * ds);
        c21.intoArray(dst, d + 2 * ds + LD);
        c30.intoArray(dst, d + 3 * ds);
        c31.intoArray(dst, d + 3 * ds + LD);
        c40.intoArray(dst, d + 4 * ds);
        c41.intoArray(dst, d + 4 * ds + LD);
        c50.intoArray(dst, d + 5 * ds);
        c51.intoArray(dst, d + 5 * ds + LD);
        if (!intoC) {
            storeTile(tile, c, cOffset, ldc, rows, width, overwrite);
        }
    }

    /** As the float32 {@code storeTile}. */
    private static void storeTile(double[] tile, double[] c, int cOffset, int ldc, int rows, int width, boolean overwrite) {
        if (width == NRD) {
            for (int r = 0; r < rows; r++) {
                int row = cOffset + r * ldc;
                int at = r * NRD;
                DoubleVector t0 = DoubleVector.fromArray(D, tile, at);
                DoubleVector t1 = DoubleVector.fromArray(D, tile, at + LD);
                if (!overwrite) {
                    t0 = t0.add(DoubleVector.fromArray(D, c, row));
                    t1 = t1.add(DoubleVector.fromArray(D, c, row + LD));
                }
                t0.intoArray(c, row);
                t1.intoArray(c, row + LD);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            int row = cOffset + r * ldc;
            int at = r * NRD;
            if (overwrite) {
                System.arraycopy(tile, at, c, row, width);
            } else {
                for (int q = 0; q < width; q++) {
                    c[row + q] += tile[at + q];
                }
            }
        }
    }
}
