package dev.gradus.solver;

import dev.gradus.graph.Node;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Parallel;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every solver shares: checking the parameters, per-position state created on first
 * use, the step count, {@link #state()} / {@link #loadState(Map)}, and the element loop that
 * pre-processes each gradient ({@link GradientOptions#apply}) and hands it to the solver's
 * rule. A solver whose rule is not element by element overrides {@link #update}.
 */
abstract class BaseSolver implements Solver {
    private static final String STEPS = "t";

    final GradientOptions options;
    private final List<String> stateNames;

    /** Shapes and dtypes by position, fixed by the first step or a load; null until then. */
    private Shape[] shapes;
    private DType[] dtypes;
    /** state[p][i] is state tensor {@code stateNames.get(i)} of parameter p (contiguous, offset 0). */
    Tensor[][] state;
    private long steps;

    /** Reused between steps so that stepping a node list allocates nothing. */
    private Tensor[] values = new Tensor[0];
    private Tensor[] gradients = new Tensor[0];

    BaseSolver(GradientOptions options, List<String> stateNames) {
        this.options = options;
        this.stateNames = List.copyOf(stateNames);
    }

    // ------------------------------------------------------------------ the rule

    /** Called once per step before the element loop, with the step number t (1 for the first step). */
    void beginStep(long t) {
    }

    /**
     * Returns the new value of one element, updating the parameter's state tensors at index
     * {@code k}.
     *
     * @param state the parameter's state tensors, in the order of the state names
     * @param k the element's row-major index
     * @param w the element's value
     * @param g its pre-processed gradient
     */
    abstract double updateElement(Tensor[] state, int k, double w, double g);

    /** Elements per thread below which a parameter is updated on the calling thread. */
    private static final int MIN_PER_THREAD = 1 << 15;

    /**
     * The float32 rule over plain arrays when the gradient options do nothing (batch size 1, no
     * l1/l2, no clip): {@code w[wo + k]} for {@code from <= k < to} from {@code g[go + k]}.
     * Returns false when the solver has no such loop (the default), so the element loop runs.
     * A solver that overrides it computes in float, as PyTorch does for float32 parameters: a
     * loop C2 vectorizes, where float↔double conversions would keep it scalar (about 10×
     * slower); each element then differs from the double computation by at most 2 ulps of the
     * larger of |w| and |lr·g| (the learn rate is rounded to float too).
     */
    boolean updatePlainFloat32(float[] w, int wo, float[] g, int go, int from, int to) {
        return false;
    }

    /**
     * As {@link #updatePlainFloat32} for float64 parameters; an override computes exactly what
     * {@link #updateElement} computes, in a loop without per-element calls that C2 can vectorize.
     */
    boolean updatePlainFloat64(double[] w, int wo, double[] g, int go, int from, int to) {
        return false;
    }

    /**
     * Updates every parameter; t is the step number (1 for the first step). Elements are
     * independent (each reads and writes only its own state index), so large parameters are
     * split across {@link Parallel#threads()}; the result does not depend on the split.
     */
    void update(Tensor[] values, Tensor[] gradients, int count, long t) {
        beginStep(t);
        for (int p = 0; p < count; p++) {
            Parallel.forRange(values[p].size(), MIN_PER_THREAD, this, values[p], gradients[p], state[p],
                    BaseSolver::updateRange);
        }
    }

    /**
     * Updates elements {@code [from, to)} of one parameter. Contiguous float32/float64 values
     * and gradients of one dtype are read from their arrays directly (the common case: bound
     * gradients of a TapeMachine); anything else goes through the tensors' strided accessors.
     * Both give the same bits: a float32 element is read as double and its new value rounded
     * once, as {@link Tensor#setAt} does.
     */
    private static void updateRange(BaseSolver solver, Tensor w, Tensor g, Tensor[] s, int from, int to) {
        GradientOptions options = solver.options;
        int wo = w.offset();
        if (w.isContiguous() && g.isContiguous() && w.dtype() == g.dtype() && w.dtype() == DType.FLOAT32) {
            float[] wa = w.float32Data();
            float[] ga = g.float32Data();
            int go = g.offset();
            if (options.isPlain() && solver.updatePlainFloat32(wa, wo, ga, go, from, to)) {
                return;
            }
            for (int k = from; k < to; k++) {
                double wk = wa[wo + k];
                wa[wo + k] = (float) solver.updateElement(s, k, wk, options.apply(ga[go + k], wk));
            }
        } else if (w.isContiguous() && g.isContiguous() && w.dtype() == g.dtype() && w.dtype() == DType.FLOAT64) {
            double[] wa = w.float64Data();
            double[] ga = g.float64Data();
            int go = g.offset();
            if (options.isPlain() && solver.updatePlainFloat64(wa, wo, ga, go, from, to)) {
                return;
            }
            for (int k = from; k < to; k++) {
                double wk = wa[wo + k];
                wa[wo + k] = solver.updateElement(s, k, wk, options.apply(ga[go + k], wk));
            }
        } else {
            for (int k = from; k < to; k++) {
                double wk = w.getAt(wo + k);
                double gk = options.apply(gradientAt(g, k), wk);
                w.setAt(wo + k, solver.updateElement(s, k, wk, gk));
            }
        }
    }

    /** Reads element k (row-major) of a gradient, which may be a strided view. */
    static double gradientAt(Tensor g, int k) {
        return g.getAt(g.isContiguous() ? g.offset() + k : g.storageIndex(k));
    }

    // ------------------------------------------------------------------ stepping

    @Override
    public final void step(List<Node> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        int n = parameters.size();
        ensureScratch(n);
        try {
            for (int p = 0; p < n; p++) {
                Node node = parameters.get(p);
                values[p] = node.value();
                gradients[p] = node.gradient();
            }
            run(n, parameters);
        } finally {
            clearScratch(n);
        }
    }

    @Override
    public final void step(List<Tensor> values, List<Tensor> gradients) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(gradients, "gradients");
        int n = values.size();
        if (gradients.size() != n) {
            throw new IllegalArgumentException(name() + ".step: " + n + " values but " + gradients.size()
                    + " gradients; pass one gradient per value");
        }
        ensureScratch(n);
        try {
            for (int p = 0; p < n; p++) {
                Tensor value = values.get(p);
                Tensor gradient = gradients.get(p);
                if (value == null || gradient == null) {
                    throw new NullPointerException(name() + ".step: the " + (value == null ? "value" : "gradient")
                            + " of parameter " + p + " is null");
                }
                this.values[p] = value;
                this.gradients[p] = gradient;
            }
            run(n, null);
        } finally {
            clearScratch(n);
        }
    }

    private void run(int n, List<Node> nodes) {
        check(n, nodes);
        if (shapes == null) {
            Shape[] newShapes = new Shape[n];
            DType[] newDtypes = new DType[n];
            for (int p = 0; p < n; p++) {
                newShapes[p] = values[p].shape();
                newDtypes[p] = values[p].dtype();
            }
            adopt(newShapes, newDtypes);
        }
        steps++;
        update(values, gradients, n, steps);
    }

    private void check(int n, List<Node> nodes) {
        if (shapes != null && n != shapes.length) {
            throw new IllegalArgumentException(name() + ".step: got " + n + " parameters but this solver's state is for "
                    + shapes.length + " (state is kept by position in the list: pass the same parameters in the same order)");
        }
        for (int p = 0; p < n; p++) {
            Tensor w = values[p];
            Tensor g = gradients[p];
            if (!w.dtype().isFloat()) {
                throw new IllegalArgumentException(name() + ".step: " + describe(p, nodes) + " is " + w.dtype()
                        + "; only FLOAT32 and FLOAT64 parameters can be trained");
            }
            if (!w.isContiguous()) {
                throw new IllegalArgumentException(name() + ".step: the value of " + describe(p, nodes)
                        + " is a non-contiguous view; solvers update values in place and need contiguous ones"
                        + " (use Tensor.copy())");
            }
            if (g.dtype() != w.dtype() || !g.shape().equals(w.shape())) {
                throw new IllegalArgumentException(name() + ".step: the gradient of " + describe(p, nodes) + " is "
                        + g.dtype() + g.shape() + " but its value is " + w.dtype() + w.shape());
            }
            if (g.sharesStorageWith(w)) {
                throw new IllegalArgumentException(name() + ".step: the gradient of " + describe(p, nodes)
                        + " shares storage with its value");
            }
            if (shapes != null && (dtypes[p] != w.dtype() || !shapes[p].equals(w.shape()))) {
                throw new IllegalArgumentException(name() + ".step: " + describe(p, nodes) + " is " + w.dtype()
                        + w.shape() + " but this solver's state for position " + p + " is " + dtypes[p] + shapes[p]
                        + " (pass the same parameters in the same order at every step)");
            }
        }
    }

    private static String describe(int p, List<Node> nodes) {
        return nodes == null ? "parameter " + p : "parameter " + p + " ('" + nodes.get(p).name() + "')";
    }

    private void ensureScratch(int n) {
        if (values.length < n) {
            values = new Tensor[n];
            gradients = new Tensor[n];
        }
    }

    private void clearScratch(int n) {
        for (int p = 0; p < n; p++) {
            values[p] = null;
            gradients[p] = null;
        }
    }

    /** Fixes the parameter shapes and dtypes and creates zeroed state tensors. */
    private void adopt(Shape[] newShapes, DType[] newDtypes) {
        Tensor[][] newState = new Tensor[newShapes.length][stateNames.size()];
        for (int p = 0; p < newShapes.length; p++) {
            for (int i = 0; i < stateNames.size(); i++) {
                newState[p][i] = Tensor.zeros(newDtypes[p], newShapes[p]);
            }
        }
        shapes = newShapes;
        dtypes = newDtypes;
        state = newState;
    }

    // ------------------------------------------------------------------ checkpoints

    @Override
    public final Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (state != null) {
            for (int p = 0; p < state.length; p++) {
                for (int i = 0; i < stateNames.size(); i++) {
                    out.put(p + "/" + stateNames.get(i), state[p][i].copy());
                }
            }
        }
        out.put(STEPS, Tensor.scalar((double) steps));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public final void loadState(Map<String, Tensor> newState) {
        Objects.requireNonNull(newState, "state");
        long t = readSteps(newState.get(STEPS));
        int count = shapes != null ? shapes.length : countParameters(newState);
        for (String key : newState.keySet()) {
            if (!key.equals(STEPS) && !isExpectedKey(key, count)) {
                throw new IllegalArgumentException(name() + ".loadState: unexpected entry '" + key + "'; " + expected(count));
            }
        }
        Shape[] newShapes = new Shape[count];
        DType[] newDtypes = new DType[count];
        for (int p = 0; p < count; p++) {
            for (String stateName : stateNames) {
                String key = p + "/" + stateName;
                Tensor s = newState.get(key);
                if (s == null) {
                    throw new IllegalArgumentException(name() + ".loadState: missing entry '" + key + "'; " + expected(count));
                }
                if (!s.dtype().isFloat()) {
                    throw new IllegalArgumentException(name() + ".loadState: entry '" + key + "' is " + s.dtype()
                            + "; solver state is FLOAT32 or FLOAT64");
                }
                Shape wantShape = shapes != null ? shapes[p] : newShapes[p];
                DType wantDtype = shapes != null ? dtypes[p] : newDtypes[p];
                if (wantShape != null && (!s.shape().equals(wantShape) || s.dtype() != wantDtype)) {
                    throw new IllegalArgumentException(name() + ".loadState: entry '" + key + "' is " + s.dtype()
                            + s.shape() + " but parameter " + p + " is " + wantDtype + wantShape);
                }
                newShapes[p] = s.shape();
                newDtypes[p] = s.dtype();
            }
        }
        // Everything is checked: from here on nothing throws, so a failed load changes nothing.
        if (shapes == null && count > 0) {
            adopt(newShapes, newDtypes);
        }
        for (int p = 0; p < count; p++) {
            for (int i = 0; i < stateNames.size(); i++) {
                state[p][i].copyFrom(newState.get(p + "/" + stateNames.get(i)));
            }
        }
        steps = t;
    }

    private long readSteps(Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(name() + ".loadState: missing entry '" + STEPS + "' (the step count)");
        }
        if (t.size() != 1) {
            throw new IllegalArgumentException(name() + ".loadState: entry '" + STEPS + "' must hold one number; it has shape "
                    + t.shape());
        }
        double v = t.item();
        if (!(v >= 0) || v != Math.rint(v) || v > Long.MAX_VALUE) {
            throw new IllegalArgumentException(name() + ".loadState: entry '" + STEPS
                    + "' must be a whole number ≥ 0; got " + v);
        }
        return (long) v;
    }

    /** The parameter count a fresh solver takes from a state map: one more than the largest position. */
    private int countParameters(Map<String, Tensor> map) {
        int count = 0;
        for (String key : map.keySet()) {
            int slash = key.indexOf('/');
            if (slash > 0) {
                try {
                    count = Math.max(count, Integer.parseInt(key.substring(0, slash)) + 1);
                } catch (NumberFormatException e) {
                    // not a position: reported as an unexpected entry
                }
            }
        }
        return stateNames.isEmpty() ? 0 : count;
    }

    private boolean isExpectedKey(String key, int count) {
        int slash = key.indexOf('/');
        if (slash <= 0 || !stateNames.contains(key.substring(slash + 1))) {
            return false;
        }
        String position = key.substring(0, slash);
        if (!position.chars().allMatch(Character::isDigit) || position.length() > 9) {
            return false;
        }
        return Integer.parseInt(position) < count && String.valueOf(Integer.parseInt(position)).equals(position);
    }

    private String expected(int count) {
        StringBuilder sb = new StringBuilder(name()).append("'s state has 't'");
        if (!stateNames.isEmpty()) {
            sb.append(" and, for each parameter position p");
            sb.append(count > 0 ? " in 0.." + (count - 1) : "");
            for (String s : stateNames) {
                sb.append(", 'p/").append(s).append('\'');
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ naming

    String name() {
        return getClass().getSimpleName();
    }

    /** Returns the solver's own options, e.g. {@code beta1=0.9, beta2=0.999}, or "" if none. */
    String describeOwnOptions() {
        return "";
    }

    /** Returns the solver's name and every option, e.g. {@code Adam(learnRate=0.001, ..., beta1=0.9, ...)}. */
    @Override
    public String toString() {
        String own = describeOwnOptions();
        return name() + "(" + options.describe() + (own.isEmpty() ? "" : ", " + own) + ")";
    }
}
