package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Tensor;

/**
 * 1-D max pooling, as {@code torch.nn.MaxPool1d} (floor mode): input {@code [N, C, L]} (or {@code [C, L]}),
 * output {@code [N, C, outL]} with {@code outL = floor((L + 2 padding - dilation (k - 1) - 1) / stride) + 1}.
 * See {@link MaxPool2d}. No parameters.
 */
public final class MaxPool1d extends Layer {
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;

    private MaxPool1d(int kernel, int stride, int padding, int dilation) {
        Pooling.check("MaxPool1d", new int[] {kernel}, new int[] {stride}, new int[] {padding}, new int[] {dilation});
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
    }

    /** A window of {@code kernel}, stride {@code kernel}, no padding. */
    public static MaxPool1d of(int kernel) {
        return new MaxPool1d(kernel, kernel, 0, 1);
    }

    /** A window with the given stride, padding (at most kernel / 2) and dilation. */
    public static MaxPool1d of(int kernel, int stride, int padding, int dilation) {
        return new MaxPool1d(kernel, stride, padding, dilation);
    }

    /** The maximum of each window. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = Pooling.batched(toString(), input, 1);
        Tensor y = Pooling.max2d(toString(), x.unsqueeze(2), new int[] {1, kernel}, new int[] {1, stride}, new int[] {0, padding},
                new int[] {1, dilation}).squeeze(2);
        return x == input ? y : y.squeeze(0);
    }

    @Override
    protected String extraRepr() {
        return "kernel=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation;
    }
}
