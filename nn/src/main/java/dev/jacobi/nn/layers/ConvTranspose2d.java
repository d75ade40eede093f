package dev.jacobi.nn.layers;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;

/**
 * 2-D transposed convolution, as {@code torch.nn.ConvTranspose2d}: the adjoint of a {@link Conv2d} with
 * the same settings with respect to its input (what gives its gradient), used to upsample. Input
 * {@code [N, in, H, W]} (or {@code [in, H, W]}), output {@code [N, out, outH, outW]} with
 * {@code outH = (H - 1) stride - 2 padding + dilation (kh - 1) + outputPadding + 1} (likewise W).
 * The output padding must be below the stride (PyTorch also accepts it below the dilation; we do not).
 *
 * <p>Parameters: {@code weight} {@code [in, out/groups, kh, kw]} (PyTorch's layout: input channels first)
 * and optionally {@code bias} {@code [out]}, initialized as PyTorch does, whose fan-in for this layout is
 * {@code out/groups * kh * kw}. Computed as matmul + col2im.
 */
public final class ConvTranspose2d extends Layer {
    private final ConvSettings s;

    private ConvTranspose2d(ConvBuilder<ConvTranspose2d> b, Generator gen) {
        this.s = b.settings(true);
        Tensor w = registerParameter("weight", Tensor.zeros(b.dtype, s.in(), s.out() / s.groups(), s.kernel()[0], s.kernel()[1]));
        Tensor bias = s.bias() ? registerParameter("bias", Tensor.zeros(b.dtype, s.out())) : null;
        Init.linearDefault(w, bias, gen);
    }

    /** Settings for a layer with a square kernel. */
    public static ConvBuilder<ConvTranspose2d> builder(int in, int out, int kernel) {
        return builder(in, out, kernel, kernel);
    }

    /** Settings for a layer with a {@code kh x kw} kernel. */
    public static ConvBuilder<ConvTranspose2d> builder(int in, int out, int kh, int kw) {
        return new ConvBuilder<>("ConvTranspose2d", in, out, new int[] {kh, kw}, ConvTranspose2d::new);
    }

    /** The weight, {@code [in, out/groups, kh, kw]}. */
    public Tensor weight() {
        return parameter("weight");
    }

    /** The bias, {@code [out]}, or null. */
    public Tensor bias() {
        return hasParameter("bias") ? parameter("bias") : null;
    }

    /**
     * The transposed convolution of {@code input}.
     *
     * @throws IllegalArgumentException when the input is not [N, in, H, W] or [in, H, W], or the output would be empty
     */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = ConvSettings.batched(s.signature(), input, s.in(), 2);
        Tensor y = ConvSettings.convTranspose2d(s.signature(), x, weight(), bias(), s.stride(), s.padding(), s.dilation(),
                s.outputPadding(), s.groups());
        return x == input ? y : y.squeeze(0);
    }

    @Override
    public String toString() {
        return s.signature();
    }
}
