package dev.gradus.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SGD's plain-options loops: float64 gives exactly w − lr·g, float32 computes in float as
 * PyTorch does (within 2 ulps of the larger of |w| and |lr·g| from the double computation);
 * options that change the gradient
 * take the element loop, which computes in double and rounds once.
 */
class SgdFastPathTest {
    private static Tensor random(DType dtype, int n, long seed, double scale) {
        Random r = new Random(seed);
        Tensor t = Tensor.zeros(dtype, n);
        for (int k = 0; k < n; k++) {
            t.setFlat(k, scale * r.nextGaussian());
        }
        return t;
    }

    @Test
    void plainSgdMatchesItsFormulaOnEveryThreadCount() {
        int n = 5 * (1 << 15) + 13;
        double lr = 0.1;
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            Tensor w64 = random(DType.FLOAT64, n, 1, 1);
            Tensor g64 = random(DType.FLOAT64, n, 2, 1e-2);
            Tensor before64 = w64.copy();
            Solvers.sgd().learnRate(lr).build().step(List.of(w64), List.of(g64));
            Tensor w32 = random(DType.FLOAT32, n, 1, 1);
            Tensor g32 = random(DType.FLOAT32, n, 2, 1e-2);
            Tensor before32 = w32.copy();
            Solvers.sgd().learnRate(lr).build().step(List.of(w32), List.of(g32));
            for (int k = 0; k < n; k++) {
                assertEquals(before64.getFlat(k) - lr * g64.getFlat(k), w64.getFlat(k), 0.0, "float64 at " + k);
                float inFloat = (float) before32.getFlat(k) - (float) lr * (float) g32.getFlat(k);
                assertEquals(inFloat, (float) w32.getFlat(k), 0.0f, "float32 at " + k);
                float inDouble = (float) (before32.getFlat(k) - lr * g32.getFlat(k));
                float scale = (float) Math.max(Math.abs(before32.getFlat(k)), Math.abs(lr * g32.getFlat(k)));
                assertTrue(Math.abs(inFloat - inDouble) <= 2 * Math.ulp(scale), "float32 within 2 ulps of the operands at " + k);
            }
        }
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void parametersAndGradientsAtDifferentOffsetsTakeTheTwoIndexLoopWithTheSameResult() {
        // w: rows 1..4 of a 5×1000 matrix (contiguous, stored from element 1000); g from 0.
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor whole = random(dtype, 5000, 5, 1).reshape(5, 1000);
            Tensor w = whole.slice(0, 1, 5, 1);
            assertTrue(w.isContiguous() && w.offset() == 1000, "the test needs a contiguous view at an offset");
            Tensor g = random(dtype, 4000, 6, 1e-2).reshape(4, 1000);
            Tensor before = w.copy();
            Tensor firstRow = whole.slice(0, 0, 1, 1).copy();
            Solvers.sgd().learnRate(0.1).build().step(List.of(w), List.of(g));
            for (int k = 0; k < 4000; k++) {
                double expected = dtype == DType.FLOAT64 ? before.getFlat(k) - 0.1 * g.getFlat(k)
                        : (float) before.getFlat(k) - (float) 0.1 * (float) g.getFlat(k);
                assertEquals(expected, w.getFlat(k), 0.0, dtype + " at " + k);
            }
            for (int k = 0; k < 1000; k++) {
                assertEquals(firstRow.getFlat(k), whole.getFlat(k), 0.0, "the row before the view is untouched, at " + k);
            }
        }
    }

    @Test
    void optionsThatChangeTheGradientKeepTheDoubleElementLoop() {
        int n = 1000;
        Tensor w = random(DType.FLOAT32, n, 3, 1);
        Tensor g = random(DType.FLOAT32, n, 4, 1e-2);
        Tensor before = w.copy();
        Solvers.sgd().learnRate(0.1).l2(0.01).build().step(List.of(w), List.of(g));
        for (int k = 0; k < n; k++) {
            double wk = before.getFlat(k);
            assertEquals((float) (wk - 0.1 * (g.getFlat(k) + 0.01 * wk)), (float) w.getFlat(k), 0.0f, "at " + k);
        }
    }
}
