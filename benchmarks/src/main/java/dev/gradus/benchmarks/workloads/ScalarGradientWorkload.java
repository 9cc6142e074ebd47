package dev.gradus.benchmarks.workloads;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.sin;

import dev.gradus.benchmarks.ScalarFunctionsGradients;
import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.vm.TapeMachine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reference workload (d): the gradient of {@code f(x, y) = x·x·y + sin x} with respect to x
 * and y, one gradient per operation (ns per gradient, PyTorch's {@code d_scalar_grad}, which
 * times 100,000 back to back). The points cycle through the script's table of 100:
 * {@code x = 0.5 + 0.01·(i mod 100)}, {@code y = 1.5 − 0.01·(i mod 100)}.
 *
 * <p>Two ways: a compiled {@link TapeMachine} over scalar inputs of the requested dtype
 * (PyTorch's autograd on 0-dim tensors of that dtype), and the class the DSL generated at
 * compile time from {@code ScalarFunctions.f} (double only, so run once).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ScalarGradientWorkload {
    /** Points in the table, as in the script. */
    static final int POINTS = 100;

    /** The script's table of points and the index of the next one. */
    @State(Scope.Thread)
    public static class Points {
        final double[] xs = new double[POINTS];
        final double[] ys = new double[POINTS];
        final double[] gradient = new double[2];
        private int next;

        /** Fills the table. */
        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < POINTS; i++) {
                xs[i] = 0.5 + 0.01 * i;
                ys[i] = 1.5 - 0.01 * i;
            }
        }

        int next() {
            int i = next;
            next = i + 1 == POINTS ? 0 : i + 1;
            return i;
        }
    }

    /** f and its symbolic gradient compiled once into a TapeMachine of the requested dtype. */
    @State(Scope.Thread)
    public static class Tape {
        /** The dtype of x, y and the gradients. */
        @Param({"float32", "float64"})
        public String dtype;

        Node x;
        Node y;
        TapeMachine machine;

        /** Builds and compiles the graph; checks the gradient at (0.7, 1.3). */
        @Setup(Level.Trial)
        public void setUp() {
            Graph g = new Graph();
            x = g.scalar(ReferenceData.dtype(dtype), "x");
            y = g.scalar(ReferenceData.dtype(dtype), "y");
            Node f = add(mul(mul(x, x), y), sin(x));
            Grad.of(f, x, y);
            machine = TapeMachine.builder(g).bindGradients().build();
            x.let(0.7);
            y.let(1.3);
            machine.runAll();
            double dx = 2 * 0.7 * 1.3 + Math.cos(0.7);
            if (Math.abs(x.gradient().item() - dx) > 1e-5 || Math.abs(y.gradient().item() - 0.49) > 1e-5) {
                throw new IllegalStateException("TapeMachine gradient (" + x.gradient().item() + ", "
                        + y.gradient().item() + "), expected (" + dx + ", 0.49)");
            }
        }

        /** Releases the machine. */
        @TearDown(Level.Trial)
        public void tearDown() {
            machine.close();
        }
    }

    /** Sets x and y, runs the program (value and both partials), reads both partials. */
    @Benchmark
    public void tapeMachine(Tape tape, Points points, Blackhole bh) {
        int i = points.next();
        tape.x.let(points.xs[i]);
        tape.y.let(points.ys[i]);
        tape.machine.runAll();
        bh.consume(tape.x.gradient().item());
        bh.consume(tape.y.gradient().item());
    }

    /** The DSL-generated allocation-free form, in double. */
    @Benchmark
    public void generated(Points points, Blackhole bh) {
        int i = points.next();
        double[] gradient = points.gradient;
        bh.consume(ScalarFunctionsGradients.f(points.xs[i], points.ys[i], gradient));
        bh.consume(gradient[0]);
        bh.consume(gradient[1]);
    }
}
