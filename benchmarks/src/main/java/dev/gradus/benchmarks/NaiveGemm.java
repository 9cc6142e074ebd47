package dev.gradus.benchmarks;

import java.util.Arrays;

/**
 * The runtime's matrix-product loop before {@code dev.gradus.blas.Gemm}, for contiguous
 * row-major operands: i-k-j order, {@code C(i, ·) += A(i, p)·B(p, ·)}, one thread. Kept here
 * only as the baseline of {@link GemmBackendBenchmark}.
 */
final class NaiveGemm {
    private NaiveGemm() {
    }

    /** C = A·B for row-major A (m×k), B (k×n) and C (m×n); overwrites C. */
    static void multiply(double[] a, double[] b, double[] c, int m, int k, int n) {
        Arrays.fill(c, 0, m * n, 0.0);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double av = a[i * k + p];
                int bRow = p * n;
                int cRow = i * n;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += av * b[bRow + j];
                }
            }
        }
    }

    /** The float32 twin of {@link #multiply(double[], double[], double[], int, int, int)}. */
    static void multiply(float[] a, float[] b, float[] c, int m, int k, int n) {
        Arrays.fill(c, 0, m * n, 0f);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float av = a[i * k + p];
                int bRow = p * n;
                int cRow = i * n;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += av * b[bRow + j];
                }
            }
        }
    }
}
