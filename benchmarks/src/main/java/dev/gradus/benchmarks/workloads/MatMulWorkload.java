package dev.gradus.benchmarks.workloads;

import dev.gradus.Ops;
import dev.gradus.blas.Gemm;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.Tensor;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reference workload (b): the dense product of two n×n standard normal matrices,
 * {@code Ops.matMul(Tensor, Tensor)}, which allocates its result as {@code torch.mm(a, b)}
 * does ({@code b_matmul_n}). GFLOP/s = 2n³ / time; the comparison script computes it.
 * {@code threads} sets {@link Parallel#setThreads(int)} for the trial, as
 * {@code torch.set_num_threads} does on PyTorch's side. The product runs on
 * {@link Gemm#backend()}, chosen automatically: the fork adds {@code jdk.incubator.vector}, so
 * the hybrid backend, which runs these sizes on the Vector API kernel (on OpenBLAS where the
 * vectors are wider than 256 bits), unless {@code -Dgradus.blas=vector}, {@code openblas} or
 * {@code java} is passed to the fork ({@code -jvmArgsAppend -Dgradus.blas=vector});
 * {@code GemmBackendBenchmark} compares the backends.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class MatMulWorkload {
    /** The matrices' side. */
    @Param({"512", "1024"})
    public int n;

    /** The dtype of operands and result. */
    @Param({"float32", "float64"})
    public String dtype;

    /** Threads the kernels may use (1 or 2, as torch_bench.py's rows). */
    @Param({"1", "2"})
    public int threads;

    private Tensor a;
    private Tensor b;

    /**
     * Draws the operands and checks a few elements of the product against a plain dot product;
     * fails if the fork lacks {@code jdk.incubator.vector}.
     */
    @Setup(Level.Trial)
    public void setUp() {
        Forks.requireVectorModule();
        Parallel.setThreads(threads);
        DType type = ReferenceData.dtype(dtype);
        a = ReferenceData.gaussian(type, 1, n, n);
        b = ReferenceData.gaussian(type, 2, n, n);
        Tensor c = multiply();
        for (int t = 0; t < 8; t++) {
            int i = (t * 131) % n;
            int j = (t * 257 + 3) % n;
            double expected = 0;
            for (int p = 0; p < n; p++) {
                expected += a.get(i, p) * b.get(p, j);
            }
            if (Math.abs(c.get(i, j) - expected) > 1e-3 * Math.sqrt(n)) {
                throw new IllegalStateException("matMul gives " + c.get(i, j) + " at (" + i + ", " + j + "), expected "
                        + expected);
            }
        }
    }

    /** a·b into a new n×n tensor. */
    @Benchmark
    public Tensor multiply() {
        return Ops.matMul(a, b);
    }
}
