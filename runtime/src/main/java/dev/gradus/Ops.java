package dev.gradus;

import dev.gradus.graph.Graph;
import dev.gradus.graph.Node;
import dev.gradus.op.ArgReduce;
import dev.gradus.op.BatchedMatMul;
import dev.gradus.op.BinaryOps;
import dev.gradus.op.BroadcastTo;
import dev.gradus.op.Cast;
import dev.gradus.op.Comparison;
import dev.gradus.op.Concat;
import dev.gradus.op.EagerBuilder;
import dev.gradus.op.Gather;
import dev.gradus.op.LeakyRelu;
import dev.gradus.op.LinearAlgebra;
import dev.gradus.op.LogSoftmax;
import dev.gradus.op.MatMul;
import dev.gradus.op.MatVec;
import dev.gradus.op.OneHot;
import dev.gradus.op.Op;
import dev.gradus.op.Reduction;
import dev.gradus.op.Reshape;
import dev.gradus.op.ShapedBuilder;
import dev.gradus.op.Slice;
import dev.gradus.op.Softmax;
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
        if (coords.length != x.shape().rank()) {
            throw new IllegalArgumentException("at(" + describe(x) + "): " + coords.length + " coordinates for rank "
                    + x.shape().rank());
        }
        for (int c : coords) {
            r = index(r, 0, c);
        }
        return r;
    }

    /** The element at the given coordinates, as a rank-0 tensor. Computes a new tensor. */
    public static Tensor at(Tensor x, int... coords) {
        Tensor r = x;
        if (coords.length != x.rank()) {
            throw new IllegalArgumentException("at(" + describe(x) + "): " + coords.length + " coordinates for rank " + x.rank());
        }
        for (int c : coords) {
            r = index(r, 0, c);
        }
        return r;
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
}
