package dev.gradus.benchmarks.workloads;

import dev.gradus.Ops;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.op.UnaryOps;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.Tensor;
import dev.gradus.vm.TapeMachine;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleUnaryOperator;
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
 * {@link #threads} sets {@link Parallel#setThreads} for the trial, as
 * {@code torch.set_num_threads} does for PyTorch's runs. {@link #scalarFormLoop} is the
 * baseline: the loop every elementwise kernel ran before the ops had their own array kernels
 * (the op's scalar form called through {@link DoubleUnaryOperator} per element on one thread,
 * float32 via double), so speed-ups are quoted as ratios within one run.
 *
 * <p>The fork adds the incubator module {@code jdk.incubator.vector}, so the runtime's Vector
 * API kernels run, as in a user's JVM started with that flag (see docs/ARCHITECTURE.md, "Vector
 * API"); the set-up fails if the module is missing. JVM options must go on the fork: the JMH
 * jar is started with {@code java -jar}, and a jar's manifest cannot add modules.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class SigmoidWorkload {
    /** Elements, PyTorch's "OneMil". */
    static final int SIZE = 1_000_000;

    /** The dtype of input and output. */
    @Param({"float32", "float64"})
    public String dtype;

    /** The runtime's kernel thread count for the trial. */
    @Param({"1", "2"})
    public int threads;

    private Tensor x;
    private Tensor baselineOut;
    private int savedThreads;
    private Node output;
    private TapeMachine machine;

    /** Draws the input and compiles the one-instruction program; checks both forms once. */
    @Setup(Level.Trial)
    public void setUp() {
        Forks.requireVectorModule();
        savedThreads = Parallel.threads();
        Parallel.setThreads(threads);
        x = ReferenceData.gaussian(ReferenceData.dtype(dtype), 0, SIZE);
        Graph g = new Graph();
        output = Ops.sigmoid(g.input("x", x));
        machine = TapeMachine.of(g);
        machine.runAll();
        baselineOut = Tensor.zeros(x.dtype(), x.shape());
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
        Parallel.setThreads(savedThreads);
    }

    /** {@code Ops.sigmoid(Tensor)}: a new 1M-element tensor per call. */
    @Benchmark
    public Tensor eager() {
        return Ops.sigmoid(x);
    }

    /**
     * The old kernel, kept as the baseline: one shared loop over the scalar form through the
     * interface (megamorphic in a real program, where every op's form passes through it),
     * single-threaded whatever {@link #threads} says.
     */
    @Benchmark
    public Tensor scalarFormLoop() {
        scalarLoop(x, baselineOut, UnaryOps.SIGMOID.scalarForm());
        return baselineOut;
    }

    /** Keeps the loop from being compiled for one operator only, as it was not in the runtime. */
    private static final DoubleUnaryOperator[] OTHER_FORMS = {UnaryOps.EXP.scalarForm(), UnaryOps.TANH.scalarForm(),
        UnaryOps.RELU.scalarForm()};

    static {
        Tensor t = Tensor.zeros(DType.FLOAT64, 64);
        Tensor t32 = Tensor.zeros(DType.FLOAT32, 64);
        for (int rep = 0; rep < 20_000; rep++) {
            scalarLoop(t, t, OTHER_FORMS[rep % OTHER_FORMS.length]);
            scalarLoop(t32, t32, OTHER_FORMS[rep % OTHER_FORMS.length]);
        }
    }

    private static void scalarLoop(Tensor in, Tensor out, DoubleUnaryOperator f) {
        int n = in.size();
        if (in.dtype() == DType.FLOAT64) {
            double[] a = in.float64Data();
            double[] o = out.float64Data();
            for (int k = 0; k < n; k++) {
                o[k] = f.applyAsDouble(a[k]);
            }
        } else {
            float[] a = in.float32Data();
            float[] o = out.float32Data();
            for (int k = 0; k < n; k++) {
                o[k] = (float) f.applyAsDouble(a[k]);
            }
        }
    }

    /** A compiled TapeMachine: writes into the same buffer at every call. */
    @Benchmark
    public Tensor intoBuffer() {
        machine.runAll();
        return output.value();
    }
}
