package dev.gradus.benchmarks.workloads;

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
 * Reference workload (c): one {@link MlpStep} (forward, backward, SGD update) per operation,
 * PyTorch's {@code c_mlp_step_b64}. As in {@code torch_bench.py}, the steps follow one another
 * from the deterministic start, so the weights keep training while they are timed.
 * It sets no thread count: the runtime's kernels use {@link dev.gradus.tensor.Parallel#threads()},
 * every core unless {@code -Dgradus.threads} says otherwise. The fork adds
 * {@code jdk.incubator.vector} so that tanh runs the Vector API kernel, as for
 * {@link SigmoidWorkload}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class MlpStepWorkload {
    /** The dtype of weights, data and loss. */
    @Param({"float32", "float64"})
    public String dtype;

    private MlpStep mlp;

    /** Builds the model from the deterministic start; fails if the fork lacks {@code jdk.incubator.vector}. */
    @Setup(Level.Trial)
    public void setUp() {
        Forks.requireVectorModule();
        mlp = new MlpStep(ReferenceData.dtype(dtype));
    }

    /** Releases the machine. */
    @TearDown(Level.Trial)
    public void tearDown() {
        mlp.close();
    }

    /** One training step; returns the loss so that it is consumed. */
    @Benchmark
    public double step() {
        return mlp.step();
    }
}
