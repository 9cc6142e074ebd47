package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A random source with no inputs: each time it is computed it fills its output (of a fixed
 * float dtype and shape) with fresh independent draws, 1 with probability {@code keep} and
 * 0 otherwise. It is the mask of dropout: one node per dropout layer, computed once per run
 * of a machine, so the forward pass and the gradient of that run read the same mask, and
 * the next run draws a new one.
 *
 * <p><b>Seeding.</b> The op holds a generator seeded with {@code seed}: the k-th computation
 * of an op gives the same values for every op created with the same seed, shape and
 * probability (so runs are reproducible). Give different layers different seeds, or their
 * masks coincide.
 *
 * <p><b>Identity.</b> Every instance gets a unique id and equals only itself, so the graph's
 * hash-consing never merges two random nodes (two dropout layers on the same input stay two
 * layers with two masks).
 *
 * <p>The generator is shared by every node and machine that uses the instance; computations
 * are serialized on the op. The kernel does not allocate.
 */
public final class Bernoulli extends Op {
    private static final AtomicLong IDS = new AtomicLong();

    private final TensorType type;
    private final double keep;
    private final long seed;
    private final long id;
    private final SplittableRandom random;

    /**
     * Creates a source of Bernoulli(keep) draws.
     *
     * @throws IllegalArgumentException if dtype is not float or keep is outside [0, 1]
     */
    public Bernoulli(DType dtype, Shape shape, double keep, long seed) {
        super("bernoulli");
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException("bernoulli draws float32 or float64 values, not " + dtype);
        }
        if (!(keep >= 0 && keep <= 1)) {
            throw new IllegalArgumentException("bernoulli needs a probability in [0, 1], got " + keep);
        }
        this.type = new TensorType(dtype, shape);
        this.keep = keep;
        this.seed = seed;
        this.id = IDS.incrementAndGet();
        this.random = new SplittableRandom(seed);
    }

    /** Returns the probability of a 1. */
    public double keep() {
        return keep;
    }

    /** Returns the seed. */
    public long seed() {
        return seed;
    }

    /** Returns the instance's unique id (shown when printed). */
    public long id() {
        return id;
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

    /** Draws a new mask into {@code out}. */
    @Override
    public synchronized void compute(Tensor[] inputs, Tensor out) {
        int o = out.offset();
        for (int k = 0, n = out.size(); k < n; k++) {
            out.setAt(o + k, random.nextDouble() < keep ? 1 : 0);
        }
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        return List.of();
    }

    @Override
    public String parameters() {
        return "keep=" + keep + ", seed=" + seed + ", id=" + id;
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + 79;
    }
}
