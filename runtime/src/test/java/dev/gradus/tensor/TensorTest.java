package dev.gradus.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
    private static Tensor range(int... dims) {
        int n = Shape.of(dims).size();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return Tensor.of(d, dims);
    }

    @Test
    void scalarsHaveRankZeroAndOneElement() {
        Tensor s = Tensor.scalar(3.5);
        assertEquals(0, s.rank());
        assertEquals(1, s.size());
        assertEquals(3.5, s.item());
        assertEquals("()", s.shape().toString());
        assertEquals(DType.FLOAT32, Tensor.scalar(1.5f).dtype());
    }

    @Test
    void transposeIsAViewWithPermutedStrides() {
        Tensor a = range(2, 3, 4);
        Tensor t = a.transpose(2, 0, 1);
        assertEquals(Shape.of(4, 2, 3), t.shape());
        assertTrue(t.sharesStorageWith(a));
        assertFalse(t.isContiguous());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    assertEquals(a.get(i, j, k), t.get(k, i, j));
                }
            }
        }
        a.set(-1, 1, 2, 3);
        assertEquals(-1, t.get(3, 1, 2), "a view sees writes to its base");
    }

    @Test
    void sliceFollowsPythonSemanticsIncludingNegativeSteps() {
        Tensor v = range(10);
        assertArrayEquals(new double[] {2, 4, 6}, v.slice(0, 2, 8, 2).toDoubleArray());
        assertArrayEquals(new double[] {9, 8, 7}, v.slice(0, -1, 6, -1).toDoubleArray());
        assertArrayEquals(new double[] {9, 7, 5, 3, 1}, v.slice(0, SliceSpec.END, Integer.MIN_VALUE, -2).toDoubleArray());
        assertArrayEquals(new double[] {}, v.slice(0, 5, 2, 1).toDoubleArray());
        assertArrayEquals(new double[] {7, 8, 9}, v.slice(0, -3, SliceSpec.END, 1).toDoubleArray());
        assertTrue(v.slice(0, 2, 8, 2).sharesStorageWith(v));
        Tensor m = range(3, 4).slice(SliceSpec.of(SliceSpec.Range.of(1, 3), SliceSpec.Range.of(0, 4, 3)));
        assertEquals(Shape.of(2, 2), m.shape());
        assertArrayEquals(new double[] {4, 7, 8, 11}, m.toDoubleArray());
    }

    @Test
    void reshapeInfersOneSizeAndCopiesOnlyWhenNeeded() {
        Tensor a = range(2, 6);
        Tensor r = a.reshape(3, -1);
        assertEquals(Shape.of(3, 4), r.shape());
        assertTrue(r.sharesStorageWith(a));
        Tensor t = a.transpose().reshape(-1);
        assertFalse(t.sharesStorageWith(a), "a non-contiguous view is copied");
        assertArrayEquals(new double[] {0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11}, t.toDoubleArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.reshape(5, -1));
        assertTrue(e.getMessage().contains("(2, 6)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.reshape(-1, -1));
    }

    @Test
    void broadcastToUsesZeroStrides() {
        Tensor col = Tensor.of(new double[] {1, 2}, 2, 1);
        Tensor b = col.broadcastTo(Shape.of(3, 2, 4));
        assertEquals(0, b.stride(0));
        assertEquals(0, b.stride(2));
        assertEquals(2.0, b.get(2, 1, 3));
        assertEquals(1.0, b.get(0, 0, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> col.broadcastTo(Shape.of(3, 4)));
        assertTrue(e.getMessage().contains("(2, 1)") && e.getMessage().contains("(3, 4)"), e.getMessage());
    }

    @Test
    void shapeBroadcastFollowsNumpy() {
        assertEquals(Shape.of(2, 3), Shape.broadcast(Shape.of(2, 3), Shape.of(3)));
        assertEquals(Shape.of(4, 2, 3), Shape.broadcast(Shape.of(4, 1, 3), Shape.of(2, 1)));
        assertEquals(Shape.of(5, 4, 3, 2, 7), Shape.broadcast(Shape.of(5, 1, 3, 1, 7), Shape.of(4, 1, 2, 1)));
        assertEquals(Shape.of(2, 3), Shape.broadcast(Shape.scalar(), Shape.of(2, 3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shape.broadcast(Shape.of(2, 3), Shape.of(4)));
        assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(4,)"), e.getMessage());
    }

    @Test
    void loopsBroadcastThroughStridedViews() {
        Tensor a = range(3, 2).transpose();
        Tensor b = Tensor.of(new double[] {10, 20}, 2, 1);
        Tensor out = Tensor.zeros(DType.FLOAT64, 2, 3);
        Loops.zip(a, b, out, Double::sum);
        assertArrayEquals(new double[] {10, 12, 14, 21, 23, 25}, out.toDoubleArray());
    }

    @Test
    void copyFromConvertsDtypesAndChecksShapes() {
        Tensor f = Tensor.zeros(DType.FLOAT32, 2, 2);
        f.copyFrom(range(2, 2));
        assertArrayEquals(new float[] {0, 1, 2, 3}, f.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> f.copyFrom(range(4)));
        Tensor i = range(3).cast(DType.INT32);
        assertArrayEquals(new int[] {0, 1, 2}, i.toIntArray());
    }

    @Test
    void printsLikeNumpy() {
        assertEquals("[[0, 1, 2], [3, 4, 5]]", range(2, 3).toString());
        assertEquals("[0.5, 1]", Tensor.vector(0.5, 1).toString());
        assertEquals("[0, 1, 2, ..., 1997, 1998, 1999]", range(2000).toString());
        assertEquals("[true, false]", Tensor.ofBools(new int[] {1, 0}, 2).toString());
    }

    @Test
    void badIndicesNameTheAxis() {
        Tensor a = range(2, 3);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> a.get(1, 3));
        assertTrue(e.getMessage().contains("axis 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> a.transpose(0, 0));
    }
}
