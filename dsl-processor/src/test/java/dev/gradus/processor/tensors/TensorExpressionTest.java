package dev.gradus.processor.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Ops;
import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.TapeMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The generated code of Tensor @Expression methods: derivative nodes against the runtime's
 * Grad.of on the same graph and against finite differences; the tensor call against both;
 * the program cache.
 */
class TensorExpressionTest {
    private static final Random RANDOM = new Random(11);

    private static Tensor random(int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = RANDOM.nextGaussian() * 0.7;
        }
        return Tensor.of(v, dims);
    }

    private static Tensor oneHot(int rows, int classes) {
        double[] v = new double[rows * classes];
        for (int r = 0; r < rows; r++) {
            v[r * classes + RANDOM.nextInt(classes)] = 1;
        }
        return Tensor.of(v, rows, classes);
    }

    /** Runs the generated gradient nodes and Grad.of side by side on one graph; returns [value, grads...] of each. */
    private static void checkAgainstGrad(List<Tensor> args, List<Integer> wrt, Function<List<Node>, List<Node>> generated,
            Function<List<Node>, Node> forward) {
        Graph g = new Graph();
        List<Node> inputs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            inputs.add(g.input("p" + i, args.get(i)));
        }
        List<Node> gen = generated.apply(inputs);
        Node value = forward.apply(inputs);
        List<Node> wrtNodes = new ArrayList<>();
        for (int i : wrt) {
            wrtNodes.add(inputs.get(i));
        }
        List<Node> symbolic = Grad.of(value, wrtNodes);
        try (TapeMachine m = TapeMachine.builder(g).keepAll().build()) {
            m.runAll();
        }
        assertTrue(gen.get(0) == value, "the generated forward nodes are the hand-built ones (hash-consed)");
        for (int k = 0; k < wrt.size(); k++) {
            assertTrue(gen.get(k + 1).value().allClose(symbolic.get(k).value(), 1e-12, 1e-14),
                    "gradient " + k + ": generated " + gen.get(k + 1).value() + " vs Grad.of " + symbolic.get(k).value());
        }
    }

    /** Central finite differences of {@code f} with respect to argument {@code which}. */
    private static Tensor finiteDifference(Function<List<Tensor>, Double> f, List<Tensor> args, int which) {
        Tensor x = args.get(which);
        Tensor grad = Tensor.zeros(x.dtype(), x.shape());
        double h = 1e-6;
        for (int k = 0; k < x.size(); k++) {
            double old = x.getFlat(k);
            x.setFlat(k, old + h);
            double up = f.apply(args);
            x.setFlat(k, old - h);
            double down = f.apply(args);
            x.setFlat(k, old);
            grad.setFlat(k, (up - down) / (2 * h));
        }
        return grad;
    }

    @Test
    void mseGradientsMatchGradOfAndFiniteDifferences() {
        List<Tensor> args = List.of(random(5, 3), random(5, 2), random(3, 2), random(2));
        checkAgainstGrad(args, List.of(2, 3),
                in -> {
                    var n = TensorCorpusGradients.mseGradientNodes(in.get(0), in.get(1), in.get(2), in.get(3));
                    return List.of(n.value(), n.dw(), n.db());
                },
                in -> Ops.mean(Ops.square(Ops.sub(Ops.add(Ops.matMul(in.get(0), in.get(2)), in.get(3)), in.get(1)))));
        var r = TensorCorpusGradients.mse(args.get(0), args.get(1), args.get(2), args.get(3));
        Function<List<Tensor>, Double> f = a -> TensorCorpus.mse(a.get(0), a.get(1), a.get(2), a.get(3)).item();
        assertEquals(f.apply(args), r.value().item(), 1e-14);
        assertTrue(r.dw().allClose(finiteDifference(f, args, 2), 1e-6, 1e-8), r.dw().toString());
        assertTrue(r.db().allClose(finiteDifference(f, args, 3), 1e-6, 1e-8), r.db().toString());
    }

    @Test
    void mlpGradientsMatchGradOfAndFiniteDifferences() {
        List<Tensor> args = List.of(random(6, 4), oneHot(6, 3), random(4, 5), random(5), random(5, 3));
        checkAgainstGrad(args, List.of(2, 3, 4),
                in -> {
                    var n = TensorCorpusGradients.mlpGradientNodes(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4));
                    return List.of(n.value(), n.dw1(), n.db1(), n.dw2());
                },
                in -> Ops.neg(Ops.mean(Ops.sum(Ops.mul(in.get(1), Ops.logSoftmax(Ops.matMul(Ops.tanh(Ops.add(
                        Ops.matMul(in.get(0), in.get(2)), in.get(3))), in.get(4)), 1)), 1))));
        var r = TensorCorpusGradients.mlp(args.get(0), args.get(1), args.get(2), args.get(3), args.get(4));
        Function<List<Tensor>, Double> f = a -> TensorCorpus.mlp(a.get(0), a.get(1), a.get(2), a.get(3), a.get(4)).item();
        assertEquals(f.apply(args), r.value().item(), 1e-14);
        assertTrue(r.dw1().allClose(finiteDifference(f, args, 2), 1e-6, 1e-8));
        assertTrue(r.db1().allClose(finiteDifference(f, args, 3), 1e-6, 1e-8));
        assertTrue(r.dw2().allClose(finiteDifference(f, args, 4), 1e-6, 1e-8));
    }

    @Test
    void mixedOpsMatchFiniteDifferences() {
        List<Tensor> args = List.of(random(3, 4), random(3, 1));
        var r = TensorCorpusGradients.mixed(args.get(0), args.get(1));
        Function<List<Tensor>, Double> f = a -> TensorCorpus.mixed(a.get(0), a.get(1)).item();
        assertEquals(f.apply(args), r.value().item(), 1e-12);
        assertTrue(r.da().allClose(finiteDifference(f, args, 0), 1e-6, 1e-8), r.da() + " vs " + finiteDifference(f, args, 0));
        assertTrue(r.dc().allClose(finiteDifference(f, args, 1), 1e-6, 1e-8));
    }

    @Test
    void callsOfOtherTensorExpressionsGoThroughTheirGeneratedVjp() {
        List<Tensor> args = List.of(random(5, 3), random(5, 2), random(3, 4), random(4), random(4, 2), random(2));
        checkAgainstGrad(args, List.of(2, 3, 4, 5),
                in -> {
                    var n = TensorCorpusGradients.twoLayersGradientNodes(in.get(0), in.get(1), in.get(2), in.get(3),
                            in.get(4), in.get(5));
                    return List.of(n.value(), n.dw1(), n.db1(), n.dw2(), n.db2());
                },
                in -> Ops.mean(Ops.square(Ops.sub(Ops.tanh(Ops.add(Ops.matMul(Ops.tanh(Ops.add(Ops.matMul(in.get(0),
                        in.get(2)), in.get(3))), in.get(4)), in.get(5))), in.get(1)))));
        var r = TensorCorpusGradients.twoLayers(args.get(0), args.get(1), args.get(2), args.get(3), args.get(4),
                args.get(5));
        Function<List<Tensor>, Double> f = a -> TensorCorpus.twoLayers(a.get(0), a.get(1), a.get(2), a.get(3), a.get(4),
                a.get(5)).item();
        assertEquals(f.apply(args), r.value().item(), 1e-14);
        assertTrue(r.dw1().allClose(finiteDifference(f, args, 2), 1e-6, 1e-8));
        assertTrue(r.db2().allClose(finiteDifference(f, args, 5), 1e-6, 1e-8));
    }

    @Test
    void shapeCarryingOpsWithLiteralParametersDifferentiateAtCompileTime() {
        Tensor ids = Tensor.ofInts(new int[] {4, 0, 2}, 3);
        List<Tensor> args = List.of(random(2, 4), random(3, 4));
        Function<List<Tensor>, Double> f = a -> TensorCorpus.shaped(a.get(0), a.get(1), ids).item();
        var r = TensorCorpusGradients.shaped(args.get(0), args.get(1), ids);
        assertEquals(f.apply(args), r.value().item(), 1e-12);
        assertTrue(r.da().allClose(finiteDifference(f, args, 0), 1e-6, 1e-8), r.da() + " vs " + finiteDifference(f, args, 0));
        assertTrue(r.dc().allClose(finiteDifference(f, args, 1), 1e-6, 1e-8), r.dc() + " vs " + finiteDifference(f, args, 1));

        List<Tensor> pair = List.of(random(2, 3, 4), random(2, 5, 3));
        Function<List<Tensor>, Double> g = a -> TensorCorpus.batched(a.get(0), a.get(1)).item();
        var q = TensorCorpusGradients.batched(pair.get(0), pair.get(1));
        assertEquals(g.apply(pair), q.value().item(), 1e-12);
        assertTrue(q.da().allClose(finiteDifference(g, pair, 0), 1e-6, 1e-8));
        assertTrue(q.db().allClose(finiteDifference(g, pair, 1), 1e-6, 1e-8));
    }

    @Test
    void axesWrittenWithoutTheRankDifferentiateAtCompileTime() throws Exception {
        List<Tensor> args = List.of(random(2, 3, 4), random(3, 4));
        checkAgainstGrad(args, List.of(0, 1),
                in -> {
                    var n = TensorCorpusGradients.rankFreeGradientNodes(in.get(0), in.get(1));
                    return List.of(n.value(), n.dx(), n.dy());
                },
                in -> TensorCorpusGradients.rankFreeNodes(in.get(0), in.get(1)));
        var r = TensorCorpusGradients.rankFree(args.get(0), args.get(1));
        Function<List<Tensor>, Double> f = a -> TensorCorpus.rankFree(a.get(0), a.get(1)).item();
        assertEquals(f.apply(args), r.value().item(), 1e-12);
        assertTrue(r.dx().allClose(finiteDifference(f, args, 0), 1e-6, 1e-8), r.dx() + " vs " + finiteDifference(f, args, 0));
        assertTrue(r.dy().allClose(finiteDifference(f, args, 1), 1e-6, 1e-8), r.dy() + " vs " + finiteDifference(f, args, 1));
        String source = new String(generatedSource(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(source.contains("Ops.transpose(") && !source.contains(".op().vjp("),
                "every rule was applied at compile time; none is left for the builder to run");
    }

    private static byte[] generatedSource() throws java.io.IOException {
        java.nio.file.Path p = java.nio.file.Path.of("target", "generated-test-sources", "test-annotations", "dev", "gradus",
                "processor", "tensors", "TensorCorpusGradients.java");
        assertTrue(java.nio.file.Files.exists(p), "generated source at " + p.toAbsolutePath());
        return java.nio.file.Files.readAllBytes(p);
    }

    @Test
    void aCalleeWithAWrtSubsetServesCallersThatNeedOnlyThoseGradients() {
        List<Tensor> args = List.of(random(5, 3), random(5, 2), random(3, 2), random(2));
        var r = TensorCorpusGradients.layerLoss(args.get(0), args.get(1), args.get(2), args.get(3));
        Function<List<Tensor>, Double> f = a -> TensorCorpus.layerLoss(a.get(0), a.get(1), a.get(2), a.get(3)).item();
        assertEquals(f.apply(args), r.value().item(), 1e-12);
        assertTrue(r.dw().allClose(finiteDifference(f, args, 2), 1e-6, 1e-8));
        assertTrue(r.db().allClose(finiteDifference(f, args, 3), 1e-6, 1e-8));
    }

    @Test
    void loopsWithConstantBoundsAreUnrolledAndBranchesOnCountersResolved() {
        List<Tensor> args = List.of(random(3, 4), random(4, 4), random(1, 4));
        checkAgainstGrad(args, List.of(1, 2),
                in -> {
                    var n = TensorCorpusGradients.recurrentGradientNodes(in.get(0), in.get(1), in.get(2));
                    return List.of(n.value(), n.dw(), n.dh0());
                },
                in -> {
                    Node h = in.get(2);
                    for (int t = 0; t < 3; t++) {
                        h = Ops.tanh(Ops.add(Ops.matMul(h, in.get(1)), Ops.slice(in.get(0), 0, t, t + 1, 1)));
                        h = t == 2 ? Ops.mul(h, 2.0) : Ops.sum(Ops.reshape(h, 1, -1), new int[] {0}, true);
                    }
                    return Ops.sum(h);
                });
        var r = TensorCorpusGradients.recurrent(args.get(0), args.get(1), args.get(2));
        Function<List<Tensor>, Double> f = a -> TensorCorpus.recurrent(a.get(0), a.get(1), a.get(2)).item();
        assertEquals(f.apply(args), r.value().item(), 1e-12);
        assertTrue(r.dw().allClose(finiteDifference(f, args, 1), 1e-6, 1e-8), r.dw() + " vs " + finiteDifference(f, args, 1));
        assertTrue(r.dh0().allClose(finiteDifference(f, args, 2), 1e-6, 1e-8));
    }

    @Test
    void gradientsNobodyAskedForAreDiscardedSoMachinesSkipThem() {
        Graph g = new Graph();
        List<Node> in = new ArrayList<>();
        for (Tensor t : List.of(random(5, 3), random(5, 2), random(3, 4), random(4), random(4, 2), random(2))) {
            in.add(g.input("p" + in.size(), t));
        }
        int first = g.nodes().size();
        var n = TensorCorpusGradients.twoLayersGradientNodes(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5));
        java.util.Set<Node> live = new java.util.HashSet<>();
        java.util.Deque<Node> stack = new java.util.ArrayDeque<>(List.of(n.value(), n.dw1(), n.db1(), n.dw2(), n.db2()));
        while (!stack.isEmpty()) {
            Node x = stack.pop();
            if (live.add(x)) {
                stack.addAll(x.inputs());
            }
        }
        int discarded = 0;
        for (Node x : g.nodes().subList(first, g.nodes().size())) {
            assertEquals(!live.contains(x), x.isDiscarded(), x.toString());
            discarded += x.isDiscarded() ? 1 : 0;
        }
        // The first layer's vector-Jacobian product also builds the gradient of its data input x.
        assertTrue(discarded > 0, "the unused dx of the first layer is discarded");
    }

    @Test
    void reusedSubexpressionsAndUnusedParameters() {
        List<Tensor> args = List.of(random(4), random(2));
        var r = TensorCorpusGradients.reused(args.get(0), args.get(1));
        Function<List<Tensor>, Double> f = a -> TensorCorpus.reused(a.get(0), a.get(1)).item();
        assertTrue(r.dx().allClose(finiteDifference(f, args, 0), 1e-6, 1e-8));
    }

    @Test
    void theTensorCallCompilesOncePerSignature() throws Exception {
        var programs = TensorCorpusGradients.msePrograms();
        int before = programs.compiledPrograms();
        Tensor x = random(4, 3);
        Tensor y = random(4, 2);
        for (int i = 0; i < 5; i++) {
            TensorCorpusGradients.mse(x, y, random(3, 2), random(2));
        }
        assertEquals(before + 1, programs.compiledPrograms());
        TensorCorpusGradients.mse(random(7, 3), random(7, 2), random(3, 2), random(2));
        assertEquals(before + 2, programs.compiledPrograms());
        TensorCorpusGradients.mse(x.cast(dev.gradus.tensor.DType.FLOAT32), y.cast(dev.gradus.tensor.DType.FLOAT32),
                random(3, 2).cast(dev.gradus.tensor.DType.FLOAT32), random(2).cast(dev.gradus.tensor.DType.FLOAT32));
        assertEquals(before + 3, programs.compiledPrograms(), "float32 is another signature");

        // Many threads, one signature: one more program at most, and every result right.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                Tensor w = random(3, 2);
                Tensor b = random(2);
                results.add(pool.submit(() -> {
                    var r = TensorCorpusGradients.mse(x, y, w, b);
                    return Math.abs(r.value().item() - TensorCorpus.mse(x, y, w, b).item()) < 1e-12;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(before + 3, programs.compiledPrograms());
    }

    @Test
    void badShapesAndNonScalarValuesAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorCorpusGradients.mse(random(4, 3), random(4, 2), random(5, 2), random(2)));
        assertTrue(e.getMessage().contains("matMul"), e.getMessage());
        IllegalArgumentException arity = assertThrows(IllegalArgumentException.class,
                () -> TensorCorpusGradients.msePrograms().evaluate(random(4, 3), random(4, 2)));
        assertTrue(arity.getMessage().contains("mse takes 4 tensors"), arity.getMessage());
    }
}
