package dev.gradus.samples;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.concat;
import static dev.gradus.Ops.index;
import static dev.gradus.Ops.matVec;
import static dev.gradus.Ops.reshape;
import static dev.gradus.Ops.softmaxCrossEntropy;
import static dev.gradus.Ops.tanh;

import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.init.Init;
import dev.gradus.io.Checkpoint;
import dev.gradus.solver.Solver;
import dev.gradus.solver.Solvers;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.LispMachine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A dynamic graph on the {@link LispMachine}: a recursive (tree-structured) network that reads
 * small arithmetic expressions such as {@code ((3 − 4) + (1 − (2 + 0)))} and says whether
 * their value is negative, zero or positive. Every expression has its own shape, so every
 * example builds a <em>new graph</em> that mirrors its tree: a leaf is a row of a learned
 * embedding table, an operator node is {@code h = tanh(W_op·[h_left; h_right] + b_op)} with
 * one {@code W_op, b_op} for {@code +} and one for {@code −}, and a softmax classifier reads the
 * root. The weights are plain tensors shared by all the graphs (each graph binds them as
 * inputs, without copying); the LispMachine runs each graph forward and backward, the
 * gradients of a mini-batch are summed, and Adam steps the shared tensors.
 *
 * <p>The sign depends on the structure, not only on the digits: in {@code 4 − (3 − 2)} the
 * 2 counts positively. The expressions are generated with a seeded random generator (2 to 7
 * leaves, digits 0..4, the three classes equally often); the test expressions are drawn
 * separately from the training ones. Writes a checkpoint and the loss/accuracy curve under
 * {@code target/dynamic-graph/}.
 */
public final class DynamicGraph {
    private static final SampleOptions DEFAULTS = new SampleOptions(8, 16, 0.003, 42, Path.of("target", "dynamic-graph"),
            false);
    /** The largest leaf digit; leaves are 0..MAX_DIGIT. */
    static final int MAX_DIGIT = 4;
    /** The most leaves an expression has (the fewest is 2). */
    static final int MAX_LEAVES = 7;
    /** The width of every node's vector. */
    static final int DIM = 16;
    /** The classes: value negative, zero, positive. */
    static final int CLASSES = 3;
    private static final String[] CLASS_NAMES = {"negative", "zero", "positive"};
    private static final int TRAIN_EXAMPLES = 6000;
    private static final int TEST_EXAMPLES = 500;

    private DynamicGraph() {
    }

    /** An arithmetic expression over the digits 0..{@value #MAX_DIGIT} with + and −. */
    sealed interface Tree permits Leaf, Apply {
        /** The expression's value. */
        int value();

        /** The class to predict: 0 if the value is negative, 1 if zero, 2 if positive. */
        default int label() {
            return Integer.signum(value()) + 1;
        }
    }

    /** A digit. */
    record Leaf(int digit) implements Tree {
        @Override
        public int value() {
            return digit;
        }

        @Override
        public String toString() {
            return Integer.toString(digit);
        }
    }

    /** {@code left + right} ({@code plus}) or {@code left − right}. */
    record Apply(boolean plus, Tree left, Tree right) implements Tree {
        @Override
        public int value() {
            return plus ? left.value() + right.value() : left.value() - right.value();
        }

        @Override
        public String toString() {
            return "(" + left + (plus ? " + " : " - ") + right + ")";
        }
    }

    /**
     * The shared weights: plain tensors, bound as inputs by every example's graph and updated
     * in place by the solver.
     */
    record Weights(Map<String, Tensor> byName) {
        /** Creates the weights, Glorot-uniform matrices and zero biases, drawn from {@code random}. */
        static Weights create(SplittableRandom random) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("embedding", Init.uniform(-0.5, 0.5).create(DType.FLOAT64, Shape.of(MAX_DIGIT + 1, DIM), random));
            m.put("plus/w", Init.glorotUniform(1.0).create(DType.FLOAT64, Shape.of(DIM, 2 * DIM), random));
            m.put("plus/b", Tensor.zeros(DType.FLOAT64, DIM));
            m.put("minus/w", Init.glorotUniform(1.0).create(DType.FLOAT64, Shape.of(DIM, 2 * DIM), random));
            m.put("minus/b", Tensor.zeros(DType.FLOAT64, DIM));
            m.put("out/w", Init.glorotUniform(1.0).create(DType.FLOAT64, Shape.of(CLASSES, DIM), random));
            m.put("out/b", Tensor.zeros(DType.FLOAT64, CLASSES));
            return new Weights(Collections.unmodifiableMap(m));
        }

        /** The tensors, in a fixed order (the solver's parameter order). */
        List<Tensor> tensors() {
            return List.copyOf(byName.values());
        }
    }

    /**
     * One example's graph.
     *
     * @param graph the new graph, shaped like the expression
     * @param logits the root's class scores, (1, {@value #CLASSES})
     * @param loss the softmax cross-entropy against the expression's label
     * @param parameters the graph's inputs bound to the shared weights, in {@link Weights#tensors()} order
     */
    record Example(Graph graph, Node logits, Node loss, List<Node> parameters) {
        /** The predicted class, after a forward pass. */
        int predicted() {
            Tensor z = logits.value();
            int best = 0;
            for (int k = 1; k < CLASSES; k++) {
                if (z.getFlat(k) > z.getFlat(best)) {
                    best = k;
                }
            }
            return best;
        }
    }

    /**
     * What a training run produced.
     *
     * @param loss the mean training loss per epoch
     * @param accuracy the test accuracy after each epoch
     * @param trainAccuracy the accuracy on the training expressions at the end
     * @param testAccuracy the accuracy on the test expressions at the end
     * @param testRight test expressions classified right at the end
     * @param testRows test expressions
     * @param majority the accuracy of always answering the commonest test class
     * @param fewestNodes the smallest graph built, in nodes
     * @param mostNodes the largest graph built, in nodes
     * @param graphs graphs built (one per example per pass)
     * @param model the trained weights
     * @param checkpoint the weights and the solver state, named for a checkpoint
     */
    record Result(double[] loss, double[] accuracy, double trainAccuracy, double testAccuracy, int testRight,
            int testRows, double majority, int fewestNodes, int mostNodes, long graphs, Weights model,
            Map<String, Tensor> checkpoint) {
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
            System.out.print(o.usage("DynamicGraph", "a tree-structured network on the LispMachine, one new graph per "
                    + "example, says whether random arithmetic expressions are negative, zero or positive"));
            return;
        }
        PrintStream out = System.out;
        out.printf("Training a tree network (width %d) on the LispMachine to tell the sign of random expressions over "
                + "the digits 0..%d with + and - (2 to %d leaves); %d training and %d test expressions, one new graph "
                + "per expression; %d epochs, batch %d, Adam %s, seed %d%n", DIM, MAX_DIGIT, MAX_LEAVES,
                TRAIN_EXAMPLES, TEST_EXAMPLES, o.epochs(), o.batchSize(), o.learnRate(), o.seed());
        long start = System.nanoTime();
        Result r = train(o, TRAIN_EXAMPLES, TEST_EXAMPLES, out);
        double seconds = (System.nanoTime() - start) / 1e9;
        Path checkpoint = o.output().resolve("dynamic-graph.ckpt");
        Checkpoint.save(checkpoint, r.checkpoint());
        Path plot = Charts.lossAndAccuracy("Tree network on expressions (LispMachine)", r.loss(), r.accuracy(),
                o.output().resolve("dynamic-graph.png"));
        out.printf("Built %d graphs of %d to %d nodes in %.1f s%n", r.graphs(), r.fewestNodes(), r.mostNodes(), seconds);
        out.printf("Training accuracy: %.2f%%%n", 100 * r.trainAccuracy());
        out.printf("Test accuracy: %.2f%% (%d of %d; always answering the commonest class: %.2f%%)%n",
                100 * r.testAccuracy(), r.testRight(), r.testRows(), 100 * r.majority());
        SplittableRandom fresh = new SplittableRandom(o.seed() + 1);
        for (int i = 0; i < 4; i++) {
            Tree t = randomTree(3 + i, fresh);
            out.printf("  %s = %d: predicted %s%n", t, t.value(), CLASS_NAMES[predict(t, r.model())]);
        }
        out.println("Wrote the checkpoint " + checkpoint.toAbsolutePath());
        out.println("Wrote the loss/accuracy curve " + plot.toAbsolutePath());
    }

    /**
     * Trains on {@code trainCount} generated expressions and tests on {@code testCount} others,
     * reporting progress to {@code out}.
     */
    static Result train(SampleOptions o, int trainCount, int testCount, PrintStream out) {
        SplittableRandom random = new SplittableRandom(o.seed());
        List<Tree> train = randomTrees(trainCount, random.split());
        List<Tree> test = randomTrees(testCount, random.split());
        Weights weights = Weights.create(random.split());
        List<Tensor> values = weights.tensors();
        int b = Math.min(o.batchSize(), trainCount);
        // The solver divides the summed gradient of a batch by its size.
        Solver solver = Solvers.adam().learnRate(o.learnRate()).batchSize(b).build();
        List<Tensor> sums = new ArrayList<>();
        for (Tensor v : values) {
            sums.add(Tensor.zeros(v.dtype(), v.shape()));
        }

        int steps = trainCount / b;
        double[] lossCurve = new double[o.epochs()];
        double[] accuracyCurve = new double[o.epochs()];
        int[] order = new int[trainCount];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int fewest = Integer.MAX_VALUE;
        int most = 0;
        long graphs = 0;
        try (Progress progress = new Progress("tree network", (long) steps * o.epochs(), o.epochs(), out)) {
            for (int epoch = 1; epoch <= o.epochs(); epoch++) {
                Training.shuffle(order, random);
                double total = 0;
                for (int s = 0; s < steps; s++) {
                    for (Tensor sum : sums) {
                        sum.fill(0);
                    }
                    for (int r = 0; r < b; r++) {
                        Example e = build(train.get(order[s * b + r]), weights);
                        LispMachine.builder(e.graph()).cost(e.loss()).wrt(e.parameters().toArray(Node[]::new)).build()
                                .runAll();
                        for (int p = 0; p < sums.size(); p++) {
                            addInto(sums.get(p), e.parameters().get(p).gradient());
                        }
                        total += e.loss().scalarValue();
                        int size = e.graph().nodes().size();
                        fewest = Math.min(fewest, size);
                        most = Math.max(most, size);
                        graphs++;
                    }
                    solver.step(values, sums);
                    progress.step(total / ((s + 1) * b));
                }
                lossCurve[epoch - 1] = total / (steps * b);
                accuracyCurve[epoch - 1] = accuracy(test, weights);
                graphs += test.size();
                progress.epoch(epoch, lossCurve[epoch - 1], accuracyCurve[epoch - 1]);
            }
        }
        double trainAccuracy = accuracy(train, weights);
        graphs += train.size();
        double last = accuracyCurve[o.epochs() - 1];
        Map<String, Tensor> saved = new LinkedHashMap<>(weights.byName());
        for (Map.Entry<String, Tensor> e : solver.state().entrySet()) {
            saved.put("adam/" + e.getKey(), e.getValue());
        }
        return new Result(lossCurve, accuracyCurve, trainAccuracy, last, (int) Math.round(last * test.size()),
                test.size(), majority(test), fewest, most, graphs, weights, saved);
    }

    /**
     * Builds a new graph for {@code tree}: its inputs are the shared weights (bound, not
     * copied), its nodes follow the tree bottom-up, and its cost is the cross-entropy of the
     * root's class scores against the tree's label. Runs nothing.
     */
    static Example build(Tree tree, Weights weights) {
        Graph g = new Graph();
        List<Node> parameters = new ArrayList<>();
        Map<String, Node> p = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : weights.byName().entrySet()) {
            Node n = g.input(e.getKey(), e.getValue());
            parameters.add(n);
            p.put(e.getKey(), n);
        }
        Node root = compose(tree, p);
        Node logits = reshape(add(matVec(p.get("out/w"), root), p.get("out/b")), 1, CLASSES);
        Node label = g.constant(Tensor.ofInts(new int[] {tree.label()}, 1));
        return new Example(g, logits, softmaxCrossEntropy(logits, label), List.copyOf(parameters));
    }

    /** The vector of {@code tree}: an embedding row for a digit, the composition of its children otherwise. */
    private static Node compose(Tree tree, Map<String, Node> p) {
        if (tree instanceof Leaf leaf) {
            return index(p.get("embedding"), 0, leaf.digit());
        }
        Apply a = (Apply) tree;
        String op = a.plus() ? "plus" : "minus";
        Node children = concat(0, compose(a.left(), p), compose(a.right(), p));
        return tanh(add(matVec(p.get(op + "/w"), children), p.get(op + "/b")));
    }

    /** The fraction of {@code trees} whose sign the network gets right (forward passes only). */
    static double accuracy(List<Tree> trees, Weights weights) {
        int right = 0;
        for (Tree t : trees) {
            if (predict(t, weights) == t.label()) {
                right++;
            }
        }
        return right / (double) trees.size();
    }

    /** The class the network gives {@code tree}: builds its graph and runs it forward only. */
    static int predict(Tree tree, Weights weights) {
        Example e = build(tree, weights);
        LispMachine.builder(e.graph()).forwardOnly().build().runAll();
        return e.predicted();
    }

    /**
     * Draws {@code count} expressions with 2 to {@value #MAX_LEAVES} leaves, as many
     * of each class as can be (positive values are the commonest draws, so without balancing
     * always answering "positive" would already be right about 60% of the time).
     */
    static List<Tree> randomTrees(int count, SplittableRandom random) {
        List<Tree> out = new ArrayList<>(count);
        int[] counts = new int[CLASSES];
        while (out.size() < count) {
            Tree t = randomTree(random.nextInt(2, MAX_LEAVES + 1), random);
            int quota = (count + CLASSES - 1 - t.label()) / CLASSES;
            if (counts[t.label()] < quota) {
                counts[t.label()]++;
                out.add(t);
            }
        }
        return out;
    }

    /** Draws an expression with exactly {@code leaves} leaves: a random split, random operators and digits. */
    static Tree randomTree(int leaves, SplittableRandom random) {
        if (leaves == 1) {
            return new Leaf(random.nextInt(MAX_DIGIT + 1));
        }
        int left = random.nextInt(1, leaves);
        return new Apply(random.nextBoolean(), randomTree(left, random), randomTree(leaves - left, random));
    }

    /** The accuracy of always answering the commonest class of {@code trees}. */
    static double majority(List<Tree> trees) {
        int[] counts = new int[CLASSES];
        for (Tree t : trees) {
            counts[t.label()]++;
        }
        int most = 0;
        for (int c : counts) {
            most = Math.max(most, c);
        }
        return most / (double) trees.size();
    }

    /** {@code sum += g}, element by element ({@code sum} is contiguous; {@code g} may be any layout). */
    private static void addInto(Tensor sum, Tensor g) {
        double[] s = sum.float64Data();
        for (int i = 0; i < s.length; i++) {
            s[i] += g.getFlat(i);
        }
    }
}
