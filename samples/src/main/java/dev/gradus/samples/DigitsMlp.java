package dev.gradus.samples;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.argmax;
import static dev.gradus.Ops.logSoftmax;
import static dev.gradus.Ops.matMul;
import static dev.gradus.Ops.mean;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.neg;
import static dev.gradus.Ops.relu;
import static dev.gradus.Ops.sum;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The default main job: a multilayer perceptron (64 → 64 ReLU → 10) trained on the UCI
 * handwritten digits with softmax cross-entropy and Adam (L2 1e-3), pixels standardized on
 * the training rows. Rows whose index % 5 == 4 (359 of the 1797) are the test set, the other
 * 1438 train. Shows a progress bar with the running loss, saves a
 * checkpoint of the weights and the solver state, and writes the loss/accuracy curve as a PNG.
 */
public final class DigitsMlp {
    private static final SampleOptions DEFAULTS = new SampleOptions(60, 32, 1e-3, 42, Path.of("target", "digits-mlp"),
            false);
    private static final int HIDDEN = 64;
    /** Adam's L2 penalty on the weights; with standardized pixels it lifts test accuracy from about 97.8% to 98.3%. */
    private static final double L2 = 1e-3;

    private DigitsMlp() {
    }

    /** What a training run produced. */
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
            System.out.print(o.usage("DigitsMlp", "an MLP on the UCI handwritten digits (the default main job)"));
            return;
        }
        PrintStream out = System.out;
        out.printf("Training an MLP 64-%d-10 on the handwritten digits (train: rows with index %% 5 != 4, test: the "
                + "rest), %d epochs, batch %d, Adam %s, seed %d%n", HIDDEN, o.epochs(), o.batchSize(), o.learnRate(),
                o.seed());
        Result r = train(o, out);
        Path checkpoint = o.output().resolve("digits-mlp.ckpt");
        Checkpoint.save(checkpoint, r.weights());
        Path plot = Charts.lossAndAccuracy("MLP on digits", r.loss(), r.accuracy(), o.output().resolve("digits-mlp.png"));
        out.printf("Test accuracy: %.2f%% (%d of %d)%n", 100 * r.finalAccuracy(), r.testRight(), r.testRows());
        out.println("Wrote the checkpoint " + checkpoint.toAbsolutePath());
        out.println("Wrote the loss/accuracy curve " + plot.toAbsolutePath());
    }

    /** Trains with the given options, reporting to {@code out}; returns the curves and the weights. */
    static Result train(SampleOptions o, PrintStream out) {
        Datasets.Labelled all = Datasets.digits();
        Datasets.Labelled train = all.select(i -> i % 5 != 4);
        Datasets.Labelled test = all.select(i -> i % 5 == 4);
        Training.standardize(train.features(), test.features(), 64);
        SplittableRandom random = new SplittableRandom(o.seed());
        int b = o.batchSize();

        Tensor w1 = Init.heUniform(1.0).create(DType.FLOAT64, Shape.of(64, HIDDEN), random);
        Tensor b1 = Tensor.zeros(DType.FLOAT64, HIDDEN);
        Tensor w2 = Init.glorotUniform(1.0).create(DType.FLOAT64, Shape.of(HIDDEN, 10), random);
        Tensor b2 = Tensor.zeros(DType.FLOAT64, 10);

        Graph g = new Graph();
        Node x = g.matrix(DType.FLOAT64, b, 64, "x");
        Node y = g.matrix(DType.FLOAT64, b, 10, "y");
        List<Node> params = List.of(g.input("w1", w1), g.input("b1", b1), g.input("w2", w2), g.input("b2", b2));
        Node logits = model(x, params);
        Node loss = neg(mean(sum(mul(y, logSoftmax(logits, 1)), 1)));
        Grad.of(loss, params);

        Graph eval = new Graph();
        Node xt = eval.input("x", Tensor.of(test.features(), test.rows(), 64));
        Node predicted = argmax(model(xt, List.of(eval.input("w1", w1), eval.input("b1", b1), eval.input("w2", w2),
                eval.input("b2", b2))), 1);

        Solver solver = Solvers.adam().learnRate(o.learnRate()).l2(L2).build();
        int steps = train.rows() / b;
        double[] lossCurve = new double[o.epochs()];
        double[] accuracyCurve = new double[o.epochs()];
        int[] order = new int[train.rows()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[] xb = new double[b * 64];
        double[] yb = new double[b * 10];
        double[] oneHot = train.oneHot();
        try (TapeMachine machine = TapeMachine.builder(g).bindGradients().build();
                TapeMachine evaluator = TapeMachine.of(eval);
                Progress progress = new Progress("digits MLP", (long) steps * o.epochs(), o.epochs(), out)) {
            for (int epoch = 1; epoch <= o.epochs(); epoch++) {
                Training.shuffle(order, random);
                double total = 0;
                for (int s = 0; s < steps; s++) {
                    for (int r = 0; r < b; r++) {
                        int row = order[s * b + r];
                        System.arraycopy(train.features(), row * 64, xb, r * 64, 64);
                        System.arraycopy(oneHot, row * 10, yb, r * 10, 10);
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
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("w1", w1);
        weights.put("b1", b1);
        weights.put("w2", w2);
        weights.put("b2", b2);
        weights.putAll(prefixed("adam/", solver.state()));
        double last = accuracyCurve[o.epochs() - 1];
        return new Result(lossCurve, accuracyCurve, last, (int) Math.round(last * test.rows()), test.rows(), weights);
    }

    private static Node model(Node x, List<Node> p) {
        Node hidden = relu(add(matMul(x, p.get(0)), p.get(1)));
        return add(matMul(hidden, p.get(2)), p.get(3));
    }

    private static Map<String, Tensor> prefixed(String prefix, Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : m.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        return out;
    }
}
