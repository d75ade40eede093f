package dev.jacobi.nn.layers;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation), as {@code torch.nn.Conv2d}: input {@code [N, in, H, W]} (or
 * unbatched {@code [in, H, W]}), output {@code [N, out, outH, outW]} with
 * {@code outH = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1} (likewise W), with stride,
 * zero padding, dilation and groups.
 *
 * <p>Parameters: {@code weight} {@code [out, in/groups, kh, kw]} and optionally {@code bias} {@code [out]},
 * initialized as PyTorch's default (bound 1/sqrt(in/groups * kh * kw), see {@link Init#linearDefault}).
 * Computed as im2col + matmul.
 */
public final class Conv2d extends Layer {
    private final ConvSettings s;

    private Conv2d(ConvBuilder<Conv2d> b, Generator gen) {
        this.s = b.settings(false);
        Tensor w = registerParameter("weight", Tensor.zeros(b.dtype, s.out(), s.in() / s.groups(), s.kernel()[0], s.kernel()[1]));
        Tensor bias = s.bias() ? registerParameter("bias", Tensor.zeros(b.dtype, s.out())) : null;
        Init.linearDefault(w, bias, gen);
    }

    /** Settings for a layer with a square kernel. */
    public static ConvBuilder<Conv2d> builder(int in, int out, int kernel) {
        return builder(in, out, kernel, kernel);
    }

    /** Settings for a layer with a {@code kh x kw} kernel. */
    public static ConvBuilder<Conv2d> builder(int in, int out, int kh, int kw) {
        return new ConvBuilder<>("Conv2d", in, out, new int[] {kh, kw}, Conv2d::new);
    }

    /** A layer with a square kernel, stride 1, no padding, with a bias. */
    public static Conv2d of(int in, int out, int kernel, Generator gen) {
        return builder(in, out, kernel).build(gen);
    }

    /** The weight, {@code [out, in/groups, kh, kw]}. */
    public Tensor weight() {
        return parameter("weight");
    }

    /** The bias, {@code [out]}, or null. */
    public Tensor bias() {
        return hasParameter("bias") ? parameter("bias") : null;
    }

    /**
     * The convolution of {@code input}.
     *
     * @throws IllegalArgumentException when the input is not [N, in, H, W] or [in, H, W], or is smaller than the kernel's reach
     */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = ConvSettings.batched(s.signature(), input, s.in(), 2);
        Tensor y = ConvSettings.conv2d(s.signature(), x, weight(), bias(), s.stride(), s.padding(), s.dilation(), s.groups());
        return x == input ? y : y.squeeze(0);
    }

    @Override
    public String toString() {
        return s.signature();
    }
}
