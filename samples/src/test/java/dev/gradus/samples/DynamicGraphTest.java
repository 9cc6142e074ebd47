package dev.gradus.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.io.Checkpoint;
import dev.gradus.samples.DynamicGraph.Apply;
import dev.gradus.samples.DynamicGraph.Example;
import dev.gradus.samples.DynamicGraph.Leaf;
import dev.gradus.samples.DynamicGraph.Tree;
import dev.gradus.samples.DynamicGraph.Weights;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.LispMachine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dynamic-graph sample in a quick version, and the two things it rests on: each example
 * gets a graph of its own shape, and the LispMachine's gradient through that graph is the
 * derivative of its loss.
 */
class DynamicGraphTest {
    /** (3 − (1 + 4)) + 2 = 0: both operators, three levels. */
    private static final Tree DEEP = new Apply(true,
            new Apply(false, new Leaf(3), new Apply(true, new Leaf(1), new Leaf(4))), new Leaf(2));
    /** 4 − 1 = 3. */
    private static final Tree SHALLOW = new Apply(false, new Leaf(4), new Leaf(1));

    @Test
    void aQuickRunLearnsTheSignOfExpressions(@TempDir Path dir) throws Exception {
        SampleOptions o = new SampleOptions(3, 16, 0.01, 3, dir, false);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DynamicGraph.Result r = DynamicGraph.train(o, 800, 300, new PrintStream(log, true, StandardCharsets.UTF_8));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(r.loss()[2] < r.loss()[0] * 0.7, "loss should fall: " + Arrays.toString(r.loss()));
        // The classes are balanced, so chance (and the commonest class) is about 1/3.
        assertTrue(r.majority() < 0.34, "majority " + r.majority());
        assertTrue(r.testAccuracy() > 0.7, "test accuracy " + r.testAccuracy() + " (chance is 1/3); " + text);
        assertTrue(text.contains("epoch 3/3"), text);
        assertTrue(r.mostNodes() > r.fewestNodes(), "graphs of different sizes: " + r.fewestNodes() + ".." + r.mostNodes());

        Path ckpt = dir.resolve("w.ckpt");
        Checkpoint.save(ckpt, r.checkpoint());
        Map<String, Tensor> back = Checkpoint.load(ckpt);
        assertEquals(r.checkpoint().keySet(), back.keySet());
        assertTrue(back.get("plus/w").allClose(r.model().byName().get("plus/w"), 0, 0));
        Path png = Charts.lossAndAccuracy("test", r.loss(), r.accuracy(), dir.resolve("curve.png"));
        assertTrue(Files.size(png) > 1000, "a PNG was written");
    }

    @Test
    void eachExampleBuildsAGraphOfItsOwnShapeOverTheSharedWeights() {
        Weights w = Weights.create(new SplittableRandom(1));
        Example deep = DynamicGraph.build(DEEP, w);
        Example shallow = DynamicGraph.build(SHALLOW, w);
        assertNotSame(deep.graph(), shallow.graph());
        int deepNodes = deep.graph().nodes().size();
        int shallowNodes = shallow.graph().nodes().size();
        // Each operator node adds concat, matVec, add and tanh; each distinct leaf an index (slice + reshape).
        assertTrue(deepNodes > shallowNodes + 8, deepNodes + " nodes for " + DEEP + ", " + shallowNodes + " for " + SHALLOW);
        List<Tensor> shared = w.tensors();
        for (int p = 0; p < shared.size(); p++) {
            assertTrue(deep.parameters().get(p).value().sharesStorageWith(shared.get(p)), "bound, not copied");
            assertTrue(shallow.parameters().get(p).value().sharesStorageWith(shared.get(p)), "bound, not copied");
        }
        assertEquals(1, DEEP.label(), DEEP + " = 0");
        assertEquals(2, SHALLOW.label());
    }

    @Test
    void theLispMachineGradientMatchesFiniteDifferences() {
        Weights w = Weights.create(new SplittableRandom(2));
        // Non-zero biases, so that a wrong bias gradient cannot hide behind zeros.
        SplittableRandom r = new SplittableRandom(3);
        for (String b : List.of("plus/b", "minus/b", "out/b")) {
            Tensor t = w.byName().get(b);
            for (int i = 0; i < t.size(); i++) {
                t.setFlat(i, r.nextDouble(-0.3, 0.3));
            }
        }
        Example e = DynamicGraph.build(DEEP, w);
        LispMachine.builder(e.graph()).cost(e.loss()).wrt(e.parameters().toArray(dev.gradus.graph.Node[]::new)).build()
                .runAll();
        LispMachine forward = LispMachine.builder(e.graph()).forwardOnly().build();
        List<String> names = List.copyOf(w.byName().keySet());
        double h = 1e-6;
        int checked = 0;
        for (int p = 0; p < names.size(); p++) {
            Tensor value = w.byName().get(names.get(p));
            Tensor gradient = e.parameters().get(p).gradient();
            assertEquals(value.shape(), gradient.shape(), names.get(p));
            // Embedding rows 1..4 are used by DEEP (3, 1, 4, 2); row 0 is not and must get 0.
            for (int i : new int[] {0, value.size() / 2 + 1, value.size() - 1}) {
                double saved = value.getFlat(i);
                value.setFlat(i, saved + h);
                forward.runAll();
                double up = e.loss().scalarValue();
                value.setFlat(i, saved - h);
                forward.runAll();
                double down = e.loss().scalarValue();
                value.setFlat(i, saved);
                double numeric = (up - down) / (2 * h);
                double analytic = gradient.getFlat(i);
                assertEquals(numeric, analytic, 1e-6 + 1e-5 * Math.abs(numeric),
                        names.get(p) + "[" + i + "]: finite differences " + numeric + ", LispMachine " + analytic);
                checked++;
            }
        }
        assertEquals(21, checked);
        for (int d = 0; d < DynamicGraph.DIM; d++) {
            assertEquals(0.0, e.parameters().get(0).gradient().getFlat(d), "embedding row 0 is not in " + DEEP);
        }
        assertTrue(Math.abs(e.parameters().get(1).gradient().getFlat(0)) > 0, "plus/w gets a gradient");
    }

    @Test
    void generatedExpressionsAreBalancedAndSeeded() {
        List<Tree> trees = DynamicGraph.randomTrees(300, new SplittableRandom(4));
        int[] counts = new int[DynamicGraph.CLASSES];
        for (Tree t : trees) {
            counts[t.label()]++;
        }
        assertEquals(List.of(100, 100, 100), Arrays.stream(counts).boxed().toList());
        assertEquals(trees, DynamicGraph.randomTrees(300, new SplittableRandom(4)), "seeded");
        assertEquals("(4 - 1)", SHALLOW.toString());
    }
}
