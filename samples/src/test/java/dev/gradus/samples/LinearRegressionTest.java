package dev.gradus.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The linear-regression sample: SGD on the TapeMachine must reach the least-squares line. */
class LinearRegressionTest {
    @Test
    void fitsSlopeAndInterceptNearTwoAndEqualToLeastSquares(@TempDir Path dir) throws Exception {
        SampleOptions o = new SampleOptions(300, LinearRegression.POINTS, 0.5, 1337, dir, false);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LinearRegression.Result r = LinearRegression.train(o, new PrintStream(log, true, StandardCharsets.UTF_8));

        assertEquals(2, r.slope(), 0.1, "slope");
        assertEquals(2, r.intercept(), 0.1, "intercept");
        // Normal equations, solved here independently of the sample's own helper.
        double n = r.data().x().length;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            double x = r.data().x()[i];
            double y = r.data().y()[i];
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        double intercept = (sy - slope * sx) / n;
        assertEquals(slope, r.slope(), 1e-3, "slope against the closed form");
        assertEquals(intercept, r.intercept(), 1e-3, "intercept against the closed form");
        assertTrue(r.cost()[r.cost().length - 1] < r.cost()[0], "cost should fall");
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("epoch 300/300"), printed);

        Path png = LinearRegression.chart(r, dir.resolve("fit.png"));
        assertTrue(Files.size(png) > 1000, "a PNG was written");
    }

    @Test
    void minibatchesAlsoGetClose() {
        SampleOptions o = new SampleOptions(100, 20, 0.2, 5, Path.of("unused"), false);
        LinearRegression.Result r = LinearRegression.train(o, new PrintStream(PrintStream.nullOutputStream()));
        assertEquals(2, r.slope(), 0.1, "slope");
        assertEquals(2, r.intercept(), 0.1, "intercept");
    }

    @Test
    void aBatchLargerThanTheDataIsRefused() {
        SampleOptions o = new SampleOptions(1, LinearRegression.POINTS + 1, 0.5, 1, Path.of("unused"), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearRegression.train(o, new PrintStream(PrintStream.nullOutputStream())));
        assertTrue(e.getMessage().contains("--batch-size"), e.getMessage());
    }
}
