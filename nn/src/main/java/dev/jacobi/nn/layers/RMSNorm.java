package dev.jacobi.nn.layers;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

/**
 * Root-mean-square normalization over the trailing {@code normalizedShape} dimensions (Zhang and
 * Sennrich 2019), as {@code torch.nn.RMSNorm} and LLaMA's RMSNorm:
 * {@code x / sqrt(mean(x²) + eps) * weight}; no centering and no bias. Input {@code [..., *normalizedShape]},
 * output of the same shape.
 *
 * <p>Parameter: {@code weight} (ones) of shape {@code normalizedShape}. Without an explicit eps, as
 * PyTorch, eps is the machine epsilon of the input's dtype (2^-23 for float32); LLaMA passes 1e-6 or 1e-5.
 */
public final class RMSNorm extends Layer {
    private final int[] normalizedShape;
    /** NaN means: the machine epsilon of the input's dtype. */
    private final double eps;

    private RMSNorm(int[] normalizedShape, double eps, DType dtype) {
        this.normalizedShape = Norms.checkNormalizedShape("RMSNorm", normalizedShape);
        if (eps < 0) {
            throw new IllegalArgumentException("RMSNorm: eps must be >= 0, got " + eps);
        }
        this.eps = eps;
        Init.ones(registerParameter("weight", Tensor.zeros(dtype, normalizedShape)));
    }

    /** A float32 layer over the last dimension, eps the machine epsilon of the input's dtype. */
    public static RMSNorm of(int dim) {
        return new RMSNorm(new int[] {dim}, Double.NaN, DType.FLOAT32);
    }

    /** A float32 layer over the last dimension. */
    public static RMSNorm of(int dim, double eps) {
        return new RMSNorm(new int[] {dim}, eps, DType.FLOAT32);
    }

    /** A layer over the trailing dimensions; {@code eps} NaN means the input dtype's machine epsilon. */
    public static RMSNorm of(int[] normalizedShape, double eps, DType dtype) {
        return new RMSNorm(normalizedShape, eps, dtype);
    }

    /** The weight. */
    public Tensor weight() {
        return parameter("weight");
    }

    /**
     * Normalizes {@code input} over its trailing dimensions.
     *
     * @throws IllegalArgumentException when the trailing dimensions are not the normalized shape
     */
    @Override
    public Tensor forward(Tensor input) {
        Norms.checkInput(toString(), input, normalizedShape);
        double e = Double.isNaN(eps) ? machineEpsilon(input.dtype()) : eps;
        int[] axes = Norms.lastAxes(input.rank(), normalizedShape.length);
        Tensor scale = input.square().mean(axes, true).add(e).rsqrt();
        return input.mul(scale).mul(weight());
    }

    /** {@code torch.finfo(dtype).eps}. */
    static double machineEpsilon(DType dtype) {
        return switch (dtype.realPart()) {
            case FLOAT64 -> Math.ulp(1.0);
            case FLOAT16 -> 0x1p-10;
            case BFLOAT16 -> 0x1p-7;
            default -> Math.ulp(1.0f);
        };
    }

    @Override
    public String toString() {
        return "RMSNorm(" + Shapes.format(normalizedShape) + ", eps=" + (Double.isNaN(eps) ? "dtype epsilon" : eps) + ")";
    }
}
