package dev.gradus.vm;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.exp;
import static dev.gradus.Ops.log;
import static dev.gradus.Ops.logSoftmax;
import static dev.gradus.Ops.matMul;
import static dev.gradus.Ops.mean;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.neg;
import static dev.gradus.Ops.sigmoid;
import static dev.gradus.Ops.sin;
import static dev.gradus.Ops.square;
import static dev.gradus.Ops.sub;
import static dev.gradus.Ops.sum;
import static dev.gradus.Ops.tanh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Allocations;
import dev.gradus.cuda.KernelSource;
import dev.gradus.cuda.KernelSpec;
import dev.gradus.cuda.SimulatedCudaEngine;
import dev.gradus.cuda.TableKernelSource;
import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.op.BinaryOps;
import dev.gradus.op.Comparison;
import dev.gradus.op.Op;
import dev.gradus.op.UnaryOps;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TapeMachine's CUDA placement, fusion, residency and copy scheduling, checked on any
 * machine against a simulated device (test-only) that evaluates kernel specs with the ops'
 * scalar forms: results must equal the CPU program's bit for bit, and the copy counts must be
 * the minimum the placement allows.
 */
class CudaPlanningTest {
    private final List<SimulatedCudaEngine> engines = new ArrayList<>();

    private TapeMachine.Builder gpu(Graph g, KernelSource kernels) {
        return TapeMachine.builder(g).cudaKernels(kernels).cudaEngineFactory(k -> {
            SimulatedCudaEngine e = new SimulatedCudaEngine(k);
            engines.add(e);
            return e;
        });
    }

    private TapeMachine.Builder gpu(Graph g) {
        return gpu(g, new TableKernelSource()).useCuda();
    }

    private SimulatedCudaEngine lastEngine() {
        return engines.get(engines.size() - 1);
    }

    private static Tensor random(Random rnd, DType dtype, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        Tensor t = Tensor.zeros(dtype, dims);
        for (int i = 0; i < n; i++) {
            t.setAt(i, rnd.nextGaussian());
        }
        return t;
    }

    /**
     * Runs the graph on the CPU and through {@code machine}, then compares the given nodes. The
     * simulated device evaluates each op's scalar form; the CPU kernels may differ from it by a
     * few ulps per op where the op table documents it (the vector and branch-free kernels of
     * exp, tanh and sigmoid), and chains compound that, so the comparison allows 1e-12 relative
     * in float64 and 4e-6 in float32 instead of exact equality.
     */
    private static void assertSameAsCpu(Graph g, Supplier<TapeMachine> machine, Node... outputs) {
        List<Tensor> expected = new ArrayList<>();
        try (TapeMachine cpu = TapeMachine.builder(g).keep(outputs).build()) {
            cpu.runAll();
            for (Node o : outputs) {
                expected.add(Tensor.zeros(o.dtype(), o.shape()));
                expected.get(expected.size() - 1).copyFrom(o.value());
            }
        }
        try (TapeMachine m = machine.get()) {
            for (int run = 0; run < 2; run++) {
                m.runAll();
                for (int i = 0; i < outputs.length; i++) {
                    double rtol = outputs[i].dtype() == DType.FLOAT32 ? 4e-6 : 1e-12;
                    assertTrue(expected.get(i).allClose(outputs[i].value(), rtol, 1e-300),
                            "node " + outputs[i].name() + ", run " + run + ": " + expected.get(i) + " vs "
                                    + outputs[i].value() + "\n" + m.listing());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aChainOfFiveOpsOnOneInputCopiesOnceInAndOnceOut(boolean fuse) {
        Graph g = new Graph();
        Node x = g.input("x", random(new Random(1), DType.FLOAT32, 1000));
        Node y = sigmoid(tanh(sin(exp(neg(x)))));
        assertSameAsCpu(g, () -> gpu(g).fuseKernels(fuse).build(), y);
        try (TapeMachine m = gpu(g).fuseKernels(fuse).build()) {
            assertTrue(m.usesCuda());
            assertEquals(fuse ? 1 : 5, m.cudaKernelCount(), m.listing());
            for (int run = 1; run <= 3; run++) {
                m.runAll();
                assertEquals(run, m.copiesToDevice(), m.listing());
                assertEquals(run, m.copiesToHost(), m.listing());
            }
            assertEquals(3L * (fuse ? 1 : 5), lastEngine().launches());
            if (fuse) {
                KernelSpec spec = lastEngine().specs().get(0);
                assertEquals(List.of(KernelSpec.InputKind.ARRAY), spec.inputs());
                assertEquals(List.of(UnaryOps.NEG, UnaryOps.EXP, UnaryOps.SIN, UnaryOps.TANH, UnaryOps.SIGMOID),
                        spec.steps().stream().map(KernelSpec.Step::op).toList());
                assertEquals("fused_neg_exp_sin_tanh_sigmoid_f32", spec.entryName());
            }
        }
    }

    @Test
    void sigmoidOfAffineWithScalarsIsOneKernelWithScalarParameters() {
        Graph g = new Graph();
        Random rnd = new Random(2);
        Node x = g.input("x", random(rnd, DType.FLOAT64, 50, 20));
        Node a = g.scalar(DType.FLOAT64, "a", 1.5);
        Node b = g.scalar(DType.FLOAT64, "b", -0.25);
        Node y = sigmoid(add(mul(a, x), b));
        assertSameAsCpu(g, () -> gpu(g).build(), y);
        try (TapeMachine m = gpu(g).build()) {
            m.runAll();
            assertEquals(1, m.cudaKernelCount(), m.listing());
            KernelSpec spec = lastEngine().specs().get(0);
            assertEquals(List.of(KernelSpec.InputKind.SCALAR, KernelSpec.InputKind.ARRAY, KernelSpec.InputKind.SCALAR),
                    spec.inputs());
            assertEquals(List.of(KernelSpec.Step.of(BinaryOps.MUL, 0, 1), KernelSpec.Step.of(BinaryOps.ADD, 3, 2),
                    KernelSpec.Step.of(UnaryOps.SIGMOID, 4)), spec.steps());
            assertEquals(1, m.copiesToDevice());
            assertEquals(1, m.copiesToHost());
            // Scalars are passed by value each run: a new value is seen without any copy.
            a.let(-2.0);
            m.runAll();
            assertEquals(1 / (1 + Math.exp(-(-2.0 * x.value().get(3, 4) - 0.25))), y.value().get(3, 4), 1e-15);
            assertEquals(2, m.copiesToDevice());
        }
    }

    @Test
    void opsWithoutKernelsRunOnTheCpuAndValuesCrossOnlyAtBoundaries() {
        Graph g = new Graph();
        Random rnd = new Random(3);
        Node x = g.input("x", random(rnd, DType.FLOAT32, 8, 16));
        Node w = g.input("w", random(rnd, DType.FLOAT32, 16, 32));
        Node h = sigmoid(tanh(matMul(x, w)));   // matMul on the CPU, then two GPU ops
        Node s = sum(h);                        // CPU reads h: one copy back
        assertSameAsCpu(g, () -> gpu(g).build(), s);
        try (TapeMachine m = gpu(g).build()) {
            m.runAll();
            assertEquals(1, m.cudaKernelCount(), m.listing());
            assertEquals(1, m.copiesToDevice(), m.listing());
            assertEquals(1, m.copiesToHost(), m.listing());
        }
    }

    @Test
    void useCudaForPlacesOnlyTheNamedOps() {
        Graph g = new Graph();
        Node x = g.input("x", random(new Random(4), DType.FLOAT32, 300));
        Node y = sigmoid(sin(tanh(x)));
        assertSameAsCpu(g, () -> gpu(g, new TableKernelSource()).useCudaFor("tanh", "sigmoid").build(), y);
        try (TapeMachine m = gpu(g, new TableKernelSource()).useCudaFor("tanh", "sigmoid").build()) {
            m.runAll();
            // tanh (GPU) -> sin (CPU) -> sigmoid (GPU): two kernels, a round trip in between.
            assertEquals(2, m.cudaKernelCount(), m.listing());
            assertEquals(2, m.copiesToDevice(), m.listing());
            assertEquals(2, m.copiesToHost(), m.listing());
        }
    }

    @Test
    void keptWatchedOrSharedIntermediatesEndAFusedChain() {
        Graph g = new Graph();
        Node x = g.input("x", random(new Random(5), DType.FLOAT64, 64));
        Node a = sin(x);
        Node b = exp(a);
        Node c = tanh(b);
        Node d = sigmoid(c);
        Node cpuReader = sum(a);                // a is read by the CPU
        assertSameAsCpu(g, () -> gpu(g).keep(c).build(), d, c, cpuReader);
        try (TapeMachine m = gpu(g).keep(c).build()) {
            m.runAll();
            // [sin] (read by sum) | [exp, tanh] (tanh kept) | [sigmoid]
            assertEquals(3, m.cudaKernelCount(), m.listing());
            assertEquals(1, m.copiesToDevice(), m.listing());
            assertEquals(3, m.copiesToHost(), m.listing());   // a for sum, c kept, d root
        }
    }

    @Test
    void anIntermediateReadByALaterGroupIsCutToo() {
        Graph g = new Graph();
        Node x = g.input("x", random(new Random(6), DType.FLOAT64, 64));
        Node a = sin(x);
        Node b = exp(a);
        Node s = sum(b);                  // CPU between the groups
        Node c = mul(add(tanh(b), s), a); // reads a and b on the GPU after the CPU op
        assertSameAsCpu(g, () -> gpu(g).build(), c);
        try (TapeMachine m = gpu(g).build()) {
            m.runAll();
            assertEquals(1, m.copiesToDevice(), m.listing());   // x only; a and b stay on the device
            assertEquals(2, m.copiesToHost(), m.listing());     // b for sum, the root c
        }
    }

    @Test
    void gradientsOfAnMlpMatchTheCpu() {
        Graph g = new Graph();
        Random rnd = new Random(7);
        Node x = g.input("x", random(rnd, DType.FLOAT64, 16, 8));
        Node labels = g.input("labels", Tensor.zeros(DType.FLOAT64, 16, 4));
        for (int r = 0; r < 16; r++) {
            labels.value().set(1.0, r, rnd.nextInt(4));
        }
        Node w1 = g.input("w1", random(rnd, DType.FLOAT64, 8, 32));
        Node b1 = g.input("b1", random(rnd, DType.FLOAT64, 32));
        Node w2 = g.input("w2", random(rnd, DType.FLOAT64, 32, 4));
        Node hidden = sigmoid(mul(tanh(add(matMul(x, w1), b1)), 2.0));
        Node cost = add(neg(mean(sum(mul(labels, logSoftmax(matMul(hidden, w2), 1)), 1))), mean(square(sub(hidden, 0.5))));
        List<Node> grads = Grad.of(cost, w1, b1, w2);
        List<Node> outs = new ArrayList<>(grads);
        outs.add(cost);
        assertSameAsCpu(g, () -> gpu(g).build(), outs.toArray(new Node[0]));
        assertSameAsCpu(g, () -> gpu(g).fuseKernels(false).build(), outs.toArray(new Node[0]));
        try (TapeMachine m = gpu(g).bindGradients().build()) {
            m.runAll();
            assertTrue(m.cudaKernelCount() > 0, m.listing());
            assertTrue(w1.gradient().allClose(grads.get(0).value(), 0, 0));
        }
    }

    /** Random DAGs of elementwise ops over vectors and scalars, some nodes kept or read by the CPU. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void randomGraphsGiveTheCpuResults(int seed) {
        Random rnd = new Random(seed);
        DType dtype = seed % 2 == 0 ? DType.FLOAT32 : DType.FLOAT64;
        Graph g = new Graph();
        List<Node> vectors = new ArrayList<>();
        List<Node> scalars = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            vectors.add(g.input("v" + i, random(rnd, dtype, 40)));
        }
        scalars.add(g.scalar(dtype, "s", 0.75));
        List<Op> unary = List.of(UnaryOps.SIN, UnaryOps.TANH, UnaryOps.SIGMOID, UnaryOps.NEG, UnaryOps.ABS, UnaryOps.EXP,
                UnaryOps.SQUARE);
        List<Op> binary = List.of(BinaryOps.ADD, BinaryOps.SUB, BinaryOps.MUL, BinaryOps.MAX_BETWEEN,
                Comparison.GT.mask());
        List<Node> keep = new ArrayList<>();
        List<Node> all = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            Node made;
            int kind = rnd.nextInt(10);
            if (kind < 4) {
                made = g.apply(unary.get(rnd.nextInt(unary.size())), pick(rnd, vectors));
            } else if (kind < 8) {
                Node other = rnd.nextInt(4) == 0 ? pick(rnd, scalars) : pick(rnd, vectors);
                made = rnd.nextBoolean() ? g.apply(binary.get(rnd.nextInt(binary.size())), pick(rnd, vectors), other)
                        : g.apply(binary.get(rnd.nextInt(binary.size())), other, pick(rnd, vectors));
            } else if (kind == 8) {
                made = sum(pick(rnd, vectors));   // a CPU op giving a scalar
                scalars.add(made);
                all.add(made);
                continue;
            } else {
                made = tanh(log(add(square(pick(rnd, vectors)), 1.0)));
            }
            vectors.add(made);
            all.add(made);
            if (rnd.nextInt(6) == 0) {
                keep.add(made);
            }
        }
        // What stays readable without keepAll: the kept nodes and the roots.
        java.util.Set<Node> read = new java.util.HashSet<>();
        for (Node n : g.nodes()) {
            read.addAll(n.inputs());
        }
        List<Node> visible = new ArrayList<>(keep);
        for (Node n : all) {
            if (!read.contains(n) && !visible.contains(n)) {
                visible.add(n);
            }
        }
        Node[] outs = visible.toArray(new Node[0]);
        assertSameAsCpu(g, () -> gpu(g).keep(keep.toArray(new Node[0])).build(), outs);
        assertSameAsCpu(g, () -> gpu(g).keepAll().build(), all.toArray(new Node[0]));
        assertSameAsCpu(g, () -> gpu(g).keep(keep.toArray(new Node[0])).fuseKernels(false).build(), outs);
        assertSameAsCpu(g, () -> gpu(g, new TableKernelSource()).useCudaFor("sin", "add", "gtMask", "sigmoid")
                .keep(keep.toArray(new Node[0])).build(), outs);
    }

    private static Node pick(Random rnd, List<Node> nodes) {
        return nodes.get(rnd.nextInt(nodes.size()));
    }

    @Test
    void theNanWatchSeesValuesComputedOnTheDevice() {
        Graph g = new Graph();
        Node x = g.input("x", Tensor.of(new float[] {1, 2, 3, 4}, 4));
        Node bad = log(neg(x)).withName("bad");
        Node y = tanh(bad);
        try (TapeMachine m = gpu(g).watchNaN().build()) {
            ArithmeticException e = assertThrows(ArithmeticException.class, m::runAll);
            assertTrue(e.getMessage().contains("'bad'"), e.getMessage());
            assertEquals(3, m.cudaKernelCount(), "no fusion under the NaN watch\n" + m.listing());
        }
        assertEquals(DType.FLOAT32, y.dtype());
    }

    @Test
    void closeClosesTheEngineAtOnceAndTwiceIsHarmless() {
        Graph g = new Graph();
        Node x = g.input("x", random(new Random(8), DType.FLOAT32, 100));
        sigmoid(x);
        TapeMachine m = gpu(g).build();
        m.runAll();
        SimulatedCudaEngine e = lastEngine();
        m.close();
        assertTrue(e.isClosed());
        m.close();
        assertThrows(IllegalStateException.class, m::runAll);
    }

    @Test
    void aFailedCompilationClosesTheEngine() {
        Graph g = new Graph();
        Node x = g.input("x", random(new Random(9), DType.FLOAT32, 100));
        Node y = sigmoid(x);
        Node z = exp(y);
        Graph other = new Graph();
        Node alien = other.input("alien", random(new Random(9), DType.FLOAT32, 100));
        // A kernel source that fails while generating: the engine must still be closed.
        KernelSource failing = new TableKernelSource() {
            @Override
            public String module(KernelSpec spec, DType dtype) {
                throw new IllegalArgumentException("generator failure for " + spec.entryName());
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu(g, failing).useCuda().build());
        assertTrue(e.getMessage().contains("generator failure"), e.getMessage());
        assertTrue(lastEngine().isClosed());
        assertEquals(DType.FLOAT32, z.dtype());
        assertEquals(DType.FLOAT32, alien.dtype());
    }

    @Test
    void useCudaForRefusesUnknownAndUnsupportedNames() {
        Graph g = new Graph();
        g.input("x", random(new Random(10), DType.FLOAT32, 10));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TapeMachine.builder(g).useCudaFor("tanh", "sigmod"));
        assertTrue(unknown.getMessage().contains("'sigmod'") && unknown.getMessage().contains("sigmoid"),
                unknown.getMessage());
        IllegalArgumentException unsupported = assertThrows(IllegalArgumentException.class,
                () -> gpu(g, new TableKernelSource("erf")).useCudaFor("erf").build());
        assertTrue(unsupported.getMessage().contains("'erf'") && unsupported.getMessage().contains("tanh"),
                unsupported.getMessage());
    }

    @Test
    void aRunOnTheGpuPathAllocatesNothingAfterWarmUp() {
        Graph g = new Graph();
        Random rnd = new Random(11);
        Node x = g.input("x", random(rnd, DType.FLOAT32, 256));
        Node w = g.input("w", random(rnd, DType.FLOAT32, 256, 16));
        Node a = g.scalar(DType.FLOAT32, "a", 0.5);
        Node h = sigmoid(add(mul(a, x), 1.0));
        Node y = sum(tanh(matMul(g.input("xs", random(rnd, DType.FLOAT32, 4, 256)), w)));
        try (TapeMachine m = gpu(g).build()) {
            long perRun = Allocations.bytesPerRunOnceWarm(m::runAll, 300);
            assertTrue(perRun < 16, "a TapeMachine run on the GPU path allocated " + perRun + " bytes on average");
            assertTrue(Double.isFinite(y.scalarValue()) && Double.isFinite(h.value().get(0)));
        }
    }
}
