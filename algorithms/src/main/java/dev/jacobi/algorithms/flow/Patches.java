package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

/**
 * Images to patch sequences and back, in the order of {@code torch.nn.functional.unfold} with
 * {@code stride = kernel = P}: patches row-major, and inside a patch the feature index
 * {@code c P² + py P + px} (channel slowest). {@link #unpatchify} is the exact inverse ({@code fold}).
 */
public final class Patches {
    private Patches() {
    }

    /**
     * {@code [B, C, H, W]} to {@code [B, (H/P)(W/P), C P²]}.
     *
     * @throws IllegalArgumentException when the image is not rank 4 or P does not divide H and W
     */
    public static Tensor patchify(Tensor image, int patchSize) {
        int[] s = image.shape();
        if (s.length != 4 || patchSize <= 0 || s[2] % patchSize != 0 || s[3] % patchSize != 0) {
            throw new IllegalArgumentException("patchify: image must be [B, C, H, W] with H and W multiples of the patch size "
                    + patchSize + ", shape is " + Shapes.format(s));
        }
        int p = patchSize;
        int gh = s[2] / p;
        int gw = s[3] / p;
        return image.reshape(s[0], s[1], gh, p, gw, p).permute(0, 2, 4, 1, 3, 5).reshape(s[0], gh * gw, s[1] * p * p);
    }

    /**
     * {@code [B, (H/P)(W/P), C P²]} back to {@code [B, C, H, W]}.
     *
     * @throws IllegalArgumentException when the sequence does not have that shape
     */
    public static Tensor unpatchify(Tensor sequence, int channels, int height, int width, int patchSize) {
        int[] s = sequence.shape();
        int p = patchSize;
        if (s.length != 3 || p <= 0 || height % p != 0 || width % p != 0 || s[1] != (height / p) * (width / p)
                || s[2] != channels * p * p) {
            throw new IllegalArgumentException("unpatchify: sequence must be [B, " + (p > 0 ? (height / p) * (width / p) : "?")
                    + ", " + channels * p * p + "] for C=" + channels + ", H=" + height + ", W=" + width + ", P=" + p
                    + ", shape is " + Shapes.format(s));
        }
        return sequence.reshape(s[0], height / p, width / p, channels, p, p).permute(0, 3, 1, 4, 2, 5)
                .reshape(s[0], channels, height, width);
    }
}
