package dev.jacobi.nn.layers;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * The window computations shared by the pooling layers, on [N, C, H, W] tensors: each channel is made an
 * image of its own, im2col lays every window out as a column, and a reduction over the window's taps
 * gives the output. Differentiable through im2col's, pad's and the reductions' rules.
 */
final class Pooling {
    private Pooling() {
    }

    /** Checks kernel, stride, padding (at most half the kernel, as PyTorch requires) and dilation. */
    static void check(String layer, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        for (int i = 0; i < kernel.length; i++) {
            if (kernel[i] < 1 || stride[i] < 1 || dilation[i] < 1 || padding[i] < 0 || padding[i] > kernel[i] / 2) {
                throw new IllegalArgumentException(layer + ": needs kernel, stride, dilation >= 1 and 0 <= padding <= kernel / 2, got kernel="
                        + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding)
                        + ", dilation=" + Arrays.toString(dilation));
            }
        }
    }

    /** {@code x} as [N, C, *spatial] after checking its rank; unbatched [C, *spatial] gets N = 1. */
    static Tensor batched(String signature, Tensor x, int spatialDims) {
        if (x.rank() == spatialDims + 2) {
            return x;
        }
        if (x.rank() == spatialDims + 1) {
            return x.unsqueeze(0);
        }
        throw new IllegalArgumentException(signature + ": input must be [N, C, " + (spatialDims == 1 ? "L" : "H, W") + "] or [C, "
                + (spatialDims == 1 ? "L" : "H, W") + "], shape is " + Shapes.format(x.shape()));
    }

    /** The windows of every channel: [N*C, kh*kw, outH*outW], and the output size (outH, outW) in {@code outSize}. */
    private static Tensor windows(String signature, Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation,
                                  int[] outSize) {
        int n = x.size(0);
        int c = x.size(1);
        for (int i = 0; i < 2; i++) {
            outSize[i] = ConvSettings.windows(x.size(2 + i), kernel[i], stride[i], padding[i], dilation[i]);
        }
        if (outSize[0] < 1 || outSize[1] < 1) {
            throw new IllegalArgumentException(signature + ": input " + Shapes.format(x.shape())
                    + " is too small for the window: the output would be " + outSize[0] + " x " + outSize[1]);
        }
        return x.reshape(n * c, 1, x.size(2), x.size(3)).im2col(kernel, dilation, padding, stride);
    }

    /**
     * Max over each window of [N, C, H, W]; padding counts as minus infinity (never the maximum). The
     * gradient goes to the maximum of each window (shared equally between equal maxima, where PyTorch
     * picks one).
     */
    static Tensor max2d(String signature, Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        int[] out = new int[2];
        Tensor padded = padding[0] == 0 && padding[1] == 0 ? x
                : x.pad(new int[] {padding[1], padding[1], padding[0], padding[0]}, Double.NEGATIVE_INFINITY);
        // Padded explicitly with -inf, so the window count is computed from the original size with the padding.
        windows(signature, x, kernel, stride, padding, dilation, out);
        Tensor cols = windows(signature, padded, kernel, stride, new int[2], dilation, new int[2]);
        return cols.max(new int[] {1}, false).reshape(x.size(0), x.size(1), out[0], out[1]);
    }

    /**
     * Mean over each window of [N, C, H, W]; zero padding is counted in the divisor when
     * {@code countIncludePad} (PyTorch's default), else the divisor is the number of taps inside the input.
     */
    static Tensor avg2d(String signature, Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        int[] out = new int[2];
        int[] one = {1, 1};
        Tensor sums = windows(signature, x, kernel, stride, padding, one, out).sum(new int[] {1}, false);
        Tensor divisor;
        if (countIncludePad) {
            divisor = Tensor.scalar(x.dtype(), (double) kernel[0] * kernel[1]);
        } else {
            Tensor ones = Tensor.ones(x.dtype(), 1, 1, x.size(2), x.size(3));
            divisor = windows(signature, ones, kernel, stride, padding, one, new int[2]).sum(new int[] {1}, false);
        }
        return sums.div(divisor).reshape(x.size(0), x.size(1), out[0], out[1]);
    }

    /**
     * The [out, in] matrix that averages the bins of adaptive pooling along one dimension: bin i covers
     * {@code [floor(i in / out), ceil((i + 1) in / out))}, as {@code adaptive_avg_pool}.
     */
    static Tensor adaptiveMatrix(int in, int out, DType dtype) {
        double[] m = new double[out * in];
        for (int i = 0; i < out; i++) {
            int start = Math.floorDiv(i * in, out);
            int end = Math.ceilDiv((i + 1) * in, out);
            for (int j = start; j < end; j++) {
                m[i * in + j] = 1.0 / (end - start);
            }
        }
        return Tensor.of(m, out, in).to(dtype);
    }

    static DType floating(Tensor x) {
        return x.dtype().isInexact() ? x.dtype() : DType.FLOAT32;
    }
}
