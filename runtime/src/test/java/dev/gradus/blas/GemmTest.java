package dev.gradus.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradus.blas.Gemm.Backend;
import dev.gradus.tensor.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both backends against a naive triple loop in double, over shapes from 1×1×1 to blocks
 * larger than the kernels' blocking and fork thresholds, and over the storage layouts kernels
 * meet: contiguous, stored transposed, padded rows at an offset, every other element, and
 * negative strides.
 */
class GemmTest {
    private Backend saved;
    private int savedThreads;

    @BeforeEach
    void remember() {
        saved = Gemm.backend();
        savedThreads = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Gemm.setBackend(saved);
        Parallel.setThreads(savedThreads);
    }

    /** How a matrix's elements lie in its backing array. */
    enum Layout {
        CONTIGUOUS, TRANSPOSED, PADDED, STRIDED, REVERSED
    }

    /**
     * A rows×cols matrix stored as {@code layout} says, with NaN in every array slot it does
     * not use (so a kernel that reads outside the matrix poisons its result).
     */
    record Stored(double[] values, double[] data, int offset, int rowStride, int colStride, int rows, int cols) {
        double at(int r, int c) {
            return values[r * cols + c];
        }

        float[] data32() {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
            return f;
        }

        static Stored of(Random random, Layout layout, int rows, int cols, boolean float32) {
            double[] v = new double[rows * cols];
            for (int i = 0; i < v.length; i++) {
                double x = random.nextDouble() * 2 - 1;
                v[i] = float32 ? (float) x : x;
            }
            int offset;
            int rs;
            int cs;
            int size;
            switch (layout) {
                case CONTIGUOUS -> {
                    offset = 0;
                    rs = cols;
                    cs = 1;
                    size = rows * cols;
                }
                case TRANSPOSED -> {
                    offset = 0;
                    rs = 1;
                    cs = rows;
                    size = rows * cols;
                }
                case PADDED -> {
                    offset = 3;
                    rs = cols + 5;
                    cs = 1;
                    size = offset + rows * rs;
                }
                case STRIDED -> {
                    offset = 1;
                    rs = 2 * (2 * cols + 1);
                    cs = 2;
                    size = offset + rows * rs;
                }
                case REVERSED -> {
                    // Both axes walked backwards, as a [::-1, ::-1] slice of a contiguous matrix.
                    offset = rows * cols - 1;
                    rs = -cols;
                    cs = -1;
                    size = rows * cols;
                }
                default -> throw new AssertionError(layout);
            }
            double[] data = new double[Math.max(size, 1)];
            java.util.Arrays.fill(data, Double.NaN);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    data[offset + r * rs + c * cs] = v[r * cols + c];
                }
            }
            return new Stored(v, data, offset, rs, cs, rows, cols);
        }
    }

    // m, k, n: vectors and dots, tall and skinny, wide, odd sizes around the kernels' blocks
    // (depth 128 and 256, columns 128/256/512, 6-row tiles), and products above the native and
    // fork thresholds.
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 9, 1}, {7, 1, 5}, {6, 5, 1}, {1, 17, 40}, {40, 1, 33}, {3, 300, 2},
        {500, 3, 4}, {4, 3, 500}, {33, 65, 17}, {64, 131, 70}, {130, 129, 257}, {17, 300, 520}, {200, 40, 3},
        {100, 600, 7}, {97, 5, 300}, {6, 1000, 16}, {2, 2000, 9},
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Backend backend : Backend.values()) {
            for (boolean float32 : new boolean[] {false, true}) {
                for (int[] s : SHAPES) {
                    for (Layout la : Layout.values()) {
                        for (Layout lb : Layout.values()) {
                            // Every layout pair for a few shapes; for the others each layout once per
                            // operand, each time beside a different one.
                            boolean allPairs = s[0] * s[1] * s[2] == 35 || s[0] == 33;
                            if (!allPairs && lb.ordinal() != (la.ordinal() + 1) % Layout.values().length) {
                                continue;
                            }
                            out.add(Arguments.of(backend, float32, s[0], s[1], s[2], la, lb));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} float32={1} {2}x{3}x{4} A {5} B {6}")
    @MethodSource("cases")
    void matchesNaiveProduct(Backend backend, boolean float32, int m, int k, int n, Layout la, Layout lb) {
        assumeTrue(Gemm.isAvailable(backend), "OpenBLAS does not load here");
        Gemm.setBackend(backend);
        Random random = new Random(31L * m + 17L * k + n + la.ordinal() * 5L + lb.ordinal());
        Stored a = Stored.of(random, la, m, k, float32);
        Stored b = Stored.of(random, lb, k, n, float32);
        checkProduct(a, b, float32, 11);
    }

    /** Runs C = A·B into a block at {@code cOffset} of a larger array and checks every element. */
    private static void checkProduct(Stored a, Stored b, boolean float32, int cOffset) {
        int m = a.rows();
        int k = a.cols();
        int n = b.cols();
        double sentinel = 12345;
        double[] c = new double[cOffset + m * n + 7];
        if (float32) {
            float[] c32 = new float[c.length];
            java.util.Arrays.fill(c32, (float) sentinel);
            Gemm.multiply(a.data32(), a.offset(), a.rowStride(), a.colStride(), b.data32(), b.offset(), b.rowStride(),
                    b.colStride(), c32, cOffset, m, k, n);
            for (int i = 0; i < c.length; i++) {
                c[i] = c32[i];
            }
        } else {
            java.util.Arrays.fill(c, sentinel);
            Gemm.multiply(a.data(), a.offset(), a.rowStride(), a.colStride(), b.data(), b.offset(), b.rowStride(),
                    b.colStride(), c, cOffset, m, k, n);
        }
        for (int i = 0; i < cOffset; i++) {
            assertEquals(sentinel, c[i], "wrote before C at " + i);
        }
        for (int i = cOffset + m * n; i < c.length; i++) {
            assertEquals(sentinel, c[i], "wrote after C at " + i);
        }
        // Rounding error of a k-term dot product is at most about k·u·Σ|a·b| (u = half an ulp of 1).
        double eps = float32 ? Math.ulp(1f) : Math.ulp(1.0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    s += a.at(i, p) * b.at(p, j);
                    magnitude += Math.abs(a.at(i, p) * b.at(p, j));
                }
                double got = c[cOffset + i * n + j];
                double tolerance = (k + 2) * eps * magnitude + Double.MIN_NORMAL;
                if (!(Math.abs(got - s) <= tolerance)) {
                    fail("C(" + i + ", " + j + ") = " + got + ", expected " + s + " ± " + tolerance + " (m=" + m
                            + ", k=" + k + ", n=" + n + ")");
                }
            }
        }
    }

    @Test
    void emptyDepthGivesZeros() {
        for (Backend backend : Backend.values()) {
            assumeTrue(Gemm.isAvailable(backend));
            Gemm.setBackend(backend);
            double[] c = {1, 2, 3, 4, 5, 6, 7};
            Gemm.multiply(new double[0], 0, 0, 1, new double[0], 0, 3, 1, c, 1, 2, 0, 3);
            assertEquals(List.of(1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), toList(c));
        }
    }

    private static List<Double> toList(double[] c) {
        List<Double> l = new ArrayList<>();
        for (double v : c) {
            l.add(v);
        }
        return l;
    }

    @Test
    void negativeSizesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiply(new float[1], 0, 1, 1, new float[1], 0, 1, 1, new float[1], 0, 1, -1, 1));
        assertTrue(e.getMessage().contains("k=-1"), e.getMessage());
    }

    @Test
    void oneAndTwoThreadsAgree() {
        for (Backend backend : Backend.values()) {
            assumeTrue(Gemm.isAvailable(backend));
            Gemm.setBackend(backend);
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                Random random = new Random(threads);
                checkProduct(Stored.of(random, Layout.CONTIGUOUS, 190, 150, false),
                        Stored.of(random, Layout.TRANSPOSED, 150, 170, false), false, 0);
                checkProduct(Stored.of(random, Layout.PADDED, 190, 150, true),
                        Stored.of(random, Layout.CONTIGUOUS, 150, 170, true), true, 0);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"VECTOR", "OPENBLAS"})
    void nativeKernelsGiveTheSameBitsForAnyThreadCount(Backend backend) {
        assumeTrue(Gemm.isAvailable(backend));
        Gemm.setBackend(backend);
        Random random = new Random(11);
        // Split by row panels (tall), by column panels (wide), with depth blocks, and a tall one
        // cut into many of OpenBLAS's 24-row blocks.
        int[][] shapes = {{300, 70, 40}, {20, 90, 400}, {64, 600, 256}, {600, 50, 40}};
        for (int[] s : shapes) {
            float[] a32 = Stored.of(random, Layout.CONTIGUOUS, s[0], s[1], true).data32();
            float[] b32 = Stored.of(random, Layout.CONTIGUOUS, s[1], s[2], true).data32();
            double[] a64 = Stored.of(random, Layout.TRANSPOSED, s[0], s[1], false).data();
            double[] b64 = Stored.of(random, Layout.CONTIGUOUS, s[1], s[2], false).data();
            float[] first32 = null;
            double[] first64 = null;
            for (int threads : new int[] {1, 2, 3, 4}) {
                Parallel.setThreads(threads);
                float[] c32 = new float[s[0] * s[2]];
                double[] c64 = new double[s[0] * s[2]];
                Gemm.multiply(a32, 0, s[1], 1, b32, 0, s[2], 1, c32, 0, s[0], s[1], s[2]);
                Gemm.multiply(a64, 0, 1, s[0], b64, 0, s[2], 1, c64, 0, s[0], s[1], s[2]);
                if (first32 == null) {
                    first32 = c32;
                    first64 = c64;
                } else {
                    assertTrue(java.util.Arrays.equals(first32, c32), backend + " float32 differs on " + threads + " threads");
                    assertTrue(java.util.Arrays.equals(first64, c64), backend + " float64 differs on " + threads + " threads");
                }
            }
        }
    }

    @Test
    void concurrentCallersGetTheirOwnProducts() throws Exception {
        for (Backend backend : Backend.values()) {
            assumeTrue(Gemm.isAvailable(backend));
            Gemm.setBackend(backend);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Callable<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int size = 40 + 13 * t;
                    boolean float32 = t % 2 == 0;
                    Layout layout = Layout.values()[t % Layout.values().length];
                    tasks.add(() -> {
                        Random random = new Random(size);
                        for (int rep = 0; rep < 5; rep++) {
                            checkProduct(Stored.of(random, layout, size, size + 3, float32),
                                    Stored.of(random, Layout.CONTIGUOUS, size + 3, size - 1, float32), float32, rep);
                        }
                        return null;
                    });
                }
                for (Future<Void> f : pool.invokeAll(tasks)) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    // ---------------------------------------------------------------- choosing the backend

    @Test
    void openBlasLoadsFromTheMavenArtifactOnLinuxX86() {
        String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch");
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")));
        assertTrue(Gemm.isAvailable(Backend.OPENBLAS), "org.bytedeco:openblas should load on linux-x86_64");
        assertEquals(Backend.OPENBLAS, Gemm.resolve(null, () -> "no vector API", () -> null).backend());
    }

    @Test
    void vectorKernelRunsWhereTheTestsAddTheIncubatorModule() {
        // Surefire starts the test JVM with --add-modules jdk.incubator.vector (see runtime/pom.xml).
        assumeTrue(System.getProperty(dev.gradus.tensor.VectorApi.PROPERTY) == null);
        assertTrue(Gemm.isAvailable(Backend.VECTOR), String.valueOf(dev.gradus.tensor.VectorApi.unavailableReason()));
        if (System.getProperty(Gemm.PROPERTY) == null) {
            assertEquals(Backend.HYBRID, Gemm.resolve(null, () -> null, () -> null).backend(),
                    "the vector kernel comes first when it can run, with OpenBLAS for large products");
            assertEquals(Backend.VECTOR, Gemm.resolve(null, () -> null, () -> new UnsatisfiedLinkError("no openblas")).backend(),
                    "the vector kernel alone when OpenBLAS cannot load");
        }
    }

    @Test
    void hybridHandsTheSmallestProductsToOpenBlasAndTheRestToTheVectorKernel() {
        int side = Gemm.HYBRID_OPENBLAS_MIN_SIDE;
        int rows = Gemm.HYBRID_OPENBLAS_MIN_ROWS;
        for (boolean wide : new boolean[] {false, true}) {
            Backend large = wide ? Backend.OPENBLAS : Backend.VECTOR;
            String where = wide ? " (vectors wider than 256 bits)" : " (256-bit vectors)";
            assertEquals(large, Gemm.kernelFor(Backend.HYBRID, 1024, 1024, 1024, wide), "1024³" + where);
            assertEquals(large, Gemm.kernelFor(Backend.HYBRID, rows, 512, side, wide), "just large" + where);
            assertEquals(Backend.VECTOR, Gemm.kernelFor(Backend.HYBRID, rows - 1, 4096, 4096, wide), "too few rows" + where);
            assertEquals(Backend.VECTOR, Gemm.kernelFor(Backend.HYBRID, 4096, side - 1, 4096, wide), "a short side" + where);
            assertEquals(Backend.VECTOR, Gemm.kernelFor(Backend.HYBRID, 4096, 4096, side - 1, wide));
            assertEquals(Backend.VECTOR, Gemm.kernelFor(Backend.HYBRID, 64, 784, 256, wide), "a training step's products" + where);
            assertEquals(Backend.VECTOR, Gemm.kernelFor(Backend.HYBRID, rows, side, side, wide), "below the work threshold" + where);
            assertEquals(Backend.OPENBLAS, Gemm.kernelFor(Backend.HYBRID, 64, 128, 10, wide), "small products" + where);
            assertEquals(Backend.VECTOR, Gemm.kernelFor(Backend.HYBRID, 64, 64, 64, wide), "from where the vector kernel splits");
            assertEquals(Backend.JAVA, Gemm.kernelFor(Backend.HYBRID, 16, 16, 16, wide), "the smallest stay in Java");
            assertEquals(Backend.JAVA, Gemm.kernelFor(Backend.HYBRID, 4096, 4096, 1, wide), "matrix-vector products stay in Java");
            assertEquals(Backend.VECTOR, Gemm.kernelFor(Backend.VECTOR, 1024, 1024, 1024, wide));
            assertEquals(Backend.OPENBLAS, Gemm.kernelFor(Backend.OPENBLAS, 64, 784, 256, wide));
        }

        // The same bits as the kernel it routes to, on a large product and on a small one.
        assumeTrue(Gemm.isAvailable(Backend.HYBRID));
        Random random = new Random(3);
        int m = rows;
        int k = (int) ((Gemm.HYBRID_OPENBLAS_MIN_WORK + (long) rows * side - 1) / ((long) rows * side));
        int n = side;
        Backend large = Gemm.kernelFor(Backend.HYBRID, m, k, n);
        Backend other = large == Backend.VECTOR ? Backend.OPENBLAS : Backend.VECTOR;
        float[] a = Stored.of(random, Layout.CONTIGUOUS, m, k, true).data32();
        float[] b = Stored.of(random, Layout.CONTIGUOUS, k, n, true).data32();
        assertTrue(java.util.Arrays.equals(product(large, a, b, m, k, n), product(Backend.HYBRID, a, b, m, k, n)));
        assertFalse(java.util.Arrays.equals(product(other, a, b, m, k, n), product(Backend.HYBRID, a, b, m, k, n)),
                "the two kernels sum in different orders, so the routing shows in the bits");
        assertTrue(java.util.Arrays.equals(product(Backend.OPENBLAS, a, b, 64, 128, 10), product(Backend.HYBRID, a, b, 64, 128, 10)));
        assertFalse(java.util.Arrays.equals(product(Backend.VECTOR, a, b, 64, 128, 10), product(Backend.HYBRID, a, b, 64, 128, 10)));
        assertTrue(java.util.Arrays.equals(product(Backend.VECTOR, a, b, 64, 70, 60), product(Backend.HYBRID, a, b, 64, 70, 60)));
        checkProduct(Stored.of(random, Layout.TRANSPOSED, m, k, false), Stored.of(random, Layout.PADDED, k, n, false), false, 0);
    }

    private static float[] product(Backend backend, float[] a, float[] b, int m, int k, int n) {
        Gemm.setBackend(backend);
        float[] c = new float[m * n];
        Gemm.multiply(a, 0, k, 1, b, 0, n, 1, c, 0, m, k, n);
        return c;
    }

    @Test
    void explicitHybridThatCannotRunSaysWhichHalfIsMissing() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                Gemm.resolve("hybrid", () -> "jdk.incubator.vector is not in the boot layer", () -> null)::require);
        assertTrue(e.getMessage().contains("gradus.blas=hybrid") && e.getMessage().contains("Vector API"), e.getMessage());
        UnsatisfiedLinkError cause = new UnsatisfiedLinkError("no jniopenblas_nolapack in java.library.path");
        e = assertThrows(IllegalStateException.class, Gemm.resolve(" Hybrid", () -> null, () -> cause)::require);
        assertSame(cause, e.getCause());
        assertTrue(e.getMessage().contains("OpenBLAS") && e.getMessage().contains("no jniopenblas_nolapack"), e.getMessage());
        assertEquals(Backend.HYBRID, Gemm.resolve("hybrid", () -> null, () -> null).require());
    }

    @Test
    void explicitVectorThatCannotRunFailsAtFirstUseSayingWhy() {
        Gemm.Selection s = Gemm.resolve("vector", () -> "jdk.incubator.vector is not in the boot layer", () -> null);
        IllegalStateException e = assertThrows(IllegalStateException.class, s::require);
        assertTrue(e.getMessage().contains("gradus.blas=vector"), e.getMessage());
        assertTrue(e.getMessage().contains("jdk.incubator.vector is not in the boot layer"), e.getMessage());
        assertEquals(Backend.VECTOR, Gemm.resolve(" Vector ", () -> null, () -> fail("loaded OpenBLAS")).require());
    }

    @Test
    void onlyLargeEnoughMatrixProductsGoNative() {
        assertTrue(Gemm.worthNative(32, 32, 32));
        assertTrue(Gemm.worthNative(64, 784, 256));
        assertFalse(Gemm.worthNative(4, 4, 4));
        assertFalse(Gemm.worthNative(1000, 1000, 1), "matrix-vector products stay in Java");
        // The large shapes of matchesNaiveProduct reach the native kernel.
        assertTrue(Gemm.worthNative(130, 129, 257));
        assertTrue(Gemm.worthNative(4, 300, 500) || Gemm.worthNative(17, 300, 520));
    }

    @Test
    void automaticChoiceFallsBackToJavaWhenOpenBlasCannotLoad() {
        Gemm.Selection s = Gemm.resolve(null, () -> "no vector API",
                () -> new UnsatisfiedLinkError("no jniopenblas_nolapack in java.library.path"));
        assertEquals(Backend.JAVA, s.require());
        assertEquals(Backend.JAVA, Gemm.resolve("  ", () -> "no vector API",
                () -> new NoClassDefFoundError("org/bytedeco/javacpp/Loader")).require());
        assertEquals(Backend.OPENBLAS, Gemm.resolve(null, () -> "no vector API", () -> null).require());
        assertEquals(Backend.OPENBLAS, Gemm.resolve("fast please", () -> "no vector API", () -> null).require(),
                "an unknown value chooses automatically");
        assertEquals(Backend.HYBRID, Gemm.resolve("fast please", () -> null, () -> null).require());
    }

    @Test
    void explicitJavaNeverLoadsOpenBlas() {
        assertEquals(Backend.JAVA, Gemm.resolve("java", () -> fail("asked for the vector API"), () -> fail("loaded OpenBLAS"))
                .require());
        assertEquals(Backend.JAVA, Gemm.resolve(" JAVA ", () -> null, () -> fail("loaded OpenBLAS")).require());
    }

    @Test
    void explicitOpenBlasThatCannotLoadFailsAtFirstUseNamingTheCause() {
        UnsatisfiedLinkError cause = new UnsatisfiedLinkError("no jniopenblas_nolapack in java.library.path");
        Gemm.Selection s = Gemm.resolve("openblas", () -> null, () -> cause);
        IllegalStateException e = assertThrows(IllegalStateException.class, s::require);
        assertSame(cause, e.getCause());
        assertTrue(e.getMessage().contains("gradus.blas=openblas"), e.getMessage());
        assertTrue(e.getMessage().contains("no jniopenblas_nolapack"), e.getMessage());
        // Every use fails the same way, not only the first.
        assertThrows(IllegalStateException.class, s::require);
    }

    @Test
    void javaBackendWorksWhateverOpenBlasDoes() {
        Gemm.setBackend(Backend.JAVA);
        assertEquals(Backend.JAVA, Gemm.backend());
        Random random = new Random(5);
        checkProduct(Stored.of(random, Layout.CONTIGUOUS, 100, 90, true),
                Stored.of(random, Layout.CONTIGUOUS, 90, 80, true), true, 0);
    }
}
