package dev.jacobi.nn.layers;

import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

/**
 * The checked settings of a convolution or pooling layer, and the 2-D computations they share (1-D
 * layers run them on a height-1 image). Convolutions are im2col + matmul (and matmul + col2im for the
 * transpose), both differentiable, so their gradients come from those ops' rules.
 *
 * @param signature the layer and its settings as printed, e.g. {@code Conv2d(3, 8, kernel=[3, 3])}, for errors
 */
record ConvSettings(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int[] outputPadding,
                    int groups, boolean bias, String signature) {

    /** Output size of a window op along one dimension: floor((n + 2p - d(k-1) - 1) / s) + 1. */
    static int windows(int n, int k, int s, int p, int d) {
        return Math.floorDiv(n + 2 * p - d * (k - 1) - 1, s) + 1;
    }

    /**
     * Cross-correlation of {@code x} [N, C, H, W] with {@code w} [O, C/groups, kh, kw], plus {@code b} [O]
     * when not null: the columns of im2col [N, C*kh*kw, L], viewed per group as [N, G, C/G*kh*kw, L], are
     * multiplied by the weight viewed as [G, O/G, C/G*kh*kw] (im2col's row order puts each group's
     * channels together), giving [N, O, outH, outW].
     */
    static Tensor conv2d(String signature, Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
        int n = x.size(0);
        int c = x.size(1);
        int o = w.size(0);
        int kh = w.size(2);
        int kw = w.size(3);
        int outH = windows(x.size(2), kh, stride[0], padding[0], dilation[0]);
        int outW = windows(x.size(3), kw, stride[1], padding[1], dilation[1]);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(signature + ": input " + Shapes.format(x.shape())
                    + " is too small for the kernel: the output would be " + outH + " x " + outW);
        }
        Tensor cols = x.im2col(new int[] {kh, kw}, dilation, padding, stride);
        int k = c / groups * kh * kw;
        Tensor y = groups == 1
                ? w.reshape(o, k).matmul(cols)
                : w.reshape(groups, o / groups, k).matmul(cols.reshape(n, groups, k, outH * outW));
        y = y.reshape(n, o, outH, outW);
        return b == null ? y : y.add(b.reshape(o, 1, 1));
    }

    /**
     * Transposed convolution (the adjoint of {@link #conv2d} with respect to its input) of {@code x}
     * [N, Cin, H, W] with {@code w} [Cin, Cout/groups, kh, kw]: per group, the weight viewed as
     * [G, Cin/G, Cout/G*kh*kw], transposed, times the input viewed as [N, G, Cin/G, H*W] gives columns that
     * col2im sums into [N, Cout, Hout, Wout], Hout = (H-1)s - 2p + d(kh-1) + outputPadding + 1.
     */
    static Tensor convTranspose2d(String signature, Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation,
                                  int[] outputPadding, int groups) {
        int n = x.size(0);
        int cin = x.size(1);
        int h = x.size(2);
        int wd = x.size(3);
        int coutPerGroup = w.size(1);
        int kh = w.size(2);
        int kw = w.size(3);
        int outH = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1;
        int outW = (wd - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(signature + ": input " + Shapes.format(x.shape())
                    + " gives no output: the output would be " + outH + " x " + outW);
        }
        int k = coutPerGroup * kh * kw;
        Tensor cols = w.reshape(groups, cin / groups, k).mT().matmul(x.reshape(n, groups, cin / groups, h * wd));
        Tensor y = cols.reshape(n, groups * k, h * wd)
                .col2im(new int[] {outH, outW}, new int[] {kh, kw}, dilation, padding, stride);
        return b == null ? y : y.add(b.reshape(groups * coutPerGroup, 1, 1));
    }

    /**
     * Checks that {@code x} is [N, channels, *spatial] or unbatched [channels, *spatial] (with
     * {@code spatialDims} spatial dimensions) and returns it batched.
     */
    static Tensor batched(String signature, Tensor x, int channels, int spatialDims) {
        int rank = x.rank();
        boolean ok = (rank == spatialDims + 2 && x.size(1) == channels) || (rank == spatialDims + 1 && x.size(0) == channels);
        if (!ok) {
            String dims = spatialDims == 1 ? "L" : "H, W";
            throw new IllegalArgumentException(signature + ": input must be [N, " + channels + ", " + dims + "] or ["
                    + channels + ", " + dims + "], shape is " + Shapes.format(x.shape()));
        }
        return rank == spatialDims + 2 ? x : x.unsqueeze(0);
    }
}
