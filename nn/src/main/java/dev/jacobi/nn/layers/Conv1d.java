package dev.jacobi.nn.layers;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;

/**
 * 1-D convolution (cross-correlation), as {@code torch.nn.Conv1d}: input {@code [N, in, L]} (or unbatched
 * {@code [in, L]}), output {@code [N, out, outL]} with
 * {@code outL = floor((L + 2 padding - dilation (k - 1) - 1) / stride) + 1}, with stride, zero padding,
 * dilation and groups.
 *
 * <p>Parameters: {@code weight} {@code [out, in/groups, k]} and optionally {@code bias} {@code [out]},
 * initialized as PyTorch's default. Computed as a 2-D convolution of a height-1 image.
 */
public final class Conv1d extends Layer {
    private final ConvSettings s;

    private Conv1d(ConvBuilder<Conv1d> b, Generator gen) {
        this.s = b.settings(false);
        Tensor w = registerParameter("weight", Tensor.zeros(b.dtype, s.out(), s.in() / s.groups(), s.kernel()[0]));
        Tensor bias = s.bias() ? registerParameter("bias", Tensor.zeros(b.dtype, s.out())) : null;
        Init.linearDefault(w, bias, gen);
    }

    /** Settings for a layer with kernel size {@code kernel}. */
    public static ConvBuilder<Conv1d> builder(int in, int out, int kernel) {
        return new ConvBuilder<>("Conv1d", in, out, new int[] {kernel}, Conv1d::new);
    }

    /** A layer with stride 1, no padding, with a bias. */
    public static Conv1d of(int in, int out, int kernel, Generator gen) {
        return builder(in, out, kernel).build(gen);
    }

    /** The weight, {@code [out, in/groups, k]}. */
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
     * @throws IllegalArgumentException when the input is not [N, in, L] or [in, L], or is shorter than the kernel's reach
     */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = ConvSettings.batched(s.signature(), input, s.in(), 1);
        Tensor y = ConvSettings.conv2d(s.signature(), x.unsqueeze(2), weight().unsqueeze(2), bias(),
                new int[] {1, s.stride()[0]}, new int[] {0, s.padding()[0]}, new int[] {1, s.dilation()[0]}, s.groups())
                .squeeze(2);
        return x == input ? y : y.squeeze(0);
    }

    @Override
    public String toString() {
        return s.signature();
    }
}
