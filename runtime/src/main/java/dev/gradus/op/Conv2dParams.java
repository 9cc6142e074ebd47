package dev.gradus.op;

/**
 * The geometry of a 2-D convolution, shared by {@link Conv2d} and its two gradient ops:
 * stride, zero padding (added on both sides) and dilation, each per spatial axis (height,
 * width). With input size {@code in}, kernel size {@code k}, stride s, padding p and
 * dilation d along an axis, the output size is {@code ⌊(in + 2p − d(k − 1) − 1) / s⌋ + 1}
 * (as PyTorch's {@code conv2d}).
 *
 * @param strideH vertical stride, at least 1
 * @param strideW horizontal stride, at least 1
 * @param padH zero rows added above and below, at least 0
 * @param padW zero columns added left and right, at least 0
 * @param dilationH spacing between kernel rows, at least 1
 * @param dilationW spacing between kernel columns, at least 1
 */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {
    /** Stride 1, no padding, no dilation. */
    public static final Conv2dParams DEFAULT = new Conv2dParams(1, 1, 0, 0, 1, 1);

    /**
     * Checks the parameters.
     *
     * @throws IllegalArgumentException if a stride or dilation is below 1 or a padding is negative
     */
    public Conv2dParams {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d needs strides and dilations of at least 1 and paddings of at least 0, got "
                    + text(strideH, strideW, padH, padW, dilationH, dilationW));
        }
    }

    /** Returns the output size along one axis (may be 0 or negative when the kernel does not fit). */
    static int outputSize(int in, int kernel, int stride, int pad, int dilation) {
        return Math.floorDiv(in + 2 * pad - dilation * (kernel - 1) - 1, stride) + 1;
    }

    /** Returns the parameters as printed by the ops: {@code stride=[1, 1], padding=[0, 0], dilation=[1, 1]}. */
    public String text() {
        return text(strideH, strideW, padH, padW, dilationH, dilationW);
    }

    private static String text(int sh, int sw, int ph, int pw, int dh, int dw) {
        return "stride=[" + sh + ", " + sw + "], padding=[" + ph + ", " + pw + "], dilation=[" + dh + ", " + dw + "]";
    }
}
