package dev.gradus.benchmarks.workloads;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.matMul;
import static dev.gradus.Ops.softmaxCrossEntropy;
import static dev.gradus.Ops.tanh;

import dev.gradus.graph.Grad;
import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.solver.Solver;
import dev.gradus.solver.Solvers;
import dev.gradus.tensor.DType;
import dev.gradus.vm.TapeMachine;
import java.util.ArrayList;
import java.util.List;

/**
 * Workload (c) of {@code torch_bench.py}: one training step of a 784-256-128-10 perceptron
 * with tanh hidden layers on a batch of 64, softmax cross-entropy averaged over the batch
 * ({@code F.cross_entropy}), and plain SGD with learn rate 0.1. Weights are stored (in, out)
 * and initialized as the script's {@code det_init} (W of layer l with phase 1 + l, its bias
 * with phase 5 + l), the batch is {@code det_data}; from that start the float64 loss is
 * 2.3040262785654 at step 1 and 2.2501207067663 at step 20.
 *
 * <p>The graph, its gradients and the TapeMachine program are built once; a step runs the
 * program (forward and backward) and updates the six parameters in place. Not thread-safe.
 */
public final class MlpStep implements AutoCloseable {
    /** Rows per batch. */
    public static final int BATCH = 64;
    /** Layer widths, input first. */
    private static final int[] SIZES = {784, 256, 128, 10};
    /** SGD's learn rate. */
    public static final double LEARN_RATE = 0.1;

    private final TapeMachine machine;
    private final Solver solver;
    private final List<Node> parameters;
    private final Node loss;

    /**
     * Builds the graph and compiles it.
     *
     * @param dtype FLOAT32 or FLOAT64, of the weights, the inputs and the loss
     */
    public MlpStep(DType dtype) {
        Graph g = new Graph();
        Node h = g.input("x", ReferenceData.detInputs(dtype, BATCH, SIZES[0]));
        Node labels = g.input("labels", ReferenceData.detLabels(BATCH, SIZES[SIZES.length - 1]));
        parameters = new ArrayList<>();
        for (int l = 0; l + 1 < SIZES.length; l++) {
            Node w = g.input("w" + l, ReferenceData.detInit(dtype, SIZES[l], SIZES[l + 1], 1.0 + l));
            Node b = g.input("b" + l, ReferenceData.detBias(dtype, SIZES[l + 1], 5.0 + l));
            parameters.add(w);
            parameters.add(b);
            h = add(matMul(h, w), b);
            if (l + 2 < SIZES.length) {
                h = tanh(h);
            }
        }
        loss = softmaxCrossEntropy(h, labels);
        Grad.of(loss, parameters);
        machine = TapeMachine.builder(g).bindGradients().build();
        solver = Solvers.sgd().learnRate(LEARN_RATE).build();
    }

    /**
     * Runs one step: forward, backward, and the SGD update of every parameter.
     *
     * @return the loss of the batch before the update (what PyTorch's step returns)
     */
    public double step() {
        machine.runAll();
        double value = loss.scalarValue();
        solver.step(parameters);
        return value;
    }

    /** Releases the TapeMachine's buffers. */
    @Override
    public void close() {
        machine.close();
    }
}
