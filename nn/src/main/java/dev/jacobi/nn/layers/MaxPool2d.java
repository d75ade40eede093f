package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * 2-D max pooling, as {@code torch.nn.MaxPool2d} (floor mode): input {@code [N, C, H, W]} (or
 * {@code [C, H, W]}), output {@code [N, C, outH, outW]} with
 * {@code outH = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1}; padding never wins the max.
 * The gradient goes to each window's maximum (shared equally between equal maxima; PyTorch picks one).
 * No parameters.
 */
public final class MaxPool2d extends Layer {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;

    private MaxPool2d(int[] kernel, int[] stride, int[] padding, int[] dilation) {
        Pooling.check("MaxPool2d", kernel, stride, padding, dilation);
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
    }

    /** A square window of {@code kernel}, stride {@code kernel}, no padding. */
    public static MaxPool2d of(int kernel) {
        return new MaxPool2d(new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[2], new int[] {1, 1});
    }

    /** A square window with the given stride and padding (at most kernel / 2). */
    public static MaxPool2d of(int kernel, int stride, int padding) {
        return new MaxPool2d(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1});
    }

    /** Every setting per dimension (h, w). */
    public static MaxPool2d of(int[] kernel, int[] stride, int[] padding, int[] dilation) {
        return new MaxPool2d(kernel, stride, padding, dilation);
    }

    /** The maximum of each window. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = Pooling.batched(toString(), input, 2);
        Tensor y = Pooling.max2d(toString(), x, kernel, stride, padding, dilation);
        return x == input ? y : y.squeeze(0);
    }

    @Override
    protected String extraRepr() {
        return "kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding)
                + ", dilation=" + Arrays.toString(dilation);
    }
}
