package dev.gradus.benchmarks;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.sin;

import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.tensor.DType;
import dev.gradus.vm.LispMachine;
import dev.gradus.vm.TapeMachine;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The value and gradient of the scalar function {@code f(x, y) = x·x·y + sin x}, whose
 * partials are {@code ∂f/∂x = 2xy + cos x} and {@code ∂f/∂y = x²}, computed four ways: a
 * compiled {@link TapeMachine}, a {@link LispMachine} per call, hand-written Java, and the
 * class the DSL generates (record and allocation-free array forms). Each call takes the next point of a small precomputed table,
 * so the JIT cannot fold the inputs into constants; every result goes to a {@link Blackhole}.
 *
 * <p>The settings fit a noisy 2-core machine: one fork, 3×1 s warm-up (6×1 s for the
 * LispMachine), 5×1 s measurement, about 10 s per benchmark. Run with {@code benchmarks/run.sh}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ScalarGradientBenchmark {
    /** Table size; a power of two so the next index is a mask, not a division. */
    private static final int POINTS = 64;
    private static final double TOLERANCE = 1e-12;

    private final double[] xs = new double[POINTS];
    private final double[] ys = new double[POINTS];
    private final double[] gradient = new double[2];
    private int next;

    // (a) TapeMachine: graph, symbolic gradient and program built once.
    private Node tapeX;
    private Node tapeY;
    private Node tapeF;
    private TapeMachine tape;

    // (b) LispMachine: graph built once, a machine per call (forward, then reverse mode).
    private Graph lispGraph;
    private Node lispX;
    private Node lispY;
    private Node lispF;

    /** Fills the input table and builds the graphs, then checks that every way agrees. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < POINTS; i++) {
            xs[i] = random.nextDouble(-2, 2);
            ys[i] = random.nextDouble(-2, 2);
        }

        Graph tapeGraph = new Graph();
        tapeX = tapeGraph.scalar(DType.FLOAT64, "x");
        tapeY = tapeGraph.scalar(DType.FLOAT64, "y");
        tapeF = f(tapeX, tapeY);
        Grad.of(tapeF, tapeX, tapeY);
        tape = TapeMachine.builder(tapeGraph).bindGradients().build();

        lispGraph = new Graph();
        lispX = lispGraph.scalar(DType.FLOAT64, "x");
        lispY = lispGraph.scalar(DType.FLOAT64, "y");
        lispF = f(lispX, lispY);

        checkAgreement();
    }

    /** Releases the TapeMachine. */
    @TearDown(Level.Trial)
    public void tearDown() {
        tape.close();
    }

    private static Node f(Node x, Node y) {
        return add(mul(mul(x, x), y), sin(x));
    }

    /** Fails the trial if a machine disagrees with the hand-written formulas, so no benchmark times a wrong answer. */
    private void checkAgreement() {
        for (int i = 0; i < POINTS; i++) {
            double x = xs[i];
            double y = ys[i];
            double[] expected = {x * x * y + Math.sin(x), 2 * x * y + Math.cos(x), x * x};

            tapeX.let(x);
            tapeY.let(y);
            tape.runAll();
            check("TapeMachine", i, expected,
                    tapeF.scalarValue(), tapeX.gradient().item(), tapeY.gradient().item());

            lispX.let(x);
            lispY.let(y);
            LispMachine.builder(lispGraph).cost(lispF).wrt(lispX, lispY).build().runAll();
            check("LispMachine", i, expected,
                    lispF.scalarValue(), lispX.gradient().item(), lispY.gradient().item());

            ScalarFunctionsGradients.F r = ScalarFunctionsGradients.f(x, y);
            check("generated code", i, expected, r.value(), r.dx(), r.dy());
            double value = ScalarFunctionsGradients.f(x, y, gradient);
            check("generated array code", i, expected, value, gradient[0], gradient[1]);
        }
    }

    private void check(String machine, int i, double[] expected, double value, double dx, double dy) {
        double[] actual = {value, dx, dy};
        for (int k = 0; k < 3; k++) {
            if (Math.abs(actual[k] - expected[k]) > TOLERANCE * Math.max(1, Math.abs(expected[k]))) {
                throw new IllegalStateException(machine + " gives " + List.of(value, dx, dy) + " at (x, y) = ("
                        + xs[i] + ", " + ys[i] + "); the hand-written formulas give "
                        + List.of(expected[0], expected[1], expected[2]));
            }
        }
    }

    private int nextPoint() {
        int i = next;
        next = (i + 1) & (POINTS - 1);
        return i;
    }

    /** (a) Sets the inputs, runs the compiled program, reads the value and both bound gradients. */
    @Benchmark
    public void tapeMachine(Blackhole bh) {
        int i = nextPoint();
        tapeX.let(xs[i]);
        tapeY.let(ys[i]);
        tape.runAll();
        bh.consume(tapeF.scalarValue());
        bh.consume(tapeX.gradient().item());
        bh.consume(tapeY.gradient().item());
    }

    /** (b) Sets the inputs, runs a new LispMachine (forward and backward), reads the value and both gradients. */
    @Benchmark
    // More warm-up than the others: the JIT takes 2–4 s to settle on this much more code
    // (3 warm-up iterations left the first measured one at twice the steady state).
    @Warmup(iterations = 6, time = 1)
    public void lispMachine(Blackhole bh) {
        int i = nextPoint();
        lispX.let(xs[i]);
        lispY.let(ys[i]);
        LispMachine.builder(lispGraph).cost(lispF).wrt(lispX, lispY).build().runAll();
        bh.consume(lispF.scalarValue());
        bh.consume(lispX.gradient().item());
        bh.consume(lispY.gradient().item());
    }

    /** (c) Straight-line Java: the baseline the DSL's generated code should match. */
    @Benchmark
    public void handWritten(Blackhole bh) {
        int i = nextPoint();
        double x = xs[i];
        double y = ys[i];
        double sinX = Math.sin(x);
        double cosX = Math.cos(x);
        double xx = x * x;
        bh.consume(xx * y + sinX);
        bh.consume(2 * x * y + cosX);
        bh.consume(xx);
    }

    /** (d) The class the DSL generated at compile time from {@link ScalarFunctions#f}: returns a record. */
    @Benchmark
    public void generated(Blackhole bh) {
        int i = nextPoint();
        ScalarFunctionsGradients.F r = ScalarFunctionsGradients.f(xs[i], ys[i]);
        bh.consume(r.value());
        bh.consume(r.dx());
        bh.consume(r.dy());
    }

    /** (d') The generated allocation-free variant, writing the partials into a reused array. */
    @Benchmark
    public void generatedIntoArray(Blackhole bh) {
        int i = nextPoint();
        bh.consume(ScalarFunctionsGradients.f(xs[i], ys[i], gradient));
        bh.consume(gradient[0]);
        bh.consume(gradient[1]);
    }
}
