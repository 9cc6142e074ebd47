/**
 * Dense matrix multiplication for the runtime's kernels: {@link dev.gradus.blas.Gemm}, with
 * OpenBLAS (through {@code org.bytedeco:openblas}) as the default backend and a pure-Java
 * kernel as the fallback that runs everywhere. The system property {@code gradus.blas}
 * ({@code openblas} or {@code java}) chooses one explicitly.
 */
package dev.gradus.blas;
