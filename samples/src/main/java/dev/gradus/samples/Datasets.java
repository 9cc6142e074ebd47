package dev.gradus.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The data sets shipped with the samples (UCI Machine Learning Repository, CC BY 4.0; see
 * {@code data/README.md} beside them): handwritten digits and Fisher's iris.
 */
public final class Datasets {
    private Datasets() {
    }

    /**
     * A labelled data set: {@code rows × features} inputs, row-major, and a class per row.
     *
     * @param features the inputs, row-major
     * @param labels the class of each row
     * @param rows number of rows
     * @param columns number of features per row
     * @param classes number of classes
     */
    public record Labelled(double[] features, int[] labels, int rows, int columns, int classes) {
        /** Returns the rows whose index satisfies {@code keep}, in order. */
        public Labelled select(java.util.function.IntPredicate keep) {
            List<Integer> picked = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                if (keep.test(r)) {
                    picked.add(r);
                }
            }
            double[] f = new double[picked.size() * columns];
            int[] l = new int[picked.size()];
            for (int i = 0; i < picked.size(); i++) {
                int r = picked.get(i);
                System.arraycopy(features, r * columns, f, i * columns, columns);
                l[i] = labels[r];
            }
            return new Labelled(f, l, picked.size(), columns, classes);
        }

        /** Returns the labels one-hot encoded, {@code rows × classes}, row-major. */
        public double[] oneHot() {
            double[] out = new double[rows * classes];
            for (int r = 0; r < rows; r++) {
                out[r * classes + labels[r]] = 1;
            }
            return out;
        }
    }

    /** Returns the 1797 digits, pixels scaled from 0..16 to 0..1. */
    public static Labelled digits() {
        List<String> lines = read("data/digits.csv.gz", true);
        int rows = lines.size();
        double[] f = new double[rows * 64];
        int[] l = new int[rows];
        for (int r = 0; r < rows; r++) {
            String[] parts = lines.get(r).split(",");
            if (parts.length != 65) {
                throw new IllegalStateException("digits.csv.gz line " + (r + 1) + " has " + parts.length + " columns, not 65");
            }
            for (int c = 0; c < 64; c++) {
                f[r * 64 + c] = Integer.parseInt(parts[c].trim()) / 16.0;
            }
            l[r] = Integer.parseInt(parts[64].trim());
        }
        return new Labelled(f, l, rows, 64, 10);
    }

    /** Returns the 150 iris flowers, measurements standardized to mean 0 and variance 1 per feature. */
    public static Labelled iris() {
        List<String> lines = read("data/iris.csv", false);
        String[] header = lines.get(0).split(",");
        int rows = Integer.parseInt(header[0]);
        int columns = Integer.parseInt(header[1]);
        double[] f = new double[rows * columns];
        int[] l = new int[rows];
        for (int r = 0; r < rows; r++) {
            String[] parts = lines.get(r + 1).split(",");
            for (int c = 0; c < columns; c++) {
                f[r * columns + c] = Double.parseDouble(parts[c]);
            }
            l[r] = Integer.parseInt(parts[columns].trim());
        }
        Training.standardize(f, new double[0], columns);
        return new Labelled(f, l, rows, columns, header.length - 2);
    }

    private static List<String> read(String resource, boolean gzip) {
        try (InputStream raw = Datasets.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("the resource " + resource + " is missing from the samples jar");
            }
            InputStream in = gzip ? new GZIPInputStream(raw) : raw;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            List<String> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
