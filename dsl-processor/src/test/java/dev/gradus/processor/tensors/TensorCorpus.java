package dev.gradus.processor.tensors;

import static dev.gradus.Ops.add;
import static dev.gradus.Ops.exp;
import static dev.gradus.Ops.logSoftmax;
import static dev.gradus.Ops.matMul;
import static dev.gradus.Ops.mean;
import static dev.gradus.Ops.mul;
import static dev.gradus.Ops.neg;
import static dev.gradus.Ops.sigmoid;
import static dev.gradus.Ops.softmax;
import static dev.gradus.Ops.square;
import static dev.gradus.Ops.sub;
import static dev.gradus.Ops.sum;
import static dev.gradus.Ops.tanh;
import static dev.gradus.Ops.transpose;

import dev.gradus.Ops;
import dev.gradus.annotations.Expression;
import dev.gradus.tensor.Tensor;

/** Tensor @Expression methods compiled with the processor for {@link TensorExpressionTest}. */
final class TensorCorpus {
    private TensorCorpus() {
    }

    @Expression(wrt = {"w", "b"})
    static Tensor mse(Tensor x, Tensor y, Tensor w, Tensor b) {
        return mean(square(sub(add(matMul(x, w), b), y)));
    }

    @Expression(wrt = {"w1", "b1", "w2"})
    static Tensor mlp(Tensor x, Tensor labels, Tensor w1, Tensor b1, Tensor w2) {
        Tensor hidden = tanh(add(matMul(x, w1), b1));
        Tensor logp = logSoftmax(matMul(hidden, w2), 1);
        return neg(mean(sum(mul(labels, logp), 1)));
    }

    @Expression
    static Tensor mixed(Tensor a, Tensor c) {
        Tensor s = mul(sigmoid(a), 2.0);
        s = add(s, Ops.sin(c));
        Tensor t = matMul(transpose(a), s, false, false);
        return sum(mul(softmax(t, 0), exp(Ops.mean(c, new int[] {0}, true))));
    }

    @Expression
    static Tensor dense(Tensor x, Tensor w, Tensor b) {
        return tanh(add(matMul(x, w), b));
    }

    /** Calls {@link #dense} twice: the chain rule goes through dense's generated vector-Jacobian product. */
    @Expression(wrt = {"w1", "b1", "w2", "b2"})
    static Tensor twoLayers(Tensor x, Tensor y, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        Tensor h = dense(x, w1, b1);
        return mean(square(sub(dense(h, w2, b2), y)));
    }

    /** Shape-carrying ops with literal parameters: their rules are applied at compile time. */
    @Expression(wrt = {"a", "c"})
    static Tensor shaped(Tensor a, Tensor c, Tensor ids) {
        Tensor joined = Ops.concat(0, a, c);
        Tensor rows = Ops.gather(joined, ids, 0);
        Tensor cut = Ops.slice(rows, 1, 1, 4, 2);
        Tensor t = Ops.transpose(cut, 1, 0);
        return add(Ops.logSumExp(Ops.prod(t, 0), 0),
                add(Ops.norm(Ops.min(softmax(rows, 1), 0), 0), Ops.mean(t, new int[] {0, 1}, false)));
    }

    @Expression
    static Tensor batched(Tensor a, Tensor b) {
        return Ops.sum(Ops.max(Ops.batchedMatMul(a, b, true, true), new int[] {2}, true), 0, 1, 2);
    }

    @Expression(wrt = {"x"})
    static Tensor reused(Tensor x, Tensor unused) {
        Tensor y = mul(x, x);
        return sum(add(mul(y, y), Ops.maxBetween(x, Ops.neg(x))));
    }

    /**
     * Axes written without knowing the rank (every axis, negative axes, transpose without a
     * permutation) and reshape/broadcastTo: every rule still applies at compile time.
     */
    @Expression(wrt = {"x", "y"})
    static Tensor rankFree(Tensor x, Tensor y) {
        Tensor t = Ops.transpose(x);
        Tensor s = Ops.softmax(t, -1);
        Tensor l = Ops.logSoftmax(Ops.reshape(x, -1, 4), -1);
        Tensor r = add(Ops.sum(Ops.prod(s, -1)), Ops.max(l));
        r = add(r, Ops.sum(Ops.logSumExp(Ops.mean(x, -1), -1)));
        r = add(r, Ops.norm(Ops.min(y, -2, -1)));
        return add(r, Ops.sum(Ops.sum(mul(Ops.broadcastTo(y, 2, 3, 4), x), new int[] {-1, 0}, false)));
    }

    /** A layer that differentiates only its weights: its data parameter is left out of wrt. */
    @Expression(wrt = {"w", "b"})
    static Tensor layer(Tensor x, Tensor w, Tensor b) {
        return tanh(add(matMul(x, w), b));
    }

    /** Calls {@link #layer} on data only, so its missing dx is never needed. */
    @Expression(wrt = {"w", "b"})
    static Tensor layerLoss(Tensor x, Tensor target, Tensor w, Tensor b) {
        return Ops.sum(Ops.sum(square(sub(layer(x, w, b), target))));
    }

    static final int STEPS = 3;

    /** An unrolled recurrence with a branch on the counter: h = tanh(h·w + x_t), doubled at the last step. */
    @Expression(wrt = {"w", "h0"})
    static Tensor recurrent(Tensor xs, Tensor w, Tensor h0) {
        Tensor h = h0;
        for (int t = 0; t < STEPS; t++) {
            Tensor x = Ops.slice(xs, 0, t, t + 1, 1);
            h = tanh(add(matMul(h, w), x));
            if (t == STEPS - 1) {
                h = mul(h, 2.0);
            } else {
                h = Ops.sum(Ops.reshape(h, 1, -1), new int[] {t - t}, true);
            }
        }
        return Ops.sum(h);
    }
}
