package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Tensor;

/**
 * 1-D average pooling, as {@code torch.nn.AvgPool1d} (floor mode): input {@code [N, C, L]} (or {@code [C, L]}),
 * output {@code [N, C, floor((L + 2 padding - k) / stride) + 1]}. See {@link AvgPool2d}. No parameters.
 */
public final class AvgPool1d extends Layer {
    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean countIncludePad;

    private AvgPool1d(int kernel, int stride, int padding, boolean countIncludePad) {
        Pooling.check("AvgPool1d", new int[] {kernel}, new int[] {stride}, new int[] {padding}, new int[] {1});
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.countIncludePad = countIncludePad;
    }

    /** A window of {@code kernel}, stride {@code kernel}, no padding. */
    public static AvgPool1d of(int kernel) {
        return new AvgPool1d(kernel, kernel, 0, true);
    }

    /** A window with the given stride and padding (at most kernel / 2). */
    public static AvgPool1d of(int kernel, int stride, int padding, boolean countIncludePad) {
        return new AvgPool1d(kernel, stride, padding, countIncludePad);
    }

    /** The mean of each window. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = Pooling.batched(toString(), input, 1);
        Tensor y = Pooling.avg2d(toString(), x.unsqueeze(2), new int[] {1, kernel}, new int[] {1, stride}, new int[] {0, padding},
                countIncludePad).squeeze(2);
        return x == input ? y : y.squeeze(0);
    }

    @Override
    protected String extraRepr() {
        return "kernel=" + kernel + ", stride=" + stride + ", padding=" + padding + (countIncludePad ? "" : ", countIncludePad=false");
    }
}
