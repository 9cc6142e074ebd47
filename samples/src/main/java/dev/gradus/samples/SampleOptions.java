package dev.gradus.samples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command-line options every training sample takes: {@code --epochs}, {@code --batch-size},
 * {@code --learn-rate}, {@code --seed}, {@code --output} and {@code --help}.
 *
 * @param epochs passes over the training data
 * @param batchSize rows per gradient step
 * @param learnRate the solver's learn rate
 * @param seed seeds initialization and shuffling
 * @param output folder for checkpoints and plots
 * @param help whether {@code --help} was given
 */
public record SampleOptions(int epochs, int batchSize, double learnRate, long seed, Path output, boolean help) {
    /**
     * Parses {@code args} over the given defaults.
     *
     * @throws IllegalArgumentException naming the option when a value is missing or malformed
     */
    public static SampleOptions parse(String[] args, SampleOptions defaults) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
                continue;
            }
            String key = a;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                key = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value");
                }
                value = args[++i];
            }
            values.put(key, value);
        }
        int epochs = defaults.epochs;
        int batch = defaults.batchSize;
        double lr = defaults.learnRate;
        long seed = defaults.seed;
        Path out = defaults.output;
        for (Map.Entry<String, String> e : values.entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "--epochs" -> epochs = positive(e.getKey(), Integer.parseInt(v));
                    case "--batch-size" -> batch = positive(e.getKey(), Integer.parseInt(v));
                    case "--learn-rate" -> lr = Double.parseDouble(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--output" -> out = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + e.getKey() + "; see --help");
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("option " + e.getKey() + " takes a number, got '" + v + "'", ex);
            }
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("option --learn-rate must be positive, got " + lr);
        }
        return new SampleOptions(epochs, batch, lr, seed, out, help);
    }

    private static int positive(String option, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException("option " + option + " must be positive, got " + v);
        }
        return v;
    }

    /** Returns the help text for a sample called {@code name}, showing these values as defaults. */
    public String usage(String name, String what) {
        return name + ": " + what + "\n\nOptions:\n"
                + "  --epochs N        passes over the training data (default " + epochs + ")\n"
                + "  --batch-size N    rows per gradient step (default " + batchSize + ")\n"
                + "  --learn-rate X    the solver's learn rate (default " + learnRate + ")\n"
                + "  --seed N          seeds initialization and shuffling (default " + seed + ")\n"
                + "  --output DIR      where checkpoints and plots go (default " + output + ")\n"
                + "  --help            this text\n";
    }
}
