package dev.gradus.samples;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.logSoftmax;
import static dev.gradus.Ops.matMul;
import static dev.gradus.Ops.mean;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.neg;
import static dev.gradus.Ops.relu;
import static dev.gradus.Ops.sum;

import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Graphviz;
import dev.gradus.graph.Node;
import dev.gradus.init.Init;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.TapeMachine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Graph rendering: builds the graph DigitsMlp trains (64 → 64 ReLU → 10, softmax
 * cross-entropy written out as {@code −mean(Σ y ⊙ logSoftmax(logits))}) with its symbolic
 * gradients from {@link Grad#of}, writes it as Graphviz DOT ({@link Graph#toDot()}) and, when
 * Graphviz's {@code dot} is on the PATH, as SVG beside it, then prints the program the
 * TapeMachine compiles from it. Trains nothing, so it takes only {@code --output} and
 * {@code --help}.
 */
public final class GraphRendering {
    private static final Path DEFAULT_OUTPUT = Path.of("target", "graph-rendering");
    private static final int BATCH = 32;
    private static final int HIDDEN = 64;
    private static final List<String> TRAINING_OPTIONS = List.of("--epochs", "--batch-size", "--learn-rate", "--seed");

    private GraphRendering() {
    }

    /**
     * What a rendering wrote.
     *
     * @param dot the DOT file
     * @param svg the SVG file, or null when Graphviz's {@code dot} is not on the PATH
     * @param listing the TapeMachine's program listing
     */
    record Rendering(Path dot, Path svg, String listing) {
    }

    /**
     * Runs the sample.
     *
     * @param args {@code --output DIR} and {@code --help}
     * @throws IOException if a file cannot be written or Graphviz fails
     * @throws IllegalArgumentException for a training option or an unknown option
     */
    public static void main(String[] args) throws IOException {
        for (String a : args) {
            String key = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (TRAINING_OPTIONS.contains(key)) {
                throw new IllegalArgumentException("GraphRendering trains nothing, so it has no option " + key
                        + "; it takes only --output DIR and --help");
            }
        }
        SampleOptions o = SampleOptions.parse(args, new SampleOptions(1, BATCH, 1, 0, DEFAULT_OUTPUT, false));
        if (o.help()) {
            System.out.print(usage());
            return;
        }
        PrintStream out = System.out;
        out.printf("Rendering the graph of the digits MLP 64-%d-10 (batch %d) with the gradients of its loss%n", HIDDEN,
                BATCH);
        Rendering r = render(o.output(), out);
        out.println("\nThe TapeMachine's program (forward pass, then the gradient nodes):\n" + r.listing());
        out.println("Wrote the DOT " + r.dot().toAbsolutePath());
        if (r.svg() != null) {
            out.println("Wrote the SVG " + r.svg().toAbsolutePath());
        } else {
            out.println("Graphviz's 'dot' is not on the PATH, so only the DOT was written. To get the SVG, install "
                    + "Graphviz (e.g. apt-get install graphviz) and run this sample again, or run: dot -Tsvg -o "
                    + r.dot().resolveSibling("mlp.svg").toAbsolutePath() + " " + r.dot().toAbsolutePath());
        }
    }

    /** The help text. */
    static String usage() {
        return "GraphRendering: the digits MLP's graph, with its gradients, as Graphviz DOT (and SVG when 'dot' is "
                + "on the PATH), and the TapeMachine's program\n\nOptions:\n"
                + "  --output DIR      where mlp.dot and mlp.svg go (default " + DEFAULT_OUTPUT + ")\n"
                + "  --help            this text\n";
    }

    /**
     * Builds the MLP's graph and its gradients, writes {@code mlp.dot} into {@code folder}
     * (creating it) and {@code mlp.svg} when Graphviz is available, reporting each step to
     * {@code out}.
     *
     * @return the files written and the TapeMachine listing
     * @throws IOException if a file cannot be written or Graphviz fails
     */
    static Rendering render(Path folder, PrintStream out) throws IOException {
        Graph g = mlpWithGradients();
        String listing;
        try (TapeMachine machine = TapeMachine.builder(g).bindGradients().build()) {
            listing = machine.listing();
        }
        out.printf("The graph has %d nodes, %d of them gradients recorded by Grad.of%n", g.nodes().size(),
                g.gradients().size());
        Files.createDirectories(folder);
        Path dot = folder.resolve("mlp.dot");
        String text = g.toDot();
        Files.writeString(dot, text, StandardCharsets.UTF_8);
        Path svg = null;
        if (Graphviz.isAvailable()) {
            svg = Graphviz.render(text, folder.resolve("mlp.svg"), Graphviz.Format.SVG);
        }
        return new Rendering(dot, svg, listing);
    }

    /** The graph DigitsMlp trains, with Grad.of's gradient nodes for its four parameters. */
    static Graph mlpWithGradients() {
        SplittableRandom random = new SplittableRandom(1);
        Graph g = new Graph();
        Node x = g.matrix(DType.FLOAT64, BATCH, 64, "x");
        Node y = g.matrix(DType.FLOAT64, BATCH, 10, "y");
        Node w1 = g.input("w1", Init.heUniform(1.0).create(DType.FLOAT64, Shape.of(64, HIDDEN), random));
        Node b1 = g.input("b1", Tensor.zeros(DType.FLOAT64, HIDDEN));
        Node w2 = g.input("w2", Init.glorotUniform(1.0).create(DType.FLOAT64, Shape.of(HIDDEN, 10), random));
        Node b2 = g.input("b2", Tensor.zeros(DType.FLOAT64, 10));
        Node hidden = relu(add(matMul(x, w1), b1));
        Node logits = add(matMul(hidden, w2), b2);
        Node loss = neg(mean(sum(mul(y, logSoftmax(logits, 1)), 1)));
        Grad.of(loss, w1, b1, w2, b2);
        return g;
    }
}
