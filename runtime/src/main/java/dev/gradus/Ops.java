package dev.gradus;

import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.op.ArgReduce;
import dev.gradus.op.AvgPool2d;
import dev.gradus.op.BatchNormState;
import dev.gradus.op.Bernoulli;
import dev.gradus.op.BatchedMatMul;
import dev.gradus.op.BinaryOps;
import dev.gradus.op.BroadcastTo;
import dev.gradus.op.Cast;
import dev.gradus.op.Comparison;
import dev.gradus.op.Concat;
import dev.gradus.op.Conv2d;
import dev.gradus.op.Conv2dParams;
import dev.gradus.op.EagerBuilder;
import dev.gradus.op.Elu;
import dev.gradus.op.Gather;
import dev.gradus.op.LeakyRelu;
import dev.gradus.op.LinearAlgebra;
import dev.gradus.op.LogSoftmax;
import dev.gradus.op.MatMul;
import dev.gradus.op.MatVec;
import dev.gradus.op.MaxPool2d;
import dev.gradus.op.OneHot;
import dev.gradus.op.Op;
import dev.gradus.op.Pool2dParams;
import dev.gradus.op.Reduction;
import dev.gradus.op.Reshape;
import dev.gradus.op.ShapedBuilder;
import dev.gradus.op.Slice;
import dev.gradus.op.Softmax;
import dev.gradus.op.SoftmaxCrossEntropy;
import dev.gradus.op.Transpose;
import dev.gradus.op.UnaryOps;
import dev.gradus.tensor.DType;
import dev.gradus.tensor.Shape;
import dev.gradus.tensor.SliceSpec;
import dev.gradus.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The operations of Gradus, each in two forms with the same name: on {@link Node}s it
 * builds graph nodes (nothing runs until a machine runs the graph); on {@link Tensor}s it
 * computes the result at once (eagerly) with the same CPU kernels. {@code import static
 * dev.gradus.Ops.*} makes both read like maths: {@code mean(square(sub(matMul(x, w), y)))}.
 *
 * <p>Binary ops broadcast numpy-style and need both inputs of the same dtype. Axes may be
 * negative (counted from the end). Shape and dtype errors are thrown at once, naming the
 * op, the nodes (or tensors) and their shapes. Every op's definition, including its
 * derivative rule, lives in the op table (package {@code dev.gradus.op}).
 */
public final class Ops {
    private Ops() {
    }

    // ---------------------------------------------------------------- plumbing

    private static Node node(Op op, Node... inputs) {
        return graphOf(inputs).apply(op, inputs);
    }

    private static Graph graphOf(Node... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("an op needs at least one input node");
        }
        return inputs[0].graph();
    }

    private static Tensor eager(Op op, Tensor... inputs) {
        return EagerBuilder.INSTANCE.apply(op, Arrays.asList(inputs));
    }

    private static Node constantLike(double value, Node like) {
        return like.graph().constant(value, like.dtype());
    }

    private static String describe(Node x) {
        return "'" + x.name() + "' " + x.dtype() + x.shape();
    }

    private static String describe(Tensor x) {
        return "a " + x.dtype() + x.shape() + " tensor";
    }

    private static IllegalArgumentException error(String op, String subject, IllegalArgumentException e) {
        return new IllegalArgumentException(op + "(" + subject + "): " + e.getMessage(), e);
    }

    private static int[] axes(String op, Node x, int[] axes) {
        try {
            return Shape.normalizeAxes(axes, x.shape().rank());
        } catch (IllegalArgumentException e) {
            throw error(op, describe(x), e);
        }
    }

    private static int[] axes(String op, Tensor x, int[] axes) {
        try {
            return Shape.normalizeAxes(axes, x.rank());
        } catch (IllegalArgumentException e) {
            throw error(op, describe(x), e);
        }
    }

    private static int axis(String op, String subject, int axis, int rank) {
        try {
            return Shape.normalizeAxis(axis, rank);
        } catch (IllegalArgumentException e) {
            throw error(op, subject, e);
        }
    }

    // ---------------------------------------------------------------- elementwise

    /** Elementwise |x|. Builds a node. */
    public static Node abs(Node x) {
        return node(UnaryOps.ABS, x);
    }

    /** Elementwise |x|. Computes a new tensor. */
    public static Tensor abs(Tensor x) {
        return eager(UnaryOps.ABS, x);
    }

    /** Elementwise sign(x) in {-1, 0, 1}; no gradient flows through it. Builds a node. */
    public static Node sign(Node x) {
        return node(UnaryOps.SIGN, x);
    }

    /** Elementwise sign(x) in {-1, 0, 1}; no gradient flows through it. Computes a new tensor. */
    public static Tensor sign(Tensor x) {
        return eager(UnaryOps.SIGN, x);
    }

    /** Elementwise ⌈x⌉; no gradient flows through it. Builds a node. */
    public static Node ceil(Node x) {
        return node(UnaryOps.CEIL, x);
    }

    /** Elementwise ⌈x⌉; no gradient flows through it. Computes a new tensor. */
    public static Tensor ceil(Tensor x) {
        return eager(UnaryOps.CEIL, x);
    }

    /** Elementwise ⌊x⌋; no gradient flows through it. Builds a node. */
    public static Node floor(Node x) {
        return node(UnaryOps.FLOOR, x);
    }

    /** Elementwise ⌊x⌋; no gradient flows through it. Computes a new tensor. */
    public static Tensor floor(Tensor x) {
        return eager(UnaryOps.FLOOR, x);
    }

    /** Elementwise sin x. Builds a node. */
    public static Node sin(Node x) {
        return node(UnaryOps.SIN, x);
    }

    /** Elementwise sin x. Computes a new tensor. */
    public static Tensor sin(Tensor x) {
        return eager(UnaryOps.SIN, x);
    }

    /** Elementwise cos x. Builds a node. */
    public static Node cos(Node x) {
        return node(UnaryOps.COS, x);
    }

    /** Elementwise cos x. Computes a new tensor. */
    public static Tensor cos(Tensor x) {
        return eager(UnaryOps.COS, x);
    }

    /** Elementwise tan x (poles at π/2 + kπ). Builds a node. */
    public static Node tan(Node x) {
        return node(UnaryOps.TAN, x);
    }

    /** Elementwise tan x (poles at π/2 + kπ). Computes a new tensor. */
    public static Tensor tan(Tensor x) {
        return eager(UnaryOps.TAN, x);
    }

    /** Elementwise arcsin x, in [−π/2, π/2]; NaN outside [−1, 1]. Builds a node. */
    public static Node asin(Node x) {
        return node(UnaryOps.ASIN, x);
    }

    /** Elementwise arcsin x, in [−π/2, π/2]; NaN outside [−1, 1]. Computes a new tensor. */
    public static Tensor asin(Tensor x) {
        return eager(UnaryOps.ASIN, x);
    }

    /** Elementwise arccos x, in [0, π]; NaN outside [−1, 1]. Builds a node. */
    public static Node acos(Node x) {
        return node(UnaryOps.ACOS, x);
    }

    /** Elementwise arccos x, in [0, π]; NaN outside [−1, 1]. Computes a new tensor. */
    public static Tensor acos(Tensor x) {
        return eager(UnaryOps.ACOS, x);
    }

    /** Elementwise arctan x, in (−π/2, π/2). Builds a node. */
    public static Node atan(Node x) {
        return node(UnaryOps.ATAN, x);
    }

    /** Elementwise arctan x, in (−π/2, π/2). Computes a new tensor. */
    public static Tensor atan(Tensor x) {
        return eager(UnaryOps.ATAN, x);
    }

    /** Elementwise eˣ. Builds a node. */
    public static Node exp(Node x) {
        return node(UnaryOps.EXP, x);
    }

    /** Elementwise eˣ. Computes a new tensor. */
    public static Tensor exp(Tensor x) {
        return eager(UnaryOps.EXP, x);
    }

    /** Elementwise the natural logarithm. Builds a node. */
    public static Node log(Node x) {
        return node(UnaryOps.LOG, x);
    }

    /** Elementwise the natural logarithm. Computes a new tensor. */
    public static Tensor log(Tensor x) {
        return eager(UnaryOps.LOG, x);
    }

    /** Elementwise the base-2 logarithm. Builds a node. */
    public static Node log2(Node x) {
        return node(UnaryOps.LOG2, x);
    }

    /** Elementwise the base-2 logarithm. Computes a new tensor. */
    public static Tensor log2(Tensor x) {
        return eager(UnaryOps.LOG2, x);
    }

    /** Elementwise the base-10 logarithm. Builds a node. */
    public static Node log10(Node x) {
        return node(UnaryOps.LOG10, x);
    }

    /** Elementwise the base-10 logarithm. Computes a new tensor. */
    public static Tensor log10(Tensor x) {
        return eager(UnaryOps.LOG10, x);
    }

    /** Elementwise −x. Builds a node. */
    public static Node neg(Node x) {
        return node(UnaryOps.NEG, x);
    }

    /** Elementwise −x. Computes a new tensor. */
    public static Tensor neg(Tensor x) {
        return eager(UnaryOps.NEG, x);
    }

    /** Elementwise x². Builds a node. */
    public static Node square(Node x) {
        return node(UnaryOps.SQUARE, x);
    }

    /** Elementwise x². Computes a new tensor. */
    public static Tensor square(Tensor x) {
        return eager(UnaryOps.SQUARE, x);
    }

    /** Elementwise √x. Builds a node. */
    public static Node sqrt(Node x) {
        return node(UnaryOps.SQRT, x);
    }

    /** Elementwise √x. Computes a new tensor. */
    public static Tensor sqrt(Tensor x) {
        return eager(UnaryOps.SQRT, x);
    }

    /** Elementwise 1/x. Builds a node. */
    public static Node inverse(Node x) {
        return node(UnaryOps.INVERSE, x);
    }

    /** Elementwise 1/x. Computes a new tensor. */
    public static Tensor inverse(Tensor x) {
        return eager(UnaryOps.INVERSE, x);
    }

    /** Elementwise 1/√x. Builds a node. */
    public static Node inverseSqrt(Node x) {
        return node(UnaryOps.INVERSE_SQRT, x);
    }

    /** Elementwise 1/√x. Computes a new tensor. */
    public static Tensor inverseSqrt(Tensor x) {
        return eager(UnaryOps.INVERSE_SQRT, x);
    }

    /** Elementwise x³. Builds a node. */
    public static Node cube(Node x) {
        return node(UnaryOps.CUBE, x);
    }

    /** Elementwise x³. Computes a new tensor. */
    public static Tensor cube(Tensor x) {
        return eager(UnaryOps.CUBE, x);
    }

    /** Elementwise ∛x, defined for negative x too (its gradient is infinite at 0). Builds a node. */
    public static Node cbrt(Node x) {
        return node(UnaryOps.CBRT, x);
    }

    /** Elementwise ∛x, defined for negative x too (its gradient is infinite at 0). Computes a new tensor. */
    public static Tensor cbrt(Tensor x) {
        return eager(UnaryOps.CBRT, x);
    }

    /** Elementwise sinh x. Builds a node. */
    public static Node sinh(Node x) {
        return node(UnaryOps.SINH, x);
    }

    /** Elementwise sinh x. Computes a new tensor. */
    public static Tensor sinh(Tensor x) {
        return eager(UnaryOps.SINH, x);
    }

    /** Elementwise cosh x. Builds a node. */
    public static Node cosh(Node x) {
        return node(UnaryOps.COSH, x);
    }

    /** Elementwise cosh x. Computes a new tensor. */
    public static Tensor cosh(Tensor x) {
        return eager(UnaryOps.COSH, x);
    }

    /** Elementwise tanh x. Builds a node. */
    public static Node tanh(Node x) {
        return node(UnaryOps.TANH, x);
    }

    /** Elementwise tanh x. Computes a new tensor. */
    public static Tensor tanh(Tensor x) {
        return eager(UnaryOps.TANH, x);
    }

    /** Elementwise the logistic function 1/(1+e⁻ˣ), stable for large |x|. Builds a node. */
    public static Node sigmoid(Node x) {
        return node(UnaryOps.SIGMOID, x);
    }

    /** Elementwise the logistic function 1/(1+e⁻ˣ), stable for large |x|. Computes a new tensor. */
    public static Tensor sigmoid(Tensor x) {
        return eager(UnaryOps.SIGMOID, x);
    }

    /** Elementwise ln(1+x), accurate near 0. Builds a node. */
    public static Node log1p(Node x) {
        return node(UnaryOps.LOG1P, x);
    }

    /** Elementwise ln(1+x), accurate near 0. Computes a new tensor. */
    public static Tensor log1p(Tensor x) {
        return eager(UnaryOps.LOG1P, x);
    }

    /** Elementwise eˣ−1, accurate near 0. Builds a node. */
    public static Node expm1(Node x) {
        return node(UnaryOps.EXPM1, x);
    }

    /** Elementwise eˣ−1, accurate near 0. Computes a new tensor. */
    public static Tensor expm1(Tensor x) {
        return eager(UnaryOps.EXPM1, x);
    }

    /** Elementwise ln(1+eˣ), stable for large |x|. Builds a node. */
    public static Node softplus(Node x) {
        return node(UnaryOps.SOFTPLUS, x);
    }

    /** Elementwise ln(1+eˣ), stable for large |x|. Computes a new tensor. */
    public static Tensor softplus(Tensor x) {
        return eager(UnaryOps.SOFTPLUS, x);
    }

    /** Elementwise max(x, 0). Builds a node. */
    public static Node relu(Node x) {
        return node(UnaryOps.RELU, x);
    }

    /** Elementwise max(x, 0). Computes a new tensor. */
    public static Tensor relu(Tensor x) {
        return eager(UnaryOps.RELU, x);
    }

    /** Elementwise 1 where x &gt; 0, else 0 (Heaviside); no gradient flows through it. Builds a node. */
    public static Node step(Node x) {
        return node(UnaryOps.STEP, x);
    }

    /** Elementwise 1 where x &gt; 0, else 0 (Heaviside); no gradient flows through it. Computes a new tensor. */
    public static Tensor step(Tensor x) {
        return eager(UnaryOps.STEP, x);
    }

    /** A + b, with numpy broadcasting. Builds a node. */
    public static Node add(Node a, Node b) {
        return node(BinaryOps.ADD, a, b);
    }

    /** A + b, with numpy broadcasting. Computes a new tensor. */
    public static Tensor add(Tensor a, Tensor b) {
        return eager(BinaryOps.ADD, a, b);
    }

    /** add(a, b) with b a constant of a's dtype. Builds a node. */
    public static Node add(Node a, double b) {
        return node(BinaryOps.ADD, a, constantLike(b, a));
    }

    /** add(a, b) with a a constant of b's dtype. Builds a node. */
    public static Node add(double a, Node b) {
        return node(BinaryOps.ADD, constantLike(a, b), b);
    }

    /** add(a, b) with b a scalar of a's dtype. Computes a new tensor. */
    public static Tensor add(Tensor a, double b) {
        return eager(BinaryOps.ADD, a, Tensor.scalar(a.dtype(), b));
    }

    /** add(a, b) with a a scalar of b's dtype. Computes a new tensor. */
    public static Tensor add(double a, Tensor b) {
        return eager(BinaryOps.ADD, Tensor.scalar(b.dtype(), a), b);
    }

    /** A − b, with numpy broadcasting. Builds a node. */
    public static Node sub(Node a, Node b) {
        return node(BinaryOps.SUB, a, b);
    }

    /** A − b, with numpy broadcasting. Computes a new tensor. */
    public static Tensor sub(Tensor a, Tensor b) {
        return eager(BinaryOps.SUB, a, b);
    }

    /** sub(a, b) with b a constant of a's dtype. Builds a node. */
    public static Node sub(Node a, double b) {
        return node(BinaryOps.SUB, a, constantLike(b, a));
    }

    /** sub(a, b) with a a constant of b's dtype. Builds a node. */
    public static Node sub(double a, Node b) {
        return node(BinaryOps.SUB, constantLike(a, b), b);
    }

    /** sub(a, b) with b a scalar of a's dtype. Computes a new tensor. */
    public static Tensor sub(Tensor a, double b) {
        return eager(BinaryOps.SUB, a, Tensor.scalar(a.dtype(), b));
    }

    /** sub(a, b) with a a scalar of b's dtype. Computes a new tensor. */
    public static Tensor sub(double a, Tensor b) {
        return eager(BinaryOps.SUB, Tensor.scalar(b.dtype(), a), b);
    }

    /** The elementwise (Hadamard) product a ⊙ b; the matrix product is matMul, with numpy broadcasting. Builds a node. */
    public static Node mul(Node a, Node b) {
        return node(BinaryOps.MUL, a, b);
    }

    /** The elementwise (Hadamard) product a ⊙ b; the matrix product is matMul, with numpy broadcasting. Computes a new tensor. */
    public static Tensor mul(Tensor a, Tensor b) {
        return eager(BinaryOps.MUL, a, b);
    }

    /** mul(a, b) with b a constant of a's dtype. Builds a node. */
    public static Node mul(Node a, double b) {
        return node(BinaryOps.MUL, a, constantLike(b, a));
    }

    /** mul(a, b) with a a constant of b's dtype. Builds a node. */
    public static Node mul(double a, Node b) {
        return node(BinaryOps.MUL, constantLike(a, b), b);
    }

    /** mul(a, b) with b a scalar of a's dtype. Computes a new tensor. */
    public static Tensor mul(Tensor a, double b) {
        return eager(BinaryOps.MUL, a, Tensor.scalar(a.dtype(), b));
    }

    /** mul(a, b) with a a scalar of b's dtype. Computes a new tensor. */
    public static Tensor mul(double a, Tensor b) {
        return eager(BinaryOps.MUL, Tensor.scalar(b.dtype(), a), b);
    }

    /** A / b, with numpy broadcasting. Builds a node. */
    public static Node div(Node a, Node b) {
        return node(BinaryOps.DIV, a, b);
    }

    /** A / b, with numpy broadcasting. Computes a new tensor. */
    public static Tensor div(Tensor a, Tensor b) {
        return eager(BinaryOps.DIV, a, b);
    }

    /** div(a, b) with b a constant of a's dtype. Builds a node. */
    public static Node div(Node a, double b) {
        return node(BinaryOps.DIV, a, constantLike(b, a));
    }

    /** div(a, b) with a a constant of b's dtype. Builds a node. */
    public static Node div(double a, Node b) {
        return node(BinaryOps.DIV, constantLike(a, b), b);
    }

    /** div(a, b) with b a scalar of a's dtype. Computes a new tensor. */
    public static Tensor div(Tensor a, double b) {
        return eager(BinaryOps.DIV, a, Tensor.scalar(a.dtype(), b));
    }

    /** div(a, b) with a a scalar of b's dtype. Computes a new tensor. */
    public static Tensor div(double a, Tensor b) {
        return eager(BinaryOps.DIV, Tensor.scalar(b.dtype(), a), b);
    }

    /** Aᵇ, with numpy broadcasting. Builds a node. */
    public static Node pow(Node a, Node b) {
        return node(BinaryOps.POW, a, b);
    }

    /** Aᵇ, with numpy broadcasting. Computes a new tensor. */
    public static Tensor pow(Tensor a, Tensor b) {
        return eager(BinaryOps.POW, a, b);
    }

    /** pow(a, b) with b a constant of a's dtype. Builds a node. */
    public static Node pow(Node a, double b) {
        return node(BinaryOps.POW, a, constantLike(b, a));
    }

    /** pow(a, b) with a a constant of b's dtype. Builds a node. */
    public static Node pow(double a, Node b) {
        return node(BinaryOps.POW, constantLike(a, b), b);
    }

    /** pow(a, b) with b a scalar of a's dtype. Computes a new tensor. */
    public static Tensor pow(Tensor a, double b) {
        return eager(BinaryOps.POW, a, Tensor.scalar(a.dtype(), b));
    }

    /** pow(a, b) with a a scalar of b's dtype. Computes a new tensor. */
    public static Tensor pow(double a, Tensor b) {
        return eager(BinaryOps.POW, Tensor.scalar(b.dtype(), a), b);
    }

    /** The elementwise angle atan2(a, b) of the point (b, a), in (−π, π], with numpy broadcasting. Builds a node. */
    public static Node atan2(Node a, Node b) {
        return node(BinaryOps.ATAN2, a, b);
    }

    /** The elementwise angle atan2(a, b) of the point (b, a), in (−π, π], with numpy broadcasting. Computes a new tensor. */
    public static Tensor atan2(Tensor a, Tensor b) {
        return eager(BinaryOps.ATAN2, a, b);
    }

    /** The elementwise √(a² + b²), without intermediate overflow or underflow, with numpy broadcasting. Builds a node. */
    public static Node hypot(Node a, Node b) {
        return node(BinaryOps.HYPOT, a, b);
    }

    /** The elementwise √(a² + b²), without intermediate overflow or underflow, with numpy broadcasting. Computes a new tensor. */
    public static Tensor hypot(Tensor a, Tensor b) {
        return eager(BinaryOps.HYPOT, a, b);
    }

    /** The elementwise minimum; ties send the gradient to a, with numpy broadcasting. Builds a node. */
    public static Node minBetween(Node a, Node b) {
        return node(BinaryOps.MIN_BETWEEN, a, b);
    }

    /** The elementwise minimum; ties send the gradient to a, with numpy broadcasting. Computes a new tensor. */
    public static Tensor minBetween(Tensor a, Tensor b) {
        return eager(BinaryOps.MIN_BETWEEN, a, b);
    }

    /** The elementwise maximum; ties send the gradient to a, with numpy broadcasting. Builds a node. */
    public static Node maxBetween(Node a, Node b) {
        return node(BinaryOps.MAX_BETWEEN, a, b);
    }

    /** The elementwise maximum; ties send the gradient to a, with numpy broadcasting. Computes a new tensor. */
    public static Tensor maxBetween(Tensor a, Tensor b) {
        return eager(BinaryOps.MAX_BETWEEN, a, b);
    }

    /** a &lt; b elementwise with broadcasting, as BOOL; no gradient flows through it. Builds a node. */
    public static Node lt(Node a, Node b) {
        return node(Comparison.LT, a, b);
    }

    /** a &lt; b elementwise with broadcasting, as BOOL. Computes a new tensor. */
    public static Tensor lt(Tensor a, Tensor b) {
        return eager(Comparison.LT, a, b);
    }

    /** a &gt; b elementwise with broadcasting, as BOOL; no gradient flows through it. Builds a node. */
    public static Node gt(Node a, Node b) {
        return node(Comparison.GT, a, b);
    }

    /** a &gt; b elementwise with broadcasting, as BOOL. Computes a new tensor. */
    public static Tensor gt(Tensor a, Tensor b) {
        return eager(Comparison.GT, a, b);
    }

    /** a ≤ b elementwise with broadcasting, as BOOL; no gradient flows through it. Builds a node. */
    public static Node lte(Node a, Node b) {
        return node(Comparison.LTE, a, b);
    }

    /** a ≤ b elementwise with broadcasting, as BOOL. Computes a new tensor. */
    public static Tensor lte(Tensor a, Tensor b) {
        return eager(Comparison.LTE, a, b);
    }

    /** a ≥ b elementwise with broadcasting, as BOOL; no gradient flows through it. Builds a node. */
    public static Node gte(Node a, Node b) {
        return node(Comparison.GTE, a, b);
    }

    /** a ≥ b elementwise with broadcasting, as BOOL. Computes a new tensor. */
    public static Tensor gte(Tensor a, Tensor b) {
        return eager(Comparison.GTE, a, b);
    }

    /** a = b elementwise with broadcasting, as BOOL; no gradient flows through it. Builds a node. */
    public static Node eq(Node a, Node b) {
        return node(Comparison.EQ, a, b);
    }

    /** a = b elementwise with broadcasting, as BOOL. Computes a new tensor. */
    public static Tensor eq(Tensor a, Tensor b) {
        return eager(Comparison.EQ, a, b);
    }

    /** a ≠ b elementwise with broadcasting, as BOOL; no gradient flows through it. Builds a node. */
    public static Node ne(Node a, Node b) {
        return node(Comparison.NE, a, b);
    }

    /** a ≠ b elementwise with broadcasting, as BOOL. Computes a new tensor. */
    public static Tensor ne(Tensor a, Tensor b) {
        return eager(Comparison.NE, a, b);
    }


    /** Leaky ReLU: x where x &gt; 0, else {@code alpha·x}. Builds a node. */
    public static Node leakyRelu(Node x, double alpha) {
        return node(new LeakyRelu(alpha), x);
    }

    /** Leaky ReLU: x where x &gt; 0, else {@code alpha·x}. Computes a new tensor. */
    public static Tensor leakyRelu(Tensor x, double alpha) {
        return eager(new LeakyRelu(alpha), x);
    }

    /** Elementwise the error function erf x, odd, in (−1, 1). Builds a node. */
    public static Node erf(Node x) {
        return node(UnaryOps.ERF, x);
    }

    /** Elementwise the error function erf x, odd, in (−1, 1). Computes a new tensor. */
    public static Tensor erf(Tensor x) {
        return eager(UnaryOps.ERF, x);
    }

    /** Elementwise ELU with α = 1: x where x &gt; 0, else eˣ − 1. Builds a node. */
    public static Node elu(Node x) {
        return node(UnaryOps.ELU, x);
    }

    /** Elementwise ELU with α = 1: x where x &gt; 0, else eˣ − 1. Computes a new tensor. */
    public static Tensor elu(Tensor x) {
        return eager(UnaryOps.ELU, x);
    }

    /**
     * Elementwise ELU: x where x &gt; 0, else {@code alpha·(eˣ − 1)}; its derivative at 0 is
     * alpha. Builds a node.
     *
     * @throws IllegalArgumentException if alpha is not finite
     */
    public static Node elu(Node x, double alpha) {
        return node(new Elu(alpha), x);
    }

    /** Elementwise ELU with scale {@code alpha}; see {@link #elu(Node, double)}. Computes a new tensor. */
    public static Tensor elu(Tensor x, double alpha) {
        return eager(new Elu(alpha), x);
    }

    /**
     * Elementwise GELU in its exact form x·Φ(x), Φ the standard normal distribution function
     * (PyTorch's default {@code approximate='none'}, not the tanh approximation). Builds a node.
     */
    public static Node gelu(Node x) {
        return node(UnaryOps.GELU, x);
    }

    /** Elementwise exact GELU x·Φ(x); see {@link #gelu(Node)}. Computes a new tensor. */
    public static Tensor gelu(Tensor x) {
        return eager(UnaryOps.GELU, x);
    }

    /** Elementwise Mish, x·tanh(softplus(x)). Builds a node. */
    public static Node mish(Node x) {
        return node(UnaryOps.MISH, x);
    }

    /** Elementwise Mish, x·tanh(softplus(x)). Computes a new tensor. */
    public static Tensor mish(Tensor x) {
        return eager(UnaryOps.MISH, x);
    }

    /** Converts to {@code dtype}; gradients flow only between float dtypes. Builds a node. */
    public static Node cast(Node x, DType dtype) {
        return x.dtype() == dtype ? x : node(new Cast(x.dtype(), dtype), x);
    }

    /** Converts to {@code dtype}. Computes a new tensor. */
    public static Tensor cast(Tensor x, DType dtype) {
        return eager(new Cast(x.dtype(), dtype), x);
    }

    // ---------------------------------------------------------------- linear algebra

    /** The matrix product a·b of rank-2 inputs ((m,k)·(k,n) → (m,n)). Builds a node. */
    public static Node matMul(Node a, Node b) {
        return matMul(a, b, false, false);
    }

    /** op(a)·op(b), where op transposes its operand when the flag is set. Builds a node. */
    public static Node matMul(Node a, Node b, boolean transposeA, boolean transposeB) {
        return node(new MatMul(transposeA, transposeB), a, b);
    }

    /** The matrix product a·b. Computes a new tensor. */
    public static Tensor matMul(Tensor a, Tensor b) {
        return matMul(a, b, false, false);
    }

    /** op(a)·op(b). Computes a new tensor. */
    public static Tensor matMul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return eager(new MatMul(transposeA, transposeB), a, b);
    }

    /** The matrix-vector product a·v ((m,n)·(n) → (m)). Builds a node. */
    public static Node matVec(Node a, Node v) {
        return node(new MatVec(false), a, v);
    }

    /** The matrix-vector product a·v. Computes a new tensor. */
    public static Tensor matVec(Tensor a, Tensor v) {
        return eager(new MatVec(false), a, v);
    }

    /** The inner product of two vectors of equal length (a scalar). Builds a node. */
    public static Node dot(Node u, Node v) {
        return node(LinearAlgebra.DOT, u, v);
    }

    /** The inner product of two vectors. Computes a new tensor. */
    public static Tensor dot(Tensor u, Tensor v) {
        return eager(LinearAlgebra.DOT, u, v);
    }

    /** The outer product u vᵀ ((m), (n) → (m, n)). Builds a node. */
    public static Node outer(Node u, Node v) {
        return node(LinearAlgebra.OUTER, u, v);
    }

    /** The outer product u vᵀ. Computes a new tensor. */
    public static Tensor outer(Tensor u, Tensor v) {
        return eager(LinearAlgebra.OUTER, u, v);
    }

    /** Matrix products over a shared leading batch axis ((B,m,k)·(B,k,n) → (B,m,n)). Builds a node. */
    public static Node batchedMatMul(Node a, Node b) {
        return batchedMatMul(a, b, false, false);
    }

    /** Batched op(a)·op(b), transposing the last two axes of an operand when its flag is set. Builds a node. */
    public static Node batchedMatMul(Node a, Node b, boolean transposeA, boolean transposeB) {
        return node(new BatchedMatMul(transposeA, transposeB), a, b);
    }

    /** Batched matrix products. Computes a new tensor. */
    public static Tensor batchedMatMul(Tensor a, Tensor b) {
        return batchedMatMul(a, b, false, false);
    }

    /** Batched op(a)·op(b). Computes a new tensor. */
    public static Tensor batchedMatMul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return eager(new BatchedMatMul(transposeA, transposeB), a, b);
    }

    /**
     * Contracts {@code axesA} of a with {@code axesB} of b (numpy.tensordot): the result has
     * a's remaining axes, then b's. Built from transpose, reshape and matMul, so its
     * gradient comes from theirs. Builds nodes.
     */
    public static Node tensordot(Node a, Node b, int[] axesA, int[] axesB) {
        return tensordot(a.graph().builder(), a, b, axesA, axesB, describe(a) + ", " + describe(b));
    }

    /** numpy.tensordot; see {@link #tensordot(Node, Node, int[], int[])}. Computes a new tensor. */
    public static Tensor tensordot(Tensor a, Tensor b, int[] axesA, int[] axesB) {
        return tensordot(EagerBuilder.INSTANCE, a, b, axesA, axesB, describe(a) + ", " + describe(b));
    }

    private static <T> T tensordot(ShapedBuilder<T> bld, T a, T b, int[] axesA, int[] axesB, String subject) {
        Shape sa = bld.shapeOf(a);
        Shape sb = bld.shapeOf(b);
        int[] ca;
        int[] cb;
        try {
            if (axesA.length != axesB.length) {
                throw new IllegalArgumentException("contracts " + axesA.length + " axes of the first operand with "
                        + axesB.length + " of the second");
            }
            ca = new int[axesA.length];
            cb = new int[axesB.length];
            for (int i = 0; i < axesA.length; i++) {
                ca[i] = Shape.normalizeAxis(axesA[i], sa.rank());
                cb[i] = Shape.normalizeAxis(axesB[i], sb.rank());
                if (sa.dim(ca[i]) != sb.dim(cb[i])) {
                    throw new IllegalArgumentException("axis " + axesA[i] + " of " + sa + " has size " + sa.dim(ca[i])
                            + " but axis " + axesB[i] + " of " + sb + " has size " + sb.dim(cb[i]));
                }
            }
            Shape.normalizeAxes(ca, sa.rank());
            Shape.normalizeAxes(cb, sb.rank());
        } catch (IllegalArgumentException e) {
            throw error("tensordot", subject, e);
        }
        int[] freeA = complement(ca, sa.rank());
        int[] freeB = complement(cb, sb.rank());
        int[] permA = concatInts(freeA, ca);
        int[] permB = concatInts(cb, freeB);
        int m = product(sa, freeA);
        int k = product(sa, ca);
        int n = product(sb, freeB);
        T at = isIdentity(permA) ? a : bld.transpose(a, permA);
        T bt = isIdentity(permB) ? b : bld.transpose(b, permB);
        T a2 = bld.apply(new Reshape(Shape.of(m, k)), List.of(at));
        T b2 = bld.apply(new Reshape(Shape.of(k, n)), List.of(bt));
        T c = bld.matMul(a2, b2, false, false);
        int[] dims = new int[freeA.length + freeB.length];
        for (int i = 0; i < freeA.length; i++) {
            dims[i] = sa.dim(freeA[i]);
        }
        for (int i = 0; i < freeB.length; i++) {
            dims[freeA.length + i] = sb.dim(freeB[i]);
        }
        return bld.apply(new Reshape(Shape.of(dims)), List.of(c));
    }

    private static int[] complement(int[] axes, int rank) {
        int[] out = new int[rank - axes.length];
        int j = 0;
        for (int i = 0; i < rank; i++) {
            boolean used = false;
            for (int a : axes) {
                used |= a == i;
            }
            if (!used) {
                out[j++] = i;
            }
        }
        return out;
    }

    private static int[] concatInts(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int product(Shape s, int[] axes) {
        int p = 1;
        for (int a : axes) {
            p *= s.dim(a);
        }
        return p;
    }

    private static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- reductions

    /** Returns the sum over {@code axes} (all axes when none are given), dropping them. Builds a node. */
    public static Node sum(Node x, int... axes) {
        return sum(x, axes, false);
    }

    /** Returns the sum over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Builds a node. */
    public static Node sum(Node x, int[] axes, boolean keepDims) {
        return node(Reduction.sum(axes("sum", x, axes), keepDims), x);
    }

    /** Returns the sum over {@code axes} (all axes when none are given), dropping them. Computes a new tensor. */
    public static Tensor sum(Tensor x, int... axes) {
        return sum(x, axes, false);
    }

    /** Returns the sum over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Computes a new tensor. */
    public static Tensor sum(Tensor x, int[] axes, boolean keepDims) {
        return eager(Reduction.sum(axes("sum", x, axes), keepDims), x);
    }

    /** Returns the mean over {@code axes} (all axes when none are given), dropping them. Builds a node. */
    public static Node mean(Node x, int... axes) {
        return mean(x, axes, false);
    }

    /** Returns the mean over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Builds a node. */
    public static Node mean(Node x, int[] axes, boolean keepDims) {
        return node(Reduction.mean(axes("mean", x, axes), keepDims), x);
    }

    /** Returns the mean over {@code axes} (all axes when none are given), dropping them. Computes a new tensor. */
    public static Tensor mean(Tensor x, int... axes) {
        return mean(x, axes, false);
    }

    /** Returns the mean over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Computes a new tensor. */
    public static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        return eager(Reduction.mean(axes("mean", x, axes), keepDims), x);
    }

    /** Returns the maximum (ties share the gradient) over {@code axes} (all axes when none are given), dropping them. Builds a node. */
    public static Node max(Node x, int... axes) {
        return max(x, axes, false);
    }

    /** Returns the maximum (ties share the gradient) over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Builds a node. */
    public static Node max(Node x, int[] axes, boolean keepDims) {
        return node(Reduction.max(axes("max", x, axes), keepDims), x);
    }

    /** Returns the maximum (ties share the gradient) over {@code axes} (all axes when none are given), dropping them. Computes a new tensor. */
    public static Tensor max(Tensor x, int... axes) {
        return max(x, axes, false);
    }

    /** Returns the maximum (ties share the gradient) over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Computes a new tensor. */
    public static Tensor max(Tensor x, int[] axes, boolean keepDims) {
        return eager(Reduction.max(axes("max", x, axes), keepDims), x);
    }

    /** Returns the minimum (ties share the gradient) over {@code axes} (all axes when none are given), dropping them. Builds a node. */
    public static Node min(Node x, int... axes) {
        return min(x, axes, false);
    }

    /** Returns the minimum (ties share the gradient) over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Builds a node. */
    public static Node min(Node x, int[] axes, boolean keepDims) {
        return node(Reduction.min(axes("min", x, axes), keepDims), x);
    }

    /** Returns the minimum (ties share the gradient) over {@code axes} (all axes when none are given), dropping them. Computes a new tensor. */
    public static Tensor min(Tensor x, int... axes) {
        return min(x, axes, false);
    }

    /** Returns the minimum (ties share the gradient) over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Computes a new tensor. */
    public static Tensor min(Tensor x, int[] axes, boolean keepDims) {
        return eager(Reduction.min(axes("min", x, axes), keepDims), x);
    }

    /** Returns the product over {@code axes} (all axes when none are given), dropping them. Builds a node. */
    public static Node prod(Node x, int... axes) {
        return prod(x, axes, false);
    }

    /** Returns the product over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Builds a node. */
    public static Node prod(Node x, int[] axes, boolean keepDims) {
        return node(Reduction.prod(axes("prod", x, axes), keepDims), x);
    }

    /** Returns the product over {@code axes} (all axes when none are given), dropping them. Computes a new tensor. */
    public static Tensor prod(Tensor x, int... axes) {
        return prod(x, axes, false);
    }

    /** Returns the product over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Computes a new tensor. */
    public static Tensor prod(Tensor x, int[] axes, boolean keepDims) {
        return eager(Reduction.prod(axes("prod", x, axes), keepDims), x);
    }

    /** Returns log Σ exp, computed stably over {@code axes} (all axes when none are given), dropping them. Builds a node. */
    public static Node logSumExp(Node x, int... axes) {
        return logSumExp(x, axes, false);
    }

    /** Returns log Σ exp, computed stably over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Builds a node. */
    public static Node logSumExp(Node x, int[] axes, boolean keepDims) {
        return node(Reduction.logSumExp(axes("logSumExp", x, axes), keepDims), x);
    }

    /** Returns log Σ exp, computed stably over {@code axes} (all axes when none are given), dropping them. Computes a new tensor. */
    public static Tensor logSumExp(Tensor x, int... axes) {
        return logSumExp(x, axes, false);
    }

    /** Returns log Σ exp, computed stably over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Computes a new tensor. */
    public static Tensor logSumExp(Tensor x, int[] axes, boolean keepDims) {
        return eager(Reduction.logSumExp(axes("logSumExp", x, axes), keepDims), x);
    }

    /** Returns the L2 norm √Σx² over {@code axes} (all axes when none are given), dropping them. Builds a node. */
    public static Node norm(Node x, int... axes) {
        return norm(x, axes, false);
    }

    /** Returns the L2 norm √Σx² over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Builds a node. */
    public static Node norm(Node x, int[] axes, boolean keepDims) {
        return node(Reduction.norm(axes("norm", x, axes), keepDims), x);
    }

    /** Returns the L2 norm √Σx² over {@code axes} (all axes when none are given), dropping them. Computes a new tensor. */
    public static Tensor norm(Tensor x, int... axes) {
        return norm(x, axes, false);
    }

    /** Returns the L2 norm √Σx² over {@code axes} (all when empty), keeping them as size 1 when {@code keepDims}. Computes a new tensor. */
    public static Tensor norm(Tensor x, int[] axes, boolean keepDims) {
        return eager(Reduction.norm(axes("norm", x, axes), keepDims), x);
    }

    /** Returns the index of the largest element along {@code axis} (first on ties), as INT32, dropping the axis. Builds a node. */
    public static Node argmax(Node x, int axis) {
        return node(new ArgReduce(true, axis("argmax", describe(x), axis, x.shape().rank()), false), x);
    }

    /** Returns the index of the largest element along {@code axis}, as INT32. Computes a new tensor. */
    public static Tensor argmax(Tensor x, int axis) {
        return eager(new ArgReduce(true, axis("argmax", describe(x), axis, x.rank()), false), x);
    }

    /** Returns the index of the smallest element along {@code axis} (first on ties), as INT32, dropping the axis. Builds a node. */
    public static Node argmin(Node x, int axis) {
        return node(new ArgReduce(false, axis("argmin", describe(x), axis, x.shape().rank()), false), x);
    }

    /** Returns the index of the smallest element along {@code axis}, as INT32. Computes a new tensor. */
    public static Tensor argmin(Tensor x, int axis) {
        return eager(new ArgReduce(false, axis("argmin", describe(x), axis, x.rank()), false), x);
    }

    /** Softmax along {@code axis}, computed stably. Builds a node. */
    public static Node softmax(Node x, int axis) {
        return node(new Softmax(axis("softmax", describe(x), axis, x.shape().rank())), x);
    }

    /** Softmax along {@code axis}, computed stably. Computes a new tensor. */
    public static Tensor softmax(Tensor x, int axis) {
        return eager(new Softmax(axis("softmax", describe(x), axis, x.rank())), x);
    }

    /** log(softmax(x)) along {@code axis}, computed stably. Builds a node. */
    public static Node logSoftmax(Node x, int axis) {
        return node(new LogSoftmax(axis("logSoftmax", describe(x), axis, x.shape().rank())), x);
    }

    /** log(softmax(x)) along {@code axis}, computed stably. Computes a new tensor. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return eager(new LogSoftmax(axis("logSoftmax", describe(x), axis, x.rank())), x);
    }

    // ---------------------------------------------------------------- shape

    /** The same elements in row-major order with another shape; one size may be -1. Builds a node. */
    public static Node reshape(Node x, int... dims) {
        Shape target;
        try {
            target = Tensor.inferReshape(x.shape(), dims);
        } catch (IllegalArgumentException e) {
            throw error("reshape", describe(x), e);
        }
        return target.equals(x.shape()) ? x : node(new Reshape(target), x);
    }

    /** The same elements with another shape; one size may be -1. Computes a new tensor. */
    public static Tensor reshape(Tensor x, int... dims) {
        Shape target;
        try {
            target = Tensor.inferReshape(x.shape(), dims);
        } catch (IllegalArgumentException e) {
            throw error("reshape", describe(x), e);
        }
        return eager(new Reshape(target), x);
    }

    /** Permutes the axes (reverses them when {@code perm} is empty). Builds a node. */
    public static Node transpose(Node x, int... perm) {
        return node(new Transpose(permutation("transpose", describe(x), perm, x.shape().rank())), x);
    }

    /** Permutes the axes (reverses them when {@code perm} is empty). Computes a new, contiguous tensor. */
    public static Tensor transpose(Tensor x, int... perm) {
        return eager(new Transpose(permutation("transpose", describe(x), perm, x.rank())), x);
    }

    private static int[] permutation(String op, String subject, int[] perm, int rank) {
        if (perm.length == 0) {
            int[] p = new int[rank];
            for (int i = 0; i < rank; i++) {
                p[i] = rank - 1 - i;
            }
            return p;
        }
        try {
            return Tensor.checkPermutation(perm, rank);
        } catch (IllegalArgumentException e) {
            throw error(op, subject, e);
        }
    }

    /** Selects {@code start:end:step} ranges on the leading axes (Python semantics). Builds a node. */
    public static Node slice(Node x, SliceSpec.Range... ranges) {
        return node(new Slice(SliceSpec.of(ranges)), x);
    }

    /** Selects {@code start:end:step} ranges on the leading axes. Computes a new tensor. */
    public static Tensor slice(Tensor x, SliceSpec.Range... ranges) {
        return eager(new Slice(SliceSpec.of(ranges)), x);
    }

    /** Selects {@code start:end:step} along one axis. Builds a node. */
    public static Node slice(Node x, int axis, int start, int end, int step) {
        return slice(x.graph().builder(), x, axis("slice", describe(x), axis, x.shape().rank()), SliceSpec.Range.of(start, end, step));
    }

    /** Selects {@code start:end:step} along one axis. Computes a new tensor. */
    public static Tensor slice(Tensor x, int axis, int start, int end, int step) {
        return slice(EagerBuilder.INSTANCE, x, axis("slice", describe(x), axis, x.rank()), SliceSpec.Range.of(start, end, step));
    }

    private static <T> T slice(ShapedBuilder<T> b, T x, int axis, SliceSpec.Range range) {
        SliceSpec.Range[] ranges = new SliceSpec.Range[axis + 1];
        Arrays.fill(ranges, SliceSpec.Range.all());
        ranges[axis] = range;
        return b.slice(x, SliceSpec.of(ranges));
    }

    /** Joins nodes along {@code axis}; all other sizes must match. Builds a node. */
    public static Node concat(int axis, Node... parts) {
        Node first = parts[0];
        return node(new Concat(axis("concat", describe(first), axis, first.shape().rank())), parts);
    }

    /** Joins tensors along {@code axis}. Computes a new tensor. */
    public static Tensor concat(int axis, Tensor... parts) {
        Tensor first = parts[0];
        return eager(new Concat(axis("concat", describe(first), axis, first.rank())), parts);
    }

    /** Splits x into {@code parts} equal pieces along {@code axis} (slices). Builds nodes. */
    public static List<Node> split(Node x, int axis, int parts) {
        return split(x.graph().builder(), x, axis, parts, describe(x));
    }

    /** Splits x into {@code parts} equal pieces along {@code axis}. Computes new tensors. */
    public static List<Tensor> split(Tensor x, int axis, int parts) {
        return split(EagerBuilder.INSTANCE, x, axis, parts, describe(x));
    }

    private static <T> List<T> split(ShapedBuilder<T> b, T x, int axis, int parts, String subject) {
        Shape s = b.shapeOf(x);
        int a = axis("split", subject, axis, s.rank());
        if (parts <= 0 || s.dim(a) % parts != 0) {
            throw new IllegalArgumentException("split(" + subject + "): axis " + axis + " of size " + s.dim(a)
                    + " does not split into " + parts + " equal parts");
        }
        int size = s.dim(a) / parts;
        List<T> out = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            out.add(slice(b, x, a, SliceSpec.Range.of(i * size, (i + 1) * size)));
        }
        return out;
    }

    /** Broadcasts x to the given shape (numpy rules). Builds a node. */
    public static Node broadcastTo(Node x, int... dims) {
        Shape target = Shape.of(dims);
        return target.equals(x.shape()) ? x : node(new BroadcastTo(target), x);
    }

    /** Broadcasts x to the given shape (numpy rules). Computes a new, contiguous tensor. */
    public static Tensor broadcastTo(Tensor x, int... dims) {
        return eager(new BroadcastTo(Shape.of(dims)), x);
    }

    /** The sub-array at position {@code i} of {@code axis} (the axis is dropped). Builds nodes. */
    public static Node index(Node x, int axis, int i) {
        return index(x.graph().builder(), x, axis, i, describe(x));
    }

    /** The sub-array at position {@code i} of {@code axis}. Computes a new tensor. */
    public static Tensor index(Tensor x, int axis, int i) {
        return index(EagerBuilder.INSTANCE, x, axis, i, describe(x));
    }

    private static <T> T index(ShapedBuilder<T> b, T x, int axis, int i, String subject) {
        Shape s = b.shapeOf(x);
        int a = axis("index", subject, axis, s.rank());
        int d = s.dim(a);
        if (i < -d || i >= d) {
            throw new IllegalArgumentException("index(" + subject + "): position " + i + " is out of range for axis "
                    + axis + " of size " + d);
        }
        int pos = i < 0 ? i + d : i;
        T sliced = slice(b, x, a, SliceSpec.Range.of(pos, pos + 1));
        int[] dims = new int[s.rank() - 1];
        for (int k = 0, j = 0; k < s.rank(); k++) {
            if (k != a) {
                dims[j++] = s.dim(k);
            }
        }
        return b.apply(new Reshape(Shape.of(dims)), List.of(sliced));
    }

    /** The element at the given coordinates, as a scalar (Gorgonia's At). Builds nodes. */
    public static Node at(Node x, int... coords) {
        Node r = x;
        checkCoordinates(describe(x), x.shape(), coords);
        for (int c : coords) {
            r = index(r, 0, c);
        }
        return r;
    }

    /** The element at the given coordinates, as a rank-0 tensor. Computes a new tensor. */
    public static Tensor at(Tensor x, int... coords) {
        Tensor r = x;
        checkCoordinates(describe(x), x.shape(), coords);
        for (int c : coords) {
            r = index(r, 0, c);
        }
        return r;
    }

    /** Checks every coordinate of {@code at} before anything is built, naming the axis at fault. */
    private static void checkCoordinates(String subject, Shape s, int[] coords) {
        if (coords.length != s.rank()) {
            throw new IllegalArgumentException("at(" + subject + "): " + coords.length + " coordinates for rank " + s.rank());
        }
        for (int a = 0; a < coords.length; a++) {
            if (coords[a] < -s.dim(a) || coords[a] >= s.dim(a)) {
                throw new IllegalArgumentException("at(" + subject + "): coordinate " + coords[a] + " is out of range for axis "
                        + a + " of size " + s.dim(a));
            }
        }
    }

    /** Takes slices of x at INT32 {@code indices} along {@code axis} (numpy.take). Builds a node. */
    public static Node gather(Node x, Node indices, int axis) {
        return node(new Gather(axis("gather", describe(x), axis, x.shape().rank())), x, indices);
    }

    /** Takes slices of x at INT32 {@code indices} along {@code axis}. Computes a new tensor. */
    public static Tensor gather(Tensor x, Tensor indices, int axis) {
        return eager(new Gather(axis("gather", describe(x), axis, x.rank())), x, indices);
    }

    /** One-hot encodes INT32 indices: a new last axis of size {@code depth}, 1 at the index. Builds a node. */
    public static Node oneHot(Node indices, int depth, DType dtype) {
        return node(new OneHot(depth, dtype), indices);
    }

    /** One-hot encodes INT32 indices. Computes a new tensor. */
    public static Tensor oneHot(Tensor indices, int depth, DType dtype) {
        return eager(new OneHot(depth, dtype), indices);
    }

    // ---------------------------------------------------------------- neural networks

    /**
     * 2-D convolution (cross-correlation) of an NCHW input x (N, C, H, W) with a kernel
     * w (O, C, kh, kw), stride 1, no padding, no dilation: the result is (N, O, H − kh + 1,
     * W − kw + 1). Builds a node.
     *
     * @throws IllegalArgumentException if the ranks, channels or dtypes do not fit
     */
    public static Node conv2d(Node x, Node w) {
        return node(new Conv2d(Conv2dParams.DEFAULT), x, w);
    }

    /** 2-D convolution with stride 1, no padding; see {@link #conv2d(Node, Node)}. Computes a new tensor. */
    public static Tensor conv2d(Tensor x, Tensor w) {
        return eager(new Conv2d(Conv2dParams.DEFAULT), x, w);
    }

    /**
     * 2-D convolution of x (N, C, H, W) with w (O, C, kh, kw), the same stride, zero padding
     * (on both sides) and dilation on both spatial axes; the result is (N, O, H', W') with
     * H' = ⌊(H + 2·padding − dilation·(kh − 1) − 1) / stride⌋ + 1, and likewise W'.
     * Implemented as im2col and a matrix product. Builds a node.
     *
     * @throws IllegalArgumentException if stride or dilation is below 1, padding is negative,
     *     or the shapes do not fit
     */
    public static Node conv2d(Node x, Node w, int stride, int padding, int dilation) {
        return node(new Conv2d(new Conv2dParams(stride, stride, padding, padding, dilation, dilation)), x, w);
    }

    /** 2-D convolution with one stride, padding and dilation; see {@link #conv2d(Node, Node, int, int, int)}. Computes a new tensor. */
    public static Tensor conv2d(Tensor x, Tensor w, int stride, int padding, int dilation) {
        return eager(new Conv2d(new Conv2dParams(stride, stride, padding, padding, dilation, dilation)), x, w);
    }

    /**
     * 2-D convolution with (height, width) pairs for the stride, padding and dilation; see
     * {@link #conv2d(Node, Node, int, int, int)}. Builds a node.
     *
     * @throws IllegalArgumentException if a pair does not have two elements or a value is out of range
     */
    public static Node conv2d(Node x, Node w, int[] stride, int[] padding, int[] dilation) {
        return node(new Conv2d(conv2dParams(stride, padding, dilation)), x, w);
    }

    /** 2-D convolution with (height, width) pairs; see {@link #conv2d(Node, Node, int[], int[], int[])}. Computes a new tensor. */
    public static Tensor conv2d(Tensor x, Tensor w, int[] stride, int[] padding, int[] dilation) {
        return eager(new Conv2d(conv2dParams(stride, padding, dilation)), x, w);
    }

    private static Conv2dParams conv2dParams(int[] stride, int[] padding, int[] dilation) {
        pair("conv2d", "stride", stride);
        pair("conv2d", "padding", padding);
        pair("conv2d", "dilation", dilation);
        return new Conv2dParams(stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1]);
    }

    private static void pair(String op, String what, int[] values) {
        if (values.length != 2) {
            throw new IllegalArgumentException(op + ": " + what + " needs two values (height, width), got "
                    + Arrays.toString(values));
        }
    }

    private static Pool2dParams pool2dParams(String op, int[] kernel, int[] stride, int[] padding) {
        pair(op, "kernel", kernel);
        pair(op, "stride", stride);
        pair(op, "padding", padding);
        return new Pool2dParams(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1]);
    }

    /**
     * 2-D max pooling of an NCHW input over square windows: output (N, C, H', W') with
     * H' = ⌊(H + 2·padding − kernel) / stride⌋ + 1. Padding never wins (it counts as −∞);
     * the gradient goes to each window's maximum, the first in row-major order on ties.
     * Builds a node.
     *
     * @throws IllegalArgumentException if kernel or stride is below 1, padding is outside
     *     [0, kernel / 2], or the input is not rank 4
     */
    public static Node maxPool2d(Node x, int kernel, int stride, int padding) {
        return node(new MaxPool2d(new Pool2dParams(kernel, kernel, stride, stride, padding, padding)), x);
    }

    /** 2-D max pooling over square windows; see {@link #maxPool2d(Node, int, int, int)}. Computes a new tensor. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return eager(new MaxPool2d(new Pool2dParams(kernel, kernel, stride, stride, padding, padding)), x);
    }

    /** 2-D max pooling with (height, width) pairs; see {@link #maxPool2d(Node, int, int, int)}. Builds a node. */
    public static Node maxPool2d(Node x, int[] kernel, int[] stride, int[] padding) {
        return node(new MaxPool2d(pool2dParams("maxPool2d", kernel, stride, padding)), x);
    }

    /** 2-D max pooling with (height, width) pairs. Computes a new tensor. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return eager(new MaxPool2d(pool2dParams("maxPool2d", kernel, stride, padding)), x);
    }

    /**
     * 2-D average pooling of an NCHW input over square windows, output sizes as
     * {@link #maxPool2d(Node, int, int, int)}. Padding counts as zeros in the average (the
     * divisor is always kernel², PyTorch's default {@code count_include_pad=True}). Builds a node.
     *
     * @throws IllegalArgumentException as {@link #maxPool2d(Node, int, int, int)}
     */
    public static Node avgPool2d(Node x, int kernel, int stride, int padding) {
        return node(new AvgPool2d(new Pool2dParams(kernel, kernel, stride, stride, padding, padding), true), x);
    }

    /** 2-D average pooling, padding counted in the divisor; see {@link #avgPool2d(Node, int, int, int)}. Computes a new tensor. */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return eager(new AvgPool2d(new Pool2dParams(kernel, kernel, stride, stride, padding, padding), true), x);
    }

    /**
     * 2-D average pooling with (height, width) pairs. With {@code countIncludePad} the divisor
     * is kh·kw; without it, the number of window positions that lie inside the input.
     * Builds a node.
     */
    public static Node avgPool2d(Node x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        return node(new AvgPool2d(pool2dParams("avgPool2d", kernel, stride, padding), countIncludePad), x);
    }

    /** 2-D average pooling with (height, width) pairs; see {@link #avgPool2d(Node, int[], int[], int[], boolean)}. Computes a new tensor. */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        return eager(new AvgPool2d(pool2dParams("avgPool2d", kernel, stride, padding), countIncludePad), x);
    }

    /**
     * Global average pooling: the mean over H and W of an NCHW input, giving (N, C) (the
     * spatial axes are dropped). A mean over axes 2 and 3. Builds a node.
     *
     * @throws IllegalArgumentException if x is not rank 4
     */
    public static Node globalAvgPool2d(Node x) {
        if (x.shape().rank() != 4) {
            throw new IllegalArgumentException("globalAvgPool2d(" + describe(x) + "): needs an NCHW input of rank 4");
        }
        return mean(x, 2, 3);
    }

    /** Global average pooling to (N, C); see {@link #globalAvgPool2d(Node)}. Computes a new tensor. */
    public static Tensor globalAvgPool2d(Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("globalAvgPool2d(" + describe(x) + "): needs an NCHW input of rank 4");
        }
        return mean(x, 2, 3);
    }

    /**
     * Dropout. In evaluation mode ({@code training} false) it returns x itself. In training
     * mode it returns {@code x ⊙ mask / (1 − p)}, where the mask is a node of its own (a
     * {@link Bernoulli} source with keep probability 1 − p, seeded with {@code seed}) that
     * draws a fresh mask each time a machine runs the graph; the forward value and the
     * gradient of one run share that run's mask, and the gradient with respect to x is
     * {@code mask / (1 − p)} times the incoming gradient. Every call makes a new mask node,
     * never merged with another by the graph, so two dropout layers always draw two masks;
     * give them different seeds, or the masks are equal. Builds nodes.
     *
     * @param p the probability of dropping an element, in [0, 1)
     * @throws IllegalArgumentException if p is outside [0, 1) or x is not float
     */
    public static Node dropout(Node x, double p, boolean training, long seed) {
        return dropout(x.graph().builder(), x, p, training, seed, describe(x));
    }

    /**
     * Dropout computed at once; see {@link #dropout(Node, double, boolean, long)}. In training
     * mode each call draws the first mask of a generator seeded with {@code seed}, so equal
     * seeds give equal masks: vary the seed from step to step. Computes a new tensor (returns
     * x itself in evaluation mode).
     */
    public static Tensor dropout(Tensor x, double p, boolean training, long seed) {
        return dropout(EagerBuilder.INSTANCE, x, p, training, seed, describe(x));
    }

    private static <T> T dropout(ShapedBuilder<T> b, T x, double p, boolean training, long seed, String subject) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout(" + subject + "): the drop probability must be in [0, 1), got " + p);
        }
        if (!b.dtypeOf(x).isFloat()) {
            throw new IllegalArgumentException("dropout(" + subject + "): needs a float32 or float64 input");
        }
        if (!training) {
            return x;
        }
        T mask = b.apply(new Bernoulli(b.dtypeOf(x), b.shapeOf(x), 1 - p, seed), List.of());
        // ∂/∂x (x ⊙ m/(1−p)) = m/(1−p): mul's own rule, reading the same mask node.
        return b.mul(x, b.mul(mask, b.constant(1 / (1 - p), x)));
    }

    /**
     * Batch normalization over every axis but the channel axis 1 (the batch, and the spatial
     * axes of NCHW inputs): {@code y = (x − μ)/√(σ² + ε)·γ + β} per channel, for x of rank
     * ≥ 2 and gamma, beta of shape (C), all of one float dtype. In training mode μ and σ² are
     * the batch's mean and biased variance, and computing the node updates the running
     * statistics in {@code state} (momentum and the unbiased variance as PyTorch; see
     * {@link BatchNormState}); in evaluation mode μ and σ² are the running statistics, read
     * each time the node is computed. Built from mean, sub, square, inverseSqrt, mul and add,
     * so gradients (to x, gamma and beta) come from their rules. Builds nodes.
     *
     * @throws IllegalArgumentException if the shapes, dtypes or channel count do not fit
     */
    public static Node batchNorm(Node x, Node gamma, Node beta, BatchNormState state, boolean training) {
        return batchNorm(x.graph().builder(), x, gamma, beta, state, training,
                describe(x) + ", " + describe(gamma) + ", " + describe(beta));
    }

    /**
     * Batch normalization computed at once; see
     * {@link #batchNorm(Node, Node, Node, BatchNormState, boolean)}. In training mode each
     * call updates the running statistics once. Computes a new tensor.
     */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, BatchNormState state, boolean training) {
        return batchNorm(EagerBuilder.INSTANCE, x, gamma, beta, state, training,
                describe(x) + ", " + describe(gamma) + ", " + describe(beta));
    }

    private static <T> T batchNorm(ShapedBuilder<T> b, T x, T gamma, T beta, BatchNormState state, boolean training,
            String subject) {
        Shape s = b.shapeOf(x);
        DType dtype = b.dtypeOf(x);
        int channels = state.channels();
        if (s.rank() < 2 || s.dim(1) != channels || !dtype.isFloat() || !b.shapeOf(gamma).equals(Shape.of(channels))
                || !b.shapeOf(beta).equals(Shape.of(channels)) || b.dtypeOf(gamma) != dtype || b.dtypeOf(beta) != dtype) {
            throw new IllegalArgumentException("batchNorm(" + subject + "): needs a float x of rank ≥ 2 with " + channels
                    + " channels on axis 1 (the state's) and gamma, beta of shape (" + channels + ") and x's dtype");
        }
        int[] statDims = new int[s.rank()];
        Arrays.fill(statDims, 1);
        statDims[1] = channels;
        Shape statShape = Shape.of(statDims);
        int[] axes = new int[s.rank() - 1];
        for (int a = 0, j = 0; a < s.rank(); a++) {
            if (a != 1) {
                axes[j++] = a;
            }
        }
        T mean;
        T variance;
        if (training) {
            mean = b.apply(Reduction.mean(axes, true), List.of(x));
            T biased = b.apply(Reduction.mean(axes, true), List.of(b.square(b.sub(x, mean))));
            variance = b.apply(state.track(), List.of(biased, mean, x));
        } else {
            mean = b.apply(state.runningMean(dtype, s.rank()), List.of());
            variance = b.apply(state.runningVariance(dtype, s.rank()), List.of());
        }
        T inverseStd = b.apply(UnaryOps.INVERSE_SQRT, List.of(b.add(variance, b.constant(state.epsilon(), x))));
        T normalized = b.mul(b.sub(x, mean), inverseStd);
        T scale = b.apply(new Reshape(statShape), List.of(gamma));
        T shift = b.apply(new Reshape(statShape), List.of(beta));
        return b.add(b.mul(normalized, scale), shift);
    }

    /**
     * Softmax cross-entropy from logits (N, K), fused and numerically stable (log-sum-exp
     * around each row's maximum): the mean over the batch of {@code −Σ_k t_k log softmax(z)_k}.
     * The targets are either INT32 class indices of shape (N), each in [0, K) (no gradient
     * flows to them), or float rows of shape (N, K) in the logits' dtype: one-hot rows or any
     * class probabilities (label smoothing), which also receive a gradient,
     * {@code −logSoftmax(z)/N}. The gradient to the logits is {@code (softmax(z)·Σ_k t_k − t)/N}.
     * Builds a node (a scalar).
     *
     * @throws IllegalArgumentException if the shapes or dtypes do not fit
     */
    public static Node softmaxCrossEntropy(Node logits, Node targets) {
        return softmaxCrossEntropy(logits.graph().builder(), logits, targets, describe(logits) + ", " + describe(targets));
    }

    /** Softmax cross-entropy from logits; see {@link #softmaxCrossEntropy(Node, Node)}. Computes a new scalar tensor. */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor targets) {
        return softmaxCrossEntropy(EagerBuilder.INSTANCE, logits, targets, describe(logits) + ", " + describe(targets));
    }

    private static <T> T softmaxCrossEntropy(ShapedBuilder<T> b, T logits, T targets, String subject) {
        Shape z = b.shapeOf(logits);
        if (z.rank() != 2) {
            throw new IllegalArgumentException("softmaxCrossEntropy(" + subject + "): logits must be (N, K)");
        }
        T t = targets;
        if (b.dtypeOf(targets) == DType.INT32) {
            if (!b.shapeOf(targets).equals(Shape.of(z.dim(0)))) {
                throw new IllegalArgumentException("softmaxCrossEntropy(" + subject + "): int32 class indices must have shape ("
                        + z.dim(0) + ")");
            }
            t = b.apply(new OneHot(z.dim(1), b.dtypeOf(logits)), List.of(targets));
        }
        try {
            return b.apply(SoftmaxCrossEntropy.INSTANCE, List.of(logits, t));
        } catch (IllegalArgumentException e) {
            throw error("softmaxCrossEntropy", subject, e);
        }
    }

    /**
     * Binary cross-entropy from probabilities p ∈ (0, 1) and targets t of the same shape and
     * dtype: the mean over all elements of {@code −(t·log p + (1 − t)·log(1 − p))}, with p
     * clamped to [1e-7, 1 − 1e-7] (as Keras does) so that p = 0 or 1 gives a finite loss and no
     * gradient outside that interval; prefer {@link #binaryCrossEntropyWithLogits(Node, Node)},
     * which is exact for any logit. Built from log, mul,
     * sub and mean. Builds nodes (a scalar).
     *
     * @throws IllegalArgumentException if the shapes or dtypes differ
     */
    public static Node binaryCrossEntropy(Node p, Node t) {
        return binaryCrossEntropy(p.graph().builder(), p, t, describe(p) + ", " + describe(t));
    }

    /** Binary cross-entropy from probabilities; see {@link #binaryCrossEntropy(Node, Node)}. Computes a new scalar tensor. */
    public static Tensor binaryCrossEntropy(Tensor p, Tensor t) {
        return binaryCrossEntropy(EagerBuilder.INSTANCE, p, t, describe(p) + ", " + describe(t));
    }

    private static <T> T binaryCrossEntropy(ShapedBuilder<T> b, T p, T t, String subject) {
        sameType(b, p, t, "binaryCrossEntropy", subject);
        T one = b.constant(1, p);
        // Clamped to [ε, 1 − ε] with ε = 1e-7 (as Keras does): a confident, correct p of exactly
        // 0 or 1 (σ(20) is 1 in float32) would otherwise give 0·log 0 = NaN; the clamp passes no
        // gradient outside the interval.
        T eps = b.constant(1e-7, p);
        T clamped = b.apply(BinaryOps.MIN_BETWEEN, List.of(b.apply(BinaryOps.MAX_BETWEEN, List.of(p, eps)),
                b.sub(one, eps)));
        T loss = b.neg(b.add(b.mul(t, b.log(clamped)), b.mul(b.sub(one, t), b.log(b.sub(one, clamped)))));
        return meanOfAll(b, loss);
    }

    /**
     * Binary cross-entropy from logits z (p = σ(z)) and targets t of the same shape and dtype,
     * computed stably as the mean of {@code softplus(z) − t·z} (softplus never overflows), so
     * large |z| give exact losses and gradients {@code (σ(z) − t)/n}. Builds nodes (a scalar).
     *
     * @throws IllegalArgumentException if the shapes or dtypes differ
     */
    public static Node binaryCrossEntropyWithLogits(Node z, Node t) {
        return binaryCrossEntropyWithLogits(z.graph().builder(), z, t, describe(z) + ", " + describe(t));
    }

    /** Binary cross-entropy from logits; see {@link #binaryCrossEntropyWithLogits(Node, Node)}. Computes a new scalar tensor. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor z, Tensor t) {
        return binaryCrossEntropyWithLogits(EagerBuilder.INSTANCE, z, t, describe(z) + ", " + describe(t));
    }

    private static <T> T binaryCrossEntropyWithLogits(ShapedBuilder<T> b, T z, T t, String subject) {
        sameType(b, z, t, "binaryCrossEntropyWithLogits", subject);
        // −(t log σ(z) + (1−t) log(1−σ(z))) = softplus(z) − t·z, since log σ(z) = z − softplus(z) and log(1−σ(z)) = −softplus(z).
        return meanOfAll(b, b.sub(b.softplus(z), b.mul(t, z)));
    }

    /**
     * Mean squared error: the mean over all elements of {@code (prediction − target)²}, for
     * inputs of the same shape and dtype. Builds nodes (a scalar).
     *
     * @throws IllegalArgumentException if the shapes or dtypes differ
     */
    public static Node meanSquaredError(Node prediction, Node target) {
        return meanSquaredError(prediction.graph().builder(), prediction, target, describe(prediction) + ", " + describe(target));
    }

    /** Mean squared error; see {@link #meanSquaredError(Node, Node)}. Computes a new scalar tensor. */
    public static Tensor meanSquaredError(Tensor prediction, Tensor target) {
        return meanSquaredError(EagerBuilder.INSTANCE, prediction, target, describe(prediction) + ", " + describe(target));
    }

    private static <T> T meanSquaredError(ShapedBuilder<T> b, T prediction, T target, String subject) {
        sameType(b, prediction, target, "meanSquaredError", subject);
        return meanOfAll(b, b.square(b.sub(prediction, target)));
    }

    private static <T> void sameType(ShapedBuilder<T> b, T x, T y, String op, String subject) {
        if (!b.typeOf(x).equals(b.typeOf(y)) || !b.dtypeOf(x).isFloat()) {
            throw new IllegalArgumentException(op + "(" + subject + "): needs two float inputs of the same dtype and shape");
        }
    }

    private static <T> T meanOfAll(ShapedBuilder<T> b, T x) {
        return b.apply(Reduction.mean(Shape.normalizeAxes(new int[0], b.shapeOf(x).rank()), false), List.of(x));
    }

    /**
     * Embedding lookup: the rows of {@code weight} (V, D) at the INT32 {@code ids} (any shape
     * I, each in [0, V)), giving I + (D). A gather along axis 0, so the gradient to the weight
     * adds each output row's gradient into the row it came from (repeated ids accumulate);
     * the ids get none. Builds a node.
     *
     * @throws IllegalArgumentException if weight is not rank 2 or ids are not INT32
     */
    public static Node embedding(Node weight, Node ids) {
        if (weight.shape().rank() != 2) {
            throw new IllegalArgumentException("embedding(" + describe(weight) + "): the weight must be (V, D)");
        }
        return node(new Gather(0), weight, ids);
    }

    /** Embedding lookup; see {@link #embedding(Node, Node)}. Computes a new tensor. */
    public static Tensor embedding(Tensor weight, Tensor ids) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("embedding(" + describe(weight) + "): the weight must be (V, D)");
        }
        return eager(new Gather(0), weight, ids);
    }
}
