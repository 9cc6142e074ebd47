package dev.gradus.samples;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.argmax;
import static dev.gradus.Ops.conv2d;
import static dev.gradus.Ops.dropout;
import static dev.gradus.Ops.matMul;
import static dev.gradus.Ops.maxPool2d;
import static dev.gradus.Ops.relu;
import static dev.gradus.Ops.reshape;
import static dev.gradus.Ops.softmaxCrossEntropy;

import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.init.Init;
import dev.gradus.io.Checkpoint;
import dev.gradus.solver.Solver;
import dev.gradus.solver.Solvers;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.TapeMachine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Gorgonia's MNIST convnet scaled down to the 8×8 UCI digits: two blocks of 3×3 convolution
 * (padding 1) + ReLU + 2×2 max pooling (1×8×8 → 16×4×4 → 32×2×2), then flatten, dropout and a
 * dense layer to the 10 classes, trained with softmax cross-entropy and Adam from He-initialized
 * weights. The split is DigitsMlp's: rows whose index % 5 == 4 (359) are the test set, the
 * other 1438 train. Dropout draws a fresh mask at every training step; the evaluation graph
 * shares the weights and builds dropout in evaluation mode (the identity). Shows progress,
 * saves a checkpoint of the weights and the solver state, and writes the loss/accuracy curve
 * as a PNG under {@code target/convnet-digits/}.
 */
public final class ConvnetDigits {
    private static final SampleOptions DEFAULTS = new SampleOptions(20, 32, 2e-3, 42,
            Path.of("target", "convnet-digits"), false);
    private static final int SIDE = 8;
    private static final int PIXELS = SIDE * SIDE;
    private static final int CLASSES = 10;
    private static final int FILTERS1 = 16;
    private static final int FILTERS2 = 32;
    /** Features after the second pooling: 32 channels of 2×2. */
    private static final int FLAT = FILTERS2 * (SIDE / 4) * (SIDE / 4);
    /** The drop probability before the dense layer (Gorgonia's MNIST convnet uses 0.2 after each block, 0.55 before the last layer). */
    private static final double DROP = 0.3;

    private ConvnetDigits() {
    }

    /**
     * What a training run produced.
     *
     * @param loss the mean training loss per epoch
     * @param accuracy the test accuracy after each epoch
     * @param finalAccuracy the test accuracy after the last epoch
     * @param testRight test rows classified right after the last epoch
     * @param testRows rows in the test set
     * @param weights the trained weights, then the solver state under {@code adam/}
     */
    record Result(double[] loss, double[] accuracy, double finalAccuracy, int testRight, int testRows,
            Map<String, Tensor> weights) {
    }

    /**
     * Runs the sample.
     *
     * @param args see {@code --help}
     * @throws IOException if the checkpoint or the plot cannot be written
     */
    public static void main(String[] args) throws IOException {
        SampleOptions o = SampleOptions.parse(args, DEFAULTS);
        if (o.help()) {
            System.out.print(o.usage("ConvnetDigits", "a small convnet (conv2d, maxPool2d, dropout) on the UCI "
                    + "handwritten digits, Gorgonia's MNIST convnet scaled down to 8×8 images"));
            return;
        }
        PrintStream out = System.out;
        out.printf("Training a convnet on the 8×8 digits: conv 3×3×%d + ReLU + max-pool 2×2 → conv 3×3×%d + ReLU + "
                + "max-pool 2×2 → dropout %.2f → dense %d→%d (train: rows with index %% 5 != 4, test: the rest), "
                + "%d epochs, batch %d, Adam %s, He init, seed %d%n", FILTERS1, FILTERS2, DROP, FLAT, CLASSES, o.epochs(),
                o.batchSize(), o.learnRate(), o.seed());
        long start = System.nanoTime();
        Result r = train(o, out);
        double seconds = (System.nanoTime() - start) / 1e9;
        Path checkpoint = o.output().resolve("convnet-digits.ckpt");
        Checkpoint.save(checkpoint, r.weights());
        Path plot = Charts.lossAndAccuracy("Convnet on digits", r.loss(), r.accuracy(),
                o.output().resolve("convnet-digits.png"));
        out.printf("Test accuracy: %.2f%% (%d of %d) after %.1f s of training%n", 100 * r.finalAccuracy(), r.testRight(),
                r.testRows(), seconds);
        out.println("Wrote the checkpoint " + checkpoint.toAbsolutePath());
        out.println("Wrote the loss/accuracy curve " + plot.toAbsolutePath());
    }

    /** Trains with the given options, reporting to {@code out}; returns the curves and the weights. */
    static Result train(SampleOptions o, PrintStream out) {
        Datasets.Labelled all = Datasets.digits();
        Datasets.Labelled train = all.select(i -> i % 5 != 4);
        Datasets.Labelled test = all.select(i -> i % 5 == 4);
        SplittableRandom random = new SplittableRandom(o.seed());
        int b = o.batchSize();
        if (b > train.rows()) {
            throw new IllegalArgumentException("--batch-size " + b + " exceeds the " + train.rows() + " training rows");
        }

        // He initialization for the layers followed by ReLU; the kernels are (out, in, kh, kw).
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("conv1", Init.heNormal(1.0).create(DType.FLOAT64, Shape.of(FILTERS1, 1, 3, 3), random));
        weights.put("bias1", Tensor.zeros(DType.FLOAT64, 1, FILTERS1, 1, 1));
        weights.put("conv2", Init.heNormal(1.0).create(DType.FLOAT64, Shape.of(FILTERS2, FILTERS1, 3, 3), random));
        weights.put("bias2", Tensor.zeros(DType.FLOAT64, 1, FILTERS2, 1, 1));
        weights.put("dense", Init.glorotUniform(1.0).create(DType.FLOAT64, Shape.of(FLAT, CLASSES), random));
        weights.put("bias3", Tensor.zeros(DType.FLOAT64, CLASSES));

        Graph g = new Graph();
        Node x = g.tensor(DType.FLOAT64, Shape.of(b, 1, SIDE, SIDE), "x");
        Node y = g.matrix(DType.FLOAT64, b, CLASSES, "y");
        List<Node> params = inputs(g, weights);
        Node loss = softmaxCrossEntropy(model(x, params, true, random.nextLong()), y);
        Grad.of(loss, params);

        Graph eval = new Graph();
        Node xt = eval.input("x", Tensor.of(test.features(), test.rows(), 1, SIDE, SIDE));
        Node predicted = argmax(model(xt, inputs(eval, weights), false, 0), 1);

        Solver solver = Solvers.adam().learnRate(o.learnRate()).build();
        int steps = train.rows() / b;
        double[] lossCurve = new double[o.epochs()];
        double[] accuracyCurve = new double[o.epochs()];
        int[] order = new int[train.rows()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[] xb = new double[b * PIXELS];
        double[] yb = new double[b * CLASSES];
        double[] oneHot = train.oneHot();
        try (TapeMachine machine = TapeMachine.builder(g).bindGradients().build();
                TapeMachine evaluator = TapeMachine.of(eval);
                Progress progress = new Progress("digits convnet", (long) steps * o.epochs(), o.epochs(), out)) {
            for (int epoch = 1; epoch <= o.epochs(); epoch++) {
                Training.shuffle(order, random);
                double total = 0;
                for (int s = 0; s < steps; s++) {
                    for (int r = 0; r < b; r++) {
                        int row = order[s * b + r];
                        System.arraycopy(train.features(), row * PIXELS, xb, r * PIXELS, PIXELS);
                        System.arraycopy(oneHot, row * CLASSES, yb, r * CLASSES, CLASSES);
                    }
                    x.let(xb);
                    y.let(yb);
                    machine.runAll();
                    solver.step(params);
                    total += loss.scalarValue();
                    progress.step(total / (s + 1));
                }
                lossCurve[epoch - 1] = total / steps;
                evaluator.runAll();
                accuracyCurve[epoch - 1] = Training.accuracy(predicted.value(), test.labels());
                progress.epoch(epoch, lossCurve[epoch - 1], accuracyCurve[epoch - 1]);
            }
        }
        Map<String, Tensor> saved = new LinkedHashMap<>(weights);
        for (Map.Entry<String, Tensor> e : solver.state().entrySet()) {
            saved.put("adam/" + e.getKey(), e.getValue());
        }
        double last = accuracyCurve[o.epochs() - 1];
        return new Result(lossCurve, accuracyCurve, last, (int) Math.round(last * test.rows()), test.rows(), saved);
    }

    /** One input node per weight, in the map's order, holding the weight tensor itself (shared, not copied). */
    private static List<Node> inputs(Graph g, Map<String, Tensor> weights) {
        List<Node> nodes = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            nodes.add(g.input(e.getKey(), e.getValue()));
        }
        return nodes;
    }

    /**
     * The network, from images (N, 1, 8, 8) to logits (N, 10). In training mode the dropout
     * layer draws a mask seeded with {@code dropoutSeed} at every run; otherwise it is the identity.
     */
    private static Node model(Node x, List<Node> p, boolean training, long dropoutSeed) {
        Node h = maxPool2d(relu(add(conv2d(x, p.get(0), 1, 1, 1), p.get(1))), 2, 2, 0);
        h = maxPool2d(relu(add(conv2d(h, p.get(2), 1, 1, 1), p.get(3))), 2, 2, 0);
        Node flat = dropout(reshape(h, -1, FLAT), DROP, training, dropoutSeed);
        return add(matMul(flat, p.get(4)), p.get(5));
    }
}
