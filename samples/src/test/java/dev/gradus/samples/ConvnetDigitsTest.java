package dev.gradus.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** The convnet sample in a quick version: two epochs must cut the loss and beat chance by far. */
class ConvnetDigitsTest {
    @Test
    void twoEpochsLearnTheDigits(@TempDir Path dir) throws Exception {
        SampleOptions o = new SampleOptions(2, 32, 4e-3, 42, dir, false);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ConvnetDigits.Result r = ConvnetDigits.train(o, new PrintStream(log, true, StandardCharsets.UTF_8));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(r.loss()[1] < r.loss()[0] * 0.7, "loss should fall: " + Arrays.toString(r.loss()));
        assertTrue(r.finalAccuracy() > 0.8, "accuracy " + r.finalAccuracy() + " (chance is 0.10)");
        assertEquals(359, r.testRows());
        assertTrue(text.contains("epoch 2/2"), text);

        Path ckpt = dir.resolve("convnet.ckpt");
        Checkpoint.save(ckpt, r.weights());
        Map<String, Tensor> back = Checkpoint.load(ckpt);
        assertEquals(r.weights().keySet(), back.keySet());
        assertTrue(back.keySet().stream().anyMatch(k -> k.startsWith("adam/")), "the solver state is saved too");
        assertArrayEquals(new int[] {16, 1, 3, 3}, back.get("conv1").shape().dims());
        assertArrayEquals(new int[] {32, 16, 3, 3}, back.get("conv2").shape().dims());
        for (String k : r.weights().keySet()) {
            assertTrue(back.get(k).allClose(r.weights().get(k), 0, 0), k + " comes back unchanged");
        }
    }

    @Test
    void mainWritesTheCheckpointAndThePlot(@TempDir Path dir) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            ConvnetDigits.main(new String[] {"--epochs", "1", "--output", dir.toString()});
        } finally {
            System.setOut(saved);
        }
        String text = log.toString(StandardCharsets.UTF_8);
        Path ckpt = dir.resolve("convnet-digits.ckpt");
        Path png = dir.resolve("convnet-digits.png");
        assertTrue(text.contains("Test accuracy:") && text.contains(ckpt.toAbsolutePath().toString())
                && text.contains(png.toAbsolutePath().toString()), text);
        assertEquals(Checkpoint.load(ckpt).get("dense").shape().dims()[0], 128);
        assertTrue(Files.size(png) > 1000, "a PNG was written");
    }

    @Test
    void helpListsTheOptions() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            ConvnetDigits.main(new String[] {"--help"});
        } finally {
            System.setOut(saved);
        }
        String text = log.toString(StandardCharsets.UTF_8);
        for (String option : new String[] {"--epochs", "--batch-size", "--learn-rate", "--seed", "--output"}) {
            assertTrue(text.contains(option), text);
        }
    }
}
