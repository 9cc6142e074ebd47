package dev.gradus.benchmarks;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import dev.gradus.blas.Gemm;
import dev.gradus.tensor.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The matrix-multiply backends side by side on contiguous row-major operands, C = A·B with A
 * m×k and B k×n, in one JMH run so their ratios are measured under the same load:
 * <ul>
 *   <li>{@code naive}: the runtime's kernel before {@link Gemm} (i-k-j loops, one thread);</li>
 *   <li>{@code java}: {@link Gemm} on its pure-Java backend;</li>
 *   <li>{@code vector}: {@link Gemm} on its Vector API backend (the fork adds
 *       {@code jdk.incubator.vector});</li>
 *   <li>{@code openblas}: {@link Gemm} on OpenBLAS (operands copied to per-thread off-heap
 *       buffers and the result copied back, on every call; single-threaded OpenBLAS on each of
 *       the runtime's threads);</li>
 *   <li>{@code hybrid}: {@link Gemm} on its default where both can run, the vector kernel or
 *       OpenBLAS by the product's size;</li>
 *   <li>{@code openblasArrays}: {@code cblas_?gemm} on the Java arrays themselves, which JavaCPP
 *       copies in and out through JNI on every call (the design {@link Gemm} rejected);</li>
 *   <li>{@code openblasResident}: {@code cblas_?gemm} on operands already off-heap, no copy at
 *       all: the cost of OpenBLAS alone (with its own threads), the bound for {@code openblas}.</li>
 * </ul>
 * GFLOP/s = 2·m·k·n / time. {@code threads} is {@link Parallel#setThreads(int)} (and OpenBLAS's
 * own count for the raw calls); the naive loop ignores it. Shapes: the reference workload's
 * n = 512 and 1024, and the MLP's first layer (batch 64, 784 → 256).
 * Run with {@code benchmarks/run.sh GemmBackendBenchmark}; e.g.
 * {@code benchmarks/run.sh GemmBackendBenchmark -p threads=1 -p shape=512x512x512}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class GemmBackendBenchmark {
    /** m×k×n. */
    @Param({"512x512x512", "1024x1024x1024", "64x784x256"})
    public String shape;

    /** float32 or float64. */
    @Param({"float32", "float64"})
    public String dtype;

    /** Threads the kernels may use. */
    @Param({"1", "2"})
    public int threads;

    private int m;
    private int k;
    private int n;
    private double[] a64;
    private double[] b64;
    private double[] c64;
    private float[] a32;
    private float[] b32;
    private float[] c32;
    private DoublePointer pa64;
    private DoublePointer pb64;
    private DoublePointer pc64;
    private FloatPointer pa32;
    private FloatPointer pb32;
    private FloatPointer pc32;
    private Gemm.Backend savedBackend;

    /**
     * Draws the operands and stages copies of them off-heap for {@link #openblasResident()}.
     *
     * @param params which benchmark this fork runs (only the raw OpenBLAS calls raise OpenBLAS's own thread count)
     */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        k = Integer.parseInt(s[1]);
        n = Integer.parseInt(s[2]);
        savedBackend = Gemm.backend();
        Parallel.setThreads(threads);
        Loader.load(openblas_nolapack.class);
        // The raw calls use OpenBLAS's own threads; Gemm sets OpenBLAS to one thread and splits
        // products across the runtime's threads itself, so the count is raised only in the forks
        // of the raw calls (JMH runs each benchmark method in its own fork).
        if (params.getBenchmark().contains(".openblasArrays") || params.getBenchmark().contains(".openblasResident")) {
            blas_set_num_threads(threads);
        }
        SplittableRandom random = new SplittableRandom(7);
        a64 = new double[m * k];
        b64 = new double[k * n];
        c64 = new double[m * n];
        for (int i = 0; i < a64.length; i++) {
            a64[i] = random.nextGaussian();
        }
        for (int i = 0; i < b64.length; i++) {
            b64[i] = random.nextGaussian();
        }
        a32 = new float[a64.length];
        b32 = new float[b64.length];
        c32 = new float[c64.length];
        for (int i = 0; i < a64.length; i++) {
            a32[i] = (float) a64[i];
        }
        for (int i = 0; i < b64.length; i++) {
            b32[i] = (float) b64[i];
        }
        pa64 = new DoublePointer(a64);
        pb64 = new DoublePointer(b64);
        pc64 = new DoublePointer((long) m * n);
        pa32 = new FloatPointer(a32);
        pb32 = new FloatPointer(b32);
        pc32 = new FloatPointer((long) m * n);
    }

    /** Frees the off-heap operands and puts the backend back. */
    @TearDown(Level.Trial)
    public void tearDown() {
        Gemm.setBackend(savedBackend);
        for (var p : new org.bytedeco.javacpp.Pointer[] {pa64, pb64, pc64, pa32, pb32, pc32}) {
            p.close();
        }
    }

    private boolean float32() {
        return dtype.equals("float32");
    }

    /** The kernel the runtime had before {@link Gemm}. */
    @Benchmark
    public Object naive() {
        if (float32()) {
            NaiveGemm.multiply(a32, b32, c32, m, k, n);
            return c32;
        }
        NaiveGemm.multiply(a64, b64, c64, m, k, n);
        return c64;
    }

    /** {@link Gemm} on the pure-Java backend. */
    @Benchmark
    public Object java() {
        return gemm(Gemm.Backend.JAVA);
    }

    /** {@link Gemm} on the Vector API kernel. */
    @Benchmark
    public Object vector() {
        return gemm(Gemm.Backend.VECTOR);
    }

    /** {@link Gemm} on OpenBLAS, staging copies included. */
    @Benchmark
    public Object openblas() {
        return gemm(Gemm.Backend.OPENBLAS);
    }

    /** {@link Gemm} on the hybrid backend. */
    @Benchmark
    public Object hybrid() {
        return gemm(Gemm.Backend.HYBRID);
    }

    private Object gemm(Gemm.Backend backend) {
        Gemm.setBackend(backend);
        if (float32()) {
            Gemm.multiply(a32, 0, k, 1, b32, 0, n, 1, c32, 0, m, k, n);
            return c32;
        }
        Gemm.multiply(a64, 0, k, 1, b64, 0, n, 1, c64, 0, m, k, n);
        return c64;
    }

    /** {@code cblas_?gemm} on Java arrays: JavaCPP copies them through JNI on every call. */
    @Benchmark
    public Object openblasArrays() {
        if (float32()) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, a32, k, b32, n, 0f, c32, n);
            return c32;
        }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a64, k, b64, n, 0.0, c64, n);
        return c64;
    }

    /** {@code cblas_?gemm} on operands that already live off-heap: no copy. */
    @Benchmark
    public Object openblasResident() {
        if (float32()) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, pa32, k, pb32, n, 0f, pc32, n);
            return pc32;
        }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, pa64, k, pb64, n, 0.0, pc64, n);
        return pc64;
    }
}
