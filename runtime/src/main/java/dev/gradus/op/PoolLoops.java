package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;

/** Index arithmetic and shape checks the pooling ops share. All loops are allocation-free. */
final class PoolLoops {
    private PoolLoops() {
    }

    /**
     * Returns the pooled shape (N, C, H', W') of an NCHW input.
     *
     * @throws IllegalArgumentException naming {@code op} if the input is not a rank-4 float
     *     or the window does not fit
     */
    static Shape outputShape(Op op, Pool2dParams p, TensorType x) {
        AxisLoops.checkFloat(op, x);
        Shape s = x.shape();
        if (s.rank() != 4) {
            throw new IllegalArgumentException(op.name() + " needs an NCHW input of rank 4, got shape " + s);
        }
        int outH = p.outputSize(s.dim(2), 0);
        int outW = p.outputSize(s.dim(3), 1);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op.name() + ": the window " + p.text() + " does not fit the input " + s);
        }
        return Shape.of(s.dim(0), s.dim(1), outH, outW);
    }

    /** Checks that a gradient input has the pooled shape of {@code like} and the same dtype. */
    static void checkGradient(Op op, Pool2dParams p, TensorType g, TensorType like) {
        Shape expected = outputShape(op, p, like);
        if (g.dtype() != like.dtype()) {
            throw new IllegalArgumentException(op.name() + ": dtypes differ: " + g.dtype() + " and " + like.dtype());
        }
        if (!g.shape().equals(expected)) {
            throw new IllegalArgumentException(op.name() + ": the gradient has shape " + g.shape() + " but pooling "
                    + like.shape() + " with " + p.text() + " gives " + expected);
        }
    }

    /** Returns the backing index of plane (n, c) of an NCHW tensor. */
    static int planeStart(Tensor t, int n, int c) {
        return t.offset() + n * t.stride(0) + c * t.stride(1);
    }

    /**
     * Returns the position {@code iy·W + ix}, within its plane, of the largest element of the
     * window at (oh, ow) of the plane of x starting at backing index {@code plane}: the first
     * in row-major window order among ties, and the first NaN if there is one. Padding
     * positions never win.
     */
    static int argmax(Tensor x, int plane, int oh, int ow, Pool2dParams p) {
        int h = x.shape().dim(2);
        int w = x.shape().dim(3);
        int sy = x.stride(2);
        int sx = x.stride(3);
        int y0 = Math.max(0, oh * p.strideH() - p.padH());
        int y1 = Math.min(h, oh * p.strideH() - p.padH() + p.kernelH());
        int x0 = Math.max(0, ow * p.strideW() - p.padW());
        int x1 = Math.min(w, ow * p.strideW() - p.padW() + p.kernelW());
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
                double v = x.getAt(plane + iy * sy + ix * sx);
                if (v != v) {
                    return iy * w + ix;
                }
                if (best < 0 || v > bestValue) {
                    best = iy * w + ix;
                    bestValue = v;
                }
            }
        }
        return best;
    }

    /** Returns the backing index in t of position {@code pos = iy·W + ix} of the plane starting at {@code plane}. */
    static int at(Tensor t, int plane, int pos) {
        int w = t.shape().dim(3);
        return plane + (pos / w) * t.stride(2) + (pos % w) * t.stride(3);
    }
}
