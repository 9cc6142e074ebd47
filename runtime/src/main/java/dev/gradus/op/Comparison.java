package dev.gradus.op;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Loops;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;
import java.util.List;

/**
 * Elementwise comparisons with broadcasting: lt, gt, lte, gte, eq, ne. The plain form
 * returns BOOL; the {@link #mask()} form returns 1 or 0 in the inputs' float dtype, for use
 * in derivative rules. Comparisons with NaN are false (ne: true), as in Java. No gradient
 * flows through either input.
 */
public final class Comparison extends Op {
    /** The six relations. */
    public enum Kind {
        /** a &lt; b. */
        LT("<"),
        /** a &gt; b. */
        GT(">"),
        /** a ≤ b. */
        LTE("<="),
        /** a ≥ b. */
        GTE(">="),
        /** a = b. */
        EQ("=="),
        /** a ≠ b. */
        NE("!=");

        private final String symbol;

        Kind(String symbol) {
            this.symbol = symbol;
        }

        /** Returns the infix symbol. */
        public String symbol() {
            return symbol;
        }

        boolean test(double a, double b) {
            return switch (this) {
                case LT -> a < b;
                case GT -> a > b;
                case LTE -> a <= b;
                case GTE -> a >= b;
                case EQ -> a == b;
                case NE -> a != b;
            };
        }
    }

    /** a &lt; b, BOOL result. */
    public static final Comparison LT = new Comparison(Kind.LT, false);
    /** a &gt; b, BOOL result. */
    public static final Comparison GT = new Comparison(Kind.GT, false);
    /** a ≤ b, BOOL result. */
    public static final Comparison LTE = new Comparison(Kind.LTE, false);
    /** a ≥ b, BOOL result. */
    public static final Comparison GTE = new Comparison(Kind.GTE, false);
    /** a = b, BOOL result. */
    public static final Comparison EQ = new Comparison(Kind.EQ, false);
    /** a ≠ b, BOOL result. */
    public static final Comparison NE = new Comparison(Kind.NE, false);

    private final Kind kind;
    private final boolean sameDType;
    private final java.util.function.DoubleBinaryOperator scalarForm;

    private Comparison(Kind kind, boolean sameDType) {
        super(kind.name().toLowerCase(java.util.Locale.ROOT) + (sameDType ? "Mask" : ""));
        this.kind = kind;
        this.sameDType = sameDType;
        this.scalarForm = (a, b) -> kind.test(a, b) ? 1.0 : 0.0;
    }

    /** Returns the relation. */
    public Kind kind() {
        return kind;
    }

    /** Returns true if the result has the inputs' dtype (1 or 0) instead of BOOL. */
    public boolean returnsSameDType() {
        return sameDType;
    }

    /** Returns the same relation with a 1/0 result in the inputs' dtype. */
    public Comparison mask() {
        return new Comparison(kind, true);
    }

    /** Returns the relation of the given kind with a BOOL result. */
    public static Comparison of(Kind kind) {
        return new Comparison(kind, false);
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public TensorType infer(List<TensorType> inputs) {
        checkArity(inputs.size());
        TensorType a = inputs.get(0);
        TensorType b = inputs.get(1);
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("dtypes differ: " + a.dtype() + " and " + b.dtype());
        }
        return new TensorType(sameDType ? a.dtype() : DType.BOOL, Shape.broadcast(a.shape(), b.shape()));
    }

    @Override
    public void compute(Tensor[] inputs, Tensor out) {
        Loops.zip(inputs[0], inputs[1], out, scalarForm);
    }

    /** Returns the scalar form: 1 where the relation holds, else 0. */
    public java.util.function.DoubleBinaryOperator scalarForm() {
        return scalarForm;
    }

    /**
     * Returns Java source for one comparison, computing exactly what {@link #scalarForm()}
     * decides (comparisons with NaN false, ne true; −0 equal to +0). For the {@link #mask()}
     * form it is a double expression, {@code ((a) < (b) ? 1.0 : 0.0)}; for the BOOL form a
     * boolean expression, {@code ((a) < (b))}. Either is self-contained: it can be used as
     * an operand of any operator without further parentheses.
     *
     * @param a the text of a Java expression of type double (parenthesized here); it
     *     appears once in the result
     * @param b the same for the second argument
     * @return new source text; nothing is evaluated
     */
    public String javaSource(String a, String b) {
        String test = "(" + a + ") " + kind.symbol + " (" + b + ")";
        return sameDType ? "(" + test + " ? 1.0 : 0.0)" : "(" + test + ")";
    }

    @Override
    public <T> List<Partial<T>> vjp(Builder<T> b, List<T> inputs, T output, T gradOut) {
        String why = "comparisons are piecewise constant";
        return List.of(Partial.none(why), Partial.none(why));
    }

    @Override
    public boolean isElementwise() {
        return true;
    }

    @Override
    public String format(List<String> args) {
        String s = "(" + args.get(0) + " " + kind.symbol + " " + args.get(1) + ")";
        return sameDType ? "mask" + s : s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Comparison c && c.kind == kind && c.sameDType == sameDType;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 2 + (sameDType ? 1 : 0);
    }
}
