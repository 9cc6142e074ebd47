package dev.gradus.benchmarks.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradus.tensor.DType;
import org.junit.jupiter.api.Test;

/** Workload (c) computes what PyTorch computes: the same losses from the same deterministic start. */
class MlpStepTest {
    /** PyTorch 1.13's float64 losses from {@code torch_bench.py}'s deterministic start (torch-anchor.sh). */
    private static final double TORCH_LOSS_STEP_1 = 2.3040262785654;
    private static final double TORCH_LOSS_STEP_20 = 2.2501207067663;

    private static double[] losses(DType dtype, int steps) {
        double[] losses = new double[steps];
        try (MlpStep mlp = new MlpStep(dtype)) {
            for (int s = 0; s < steps; s++) {
                losses[s] = mlp.step();
            }
        }
        return losses;
    }

    @Test
    void float64LossesMatchPyTorchAtSteps1And20() {
        double[] losses = losses(DType.FLOAT64, 20);
        assertEquals(TORCH_LOSS_STEP_1, losses[0], 1e-6 * TORCH_LOSS_STEP_1, "loss at step 1");
        assertEquals(TORCH_LOSS_STEP_20, losses[19], 1e-6 * TORCH_LOSS_STEP_20, "loss at step 20");
    }

    @Test
    void float32FollowsTheFloat64Trajectory() {
        // Three steps (forward, backward, update, forward again) keep the test short; float32
        // rounding moves the loss by about 1e-7 relative, far inside 1e-5.
        double[] float32 = losses(DType.FLOAT32, 3);
        double[] float64 = losses(DType.FLOAT64, 3);
        assertEquals(TORCH_LOSS_STEP_1, float32[0], 1e-5 * TORCH_LOSS_STEP_1, "float32 loss at step 1");
        for (int s = 1; s < 3; s++) {
            assertEquals(float64[s], float32[s], 1e-5 * float64[s], "float32 loss at step " + (s + 1));
        }
    }
}
