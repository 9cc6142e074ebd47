package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The state of one batch-normalization layer: its running mean and running variance (one
 * value per channel, kept in double precision), the momentum they move with and the ε added
 * to variances. {@code Ops.batchNorm} reads and updates it through two ops defined here:
 *
 * <ul>
 *   <li>in training mode, {@link #track()}: each time its node is computed (once per run of
 *       a machine, or once per eager call) it passes the batch variance through unchanged
 *       and, as a side effect, updates
 *       {@code running = (1 − momentum)·running + momentum·batch} for the mean and the
 *       variance, using the unbiased batch variance (σ²·n/(n − 1), n the elements per
 *       channel) for the running variance, as PyTorch does, while the normalization itself
 *       uses the biased σ²;
 *   <li>in evaluation mode, {@link #runningMean(DType, int)} and
 *       {@link #runningVariance(DType, int)}: sources with no inputs that read the current
 *       running statistics each time they are computed, so one compiled evaluation graph
 *       sees every later update.
 * </ul>
 *
 * <p>The running mean starts at 0 and the running variance at 1. The ops of a state equal
 * only ops of the same state (graphs never merge two layers). Reads and updates are
 * synchronized on the state; the kernels do not allocate.
 */
public final class BatchNormState {
    private final int channels;
    private final double momentum;
    private final double epsilon;
    private final double[] mean;
    private final double[] variance;
    private long updates;

    /**
     * Creates the state of a layer over {@code channels} channels.
     *
     * @param channels the size of axis 1 of the inputs
     * @param momentum the weight of each new batch in the running statistics, in [0, 1]
     *     (PyTorch's default is 0.1)
     * @param epsilon added to every variance before its inverse square root, positive
     *     (PyTorch's default is 1e-5)
     * @throws IllegalArgumentException if an argument is out of range
     */
    public BatchNormState(int channels, double momentum, double epsilon) {
        if (channels < 1 || !(momentum >= 0 && momentum <= 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("batchNorm needs at least 1 channel, a momentum in [0, 1] and a positive epsilon,"
                    + " got " + channels + ", " + momentum + ", " + epsilon);
        }
        this.channels = channels;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.mean = new double[channels];
        this.variance = new double[channels];
        Arrays.fill(variance, 1.0);
    }

    /** Returns a state with PyTorch's defaults: momentum 0.1, ε = 1e-5. */
    public static BatchNormState of(int channels) {
        return new BatchNormState(channels, 0.1, 1e-5);
    }

    /** Returns the number of channels. */
    public int channels() {
        return channels;
    }

    /** Returns the momentum. */
    public double momentum() {
        return momentum;
    }

    /** Returns ε. */
    public double epsilon() {
        return epsilon;
    }

    /** Returns how many training batches have updated the running statistics. */
    public synchronized long updates() {
        return updates;
    }

    /** Returns a new FLOAT64 tensor (channels) holding the running mean. */
    public synchronized Tensor mean() {
        return Tensor.of(mean.clone(), channels);
    }

    /** Returns a new FLOAT64 tensor (channels) holding the running variance. */
    public synchronized Tensor variance() {
        return Tensor.of(variance.clone(), channels);
    }

    /**
     * Replaces the running statistics (after loading a checkpoint, say).
     *
     * @param runningMean a tensor of {@code channels} elements, any float dtype
     * @param runningVariance the same for the variance
     * @throws IllegalArgumentException if a size is wrong
     */
    public synchronized void load(Tensor runningMean, Tensor runningVariance) {
        if (runningMean.size() != channels || runningVariance.size() != channels) {
            throw new IllegalArgumentException("batchNorm state has " + channels + " channels but got statistics of shapes "
                    + runningMean.shape() + " and " + runningVariance.shape());
        }
        for (int c = 0; c < channels; c++) {
            mean[c] = runningMean.getFlat(c);
            variance[c] = runningVariance.getFlat(c);
        }
    }

    /**
     * Returns the op that passes a batch variance through while updating the running
     * statistics: inputs (variance, mean, x), with mean and variance of x's shape reduced
     * over every axis but 1 (kept as size 1), output the variance.
     */
    public Op track() {
        return new Track(this);
    }

    /** Returns the source op of the running mean in {@code dtype}, shaped (1, C, 1, …) for an input of {@code rank}. */
    public Op runningMean(DType dtype, int rank) {
        return new Running(this, false, dtype, rank);
    }

    /** Returns the source op of the running variance in {@code dtype}, shaped (1, C, 1, …) for an input of {@code rank}. */
    public Op runningVariance(DType dtype, int rank) {
        return new Running(this, true, dtype, rank);
    }

    private synchronized void update(Tensor batchMean, Tensor batchVariance, long perChannel) {
        double unbias = perChannel > 1 ? perChannel / (perChannel - 1.0) : 1.0;
        for (int c = 0; c < channels; c++) {
            mean[c] = (1 - momentum) * mean[c] + momentum * batchMean.getFlat(c);
            variance[c] = (1 - momentum) * variance[c] + momentum * batchVariance.getFlat(c) * unbias;
        }
        updates++;
    }

    private synchronized void read(boolean ofVariance, Tensor out) {
        double[] src = ofVariance ? variance : mean;
        int o = out.offset();
        for (int c = 0; c < channels; c++) {
            out.setAt(o + c, src[c]);
        }
    }

    /** Returns the statistics shape for an input of {@code rank}: (1, C, 1, …). */
    private Shape statisticsShape(int rank) {
        int[] dims = new int[rank];
        Arrays.fill(dims, 1);
        dims[1] = channels;
        return Shape.of(dims);
    }

    @Override
    public String toString() {
        return "BatchNormState[channels=" + channels + ", momentum=" + momentum + ", epsilon=" + epsilon + "]@"
                + Integer.toHexString(System.identityHashCode(this));
    }

    /** Passes the batch variance through; updates the state's running statistics when computed. */
    private static final class Track extends Op {
        private final BatchNormState state;

        Track(BatchNormState state) {
            super("batchNormTrack");
            this.state = state;
        }

        @Override
        public int arity() {
            return 3;
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            checkArity(inputs.size());
            ConvLoops.checkFloats(this, inputs);
            TensorType x = inputs.get(2);
            if (x.shape().rank() < 2 || x.shape().dim(1) != state.channels) {
                throw new IllegalArgumentException(name() + ": the input " + x.shape() + " needs rank ≥ 2 and "
                        + state.channels + " channels on axis 1");
            }
            Shape expected = state.statisticsShape(x.shape().rank());
            if (!inputs.get(0).shape().equals(expected) || !inputs.get(1).shape().equals(expected)) {
                throw new IllegalArgumentException(name() + ": batch statistics must have shape " + expected + ", got "
                        + inputs.get(0).shape() + " and " + inputs.get(1).shape());
            }
            return inputs.get(0);
        }

        @Override
        public void compute(Tensor[] inputs, Tensor out) {
            Tensor variance = inputs[0];
            out.copyFrom(variance);
            state.update(inputs[1], variance, inputs[2].size() / state.channels);
        }

        /** The output equals the variance input; the mean and x only feed the side effect. */
        @Override
        public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
            return List.of(Partial.of(gradOut), Partial.none("the output does not depend on it (it only updates the running mean)"),
                    Partial.none("only its shape is used"));
        }

        @Override
        public String parameters() {
            return "state=" + state;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Track t && t.state == state;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(state) * 31 + 83;
        }
    }

    /** Reads a running statistic, shaped for broadcasting against the input. */
    private static final class Running extends Op {
        private final BatchNormState state;
        private final boolean ofVariance;
        private final TensorType type;

        Running(BatchNormState state, boolean ofVariance, DType dtype, int rank) {
            super(ofVariance ? "runningVariance" : "runningMean");
            if (!dtype.isFloat() || rank < 2) {
                throw new IllegalArgumentException(name() + " needs a float dtype and a rank of at least 2, got " + dtype
                        + " and " + rank);
            }
            this.state = state;
            this.ofVariance = ofVariance;
            this.type = new TensorType(dtype, state.statisticsShape(rank));
        }

        @Override
        public int arity() {
            return 0;
        }

        @Override
        public TensorType infer(List<TensorType> inputs) {
            checkArity(inputs.size());
            return type;
        }

        @Override
        public void compute(Tensor[] inputs, Tensor out) {
            state.read(ofVariance, out);
        }

        @Override
        public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
            return List.of();
        }

        @Override
        public String parameters() {
            return "state=" + state + ", " + type;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Running r && r.state == state && r.ofVariance == ofVariance && r.type.equals(type);
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(state) * 31 + type.hashCode()) * 2 + (ofVariance ? 1 : 0);
        }
    }
}
