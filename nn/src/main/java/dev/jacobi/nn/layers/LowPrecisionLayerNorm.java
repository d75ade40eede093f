package dev.jacobi.nn.layers;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

/**
 * Layer normalization over the last dimension that keeps its parameters and activations in bfloat16
 * and computes the statistics in float32, as MosaicBERT's low-precision LayerNorm (Composer's
 * {@code LowPrecisionLayerNorm}: under bf16 autocast it casts the input, weight and bias down to bf16
 * and runs the bf16 layer-norm kernel, which accumulates in float32, instead of upcasting to float32).
 *
 * <p>Computes {@code bf16(LN_fp32(float(bf16(x)); float(weight), float(bias)))}: the input is rounded to
 * bfloat16 (as autocast would), every statistic and the affine transform run in float32, and the output
 * is rounded once to bfloat16. Input {@code [..., dim]} of any floating dtype; output {@code [..., dim]}
 * in bfloat16. Gradients flow through the casts; the parameters' gradients are bfloat16.
 *
 * <p>Parameters: {@code weight} (ones) and {@code bias} (zeros), {@code [dim]}, bfloat16; the names are
 * {@link LayerNorm}'s, so a float32 state dict loads into it (values rounded to bfloat16).
 */
public final class LowPrecisionLayerNorm extends Layer {
    private final int dim;
    private final double eps;

    private LowPrecisionLayerNorm(int dim, double eps) {
        if (dim < 1 || !(eps >= 0)) {
            throw new IllegalArgumentException("LowPrecisionLayerNorm: needs dim >= 1 and eps >= 0, got dim=" + dim + ", eps=" + eps);
        }
        this.dim = dim;
        this.eps = eps;
        Init.ones(registerParameter("weight", Tensor.zeros(DType.BFLOAT16, dim)));
        registerParameter("bias", Tensor.zeros(DType.BFLOAT16, dim));
    }

    /** A layer over the last dimension of size {@code dim} with PyTorch's eps 1e-5. */
    public static LowPrecisionLayerNorm of(int dim) {
        return new LowPrecisionLayerNorm(dim, LayerNorm.DEFAULT_EPS);
    }

    /** A layer over the last dimension of size {@code dim} (MosaicBERT uses eps 1e-12). */
    public static LowPrecisionLayerNorm of(int dim, double eps) {
        return new LowPrecisionLayerNorm(dim, eps);
    }

    /** The weight, {@code [dim]}, bfloat16. */
    public Tensor weight() {
        return parameter("weight");
    }

    /** The bias, {@code [dim]}, bfloat16. */
    public Tensor bias() {
        return parameter("bias");
    }

    /**
     * Normalizes {@code input} {@code [..., dim]}; the result is bfloat16.
     *
     * @throws IllegalArgumentException when the last dimension is not {@code dim}
     */
    @Override
    public Tensor forward(Tensor input) {
        Norms.checkInput(toString(), input, new int[] {dim});
        Tensor x = input.to(DType.BFLOAT16).to(DType.FLOAT32);
        return x.layerNorm(weight().to(DType.FLOAT32), bias().to(DType.FLOAT32), eps).to(DType.BFLOAT16);
    }

    @Override
    public String toString() {
        return "LowPrecisionLayerNorm(" + dim + ", eps=" + eps + ")";
    }
}
