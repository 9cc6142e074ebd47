package dev.gradus.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** Writes training curves as PNG files (headless, with XChart). */
public final class Charts {
    private Charts() {
    }

    /**
     * Writes a chart of loss and accuracy per epoch to {@code file} (PNG), creating folders.
     *
     * @return the file written
     * @throws IOException if the file cannot be written
     */
    public static Path lossAndAccuracy(String title, double[] loss, double[] accuracy, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double[] epochs = new double[loss.length];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = i + 1;
        }
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("epoch")
                .yAxisTitle("loss / accuracy").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(0);
        chart.addSeries("training loss", epochs, loss);
        chart.addSeries("test accuracy", epochs, accuracy);
        return save(chart, file);
    }

    /**
     * Writes {@code chart} to {@code file} as a PNG (".png" is added when missing), creating
     * folders, and returns the file written.
     *
     * @throws IOException if the file cannot be written
     */
    static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String name = file.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
        return Path.of(base + ".png");
    }
}
