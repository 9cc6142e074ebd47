package dev.gradus.io;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child process of {@code CheckpointTest.aKilledProcessLeavesACompleteCheckpoint}: saves
 * checkpoint after checkpoint to the file named by its argument, printing {@code saved k}
 * after save k, until it is killed. Each save writes 12 MB, so a kill most likely lands mid-save.
 */
final class CrashingSaver {
    private CrashingSaver() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.zeros(DType.FLOAT64, Shape.of(1500, 1000)));
        tensors.put("b", Tensor.zeros(DType.FLOAT32, Shape.of(1000)));
        tensors.put("step", Tensor.zeros(DType.INT32, Shape.scalar()));
        for (int step = 1; ; step++) {
            for (Tensor t : tensors.values()) {
                t.fill(step);
            }
            Checkpoint.save(file, tensors);
            System.out.println("saved " + step);
            System.out.flush();
        }
    }
}
