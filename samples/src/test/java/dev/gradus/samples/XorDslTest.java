package dev.gradus.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** XOR through the DSL: training must learn all four cases, and the generated gradient must be right. */
class XorDslTest {
    @Test
    void learnsXor(@TempDir Path dir) throws Exception {
        SampleOptions o = new SampleOptions(3000, 4, 0.5, 42, dir, false);
        XorDsl.Result r = XorDsl.train(o, new PrintStream(PrintStream.nullOutputStream()));
        double last = r.loss()[r.loss().length - 1];
        assertEquals(3001, r.loss().length, "the loss after 0..3000 steps");
        assertTrue(r.loss()[0] > 2.7, "starts near 4·log 2: " + r.loss()[0]);
        assertTrue(last < 0.05, "final loss " + last);
        assertEquals(4, r.correct(), Arrays.toString(r.probabilities()));
        assertTrue(r.probabilities()[0] < 0.1 && r.probabilities()[1] > 0.9 && r.probabilities()[2] > 0.9
                && r.probabilities()[3] < 0.1, Arrays.toString(r.probabilities()));
        Path png = XorDsl.lossChart(r.loss(), dir.resolve("loss.png"));
        assertTrue(Files.size(png) > 1000, "a PNG was written");
    }

    @Test
    void generatedGradientMatchesCentralDifferencesOfTheMethod() {
        SplittableRandom random = new SplittableRandom(2024);
        double[] p = new double[9];
        for (int i = 0; i < p.length; i++) {
            p[i] = random.nextDouble(-1.5, 1.5);
        }
        double[] gradient = new double[9];
        double value = XorDslGradients.loss(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], gradient);
        assertEquals(loss(p), value, 1e-12, "value");
        XorDslGradients.Loss record = XorDslGradients.loss(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
        assertEquals(gradient[0], record.dw11(), 0);
        assertEquals(gradient[8], record.dc(), 0);
        double h = 1e-5;
        for (int i = 0; i < p.length; i++) {
            double[] up = p.clone();
            double[] down = p.clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (loss(up) - loss(down)) / (2 * h);
            assertEquals(numeric, gradient[i], 1e-7 * Math.max(1, Math.abs(numeric)),
                    "d loss / d " + XorDsl.PARAMETERS[i]);
        }
    }

    private static double loss(double[] p) {
        return XorDsl.loss(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
    }
}
