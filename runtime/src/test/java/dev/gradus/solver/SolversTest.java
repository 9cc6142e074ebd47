package dev.gradus.solver;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.matVec;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.square;
import static dev.gradus.Ops.sub;
import static dev.gradus.Ops.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.LispMachine;
import dev.gradus.vm.TapeMachine;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each solver against its published update equations, computed here independently with plain
 * double arrays, on the least-squares problem loss(w, b) = ½ Σᵢ (xᵢ·w + b − yᵢ)².
 */
class SolversTest {
    private static final double[][] X = {{1, 2}, {3, -1}, {0.5, 0.3}, {-2, 1}};
    private static final double[] Y = {1, 2, 0.5, -1};
    private static final double[] W0 = {0.3, -0.2};
    private static final double[] B0 = {0.1};
    private static final int STEPS = 10;

    // ------------------------------------------------------------------ the problem

    /** Returns {∂loss/∂w, ∂loss/∂b}: ∂/∂w = Σ rᵢ xᵢ, ∂/∂b = Σ rᵢ with rᵢ = xᵢ·w + b − yᵢ. */
    private static double[][] gradient(double[] w, double[] b, double[] y) {
        double[] gw = new double[2];
        double[] gb = new double[1];
        for (int i = 0; i < X.length; i++) {
            double r = X[i][0] * w[0] + X[i][1] * w[1] + b[0] - y[i];
            gw[0] += r * X[i][0];
            gw[1] += r * X[i][1];
            gb[0] += r;
        }
        return new double[][] {gw, gb};
    }

    private static double loss(double[] w, double[] b, double[] y) {
        double l = 0;
        for (int i = 0; i < X.length; i++) {
            double r = X[i][0] * w[0] + X[i][1] * w[1] + b[0] - y[i];
            l += 0.5 * r * r;
        }
        return l;
    }

    // ------------------------------------------------------------------ the reference equations

    /** The options every solver takes, and their pre-processing of one gradient element. */
    record Common(String label, double lr, double l1, double l2, double clip, int batch) {
        double preprocess(double g, double w) {
            return Math.max(-clip, Math.min(clip, g / batch + l2 * w + l1 * Math.signum(w)));
        }

        Common withLearnRate(double newLr) {
            return new Common(label, newLr, l1, l2, clip, batch);
        }
    }

    private static final double NO_CLIP = Double.POSITIVE_INFINITY;
    private static final Common PLAIN = new Common("plain", 0, 0, 0, NO_CLIP, 1);
    private static final List<Common> OPTION_SETS = List.of(
            PLAIN,
            new Common("l1", 0, 0.3, 0, NO_CLIP, 1),
            new Common("l2", 0, 0, 0.2, NO_CLIP, 1),
            new Common("clip", 0, 0, 0, 0.5, 1),
            new Common("batchSize", 0, 0, 0, NO_CLIP, 4),
            new Common("all", 0, 0.1, 0.05, 0.8, 3));

    /** One solver's update equations on plain arrays: w[p][k] updated from the pre-processed g[p][k]. */
    interface Reference {
        void step(double[][] w, double[][] g, int t);
    }

    /** Per-parameter state arrays shaped like w, created on first use. */
    private static double[][] like(double[][] w) {
        double[][] s = new double[w.length][];
        for (int p = 0; p < w.length; p++) {
            s[p] = new double[w[p].length];
        }
        return s;
    }

    enum Kind {
        SGD(0.02) {
            SolverBuilder<?, ?> builder() {
                return Solvers.sgd();
            }

            Reference reference(double lr) {
                return (w, g, t) -> {
                    for (int p = 0; p < w.length; p++) {
                        for (int k = 0; k < w[p].length; k++) {
                            w[p][k] -= lr * g[p][k];
                        }
                    }
                };
            }
        },
        MOMENTUM(0.01) {
            SolverBuilder<?, ?> builder() {
                return Solvers.momentum().momentum(0.8);
            }

            Reference reference(double lr) {
                return momentumReference(lr, 0.8, false);
            }
        },
        NESTEROV(0.01) {
            SolverBuilder<?, ?> builder() {
                return Solvers.momentum().momentum(0.8).nesterov(true);
            }

            Reference reference(double lr) {
                return momentumReference(lr, 0.8, true);
            }
        },
        ADAGRAD(0.1) {
            SolverBuilder<?, ?> builder() {
                return Solvers.adaGrad().eps(1e-6);
            }

            Reference reference(double lr) {
                double eps = 1e-6;
                return new Reference() {
                    double[][] sum;

                    public void step(double[][] w, double[][] g, int t) {
                        if (sum == null) {
                            sum = like(w);
                        }
                        for (int p = 0; p < w.length; p++) {
                            for (int k = 0; k < w[p].length; k++) {
                                sum[p][k] += g[p][k] * g[p][k];
                                w[p][k] -= lr * g[p][k] / (Math.sqrt(sum[p][k]) + eps);
                            }
                        }
                    }
                };
            }
        },
        RMSPROP(0.01) {
            SolverBuilder<?, ?> builder() {
                return Solvers.rmsProp().rho(0.9).eps(1e-6);
            }

            Reference reference(double lr) {
                double rho = 0.9;
                double eps = 1e-6;
                return new Reference() {
                    double[][] avg;

                    public void step(double[][] w, double[][] g, int t) {
                        if (avg == null) {
                            avg = like(w);
                        }
                        for (int p = 0; p < w.length; p++) {
                            for (int k = 0; k < w[p].length; k++) {
                                avg[p][k] = rho * avg[p][k] + (1 - rho) * g[p][k] * g[p][k];
                                w[p][k] -= lr * g[p][k] / (Math.sqrt(avg[p][k]) + eps);
                            }
                        }
                    }
                };
            }
        },
        ADAM(0.05) {
            SolverBuilder<?, ?> builder() {
                return Solvers.adam().beta1(0.8).beta2(0.99).eps(1e-6);
            }

            Reference reference(double lr) {
                return adamReference(lr, 0);
            }
        },
        ADAMW(0.05) {
            SolverBuilder<?, ?> builder() {
                return Solvers.adamW().beta1(0.8).beta2(0.99).eps(1e-6).weightDecay(0.1);
            }

            Reference reference(double lr) {
                return adamReference(lr, 0.1);
            }
        },
        BARZILAI_BORWEIN(0.01) {
            SolverBuilder<?, ?> builder() {
                return Solvers.barzilaiBorwein();
            }

            Reference reference(double lr) {
                // All parameters as one vector: s = w − w_prev, y = g − g_prev, α = s·s / s·y.
                return new Reference() {
                    double[] previousW;
                    double[] previousG;

                    public void step(double[][] w, double[][] g, int t) {
                        double[] flatW = flatten(w);
                        double[] flatG = flatten(g);
                        double alpha = lr;
                        if (previousW != null) {
                            double ss = 0;
                            double sy = 0;
                            for (int i = 0; i < flatW.length; i++) {
                                double s = flatW[i] - previousW[i];
                                ss += s * s;
                                sy += s * (flatG[i] - previousG[i]);
                            }
                            if (sy > 0) {
                                alpha = ss / sy;
                            }
                        }
                        previousW = flatW;
                        previousG = flatG;
                        for (int p = 0; p < w.length; p++) {
                            for (int k = 0; k < w[p].length; k++) {
                                w[p][k] -= alpha * g[p][k];
                            }
                        }
                    }
                };
            }
        };

        final double learnRate;

        Kind(double learnRate) {
            this.learnRate = learnRate;
        }

        /** A builder with this kind's own options set to non-defaults. */
        abstract SolverBuilder<?, ?> builder();

        abstract Reference reference(double lr);

        Solver build(Common c) {
            return builder().learnRate(c.lr()).l1(c.l1()).l2(c.l2()).clip(c.clip()).batchSize(c.batch()).build();
        }
    }

    private static double[] flatten(double[][] a) {
        int n = 0;
        for (double[] row : a) {
            n += row.length;
        }
        double[] out = new double[n];
        int i = 0;
        for (double[] row : a) {
            for (double v : row) {
                out[i++] = v;
            }
        }
        return out;
    }

    private static Reference momentumReference(double lr, double mu, boolean nesterov) {
        return new Reference() {
            double[][] velocity;

            public void step(double[][] w, double[][] g, int t) {
                if (velocity == null) {
                    velocity = like(w);
                }
                for (int p = 0; p < w.length; p++) {
                    for (int k = 0; k < w[p].length; k++) {
                        velocity[p][k] = mu * velocity[p][k] + g[p][k];
                        w[p][k] -= nesterov ? lr * (g[p][k] + mu * velocity[p][k]) : lr * velocity[p][k];
                    }
                }
            }
        };
    }

    /** Adam (weightDecay 0) or AdamW: w ← w(1 − lr λ); m, v, bias corrections; w ← w − lr m̂/(√v̂ + ε). */
    private static Reference adamReference(double lr, double weightDecay) {
        double beta1 = 0.8;
        double beta2 = 0.99;
        double eps = 1e-6;
        return new Reference() {
            double[][] m;
            double[][] v;

            public void step(double[][] w, double[][] g, int t) {
                if (m == null) {
                    m = like(w);
                    v = like(w);
                }
                for (int p = 0; p < w.length; p++) {
                    for (int k = 0; k < w[p].length; k++) {
                        if (weightDecay != 0) {
                            w[p][k] *= 1 - lr * weightDecay;
                        }
                        m[p][k] = beta1 * m[p][k] + (1 - beta1) * g[p][k];
                        v[p][k] = beta2 * v[p][k] + (1 - beta2) * g[p][k] * g[p][k];
                        double mHat = m[p][k] / (1 - Math.pow(beta1, t));
                        double vHat = v[p][k] / (1 - Math.pow(beta2, t));
                        w[p][k] -= lr * mHat / (Math.sqrt(vHat) + eps);
                    }
                }
            }
        };
    }

    /** Runs the reference for {@code steps} steps from (W0, B0); returns the weights after each step. */
    private static List<double[][]> referenceTrajectory(Kind kind, Common c, int steps) {
        Reference ref = kind.reference(c.lr());
        double[][] w = {W0.clone(), B0.clone()};
        List<double[][]> out = new ArrayList<>();
        for (int t = 1; t <= steps; t++) {
            double[][] raw = gradient(w[0], w[1], Y);
            double[][] g = like(w);
            for (int p = 0; p < w.length; p++) {
                for (int k = 0; k < w[p].length; k++) {
                    g[p][k] = c.preprocess(raw[p][k], w[p][k]);
                }
            }
            ref.step(w, g, t);
            out.add(new double[][] {w[0].clone(), w[1].clone()});
        }
        return out;
    }

    /** Steps {@code solver} on tensors of {@code dtype}, with the gradient computed here from its current weights. */
    private static void stepOnce(Solver solver, Tensor w, Tensor b, Tensor gw, Tensor gb) {
        double[][] raw = gradient(w.toDoubleArray(), b.toDoubleArray(), Y);
        for (int k = 0; k < 2; k++) {
            gw.setFlat(k, raw[0][k]);
        }
        gb.setFlat(0, raw[1][0]);
        solver.step(List.of(w, b), List.of(gw, gb));
    }

    private static Tensor tensor(DType dtype, double... values) {
        return Tensor.vector(values).cast(dtype);
    }

    // ------------------------------------------------------------------ trajectories

    static Stream<Arguments> everySolverWithEveryOption() {
        List<Arguments> out = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (Common c : OPTION_SETS) {
                out.add(Arguments.of(kind, c.label(), c.withLearnRate(kind.learnRate)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("everySolverWithEveryOption")
    void float64TrajectoryFollowsThePublishedEquations(Kind kind, String label, Common c) {
        Solver solver = kind.build(c);
        Tensor w = tensor(DType.FLOAT64, W0);
        Tensor b = tensor(DType.FLOAT64, B0);
        Tensor gw = Tensor.zeros(DType.FLOAT64, 2);
        Tensor gb = Tensor.zeros(DType.FLOAT64, 1);
        List<double[][]> expected = referenceTrajectory(kind, c, STEPS);
        for (int t = 0; t < STEPS; t++) {
            stepOnce(solver, w, b, gw, gb);
            assertArrayEquals(expected.get(t)[0], w.toDoubleArray(), 1e-12, kind + " " + label + " w at step " + (t + 1));
            assertArrayEquals(expected.get(t)[1], b.toDoubleArray(), 1e-12, kind + " " + label + " b at step " + (t + 1));
        }
        assertTrue(Double.isFinite(w.getFlat(0)) && Double.isFinite(b.getFlat(0)));
        if (c.label() != PLAIN.label()) {
            // The option is honoured, not ignored: the trajectory differs from the one without it.
            double[][] plain = referenceTrajectory(kind, PLAIN.withLearnRate(kind.learnRate), STEPS).get(STEPS - 1);
            double difference = Math.abs(plain[0][0] - w.getFlat(0)) + Math.abs(plain[0][1] - w.getFlat(1))
                    + Math.abs(plain[1][0] - b.getFlat(0));
            // AdaGrad, RMSProp and Adam are invariant to the gradient's scale but for ε, so batchSize
            // alone moves them only slightly; the "all" set shows it in combination with l2.
            assertTrue(difference > 1e-9, kind + ": option " + label + " did not change the trajectory");
        }
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("everySolverWithEveryOption")
    void float32TrajectoryFollowsThePublishedEquations(Kind kind, String label, Common c) {
        Solver solver = kind.build(c);
        Tensor w = tensor(DType.FLOAT32, W0);
        Tensor b = tensor(DType.FLOAT32, B0);
        Tensor gw = Tensor.zeros(DType.FLOAT32, 2);
        Tensor gb = Tensor.zeros(DType.FLOAT32, 1);
        List<double[][]> expected = referenceTrajectory(kind, c, STEPS);
        for (int t = 0; t < STEPS; t++) {
            stepOnce(solver, w, b, gw, gb);
            assertEquals(DType.FLOAT32, w.dtype());
            assertArrayEquals(expected.get(t)[0], w.toDoubleArray(), 1e-4, kind + " " + label + " w at step " + (t + 1));
            assertArrayEquals(expected.get(t)[1], b.toDoubleArray(), 1e-4, kind + " " + label + " b at step " + (t + 1));
        }
        for (Map.Entry<String, Tensor> e : solver.state().entrySet()) {
            if (!e.getKey().equals("t")) {
                assertEquals(DType.FLOAT32, e.getValue().dtype(), "state " + e.getKey() + " is in the parameter's dtype");
            }
        }
    }

    // ------------------------------------------------------------------ through the machines

    /** The least-squares graph; returns {w, b, cost}. */
    private static Node[] leastSquaresGraph(Graph g, double[] y) {
        Node x = g.constant(Tensor.matrix(X));
        Node target = g.constant(Tensor.vector(y));
        Node w = g.input("w", Tensor.vector(W0));
        Node b = g.input("b", Tensor.vector(B0));
        Node cost = mul(0.5, sum(square(sub(add(matVec(x, w), b), target))));
        return new Node[] {w, b, cost};
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nodeStepOnATapeMachineFollowsTheEquations(Kind kind) {
        Common c = OPTION_SETS.get(OPTION_SETS.size() - 1).withLearnRate(kind.learnRate);
        Solver solver = kind.build(c);
        Graph g = new Graph();
        Node[] n = leastSquaresGraph(g, Y);
        Grad.of(n[2], n[0], n[1]);
        List<double[][]> expected = referenceTrajectory(kind, c, STEPS);
        List<Node> parameters = List.of(n[0], n[1]);
        try (TapeMachine m = TapeMachine.builder(g).bindGradients().build()) {
            for (int t = 0; t < STEPS; t++) {
                m.runAll();
                solver.step(parameters);
                assertArrayEquals(expected.get(t)[0], n[0].value().toDoubleArray(), 1e-10, kind + " w at step " + (t + 1));
                assertArrayEquals(expected.get(t)[1], n[1].value().toDoubleArray(), 1e-10, kind + " b at step " + (t + 1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nodeStepOnALispMachineFollowsTheEquations(Kind kind) {
        Common c = PLAIN.withLearnRate(kind.learnRate);
        Solver solver = kind.build(c);
        Graph g = new Graph();
        Node[] n = leastSquaresGraph(g, Y);
        List<double[][]> expected = referenceTrajectory(kind, c, STEPS);
        try (LispMachine m = LispMachine.builder(g).cost(n[2]).wrt(n[0], n[1]).build()) {
            for (int t = 0; t < STEPS; t++) {
                m.runAll();
                solver.step(List.of(n[0], n[1]));
                assertArrayEquals(expected.get(t)[0], n[0].value().toDoubleArray(), 1e-10, kind + " w at step " + (t + 1));
                assertArrayEquals(expected.get(t)[1], n[1].value().toDoubleArray(), 1e-10, kind + " b at step " + (t + 1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everySolverReducesTheLossOfAConvexProblem(Kind kind) {
        // y = X·(1, −0.5) + 0.25 exactly, so the least loss is 0.
        double[] y = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            y[i] = X[i][0] - 0.5 * X[i][1] + 0.25;
        }
        Map<Kind, Double> learnRates = Map.of(Kind.ADAGRAD, 0.5, Kind.ADAM, 0.02, Kind.ADAMW, 0.02, Kind.RMSPROP, 0.003);
        Solver solver = kind.builder().learnRate(learnRates.getOrDefault(kind, kind.learnRate)).build();
        Graph g = new Graph();
        Node[] n = leastSquaresGraph(g, y);
        Grad.of(n[2], n[0], n[1]);
        double initial = loss(W0, B0, y);
        try (TapeMachine m = TapeMachine.builder(g).bindGradients().build()) {
            for (int t = 0; t < 500; t++) {
                m.runAll();
                solver.step(List.of(n[0], n[1]));
            }
            m.runAll();
        }
        double last = loss(n[0].value().toDoubleArray(), n[1].value().toDoubleArray(), y);
        assertEquals(last, n[2].scalarValue(), 1e-12);
        assertTrue(last < 0.01 * initial, kind + ": loss went from " + initial + " to " + last);
    }

    // ------------------------------------------------------------------ allocation

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aStepAllocatesNothingAfterTheFirst(Kind kind) {
        Solver solver = kind.build(OPTION_SETS.get(OPTION_SETS.size() - 1).withLearnRate(1e-6));
        Tensor w = Tensor.vector(0.3, -0.2, 0.5, 0.1);
        Tensor b = Tensor.zeros(DType.FLOAT32, 3);
        Tensor gw = Tensor.vector(0.1, 0.2, -0.3, 0.4);
        Tensor gb = Tensor.full(DType.FLOAT32, b.shape(), 0.5);
        List<Tensor> values = List.of(w, b);
        List<Tensor> gradients = List.of(gw, gb);
        long perStep = allocatedPerCall(() -> solver.step(values, gradients));
        assertTrue(perStep < 16, kind + ": a tensor step allocated " + perStep + " bytes on average");

        Graph g = new Graph();
        Node[] n = leastSquaresGraph(g, Y);
        Grad.of(n[2], n[0], n[1]);
        Solver nodeSolver = kind.build(PLAIN.withLearnRate(1e-6));
        List<Node> parameters = List.of(n[0], n[1]);
        try (TapeMachine m = TapeMachine.builder(g).bindGradients().build()) {
            m.runAll();
            long perNodeStep = allocatedPerCall(() -> nodeSolver.step(parameters));
            assertTrue(perNodeStep < 16, kind + ": a node step allocated " + perNodeStep + " bytes on average");
        }
    }

    private static long allocatedPerCall(Runnable step) {
        for (int i = 0; i < 3000; i++) {
            step.run();
        }
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int calls = 2000;
        long before = bean.getThreadAllocatedBytes(tid);
        for (int i = 0; i < calls; i++) {
            step.run();
        }
        return (bean.getThreadAllocatedBytes(tid) - before) / calls;
    }

    // ------------------------------------------------------------------ state and checkpoints

    @ParameterizedTest
    @EnumSource(Kind.class)
    void continuingFromRestoredStateGivesTheSameTrajectory(Kind kind) {
        Common c = OPTION_SETS.get(OPTION_SETS.size() - 1).withLearnRate(kind.learnRate);
        for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
            Solver original = kind.build(c);
            Tensor w = tensor(dtype, W0);
            Tensor b = tensor(dtype, B0);
            Tensor gw = Tensor.zeros(dtype, 2);
            Tensor gb = Tensor.zeros(dtype, 1);
            for (int t = 0; t < 4; t++) {
                stepOnce(original, w, b, gw, gb);
            }
            Map<String, Tensor> saved = original.state();
            Tensor savedW = w.copy();
            Tensor savedB = b.copy();
            List<double[]> continued = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                stepOnce(original, w, b, gw, gb);
                continued.add(new double[] {w.getFlat(0), w.getFlat(1), b.getFlat(0)});
            }
            assertEquals(10.0, original.state().get("t").item());

            // A fresh solver, and one that has already stepped on other values, both restored.
            Solver fresh = kind.build(c);
            Solver stepped = kind.build(c);
            stepOnce(stepped, tensor(dtype, 5, 5), tensor(dtype, 5), Tensor.zeros(dtype, 2), Tensor.zeros(dtype, 1));
            for (Solver restored : List.of(fresh, stepped)) {
                restored.loadState(saved);
                assertEquals(4.0, restored.state().get("t").item());
                Tensor rw = savedW.copy();
                Tensor rb = savedB.copy();
                for (int t = 0; t < 6; t++) {
                    stepOnce(restored, rw, rb, gw, gb);
                    assertArrayEquals(continued.get(t), new double[] {rw.getFlat(0), rw.getFlat(1), rb.getFlat(0)}, 0,
                            kind + " " + dtype + " restored, step " + (t + 5));
                }
            }
        }
    }

    @Test
    void stateHasTheDocumentedEntriesAndIsASnapshot() {
        Map<Kind, List<String>> names = Map.of(
                Kind.SGD, List.of(),
                Kind.MOMENTUM, List.of("velocity"),
                Kind.NESTEROV, List.of("velocity"),
                Kind.ADAGRAD, List.of("sum"),
                Kind.RMSPROP, List.of("squareAverage"),
                Kind.ADAM, List.of("m", "v"),
                Kind.ADAMW, List.of("m", "v"),
                Kind.BARZILAI_BORWEIN, List.of("previousValue", "previousGradient"));
        for (Kind kind : Kind.values()) {
            Solver solver = kind.build(PLAIN.withLearnRate(0.01));
            assertEquals(List.of("t"), List.copyOf(solver.state().keySet()), kind + " before the first step");
            assertEquals(0.0, solver.state().get("t").item());
            Tensor w = Tensor.vector(W0);
            Tensor b = Tensor.vector(B0);
            stepOnce(solver, w, b, Tensor.zeros(DType.FLOAT64, 2), Tensor.zeros(DType.FLOAT64, 1));
            List<String> expected = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                for (String name : names.get(kind)) {
                    expected.add(p + "/" + name);
                }
            }
            expected.add("t");
            Map<String, Tensor> state = solver.state();
            assertEquals(expected, List.copyOf(state.keySet()), kind.toString());
            assertEquals(1.0, state.get("t").item());
            for (String key : expected) {
                if (!key.equals("t")) {
                    assertEquals(key.startsWith("0/") ? w.shape() : b.shape(), state.get(key).shape(), key);
                }
            }
            List<double[]> before = new ArrayList<>();
            state.values().forEach(s -> before.add(s.toDoubleArray()));
            stepOnce(solver, w, b, Tensor.zeros(DType.FLOAT64, 2), Tensor.zeros(DType.FLOAT64, 1));
            int i = 0;
            for (Tensor s : state.values()) {
                assertArrayEquals(before.get(i++), s.toDoubleArray(), 0, kind + ": state() must return copies");
            }
            assertThrows(UnsupportedOperationException.class, () -> state.put("x", Tensor.scalar(1.0)));
        }
    }

    @Test
    void loadStateRefusesBadMapsNamingTheEntryAndChangesNothing() {
        Solver adam = Solvers.adam().build();
        Tensor w = Tensor.vector(W0);
        Tensor b = Tensor.vector(B0);
        stepOnce(adam, w, b, Tensor.zeros(DType.FLOAT64, 2), Tensor.zeros(DType.FLOAT64, 1));
        Map<String, Tensor> good = adam.state();

        Map<String, Tensor> missing = new HashMap<>(good);
        missing.remove("1/v");
        assertMessage(adam, missing, "missing entry '1/v'");

        Map<String, Tensor> noSteps = new HashMap<>(good);
        noSteps.remove("t");
        assertMessage(adam, noSteps, "'t'");

        Map<String, Tensor> extra = new HashMap<>(good);
        extra.put("2/m", Tensor.zeros(DType.FLOAT64, 2));
        assertMessage(adam, extra, "unexpected entry '2/m'");

        Map<String, Tensor> foreign = new HashMap<>(good);
        foreign.put("0/velocity", Tensor.zeros(DType.FLOAT64, 2));
        assertMessage(adam, foreign, "unexpected entry '0/velocity'");

        Map<String, Tensor> wrongShape = new HashMap<>(good);
        wrongShape.put("0/m", Tensor.zeros(DType.FLOAT64, 3));
        assertMessage(adam, wrongShape, "'0/m'");

        Map<String, Tensor> wrongDtype = new HashMap<>(good);
        wrongDtype.put("1/m", Tensor.zeros(DType.FLOAT32, 1));
        assertMessage(adam, wrongDtype, "'1/m'");

        Map<String, Tensor> fractionalSteps = new HashMap<>(good);
        fractionalSteps.put("t", Tensor.scalar(1.5));
        assertMessage(adam, fractionalSteps, "'t'");
        Map<String, Tensor> negativeSteps = new HashMap<>(good);
        negativeSteps.put("t", Tensor.scalar(-1.0));
        assertMessage(adam, negativeSteps, "'t'");

        // A fresh solver takes shapes from the map, but they must agree within a parameter.
        Map<String, Tensor> inconsistent = new HashMap<>(good);
        inconsistent.put("0/v", Tensor.zeros(DType.FLOAT64, 3));
        Solver fresh = Solvers.adam().build();
        assertMessage(fresh, inconsistent, "'0/v'");
        assertEquals(List.of("t"), List.copyOf(fresh.state().keySet()), "a failed load leaves a fresh solver fresh");
        assertMessage(Solvers.sgd().build(), Map.of("t", Tensor.scalar(0.0), "0/m", Tensor.zeros(DType.FLOAT64, 2)),
                "unexpected entry '0/m'");
    }

    private static void assertMessage(Solver solver, Map<String, Tensor> state, String fragment) {
        Map<String, Tensor> before = solver.state();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> solver.loadState(state));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        Map<String, Tensor> after = solver.state();
        assertEquals(before.keySet(), after.keySet());
        for (String key : before.keySet()) {
            assertArrayEquals(before.get(key).toDoubleArray(), after.get(key).toDoubleArray(), 0, "a failed load changed " + key);
        }
    }

    // ------------------------------------------------------------------ validation

    @Test
    void invalidOptionValuesAreRefusedNamingTheOption() {
        Map<String, Supplier<Object>> cases = new java.util.LinkedHashMap<>();
        cases.put("learnRate", () -> Solvers.sgd().learnRate(-0.1));
        cases.put("learnRate ", () -> Solvers.adam().learnRate(Double.NaN));
        cases.put("l1", () -> Solvers.momentum().l1(-1));
        cases.put("l2", () -> Solvers.adaGrad().l2(Double.POSITIVE_INFINITY));
        cases.put("clip", () -> Solvers.rmsProp().clip(0));
        cases.put("batchSize", () -> Solvers.adamW().batchSize(0));
        cases.put("momentum", () -> Solvers.momentum().momentum(1));
        cases.put("momentum ", () -> Solvers.momentum().momentum(-0.1));
        cases.put("nesterov", () -> Solvers.momentum().momentum(0).nesterov(true).build());
        cases.put("eps", () -> Solvers.adaGrad().eps(0));
        cases.put("rho", () -> Solvers.rmsProp().rho(1));
        cases.put("eps ", () -> Solvers.rmsProp().eps(-1e-8));
        cases.put("beta1", () -> Solvers.adam().beta1(1));
        cases.put("beta2", () -> Solvers.adam().beta2(1.5));
        cases.put("beta1 ", () -> Solvers.adamW().beta1(-0.1));
        cases.put("beta2 ", () -> Solvers.adamW().beta2(1));
        cases.put("weightDecay", () -> Solvers.adamW().weightDecay(-1));
        cases.put("minStep", () -> Solvers.barzilaiBorwein().stepBounds(-1, 1));
        cases.put("maxStep", () -> Solvers.barzilaiBorwein().stepBounds(0, 0));
        cases.put("minStep ", () -> Solvers.barzilaiBorwein().stepBounds(2, 1));
        cases.forEach((option, make) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get, option);
            assertTrue(e.getMessage().contains(option.strip()), option + ": " + e.getMessage());
        });
    }

    @Test
    void defaultsMatchTheDocumentation() {
        assertEquals("Sgd(learnRate=0.001, l1=0.0, l2=0.0, clip=Infinity, batchSize=1)", Solvers.sgd().build().toString());
        assertEquals("Momentum(learnRate=0.001, l1=0.0, l2=0.0, clip=Infinity, batchSize=1, momentum=0.9, nesterov=false)",
                Solvers.momentum().build().toString());
        assertTrue(Solvers.adaGrad().build().toString().contains("learnRate=0.01,"));
        assertTrue(Solvers.adaGrad().build().toString().endsWith("eps=1.0E-10)"));
        assertEquals("RmsProp(learnRate=0.01, l1=0.0, l2=0.0, clip=Infinity, batchSize=1, rho=0.99, eps=1.0E-8)",
                Solvers.rmsProp().build().toString());
        assertEquals("Adam(learnRate=0.001, l1=0.0, l2=0.0, clip=Infinity, batchSize=1, beta1=0.9, beta2=0.999, eps=1.0E-8)",
                Solvers.adam().build().toString());
        assertTrue(Solvers.adamW().build().toString().endsWith("beta1=0.9, beta2=0.999, eps=1.0E-8, weightDecay=0.01)"));
        assertTrue(Solvers.barzilaiBorwein().build().toString().endsWith("minStep=0.0, maxStep=Infinity)"));
    }

    @Test
    void stepRefusesBadParametersNamingThem() {
        Solver solver = Solvers.adam().build();
        Tensor w = Tensor.vector(W0);
        Tensor b = Tensor.vector(B0);
        Tensor gw = Tensor.zeros(DType.FLOAT64, 2);
        Tensor gb = Tensor.zeros(DType.FLOAT64, 1);

        // Errors on the first step leave the solver fresh.
        assertStepError(solver, List.of(w, b), List.of(gw, Tensor.zeros(DType.FLOAT32, 1)), "parameter 1");
        assertStepError(solver, List.of(w, b), List.of(gw, Tensor.zeros(DType.FLOAT64, 2)), "parameter 1");
        assertStepError(solver, List.of(w, b), List.of(gw), "2 values but 1 gradients");
        Tensor view = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}}).transpose();
        assertStepError(solver, List.of(view), List.of(Tensor.zeros(DType.FLOAT64, 3, 2)), "non-contiguous");
        assertStepError(solver, List.of(Tensor.ofInts(new int[] {1, 2}, 2)), List.of(Tensor.ofInts(new int[] {1, 2}, 2)),
                "FLOAT32 and FLOAT64");
        assertStepError(solver, List.of(w), List.of(w), "shares storage");
        assertEquals(List.of("t"), List.copyOf(solver.state().keySet()));
        assertArrayEquals(W0, w.toDoubleArray(), 0, "a refused step changes nothing");

        solver.step(List.of(w, b), List.of(gw, gb));
        assertStepError(solver, List.of(w), List.of(gw), "got 1 parameters but this solver's state is for 2");
        assertStepError(solver, List.of(b, w), List.of(gb, gw), "parameter 0");
        assertStepError(solver, List.of(w, Tensor.zeros(DType.FLOAT32, 1)), List.of(gw, Tensor.zeros(DType.FLOAT32, 1)),
                "parameter 1");

        // Through nodes the message names the node.
        Graph g = new Graph();
        Node[] n = leastSquaresGraph(g, Y);
        try (LispMachine m = LispMachine.builder(g).cost(n[2]).wrt(n[0], n[1]).build()) {
            m.runAll();
        }
        Solver nodeSolver = Solvers.sgd().build();
        nodeSolver.step(List.of(n[0], n[1]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nodeSolver.step(List.of(n[1], n[0])));
        assertTrue(e.getMessage().contains("parameter 0 ('b')"), e.getMessage());
        Node noGradient = g.input("c", Tensor.vector(1.0));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> Solvers.sgd().build().step(List.of(noGradient)));
        assertTrue(missing.getMessage().contains("'c'"), missing.getMessage());
    }

    private static void assertStepError(Solver solver, List<Tensor> values, List<Tensor> gradients, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> solver.step(values, gradients));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void aNonContiguousGradientIsReadInRowMajorOrder() {
        Tensor w = Tensor.zeros(DType.FLOAT64, 3, 2);
        Tensor g = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}}).transpose();
        Solvers.sgd().learnRate(1).build().step(List.of(w), List.of(g));
        assertArrayEquals(new double[] {-1, -4, -2, -5, -3, -6}, w.toDoubleArray(), 0);
    }

    // ------------------------------------------------------------------ Barzilai-Borwein

    @Test
    void barzilaiBorweinFallsBackToTheLearnRateWhenCurvatureIsNotPositive() {
        BarzilaiBorwein bb = Solvers.barzilaiBorwein().learnRate(0.1).build();
        assertTrue(Double.isNaN(bb.lastStepSize()));
        Tensor w = Tensor.vector(0.0);
        Tensor g = Tensor.vector(1.0);
        bb.step(List.of(w), List.of(g));
        assertEquals(0.1, bb.lastStepSize());
        assertEquals(-0.1, w.item(), 1e-15);
        // s = −0.1, y = 2 − 1 = 1: s·y < 0, so α = lr.
        g.setFlat(0, 2.0);
        bb.step(List.of(w), List.of(g));
        assertEquals(0.1, bb.lastStepSize());
        assertEquals(-0.3, w.item(), 1e-15);
        // s = −0.2, y = 0: s·y = 0, still lr.
        bb.step(List.of(w), List.of(g));
        assertEquals(0.1, bb.lastStepSize());
        // s = −0.2, y = 0.5 − 2: s·y = 0.3 > 0, α = 0.04 / 0.3.
        g.setFlat(0, 0.5);
        bb.step(List.of(w), List.of(g));
        assertEquals(0.04 / 0.3, bb.lastStepSize(), 1e-15);
    }

    @Test
    void barzilaiBorweinStepBoundsClampTheStep() {
        // On ½·4w² from w = 1 (g = 4w): the first step w = 1 − 0.1·4 = 0.6, then s = −0.4,
        // y = 2.4 − 4 = −1.6, and the unclamped step is s·s / s·y = 0.16 / 0.64 = 1/4, the
        // inverse curvature.
        for (double[] bounds : new double[][] {{0, Double.POSITIVE_INFINITY}, {0, 0.02}, {1, 2}}) {
            BarzilaiBorwein bb = Solvers.barzilaiBorwein().learnRate(0.1).stepBounds(bounds[0], bounds[1]).build();
            Tensor w = Tensor.vector(1.0);
            Tensor g = Tensor.vector(4.0);
            bb.step(List.of(w), List.of(g));
            assertEquals(0.1, bb.lastStepSize(), "the first step uses the learn rate, unclamped");
            assertEquals(0.6, w.item(), 1e-15);
            g.setFlat(0, 4 * w.item());
            bb.step(List.of(w), List.of(g));
            double expected = Math.min(bounds[1], Math.max(bounds[0], 0.25));
            assertEquals(expected, bb.lastStepSize(), 1e-15, "bounds " + bounds[0] + ".." + bounds[1]);
            assertEquals(0.6 - expected * 2.4, w.item(), 1e-15);
        }
    }
}
