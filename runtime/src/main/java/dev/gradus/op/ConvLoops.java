package dev.gradus.op;

import dev.gradus.tensor.Shape;
import dev.gradus.tensor.Tensor;

/**
 * The loops the convolution ops share: per-thread scratch arrays, packing strided tensors
 * into them, im2col and its adjoint col2im, and the shape checks.
 *
 * <p>All three convolution kernels compute in double precision whatever the dtype (float32
 * inputs are widened when packed and the result is rounded once when stored), in scratch
 * arrays that each thread keeps and grows as needed: after the first call at the largest
 * size, the kernels allocate nothing.
 *
 * <p>Layouts, for one sample of an NCHW input with kernel (O, C, kh, kw) and output size
 * (H', W'): the column matrix is (K, P) with K = C·kh·kw (row r = (c·kh + i)·kw + j) and
 * P = H'·W'; column p = oh·W' + ow holds the input patch that output position reads, with
 * zeros where the patch lies in the padding.
 */
final class ConvLoops {
    private ConvLoops() {
    }

    /** Scratch slots, one array each per thread. */
    static final int WEIGHTS = 0;
    static final int COLUMNS = 1;
    static final int GRADIENT = 2;
    static final int RESULT = 3;
    private static final int SLOTS = 4;

    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[SLOTS][0]);

    /** Returns this thread's scratch array for {@code slot}, at least {@code size} long (contents undefined). */
    static double[] scratch(int slot, int size) {
        double[][] all = SCRATCH.get();
        if (all[slot].length < size) {
            all[slot] = new double[size];
        }
        return all[slot];
    }

    /**
     * Copies {@code count} elements of {@code t}, starting at row-major position {@code from},
     * into {@code dst[0..count)} as doubles, reading strided views in place. Allocation-free.
     */
    static void pack(Tensor t, int from, double[] dst, int count) {
        if (t.isContiguous()) {
            int o = t.offset() + from;
            switch (t.dtype()) {
                case FLOAT64 -> System.arraycopy(t.float64Data(), o, dst, 0, count);
                case FLOAT32 -> {
                    float[] f = t.float32Data();
                    for (int k = 0; k < count; k++) {
                        dst[k] = f[o + k];
                    }
                }
                default -> throw new IllegalArgumentException("convolution has no kernel for " + t.dtype());
            }
            return;
        }
        for (int k = 0; k < count; k++) {
            dst[k] = t.getAt(t.storageIndex(from + k));
        }
    }

    /** Writes {@code src[0..count)} into the contiguous {@code out} from row-major position {@code from}, rounding for float32. */
    static void store(double[] src, Tensor out, int from, int count) {
        int o = out.offset() + from;
        switch (out.dtype()) {
            case FLOAT64 -> System.arraycopy(src, 0, out.float64Data(), o, count);
            case FLOAT32 -> {
                float[] f = out.float32Data();
                for (int k = 0; k < count; k++) {
                    f[o + k] = (float) src[k];
                }
            }
            default -> throw new IllegalArgumentException("convolution has no kernel for " + out.dtype());
        }
    }

    /**
     * Fills {@code cols} (K, P) with the patches of sample {@code n} of x (N, C, H, W), read
     * in place through x's strides.
     */
    static void im2col(Tensor x, int n, int kh, int kw, int outH, int outW, Conv2dParams p, double[] cols) {
        Shape s = x.shape();
        int channels = s.dim(1);
        int h = s.dim(2);
        int w = s.dim(3);
        int sn = x.stride(0);
        int sc = x.stride(1);
        int sy = x.stride(2);
        int sx = x.stride(3);
        int plane = outH * outW;
        for (int c = 0; c < channels; c++) {
            int base = x.offset() + n * sn + c * sc;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = ((c * kh + i) * kw + j) * plane;
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * p.strideH() - p.padH() + i * p.dilationH();
                        int col = row + oh * outW;
                        if (ih < 0 || ih >= h) {
                            for (int ow = 0; ow < outW; ow++) {
                                cols[col + ow] = 0;
                            }
                            continue;
                        }
                        for (int ow = 0; ow < outW; ow++) {
                            int iw = ow * p.strideW() - p.padW() + j * p.dilationW();
                            cols[col + ow] = iw < 0 || iw >= w ? 0 : x.getAt(base + ih * sy + iw * sx);
                        }
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: adds every entry of {@code cols} (K, P) into the input
     * position it was read from, in {@code image} (C, H, W), which the caller zeroes.
     * Entries read from the padding are dropped.
     */
    static void col2im(double[] cols, int channels, int h, int w, int kh, int kw, int outH, int outW, Conv2dParams p,
            double[] image) {
        int plane = outH * outW;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = ((c * kh + i) * kw + j) * plane;
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * p.strideH() - p.padH() + i * p.dilationH();
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int col = row + oh * outW;
                        int dst = (c * h + ih) * w;
                        for (int ow = 0; ow < outW; ow++) {
                            int iw = ow * p.strideW() - p.padW() + j * p.dilationW();
                            if (iw >= 0 && iw < w) {
                                image[dst + iw] += cols[col + ow];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Returns the output shape (N, O, H', W') of convolving x (N, C, H, W) with w (O, C, kh, kw).
     *
     * @throws IllegalArgumentException naming {@code op} when a rank, the channels or the
     *     spatial sizes do not fit
     */
    static Shape outputShape(Op op, Conv2dParams p, Shape x, Shape w) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(op.name() + " needs an NCHW input of rank 4, got shape " + x);
        }
        if (w.rank() != 4) {
            throw new IllegalArgumentException(op.name() + " needs a kernel (O, C, kh, kw) of rank 4, got shape " + w);
        }
        if (x.dim(1) != w.dim(1)) {
            throw new IllegalArgumentException(op.name() + ": the input " + x + " has " + x.dim(1)
                    + " channels but the kernel " + w + " expects " + w.dim(1));
        }
        int outH = Conv2dParams.outputSize(x.dim(2), w.dim(2), p.strideH(), p.padH(), p.dilationH());
        int outW = Conv2dParams.outputSize(x.dim(3), w.dim(3), p.strideW(), p.padW(), p.dilationW());
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op.name() + ": the kernel " + w + " with " + p.text()
                    + " does not fit the input " + x + " (output size " + outH + "×" + outW + ")");
        }
        return Shape.of(x.dim(0), w.dim(0), outH, outW);
    }

    /** Throws unless every type is float and all share one dtype, naming {@code op}. */
    static void checkFloats(Op op, java.util.List<TensorType> types) {
        for (TensorType t : types) {
            AxisLoops.checkFloat(op, t);
            if (t.dtype() != types.get(0).dtype()) {
                throw new IllegalArgumentException(op.name() + ": dtypes differ: " + types.get(0).dtype() + " and "
                        + t.dtype() + " (cast one side with Ops.cast)");
            }
        }
    }
}
