package dev.gradus.benchmarks.workloads;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The inputs of the reference workloads, built as {@code ../shared/bench/torch_bench.py}
 * builds them. The MLP's weights and data are the script's deterministic formulas exactly
 * (computed in float64, then rounded once to the requested dtype), so losses can be compared
 * with PyTorch's; the random inputs of sigmoid and matmul only need the same distribution
 * (standard normal), since timing does not depend on the draw.
 */
final class ReferenceData {
    private ReferenceData() {
    }

    /**
     * Returns {@code det_init(rows, cols, phase)} as a (rows, cols) tensor:
     * {@code 0.1·sin(0.37·i + 0.11·j + phase)}. Allocates a new tensor.
     */
    static Tensor detInit(DType dtype, int rows, int cols, double phase) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                v[i * cols + j] = 0.1 * Math.sin(0.37 * i + 0.11 * j + phase);
            }
        }
        return of(dtype, v, rows, cols);
    }

    /**
     * Returns the bias {@code det_init(1, cols, phase)[0]}: {@code 0.1·sin(0.11·j + phase)}
     * as a vector. Allocates a new tensor.
     */
    static Tensor detBias(DType dtype, int cols, double phase) {
        return detInit(dtype, 1, cols, phase).reshape(cols);
    }

    /**
     * Returns the inputs of {@code det_data()}: a (rows, cols) tensor with element k (row-major)
     * {@code 0.5·sin(0.013·k)}. Allocates a new tensor.
     */
    static Tensor detInputs(DType dtype, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int k = 0; k < v.length; k++) {
            v[k] = 0.5 * Math.sin(0.013 * k);
        }
        return of(dtype, v, rows, cols);
    }

    /** Returns the labels of {@code det_data()}: {@code i mod classes} for each row, as INT32. */
    static Tensor detLabels(int rows, int classes) {
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % classes;
        }
        return Tensor.ofInts(labels, rows);
    }

    /** Returns a tensor of standard normal draws from a generator seeded with {@code seed}. Allocates. */
    static Tensor gaussian(DType dtype, long seed, int... dims) {
        int size = 1;
        for (int d : dims) {
            size *= d;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[size];
        for (int k = 0; k < size; k++) {
            v[k] = random.nextGaussian();
        }
        return of(dtype, v, dims);
    }

    /** Parses a JMH dtype parameter ("float32" or "float64", PyTorch's names). */
    static DType dtype(String name) {
        return switch (name) {
            case "float32" -> DType.FLOAT32;
            case "float64" -> DType.FLOAT64;
            default -> throw new IllegalArgumentException("dtype must be float32 or float64, got " + name);
        };
    }

    private static Tensor of(DType dtype, double[] v, int... dims) {
        if (dtype == DType.FLOAT64) {
            return Tensor.of(v, dims);
        }
        float[] f = new float[v.length];
        for (int k = 0; k < v.length; k++) {
            f[k] = (float) v[k];
        }
        return Tensor.of(f, dims);
    }
}
