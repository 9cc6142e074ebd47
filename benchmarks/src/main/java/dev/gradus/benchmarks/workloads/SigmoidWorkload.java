package dev.gradus.benchmarks.workloads;

import dev.gradus.Ops;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.tensor.Tensor;
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

/**
 * Reference workload (a): the logistic function over 1,000,000 standard normal elements,
 * forward only. {@link #eager} allocates its result as {@code torch.sigmoid(x)} does
 * ({@code a_sigmoid_1M}); {@link #intoBuffer} writes into the TapeMachine's preallocated
 * buffer as {@code torch.sigmoid(x, out=out)} does ({@code a_sigmoid_1M_out=}).
 * Single-threaded: the runtime's kernels use one core.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class SigmoidWorkload {
    /** Elements, PyTorch's "OneMil". */
    static final int SIZE = 1_000_000;

    /** The dtype of input and output. */
    @Param({"float32", "float64"})
    public String dtype;

    private Tensor x;
    private Node output;
    private TapeMachine machine;

    /** Draws the input and compiles the one-instruction program; checks both forms once. */
    @Setup(Level.Trial)
    public void setUp() {
        x = ReferenceData.gaussian(ReferenceData.dtype(dtype), 0, SIZE);
        Graph g = new Graph();
        output = Ops.sigmoid(g.input("x", x));
        machine = TapeMachine.of(g);
        machine.runAll();
        Tensor eager = eager();
        for (int k = 0; k < SIZE; k += 9973) {
            double expected = 1 / (1 + Math.exp(-x.getFlat(k)));
            if (Math.abs(eager.getFlat(k) - expected) > 1e-6 || Math.abs(output.value().getFlat(k) - expected) > 1e-6) {
                throw new IllegalStateException("sigmoid(" + x.getFlat(k) + ") gives " + eager.getFlat(k) + " eagerly and "
                        + output.value().getFlat(k) + " on the TapeMachine, expected " + expected);
            }
        }
    }

    /** Releases the machine. */
    @TearDown(Level.Trial)
    public void tearDown() {
        machine.close();
    }

    /** {@code Ops.sigmoid(Tensor)}: a new 1M-element tensor per call. */
    @Benchmark
    public Tensor eager() {
        return Ops.sigmoid(x);
    }

    /** A compiled TapeMachine: writes into the same buffer at every call. */
    @Benchmark
    public Tensor intoBuffer() {
        machine.runAll();
        return output.value();
    }
}
