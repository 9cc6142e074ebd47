package dev.gradus.op;

/**
 * The window of a 2-D pooling op ({@link MaxPool2d}, {@link AvgPool2d}): kernel size, stride
 * and padding per spatial axis (height, width). With input size {@code in} the output size
 * is {@code ⌊(in + 2p − k) / s⌋ + 1} (PyTorch's default, {@code ceil_mode=False}). Padding may
 * be at most half the kernel, as in PyTorch, so every window overlaps the input.
 *
 * @param kernelH window height, at least 1
 * @param kernelW window width, at least 1
 * @param strideH vertical stride, at least 1
 * @param strideW horizontal stride, at least 1
 * @param padH rows added above and below, in [0, kernelH / 2]
 * @param padW columns added left and right, in [0, kernelW / 2]
 */
public record Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
    /**
     * Checks the parameters.
     *
     * @throws IllegalArgumentException if a size or stride is below 1, or a padding is
     *     negative or more than half the kernel
     */
    public Pool2dParams {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0 || 2 * padH > kernelH
                || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pooling needs kernel sizes and strides of at least 1 and paddings in"
                    + " [0, kernel / 2], got " + text(kernelH, kernelW, strideH, strideW, padH, padW));
        }
    }

    /** Returns the output size for an input of size {@code in} along the height (axis 0) or width (axis 1). */
    int outputSize(int in, int axis) {
        return axis == 0 ? Math.floorDiv(in + 2 * padH - kernelH, strideH) + 1 : Math.floorDiv(in + 2 * padW - kernelW, strideW) + 1;
    }

    /** Returns the parameters as printed by the ops. */
    public String text() {
        return text(kernelH, kernelW, strideH, strideW, padH, padW);
    }

    private static String text(int kh, int kw, int sh, int sw, int ph, int pw) {
        return "kernel=[" + kh + ", " + kw + "], stride=[" + sh + ", " + sw + "], padding=[" + ph + ", " + pw + "]";
    }
}
