package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Tensor;

/**
 * Adaptive 2-D average pooling to a fixed output size, as {@code torch.nn.AdaptiveAvgPool2d}: input
 * {@code [N, C, H, W]} (or {@code [C, H, W]}), output {@code [N, C, outH, outW]}, where output row i averages
 * input rows {@code [floor(i H / outH), ceil((i + 1) H / outH))} (likewise columns). Size 1 x 1 is global
 * average pooling. The bins are separable, so it is computed as {@code P_h x P_w^T} with two small
 * averaging matrices. No parameters.
 */
public final class AdaptiveAvgPool2d extends Layer {
    private final int outH;
    private final int outW;

    private AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got " + outH + " x " + outW);
        }
        this.outH = outH;
        this.outW = outW;
    }

    /** Pooling to {@code outH x outW}. */
    public static AdaptiveAvgPool2d of(int outH, int outW) {
        return new AdaptiveAvgPool2d(outH, outW);
    }

    /** Global average pooling (output 1 x 1). */
    public static AdaptiveAvgPool2d global() {
        return new AdaptiveAvgPool2d(1, 1);
    }

    /** The bin averages. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = Pooling.batched(toString(), input, 2);
        Tensor ph = Pooling.adaptiveMatrix(x.size(2), outH, Pooling.floating(x));
        Tensor pw = Pooling.adaptiveMatrix(x.size(3), outW, Pooling.floating(x));
        Tensor y = ph.matmul(x).matmul(pw.mT());
        return x == input ? y : y.squeeze(0);
    }

    @Override
    protected String extraRepr() {
        return "output=" + outH + " x " + outW;
    }
}
