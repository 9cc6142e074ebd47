package dev.gradus.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradus.Ops;
import dev.gradus.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Ops that keep axes as written (negative, or every axis) resolve them against each input's
 * rank and then behave exactly as the normalized op Ops builds, rules included.
 */
class WrittenAxesTest {
    private static final Random RANDOM = new Random(5);

    private static Tensor random(int... dims) {
        Tensor t = Tensor.zeros(dev.gradus.tensor.DType.FLOAT64, dev.gradus.tensor.Shape.of(dims));
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, RANDOM.nextDouble() * 2 - 1);
        }
        return t;
    }

    private static Tensor apply(Op op, Tensor... xs) {
        return EagerBuilder.INSTANCE.apply(op, List.of(xs));
    }

    private static Tensor vjp(Op op, Tensor x, Tensor g) {
        Tensor y = apply(op, x);
        return op.vjp(EagerBuilder.INSTANCE, List.of(x), y, g).get(0).get();
    }

    @Test
    void writtenReductionsMatchTheNormalizedOpsForEveryRankTheySee() {
        for (Reduction.Kind kind : Reduction.Kind.values()) {
            Reduction all = Reduction.asWritten(kind, null, false);
            Reduction last = Reduction.asWritten(kind, new int[] {-1}, true);
            assertTrue(all.isWritten() && last.isWritten());
            for (int[] dims : new int[][] {{5}, {2, 3}, {2, 3, 4}}) {
                Tensor x = random(dims);
                int rank = dims.length;
                Reduction normalizedAll = new Reduction(kind, dev.gradus.tensor.Shape.normalizeAxes(new int[0], rank), false);
                Reduction normalizedLast = new Reduction(kind, new int[] {rank - 1}, true);
                assertTrue(apply(all, x).allClose(apply(normalizedAll, x), 0, 0), kind + " over all axes of rank " + rank);
                assertTrue(apply(last, x).allClose(apply(normalizedLast, x), 0, 0), kind + " over axis -1 of rank " + rank);
                Tensor gAll = random(new int[0]);
                assertTrue(vjp(all, x, gAll).allClose(vjp(normalizedAll, x, gAll), 1e-15, 0), kind + " rule, all axes");
                Tensor gLast = apply(normalizedLast, random(dims));
                assertTrue(vjp(last, x, gLast).allClose(vjp(normalizedLast, x, gLast), 1e-15, 0), kind + " rule, axis -1");
            }
        }
    }

    @Test
    void nonNegativeWrittenAxesGiveTheNormalizedOpAndBadAxesAreNamed() {
        assertEquals(Reduction.sum(new int[] {0, 2}, false), Reduction.asWritten(Reduction.Kind.SUM, new int[] {2, 0}, false));
        assertNotEquals(Reduction.sum(new int[] {1}, false), Reduction.asWritten(Reduction.Kind.SUM, new int[] {-1}, false));
        assertThrows(IllegalArgumentException.class, () -> Reduction.asWritten(Reduction.Kind.SUM, new int[] {-1, -1}, false));
        Reduction far = Reduction.asWritten(Reduction.Kind.MEAN, new int[] {-3}, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> far.infer(List.of(new TensorType(dev.gradus.tensor.DType.FLOAT64, dev.gradus.tensor.Shape.of(2, 2)))));
        assertTrue(e.getMessage().contains("mean axes [-3]") && e.getMessage().contains("rank 2"), e.getMessage());
        assertEquals("axes=all", Reduction.asWritten(Reduction.Kind.SUM, null, false).parameters());
    }

    @Test
    void negativeSoftmaxAxesAndTheReversedTransposeMatchOps() {
        Tensor x = random(2, 3, 4);
        assertTrue(apply(new Softmax(-1), x).allClose(Ops.softmax(x, 2), 0, 0));
        assertTrue(apply(new LogSoftmax(-2), x).allClose(Ops.logSoftmax(x, 1), 0, 0));
        Tensor g = random(2, 3, 4);
        assertTrue(vjp(new Softmax(-1), x, g).allClose(vjp(new Softmax(2), x, g), 1e-15, 0));
        assertTrue(vjp(new LogSoftmax(-2), x, g).allClose(vjp(new LogSoftmax(1), x, g), 1e-15, 0));
        assertThrows(IllegalArgumentException.class, () -> apply(new Softmax(-4), x));

        Transpose reversed = Transpose.reversed();
        assertTrue(apply(reversed, x).allClose(Ops.transpose(x), 0, 0));
        assertArrayEquals(new int[] {4, 3, 2}, apply(reversed, x).shape().dims());
        Tensor m = random(3, 5);
        assertTrue(apply(reversed, m).allClose(Ops.transpose(m, 1, 0), 0, 0));
        Tensor gt = random(4, 3, 2);
        assertTrue(vjp(reversed, x, gt).allClose(Ops.transpose(gt), 0, 0), "the reversal is its own inverse");
        assertThrows(IllegalStateException.class, reversed::inversePerm);
    }
}
