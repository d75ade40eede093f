package dev.jacobi.nn.layers;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

/**
 * Layer normalization over the trailing {@code normalizedShape} dimensions, as {@code torch.nn.LayerNorm}
 * (Ba et al. 2016): {@code (x - mean) / sqrt(var + eps) * weight + bias}, with the population variance,
 * for an input {@code [..., *normalizedShape]}; the output has the input's shape.
 *
 * <p>Parameters (when elementwise-affine): {@code weight} (ones) and {@code bias} (zeros), both of shape
 * {@code normalizedShape}.
 */
public final class LayerNorm extends Layer {
    /** PyTorch's default epsilon. */
    public static final double DEFAULT_EPS = 1e-5;

    private final int[] normalizedShape;
    private final double eps;

    private LayerNorm(int[] normalizedShape, double eps, boolean affine, boolean bias, DType dtype) {
        this.normalizedShape = Norms.checkNormalizedShape("LayerNorm", normalizedShape);
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("LayerNorm: eps must be >= 0, got " + eps);
        }
        this.eps = eps;
        if (affine) {
            Init.ones(registerParameter("weight", Tensor.zeros(dtype, normalizedShape)));
            if (bias) {
                registerParameter("bias", Tensor.zeros(dtype, normalizedShape));
            }
        }
    }

    /** A float32 layer over the last dimension of size {@code dim}, eps 1e-5, with weight and bias. */
    public static LayerNorm of(int dim) {
        return new LayerNorm(new int[] {dim}, DEFAULT_EPS, true, true, DType.FLOAT32);
    }

    /** A float32 layer over the last dimension, with weight and bias. */
    public static LayerNorm of(int dim, double eps) {
        return new LayerNorm(new int[] {dim}, eps, true, true, DType.FLOAT32);
    }

    /**
     * A layer over the trailing {@code normalizedShape} dimensions.
     *
     * @param affine whether it has a weight (and, when {@code bias}, a bias)
     * @param bias   whether it has a bias (as {@code bias=} of PyTorch 2.1+); ignored without {@code affine}
     */
    public static LayerNorm of(int[] normalizedShape, double eps, boolean affine, boolean bias, DType dtype) {
        return new LayerNorm(normalizedShape, eps, affine, bias, dtype);
    }

    /** The weight, or null without an affine transform. */
    public Tensor weight() {
        return hasParameter("weight") ? parameter("weight") : null;
    }

    /** The bias, or null when there is none. */
    public Tensor bias() {
        return hasParameter("bias") ? parameter("bias") : null;
    }

    /** The epsilon added to the variance. */
    public double eps() {
        return eps;
    }

    /**
     * Normalizes {@code input} {@code [..., *normalizedShape]} over its trailing dimensions.
     *
     * @throws IllegalArgumentException when the trailing dimensions are not the normalized shape
     */
    @Override
    public Tensor forward(Tensor input) {
        Norms.checkInput(this.toString(), input, normalizedShape);
        int n = Norms.numel(normalizedShape);
        Tensor w = weight();
        Tensor b = bias();
        Tensor y = Norms.flattenTrailing(input, normalizedShape)
                .layerNorm(w == null ? null : w.reshape(n), b == null ? null : b.reshape(n), eps);
        return y.reshape(input.shape());
    }

    @Override
    protected String extraRepr() {
        return Shapes.format(normalizedShape) + ", eps=" + eps + ", affine=" + hasParameter("weight")
                + (hasParameter("weight") && !hasParameter("bias") ? ", bias=false" : "");
    }

    @Override
    public String toString() {
        return "LayerNorm(" + extraRepr() + ")";
    }
}
