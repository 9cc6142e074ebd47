package dev.gradus.vm;

import static dev.gradus.Ops.add;
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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Allocations;
import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class MachinesTest {
    @Test
    void gorgoniasFirstExampleGivesFourPointFive() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x");
        Node y = g.scalar(DType.FLOAT64, "y");
        Node z = add(x, y);
        try (TapeMachine m = TapeMachine.of(g)) {
            x.let(2.0);
            y.let(2.5);
            m.runAll();
            assertEquals(4.5, z.scalarValue());
        }
        try (LispMachine m = LispMachine.builder(g).forwardOnly().build()) {
            x.let(1.0);
            m.runAll();
            assertEquals(3.5, z.scalarValue());
        }
    }

    @Test
    void gorgoniasGradientExampleThroughBothMachines() {
        // Gorgonia's "How to compute gradient": f = (x + y)·z at x = -2, y = 5, z = -4.
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x", -2);
        Node y = g.scalar(DType.FLOAT64, "y", 5);
        Node z = g.scalar(DType.FLOAT64, "z", -4);
        Node f = mul(add(x, y), z);
        List<Node> grads = Grad.of(f, x, y, z);
        try (TapeMachine m = TapeMachine.builder(g).bindGradients().build()) {
            m.runAll();
            assertEquals(-12, f.scalarValue());
            assertEquals(-4, grads.get(0).scalarValue());
            assertEquals(-4, grads.get(1).scalarValue());
            assertEquals(3, grads.get(2).scalarValue());
            assertEquals(3, z.gradient().item());
        }
        Graph h = new Graph();
        Node hx = h.scalar(DType.FLOAT64, "x", -2);
        Node hy = h.scalar(DType.FLOAT64, "y", 5);
        Node hz = h.scalar(DType.FLOAT64, "z", -4);
        mul(add(hx, hy), hz);
        LispMachine.of(h).runAll();
        assertEquals(-4, hx.gradient().item());
        assertEquals(-4, hy.gradient().item());
        assertEquals(3, hz.gradient().item());
    }

    @Test
    void linearRegressionFitsSlopeAndInterceptNearTwo() {
        int n = 200;
        Random rnd = new Random(42);
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = rnd.nextDouble();
            ys[i] = 2 * xs[i] + 2 + 0.1 * rnd.nextGaussian();
        }
        Graph g = new Graph();
        Node x = g.input("x", Tensor.of(xs, n));
        Node y = g.input("y", Tensor.of(ys, n));
        Node m = g.scalar(DType.FLOAT64, "m", 0);
        Node c = g.scalar(DType.FLOAT64, "c", 0);
        Node cost = mean(square(sub(add(mul(x, m), c), y)));
        Grad.of(cost, m, c);
        try (TapeMachine machine = TapeMachine.builder(g).bindGradients().build()) {
            for (int step = 0; step < 5000; step++) {
                machine.runAll();
                m.let(m.scalarValue() - 0.5 * m.gradient().item());
                c.let(c.scalarValue() - 0.5 * c.gradient().item());
            }
        }
        // The least-squares fit, computed independently in closed form.
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += xs[i] / n;
            my += ys[i] / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (xs[i] - mx) * (ys[i] - my);
            sxx += (xs[i] - mx) * (xs[i] - mx);
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        assertEquals(slope, m.scalarValue(), 1e-6);
        assertEquals(intercept, c.scalarValue(), 1e-6);
        assertEquals(2, m.scalarValue(), 0.1);
        assertEquals(2, c.scalarValue(), 0.1);
    }

    @Test
    void boundGradientsAreOverwrittenNotAccumulated() {
        // gorgonia#543: BindDualValues accumulated gradients across runs.
        Graph g = new Graph();
        Node w = g.vector(DType.FLOAT64, 3, "w");
        w.let(Tensor.vector(1, 2, 3));
        Node cost = sum(square(w));
        Grad.of(cost, w);
        try (TapeMachine m = TapeMachine.builder(g).bindGradients().build()) {
            m.runAll();
            assertArrayEquals(new double[] {2, 4, 6}, w.gradient().toDoubleArray());
            m.runAll();
            m.runAll();
            assertArrayEquals(new double[] {2, 4, 6}, w.gradient().toDoubleArray());
            w.let(Tensor.vector(-1, 0, 1));
            m.runAll();
            assertArrayEquals(new double[] {-2, 0, 2}, w.gradient().toDoubleArray());
        }
    }

    @Test
    void twoCostsNeedAnExplicitChoiceWhenBinding() {
        Graph g = new Graph();
        Node w = g.scalar(DType.FLOAT64, "w", 2);
        Node c1 = square(w);
        Node c2 = sin(w);
        Grad.of(c1, w);
        Grad.of(c2, w);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TapeMachine.builder(g).bindGradients().build());
        assertTrue(e.getMessage().contains("bindGradientsOf"), e.getMessage());
        try (TapeMachine m = TapeMachine.builder(g).bindGradientsOf(c2).build()) {
            m.runAll();
            assertEquals(Math.cos(2), w.gradient().item(), 1e-15);
        }
    }

    @Test
    void nanWatchNamesTheFirstNodeThatProducedIt() {
        Graph g = new Graph();
        Node x = g.vector(DType.FLOAT64, 2, "x");
        x.let(Tensor.vector(1, -1));
        Node lx = log(x);
        Node y = mul(lx, x);
        try (TapeMachine m = TapeMachine.builder(g).watchNaN().build()) {
            ArithmeticException e = assertThrows(ArithmeticException.class, m::runAll);
            assertTrue(e.getMessage().contains("'" + lx.name() + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> LispMachine.builder(g).forwardOnly().watchNaN().build().runAll());
        assertTrue(e.getMessage().contains("'" + lx.name() + "'"), e.getMessage());
        try (TapeMachine m = TapeMachine.of(g)) {
            m.runAll();
            assertTrue(Double.isNaN(y.value().get(1)), "without the watch, NaN simply flows");
        }
    }

    @Test
    void aRunAllocatesNothingAfterWarmUp() {
        Graph g = new Graph();
        Random rnd = new Random(7);
        Node x = g.input("x", randn(rnd, 16, 8));
        Node labels = g.input("labels", oneHot(rnd, 16, 4));
        Node w1 = g.input("w1", randn(rnd, 8, 32));
        Node b1 = g.input("b1", randn(rnd, 32));
        Node w2 = g.input("w2", randn(rnd, 32, 4));
        Node hidden = tanh(add(matMul(x, w1), b1));
        Node logits = matMul(hidden, w2);
        Node cost = neg(mean(sum(mul(labels, logSoftmax(logits, 1)), 1)));
        Grad.of(cost, w1, b1, w2);
        try (TapeMachine m = TapeMachine.builder(g).bindGradients().build()) {
            long perRun = Allocations.bytesPerRunOnceWarm(m::runAll, 500);
            assertTrue(perRun < 16, "a TapeMachine run allocated " + perRun + " bytes on average");
            assertTrue(Double.isFinite(cost.scalarValue()));
        }
    }

    /**
     * The same at the sizes where the vector kernels take over (matrix products of 2¹⁵
     * multiply-adds and more, tanh over 1024 elements, bias rows of 64 and more, sums over the
     * batch), on two threads.
     */
    @Test
    void aRunOnTheVectorKernelsAllocatesNothingAfterWarmUp() {
        int saved = dev.gradus.tensor.Parallel.threads();
        dev.gradus.tensor.Parallel.setThreads(2);
        try {
            Graph g = new Graph();
            Random rnd = new Random(8);
            Node x = g.input("x", randn(rnd, 64, 200));
            Node labels = g.input("labels", oneHot(rnd, 64, 10));
            Node w1 = g.input("w1", randn(rnd, 200, 128));
            Node b1 = g.input("b1", randn(rnd, 128));
            Node w2 = g.input("w2", randn(rnd, 128, 10));
            Node hidden = tanh(add(matMul(x, w1), b1));
            Node cost = neg(mean(sum(mul(labels, logSoftmax(matMul(hidden, w2), 1)), 1)));
            Grad.of(cost, w1, b1, w2);
            try (TapeMachine m = TapeMachine.builder(g).bindGradients().build()) {
                long perRun = Allocations.bytesPerRunOnceWarm(m::runAll, 500);
                assertTrue(perRun < 16, "a TapeMachine run allocated " + perRun + " bytes on average");
                assertTrue(Double.isFinite(cost.scalarValue()));
            }
        } finally {
            dev.gradus.tensor.Parallel.setThreads(saved);
        }
    }

    @Test
    void buffersAreReusedAndUpdatedInPlace() {
        Graph g = new Graph();
        Node x = g.vector(DType.FLOAT64, 1000, "x");
        x.let(new double[1000]);
        Node y = sigmoid(tanh(sin(mul(x, x))));
        try (TapeMachine m = TapeMachine.of(g)) {
            assertEquals(4, m.instructionCount());
            assertEquals(1, m.bufferCount(), m.listing());
            assertTrue(m.listing().contains("in place"), m.listing());
            m.runAll();
            assertEquals(1 / (1 + Math.exp(-Math.tanh(0))), y.value().get(5), 1e-15);
        }
        try (TapeMachine m = TapeMachine.builder(g).keepAll().build()) {
            assertEquals(4, m.bufferCount());
        }
    }

    @Test
    void reusedIntermediateValuesSaySoAndCanBeKept() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x", 0.5);
        Node s = sin(x);
        Node t = tanh(s);
        Node out = sigmoid(t);
        try (TapeMachine m = TapeMachine.of(g)) {
            m.runAll();
            IllegalStateException e = assertThrows(IllegalStateException.class, s::value);
            assertTrue(e.getMessage().contains("keep"), e.getMessage());
            assertEquals(1 / (1 + Math.exp(-Math.tanh(Math.sin(0.5)))), out.scalarValue(), 1e-15);
        }
        try (TapeMachine m = TapeMachine.builder(g).keep(s).build()) {
            m.runAll();
            assertEquals(Math.sin(0.5), s.scalarValue(), 1e-15);
        }
    }

    @Test
    void watchedValuesGoToTheLogger() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x", 0.25);
        Node s = sin(x);
        Node out = tanh(s);
        List<String> messages = new ArrayList<>();
        Logger jul = Logger.getLogger(TapeMachine.class.getName());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                messages.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        try (TapeMachine m = TapeMachine.builder(g).watch(s).build()) {
            m.runAll();
        } finally {
            jul.removeHandler(h);
        }
        assertEquals(1, messages.size(), messages.toString());
        assertTrue(messages.get(0).contains(s.name()) && messages.get(0).contains(String.valueOf(Math.sin(0.25))),
                messages.get(0));
        assertEquals(Math.tanh(Math.sin(0.25)), out.scalarValue(), 1e-15);
    }

    @Test
    void listingShowsEveryInstruction() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x", 1);
        Node y = g.scalar(DType.FLOAT64, "y", 2);
        Node f = mul(sin(x), y);
        Grad.of(f, x, y);
        try (TapeMachine m = TapeMachine.builder(g).bindGradients().build()) {
            String listing = m.listing();
            assertTrue(listing.startsWith("TapeMachine: " + m.instructionCount() + " instructions"), listing);
            assertTrue(listing.contains(" sin ") && listing.contains(" mul ") && listing.contains(" cos "), listing);
            assertTrue(listing.contains("bind gradient"), listing);
            assertEquals(m.instructionCount() + 1 + 2, listing.split("\n").length, listing);
        }
    }

    @Test
    void missingInputsAndClosedMachinesAreClearErrors() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x");
        sin(x);
        TapeMachine m = TapeMachine.of(g);
        IllegalStateException e = assertThrows(IllegalStateException.class, m::runAll);
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("let"), e.getMessage());
        m.close();
        m.close();
        x.let(1);
        IllegalStateException closed = assertThrows(IllegalStateException.class, m::runAll);
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void lispMachineForwardAndBackwardOnlyModes() {
        Graph g = new Graph();
        Node x = g.vector(DType.FLOAT64, 3, "x");
        x.let(Tensor.vector(0.1, 0.2, 0.3));
        Node cost = sum(mul(sin(x), x));
        LispMachine.builder(g).forwardOnly().build().runAll();
        assertFalse(x.hasGradient());
        assertEquals(0.1 * Math.sin(0.1) + 0.2 * Math.sin(0.2) + 0.3 * Math.sin(0.3), cost.scalarValue(), 1e-15);
        LispMachine.builder(g).backwardOnly().build().runAll();
        double[] expected = new double[3];
        double[] xs = {0.1, 0.2, 0.3};
        for (int i = 0; i < 3; i++) {
            expected[i] = Math.sin(xs[i]) + xs[i] * Math.cos(xs[i]);
        }
        assertArrayEquals(expected, x.gradient().toDoubleArray(), 1e-15);

        Graph fresh = new Graph();
        Node v = fresh.scalar(DType.FLOAT64, "v", 1);
        sin(v);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LispMachine.builder(fresh).backwardOnly().build().runAll());
        assertTrue(e.getMessage().contains("forward"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> LispMachine.builder(g).forwardOnly().backwardOnly().build());
    }

    @Test
    void lispMachineNeedsAnUnambiguousCost() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x", 1);
        Node a = sin(x);
        Node b = tanh(x);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LispMachine.of(g).runAll());
        assertTrue(e.getMessage().contains(a.name()) && e.getMessage().contains(b.name()), e.getMessage());
        LispMachine.builder(g).cost(b).build().runAll();
        double t = Math.tanh(1);
        assertEquals(1 - t * t, x.gradient().item(), 1e-15);
    }

    @Test
    void lispMachineGivesZerosToInputsTheCostIgnores() {
        Graph g = new Graph();
        Node x = g.scalar(DType.FLOAT64, "x", 1);
        Node unused = g.vector(DType.FLOAT64, 2, "unused");
        unused.let(Tensor.vector(5, 6));
        sin(x);
        LispMachine.of(g).runAll();
        assertArrayEquals(new double[2], unused.gradient().toDoubleArray());
    }

    private static Tensor randn(Random rnd, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian() * 0.5;
        }
        return Tensor.of(v, dims);
    }

    private static Tensor oneHot(Random rnd, int rows, int classes) {
        double[] v = new double[rows * classes];
        for (int r = 0; r < rows; r++) {
            v[r * classes + rnd.nextInt(classes)] = 1;
        }
        return Tensor.of(v, rows, classes);
    }
}
