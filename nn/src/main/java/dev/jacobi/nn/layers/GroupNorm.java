package dev.jacobi.nn.layers;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

/**
 * Group normalization, as {@code torch.nn.GroupNorm} (Wu and He 2018): the channels of an input
 * {@code [N, C, *]} are split into {@code groups} groups of consecutive channels, each group of each
 * sample is normalized over its channels and positions ({@code (x - mean) / sqrt(var + eps)}, population
 * variance), then every channel gets its own {@code weight} and {@code bias}.
 *
 * <p>Parameters (when affine): {@code weight} (ones) and {@code bias} (zeros), both {@code [C]}.
 */
public final class GroupNorm extends Layer {
    private final int groups;
    private final int channels;
    private final double eps;

    private GroupNorm(int groups, int channels, double eps, boolean affine, DType dtype) {
        if (groups < 1 || channels < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: channels must be a positive multiple of groups, got "
                    + channels + " channels in " + groups + " groups");
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("GroupNorm: eps must be >= 0, got " + eps);
        }
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        if (affine) {
            Init.ones(registerParameter("weight", Tensor.zeros(dtype, channels)));
            registerParameter("bias", Tensor.zeros(dtype, channels));
        }
    }

    /** A float32 layer with weight and bias, eps 1e-5 (PyTorch's default). */
    public static GroupNorm of(int groups, int channels) {
        return new GroupNorm(groups, channels, LayerNorm.DEFAULT_EPS, true, DType.FLOAT32);
    }

    /** A layer with the given epsilon, affine transform or not, and parameter type. */
    public static GroupNorm of(int groups, int channels, double eps, boolean affine, DType dtype) {
        return new GroupNorm(groups, channels, eps, affine, dtype);
    }

    /** The weight {@code [C]}, or null without an affine transform. */
    public Tensor weight() {
        return hasParameter("weight") ? parameter("weight") : null;
    }

    /** The bias {@code [C]}, or null without an affine transform. */
    public Tensor bias() {
        return hasParameter("bias") ? parameter("bias") : null;
    }

    /**
     * Normalizes {@code input} {@code [N, C, *]}.
     *
     * @throws IllegalArgumentException when the input is not at least 2-D with C channels in dimension 1
     */
    @Override
    public Tensor forward(Tensor input) {
        int[] s = input.shape();
        if (s.length < 2 || s[1] != channels) {
            throw new IllegalArgumentException(this + ": input must be [N, " + channels + ", *], shape is " + Shapes.format(s));
        }
        long perGroup = input.numel() / Math.max(1, (long) s[0] * groups);
        Tensor y = input.reshape(s[0], groups, Math.toIntExact(perGroup)).layerNorm(null, null, eps).reshape(s);
        Tensor w = weight();
        if (w == null) {
            return y;
        }
        int[] along = new int[s.length];
        java.util.Arrays.fill(along, 1);
        along[1] = channels;
        return y.mul(w.reshape(along)).add(bias().reshape(along));
    }

    @Override
    protected String extraRepr() {
        return groups + ", " + channels + ", eps=" + eps + ", affine=" + hasParameter("weight");
    }

    @Override
    public String toString() {
        return "GroupNorm(" + extraRepr() + ")";
    }
}
