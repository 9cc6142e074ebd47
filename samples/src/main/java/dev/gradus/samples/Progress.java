package dev.gradus.samples;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress: a terminal progress bar with the running loss when the output is a
 * terminal, and plain lines (one per epoch) when it is not (CI logs, pipes).
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final PrintStream out;
    private final int epochs;

    /**
     * Starts reporting {@code steps} steps over {@code epochs} epochs to {@code out}.
     *
     * @param task what is running, shown before the bar
     */
    public Progress(String task, long steps, int epochs, PrintStream out) {
        this.out = out;
        this.epochs = epochs;
        if (System.console() != null) {
            this.bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(steps)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .setUpdateIntervalMillis(200)
                    .build();
        } else {
            this.bar = null;
            out.println(task + ": " + steps + " steps over " + epochs + " epochs");
        }
    }

    /** Records one step with the running loss. */
    public void step(double runningLoss) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(String.format(" loss %.4f", runningLoss));
        }
    }

    /** Records the end of an epoch; without a terminal, prints a line for it. */
    public void epoch(int epoch, double loss, double accuracy) {
        if (bar == null && (epoch == 1 || epoch == epochs || epoch % Math.max(1, epochs / 10) == 0)) {
            out.printf("  epoch %d/%d: loss %.4f, test accuracy %.2f%%%n", epoch, epochs, loss, 100 * accuracy);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
