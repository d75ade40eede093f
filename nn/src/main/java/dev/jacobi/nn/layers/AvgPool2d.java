package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * 2-D average pooling, as {@code torch.nn.AvgPool2d} (floor mode): input {@code [N, C, H, W]} (or
 * {@code [C, H, W]}), output {@code [N, C, outH, outW]} with {@code outH = floor((H + 2 padding - kh) / stride) + 1}.
 * Zero padding counts in the divisor when {@code countIncludePad} (PyTorch's default), else each window
 * is divided by the number of its taps inside the input. No parameters.
 */
public final class AvgPool2d extends Layer {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final boolean countIncludePad;

    private AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        Pooling.check("AvgPool2d", kernel, stride, padding, new int[] {1, 1});
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.countIncludePad = countIncludePad;
    }

    /** A square window of {@code kernel}, stride {@code kernel}, no padding. */
    public static AvgPool2d of(int kernel) {
        return new AvgPool2d(new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[2], true);
    }

    /** A square window with the given stride and padding (at most kernel / 2), padding counted in the divisor. */
    public static AvgPool2d of(int kernel, int stride, int padding) {
        return new AvgPool2d(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding}, true);
    }

    /** Every setting per dimension (h, w). */
    public static AvgPool2d of(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        return new AvgPool2d(kernel, stride, padding, countIncludePad);
    }

    /** The mean of each window. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = Pooling.batched(toString(), input, 2);
        Tensor y = Pooling.avg2d(toString(), x, kernel, stride, padding, countIncludePad);
        return x == input ? y : y.squeeze(0);
    }

    @Override
    protected String extraRepr() {
        return "kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding)
                + (countIncludePad ? "" : ", countIncludePad=false");
    }
}
