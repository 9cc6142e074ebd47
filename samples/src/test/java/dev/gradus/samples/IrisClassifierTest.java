package dev.gradus.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.io.Checkpoint;
import dev.gradus.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The iris sample in a quick version: a few epochs must cut the loss and beat chance (1/3) by far. */
class IrisClassifierTest {
    @Test
    void aFewEpochsLearnTheSpecies(@TempDir Path dir) throws Exception {
        SampleOptions o = new SampleOptions(8, 10, 0.02, 3, dir, false);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        IrisClassifier.Result r = IrisClassifier.train(o, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(r.loss()[7] < r.loss()[0] * 0.6, "loss should fall: " + Arrays.toString(r.loss()));
        assertTrue(r.finalAccuracy() > 0.8, "accuracy " + r.finalAccuracy() + " (chance is 1/3)");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("epoch 8/8"), log.toString(StandardCharsets.UTF_8));

        int tested = Arrays.stream(r.confusion()).flatMapToInt(Arrays::stream).sum();
        assertEquals(30, tested, "the test set is rows with index % 5 == 4");
        for (int[] row : r.confusion()) {
            assertEquals(10, Arrays.stream(row).sum(), "10 test flowers per species");
        }

        Path ckpt = dir.resolve("iris.ckpt");
        Checkpoint.save(ckpt, r.weights());
        Map<String, Tensor> back = Checkpoint.load(ckpt);
        assertEquals(r.weights().keySet(), back.keySet());
        assertTrue(back.get("w2").allClose(r.weights().get("w2"), 0, 0));
        assertTrue(back.keySet().contains("adam/t"), back.keySet().toString());
        Path png = Charts.lossAndAccuracy("test", r.loss(), r.accuracy(), dir.resolve("curve.png"));
        assertTrue(Files.size(png) > 1000, "a PNG was written");
    }
}
