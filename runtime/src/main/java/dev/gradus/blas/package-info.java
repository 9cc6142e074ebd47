/**
 * Dense matrix multiplication for the runtime's kernels: {@link dev.gradus.blas.Gemm}, on a
 * Vector API kernel, OpenBLAS (through {@code org.bytedeco:openblas}), both (the vector kernel
 * for small products, OpenBLAS for large ones: the default where both can run), or a pure-Java
 * kernel, the fallback that runs everywhere. The system property {@code gradus.blas}
 * ({@code hybrid}, {@code vector}, {@code openblas} or {@code java}) chooses one explicitly.
 */
package dev.gradus.blas;
